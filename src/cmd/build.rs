//! `cinder build`: plan the tree and publish it.

use std::io::Write;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::read_requests;
use crate::cli::BuildArgs;
use crate::cmd::bar::Bar;
use crate::cmd::human_bytes;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::load::Loaded;
use crate::model::request::Request;
use crate::output::{Durability, Inputs, Summary, publish, unchanged};
use crate::plan::{HardLimits, plan};
use crate::routing::Routing;
use crate::server::edge::cloudfront;
use crate::server::edge::index::Index;
use crate::space::Space;

pub(crate) fn run(ctx: Context, args: &BuildArgs) -> Result<Status, Error> {
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))?;
    }
    let started = std::time::Instant::now();
    let loaded = super::load_at(&args.site)?;
    if !loaded.diagnostics.is_empty() {
        super::print_diagnostics(ctx, &loaded);
    }
    let errors = loaded.diagnostics.errors();
    if errors > 0 && !args.allow_errors {
        let _ = writeln!(
            std::io::stderr(),
            "error: not building: the site has {} (see above); fix them, or pass --allow-errors to build anyway",
            super::check::count(errors, "error")
        );
        return Ok(Status::Findings);
    }
    let site = &loaded.site;
    let mut observed = site.observed.clone();
    for file in &args.requests {
        observed.extend(read_requests(file)?);
    }
    let out: PathBuf = match &args.out {
        Some(out) => out.clone(),
        None => loaded.root.join(&site.config.output),
    };
    let inputs = inputs(&loaded, &observed, args.allow_errors);
    if let Some(summary) = unchanged(&out, &inputs)? {
        // Same site files, scheduled changes, requests, options and cinder:
        // the same tree, already published.
        report(&out, &summary, None, started.elapsed().as_secs_f64());
        return Ok(Status::Success);
    }
    let space = Space::new(site, &observed);
    let bar = Bar::new("planning");
    let plan = plan(&space, &bar);
    bar.finish();
    let limits = HardLimits {
        files: args.max_files,
        directories: args.max_directories,
    };
    if let Some(why) = limits.exceeded(plan.size()) {
        let _ = writeln!(
            std::io::stderr(),
            "error: not building: {why}; nothing was written. `cinder check` names the releases over the site's budget (`large-release`); if a tree this large is meant, raise the limit on the command line"
        );
        return Ok(Status::Findings);
    }
    let bar = Bar::new("writing");
    let durability = if args.no_fsync {
        Durability::Skip
    } else if args.fsync_each_file {
        Durability::FlushEach
    } else {
        Durability::Flush
    };
    let summary = publish(&plan, &out, &inputs, durability, &bar)?;
    bar.finish();
    report(
        &out,
        &summary,
        Some(plan.refused),
        started.elapsed().as_secs_f64(),
    );
    // What the CDN edge that cannot ask its bucket for a file needs.
    let index = Index::new(plan.files.iter().map(|(path, _)| path.as_str()));
    let _ = writeln!(
        std::io::stderr(),
        "{}",
        cloudfront::fit_report(&Routing::new(&space), &index)
    );
    Ok(Status::Success)
}

/// The digest of everything the tree depends on: the site's files as read,
/// the scheduled changes in effect, the observed requests, the options, and
/// the cinder binary itself (when it cannot be read, a digest no later
/// build matches).
fn inputs(loaded: &Loaded, observed: &[Request], allow_errors: bool) -> Inputs {
    let mut h = Sha256::new();
    h.update(b"cinder build inputs 1\n");
    match std::env::current_exe().and_then(std::fs::read) {
        Ok(exe) => h.update(Sha256::digest(&exe)),
        Err(_) => h.update(format!("{:?}", std::time::SystemTime::now())),
    }
    for file in loaded.sources.iter() {
        let path = file.display.to_string_lossy();
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update((file.text.len() as u64).to_le_bytes());
        h.update(file.text.as_bytes());
    }
    for t in loaded.schedule.iter().filter(|t| **t <= loaded.at) {
        h.update(format!("scheduled {t:?}\n"));
    }
    h.update(format!("{observed:?}\nallow_errors {allow_errors}\n"));
    Inputs {
        digest: h.finalize().into(),
    }
}

/// The summary line; `refused` is `None` when nothing was planned (the
/// inputs were those of the published tree).
fn report(out: &std::path::Path, s: &Summary, refused: Option<u64>, seconds: f64) {
    let mut err = std::io::stderr().lock();
    let state = match (s.generation, refused) {
        (Some(g), _) => format!("published generation {g}"),
        (None, Some(_)) => "nothing changed".to_owned(),
        (None, None) => "nothing changed: same site, schedule and cinder".to_owned(),
    };
    let refused = refused.unwrap_or(0);
    let _ = writeln!(
        err,
        "built `{}` ({state}): {} files, {} distinct bodies; {} written, {} unchanged, {} removed; {} in {:.2} s",
        out.display(),
        s.files,
        s.distinct,
        s.written,
        s.unchanged,
        s.removed,
        human_bytes(s.bytes),
        seconds,
    );
    if refused > 0 {
        let _ = writeln!(
            err,
            "note: {refused} entries are requests Balrog would refuse (400) or fail on (500); they get the empty answer"
        );
    }
}
