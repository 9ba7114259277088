//! `cinder explain`: why a request gets its answer.

use std::io::Write;

use crate::cli::ExplainArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::explain::explain;
use crate::space::Space;

pub(crate) fn run(ctx: Context, args: &ExplainArgs) -> Result<Status, Error> {
    let loaded = super::load_at(&args.site)?;
    if loaded.diagnostics.has_errors() {
        super::print_diagnostics(ctx, &loaded);
    }
    let site = &loaded.site;
    let space = Space::new(site, &site.observed);
    let text = explain(&space, &args.url, args.user_agent.as_deref());
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|err| Error::write("<stdout>", err))?;
    Ok(Status::Success)
}
