//! One module per subcommand: orchestration only, the work is in the library.

pub(crate) mod bench;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod man;
pub(crate) mod query;
pub(crate) mod schema;
pub(crate) mod serve;
pub(crate) mod server_config;
pub(crate) mod synth;

use std::io::Write;
use std::path::Path;

use crate::app::{Context, Error};
use crate::cli::SiteArg;
use crate::diag::render;
use crate::load::{Loaded, load_site, load_site_at};

/// Loads the site a command names, as of its `--at` (default now).
pub(crate) fn load_at(site: &SiteArg) -> Result<Loaded, Error> {
    load_dir_at(&site.site, site.at.as_deref())
}

/// Loads the site at `dir` as of `at` (a UTC time; default now).
pub(crate) fn load_dir_at(dir: &Path, at: Option<&str>) -> Result<Loaded, Error> {
    let at = match at {
        None | Some("now") => crate::time::now(),
        Some(text) => crate::time::parse(text).map_err(|e| Error::Usage(format!("--at: {e}")))?,
    };
    Ok(load_site_at(dir, at)?)
}

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
