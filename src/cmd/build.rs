//! `cinder build`: plan the tree and publish it.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::read_requests;
use crate::cli::BuildArgs;
use crate::cmd::bar::Bar;
use crate::cmd::human_bytes;
use crate::cmd::{Context, Status};
use crate::diag::thousands;
use crate::error::Error;
use crate::load::Loaded;
use crate::model::request::Request;
use crate::output::{Durability, Inputs, Summary, publish, published, unchanged};
use crate::plan::{Depends, HardLimits, Record, Replanned, replan};
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
    let digests = file_digests(&loaded);
    let context = context(&loaded, &observed, args.allow_errors);
    let inputs = inputs(&loaded, &digests, &context);
    if let Some(summary) = unchanged(&out, &inputs)? {
        // Same site files, scheduled changes, requests, options and cinder:
        // the same tree, already published.
        report(&out, &summary, None, started.elapsed().as_secs_f64());
        return Ok(Status::Success);
    }
    let space = Space::new(site, &observed);
    let depends = Depends::new(site, &loaded.sources, &digests, &space, &context);
    let previous = if args.full { None } else { published(&out)? };
    let bar = Bar::new("planning");
    let (plan, replanned) = replan(&space, &depends, previous, &bar);
    bar.finish();
    let planned_s = started.elapsed().as_secs_f64();
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
    let durability = Durability::of_flags(args.no_fsync, args.fsync_each_file);
    let record = Record::of(&plan, &depends);
    let summary = publish(&plan, &out, &inputs, &record, durability, &bar)?;
    bar.finish();
    report_planning(&replanned, args.full, planned_s);
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

/// The SHA-256 of each of the site's files as read, by file.
fn file_digests(loaded: &Loaded) -> Vec<[u8; 32]> {
    let files: Vec<_> = loaded.sources.iter().collect();
    files
        .par_iter()
        .map(|file| Sha256::digest(file.text.as_bytes()).into())
        .collect()
}

/// The digest of what the tree depends on besides the site's files: the
/// scheduled changes in effect, the observed requests, the options, and
/// the cinder binary itself (when it cannot be read, a digest no later
/// build matches).
fn context(loaded: &Loaded, observed: &[Request], allow_errors: bool) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cinder build context 1\n");
    match std::env::current_exe().and_then(std::fs::read) {
        Ok(exe) => h.update(Sha256::digest(&exe)),
        Err(_) => h.update(format!("{:?}", std::time::SystemTime::now())),
    }
    for t in loaded.schedule.iter().filter(|t| **t <= loaded.at) {
        h.update(format!("scheduled {t:?}\n"));
    }
    h.update(format!("{observed:?}\nallow_errors {allow_errors}\n"));
    h.finalize().into()
}

/// The digest of everything the tree depends on: the `context`, and the
/// site's files (each path with the digest of its text).
fn inputs(loaded: &Loaded, digests: &[[u8; 32]], context: &[u8; 32]) -> Inputs {
    let mut h = Sha256::new();
    h.update(b"cinder build inputs 2\n");
    h.update(context);
    for (file, digest) in loaded.sources.iter().zip(digests) {
        let path = file.display.to_string_lossy();
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(digest);
    }
    Inputs {
        digest: h.finalize().into(),
    }
}

/// How much was planned: only the groups the change touched, or everything
/// and why.
fn report_planning(replanned: &Replanned, full: bool, seconds: f64) {
    let line = match replanned {
        Replanned::Touched {
            planned,
            groups,
            entries,
        } => format!(
            "planned {} of {} groups ({} entries) the change touches; the others kept their files ({seconds:.2} s)",
            thousands(*planned as u64),
            thousands(*groups as u64),
            thousands(*entries)
        ),
        Replanned::Everything(_) if full => {
            format!("planned every group (--full) ({seconds:.2} s)")
        }
        Replanned::Everything(why) => format!("planned every group: {why} ({seconds:.2} s)"),
    };
    let _ = writeln!(std::io::stderr(), "{line}");
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
