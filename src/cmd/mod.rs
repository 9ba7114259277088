//! One module per subcommand: orchestration only, the work is in the library.

pub(crate) mod bar;
pub(crate) mod bench;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod man;
pub(crate) mod next_change;
pub(crate) mod publish;
pub(crate) mod query;
pub(crate) mod schema;
pub(crate) mod serve;
pub(crate) mod server_config;
pub(crate) mod synth;

use std::io::Write;
use std::path::Path;

use crate::cli::SiteArg;
use crate::diag::Style;
use crate::diag::render;
use crate::error::Error;
use crate::load::{Loaded, load_site, load_site_at};
use crate::model::request::Request;

/// What a command found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Nothing to report.
    Success,
    /// Errors in the site, failed requests, or differences: exit 1.
    Findings,
}

/// Settings every command shares.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context {
    /// How to draw diagnostics on stderr.
    pub(crate) style: Style,
}

/// Loads the site a command names, as of its `--at` (default now).
pub(crate) fn load_at(site: &SiteArg) -> Result<Loaded, Error> {
    load_dir_at(&site.site, site.at.as_deref())
}

/// Loads the site at `dir` as of `at` (a UTC time; default now).
pub(crate) fn load_dir_at(dir: &Path, at: Option<&str>) -> Result<Loaded, Error> {
    Ok(load_site_at(dir, self::at(at)?)?)
}

/// The time `--at` names (default now).
pub(crate) fn at(at: Option<&str>) -> Result<crate::time::Timestamp, Error> {
    match at {
        None | Some("now") => Ok(crate::time::now()),
        Some(text) => crate::time::parse(text).map_err(|e| Error::Usage(format!("--at: {e}"))),
    }
}

/// Loads the site at `dir`.
pub(crate) fn load(dir: &Path) -> Result<Loaded, Error> {
    Ok(load_site(dir)?)
}

/// Prints every diagnostic of a loaded site to stderr, then how many of
/// each code were found beyond those kept.
pub(crate) fn print_diagnostics(ctx: Context, loaded: &Loaded) {
    let mut err = std::io::stderr().lock();
    for d in loaded.diagnostics.iter() {
        let _ = write!(err, "{}", render(d, &loaded.sources, ctx.style));
        let _ = writeln!(err);
    }
    for (code, errors, warnings) in loaded.diagnostics.left_out() {
        let more = |n: usize, noun: &str| {
            format!(
                "{n} more `{}` {noun}{}",
                code.name(),
                if n == 1 { "" } else { "s" }
            )
        };
        let what = match (errors, warnings) {
            (0, w) => more(w, "warning"),
            (e, 0) => more(e, "error"),
            (e, w) => format!("{} and {w} warnings", more(e, "error")),
        };
        let _ = writeln!(
            err,
            "note: {what} not shown (the first {} of each code are); `cinder check --all` shows every one\n",
            crate::diag::KEPT_PER_CODE
        );
    }
}

/// A size for people: `3.5 MiB`.
pub(crate) fn human_bytes(n: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let f = n as f64;
    if n >= 1 << 30 {
        format!("{:.1} GiB", f / f64::from(1u32 << 30))
    } else if n >= 1 << 20 {
        format!("{:.1} MiB", f / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{:.1} KiB", f / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// Reads a request file (invalid UTF-8 is replaced, as in a log).
pub(crate) fn read_requests(path: &Path) -> Result<Vec<Request>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
    crate::model::request::parse_requests(&String::from_utf8_lossy(&bytes))
        .map_err(|(line, e)| Error::Invalid(format!("{}:{line}: {e}", path.display())))
}
