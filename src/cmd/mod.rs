//! One module per subcommand: orchestration only, the work is in the library.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod import;
pub(crate) mod query;
pub(crate) mod serve;
pub(crate) mod server_config;

use std::io::Write;
use std::path::Path;

use crate::app::{Context, Error};
use crate::diag::render;
use crate::load::{Loaded, load_site};

/// Loads the site at `dir`.
pub(crate) fn load(dir: &Path) -> Result<Loaded, Error> {
    Ok(load_site(dir)?)
}

/// Prints every diagnostic of a loaded site to stderr.
pub(crate) fn print_diagnostics(ctx: Context, loaded: &Loaded) {
    let mut err = std::io::stderr().lock();
    for d in loaded.diagnostics.iter() {
        let _ = write!(err, "{}", render(d, &loaded.sources, ctx.style));
        let _ = writeln!(err);
    }
}
