//! `cinder build`: plan the tree and publish it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use crate::app::{Context, Error, Status};
use crate::cli::BuildArgs;
use crate::output::{Summary, WriteProgress, publish};
use crate::plan::{Progress, plan};
use crate::requests::read_requests;
use crate::space::Space;

/// A progress bar on a terminal, nothing elsewhere.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(what: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(what.to_owned());
        Bar(Some(bar))
    }

    fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn planned(&self, done: u64, total: u64) {
        self.update(done, total);
    }
}

impl WriteProgress for Bar {
    fn wrote(&self, done: u64, total: u64) {
        self.update(done, total);
    }
}

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
    let space = Space::new(site, &observed);
    let bar = Bar::new("planning");
    let plan = plan(&space, &bar);
    bar.finish();
    let bar = Bar::new("writing");
    let summary = publish(&plan, &out, &bar)?;
    bar.finish();
    report(
        &out,
        &summary,
        plan.refused,
        started.elapsed().as_secs_f64(),
    );
    Ok(Status::Success)
}

fn report(out: &std::path::Path, s: &Summary, refused: u64, seconds: f64) {
    let mut err = std::io::stderr().lock();
    let state = match s.generation {
        Some(g) => format!("published generation {g}"),
        None => "nothing changed".to_owned(),
    };
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

fn human_bytes(n: u64) -> String {
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
