//! `cinder diff`: which clients' answers change between two versions of a
//! site, each a directory or a git revision.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::cli::{DiffArgs, DiffFormat};
use crate::cmd::{Context, Status};
use crate::diff::{compare, markdown, text};
use crate::error::Error;
use crate::plan::{Quiet, plan};
use crate::space::Space;

pub(crate) fn run(ctx: Context, args: &DiffArgs) -> Result<Status, Error> {
    let scratch = tempfile::tempdir().map_err(|e| Error::write(std::env::temp_dir(), e))?;
    let site = &args.site.site;
    let base_dir = side(site, &args.base, &scratch.path().join("base"))?;
    let (head_dir, head_label) = match &args.head {
        Some(h) => (side(site, h, &scratch.path().join("head"))?, h.clone()),
        None => (site.clone(), "the working tree".to_owned()),
    };
    let at = args.site.at.as_deref();
    let base = super::load_dir_at(&base_dir, at)?;
    let head = super::load_dir_at(&head_dir, at)?;
    for (label, loaded) in [(&args.base, &base), (&head_label, &head)] {
        if loaded.diagnostics.has_errors() {
            super::print_diagnostics(ctx, loaded);
            let _ = writeln!(
                std::io::stderr(),
                "warning: {label} has {} (see above); requests that reach them get the empty answer",
                super::check::count(loaded.diagnostics.errors(), "error"),
            );
        }
    }
    let base_space = Space::new(&base.site, &base.site.observed);
    let head_space = Space::new(&head.site, &head.site.observed);
    let base_plan = plan(&base_space, &Quiet);
    let head_plan = plan(&head_space, &Quiet);
    let report = compare(&base_space, &base_plan, &head_space, &head_plan);
    let out = match args.format {
        DiffFormat::Text => text(&report, &args.base, &head_label),
        DiffFormat::Markdown => markdown(&report, &args.base, &head_label),
    };
    std::io::stdout()
        .write_all(out.as_bytes())
        .map_err(|e| Error::write("<stdout>", e))?;
    Ok(if report.changed() > 0 {
        Status::Findings
    } else {
        Status::Success
    })
}

/// The site directory for one side: `spec` itself when it is a directory,
/// else the site as git revision `spec` of the repository holding `site`,
/// extracted under `dest`.
fn side(site: &Path, spec: &str, dest: &Path) -> Result<PathBuf, Error> {
    let as_dir = Path::new(spec);
    if as_dir.is_dir() {
        return Ok(as_dir.to_path_buf());
    }
    let git = |args: &[&str]| -> Result<String, Error> {
        let out = Command::new("git")
            .arg("-C")
            .arg(site)
            .args(args)
            .output()
            .map_err(|e| Error::Usage(format!("cannot run git: {e}")))?;
        if !out.status.success() {
            return Err(Error::Usage(format!(
                "`{spec}` is neither a directory nor a git revision of the repository holding `{}`: git says: {}",
                site.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{spec}^{{commit}}"),
    ])?;
    std::fs::create_dir_all(dest).map_err(|e| Error::write(dest, e))?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(site)
        .args(["archive", "--format=tar", &commit])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Usage(format!("cannot run git: {e}")))?;
    let stdout = archive
        .stdout
        .take()
        .ok_or_else(|| Error::Usage("git archive gave no output".to_owned()))?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dest)
        .stdin(stdout)
        .status()
        .map_err(|e| Error::Usage(format!("cannot run tar: {e}")))?;
    let archived = archive
        .wait()
        .map_err(|e| Error::Usage(format!("git archive failed: {e}")))?;
    if !tar.success() || !archived.success() {
        return Err(Error::Usage(format!(
            "cannot extract revision `{spec}` of the repository holding `{}`",
            site.display()
        )));
    }
    // Run in the site's directory, git archives that directory's tree only.
    Ok(dest.to_path_buf())
}
