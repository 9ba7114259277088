//! `cinder import balrog`: a Balrog export as a site.

use std::io::Write;

use crate::cli::ImportBalrogArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::import::balrog::Export;
use crate::site_writer::write_site;

pub(crate) fn run(ctx: Context, args: &ImportBalrogArgs) -> Result<Status, Error> {
    let mut export = Export::read(&args.dir)?;
    let found = args.dir.join("urls.txt");
    if found.is_file() {
        export.observe(&found)?;
    }
    for file in &args.requests {
        export.observe(file)?;
    }
    let files = export.to_site();
    write_site(&args.out, &files, args.force)?;
    let loaded = super::load(&args.out)?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "imported {} rules and {} releases into `{}`",
        loaded.site.rules.len(),
        loaded.site.releases.len(),
        args.out.display()
    );
    if !loaded.diagnostics.is_empty() {
        drop(err);
        super::print_diagnostics(ctx, &loaded);
        let _ = writeln!(
            std::io::stderr(),
            "note: the imported data has {} and {}; Balrog fails (400/500) on the requests that reach the errors, and `cinder build` refuses them until they are fixed",
            super::check::count(loaded.diagnostics.errors(), "error"),
            super::check::count(loaded.diagnostics.warnings(), "warning"),
        );
    }
    Ok(Status::Success)
}
