//! `cinder publish`: a built tree to object storage or a directory.

use std::io::Write;
use std::time::Duration;

use crate::cli::PublishArgs;
use crate::cmd::bar::Bar;
use crate::cmd::human_bytes;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::output::manifest::escape;
use crate::publish::{Dest, Findings, Options, Plan, Summary, Tree, Why, dest};
use crate::routing::Routing;
use crate::space::Space;

pub(crate) fn run(_ctx: Context, args: &PublishArgs) -> Result<Status, Error> {
    let wait = match &args.wait {
        Some(text) => {
            let seconds = crate::time::parse_duration(text)
                .map_err(|e| Error::Usage(format!("--wait: {e}")))?;
            Some(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
        }
        None => None,
    };
    let loaded = super::load(&args.site)?;
    let site = &loaded.site;
    let out = args
        .root
        .clone()
        .unwrap_or_else(|| loaded.root.join(&site.config.output));
    // How the site is served is all a publish needs of it.
    let routing = Routing::new(&Space::new(site, &site.observed));
    drop(loaded);
    let tree = Tree::read(&out, routing)?;
    // A local DEST must keep out of the tree and of the build's state beside it.
    let mut apart = vec![tree.root.clone()];
    if let Some(name) = out.file_name() {
        let state = out.with_file_name(format!(".{}.cinder", name.to_string_lossy()));
        apart.extend(std::fs::canonicalize(state).ok());
    }
    let dest = dest::open(&args.dest, args.endpoint.as_deref(), &apart)?;
    let opts = Options {
        jobs: args.jobs.max(1),
        wait,
        adopt: args.adopt,
        repair: args.repair,
    };
    if args.verify {
        let bar = Bar::new("verifying");
        let findings = crate::publish::verify(&tree, &dest, opts.jobs, &bar)?;
        bar.finish();
        return report_findings(&dest, &findings);
    }
    if args.dry_run {
        let plan = crate::publish::plan(&tree, &dest, &opts)?;
        print_plan(&tree, &dest, &plan)?;
        return Ok(Status::Success);
    }
    let bar = Bar::new("publishing");
    let summary = crate::publish::publish(&tree, &dest, &opts, &bar);
    bar.finish();
    report(&dest, &summary?);
    Ok(Status::Success)
}

fn report(dest: &Dest, s: &Summary) {
    let mut err = std::io::stderr().lock();
    if let Some(previous) = &s.took_over {
        let _ = writeln!(err, "note: took over {previous}");
    }
    if s.uploaded == 0 && s.deleted == 0 && !s.resumed {
        let _ = writeln!(
            err,
            "published `{}` (nothing changed): {} files; 0 uploaded, {} unchanged, 0 deleted; 0 B in {:.2} s",
            dest.name, s.files, s.unchanged, s.seconds
        );
        return;
    }
    let _ = writeln!(
        err,
        "published `{}`: {} files; {} uploaded, {} unchanged, {} deleted; {} in {:.2} s",
        dest.name,
        s.files,
        s.uploaded,
        s.unchanged,
        s.deleted,
        human_bytes(s.bytes),
        s.seconds
    );
    if s.resumed {
        let _ = writeln!(
            err,
            "note: finished a publish that had stopped; its {} keys were rewritten or deleted whatever they held",
            s.unsure
        );
    }
}

fn print_plan(tree: &Tree, dest: &Dest, plan: &Plan) -> Result<Status, Error> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let write = |out: &mut dyn Write, line: String| {
        writeln!(out, "{line}").map_err(|e| Error::write("<stdout>", e))
    };
    write(
        &mut out,
        format!(
            "# publish to `{}`, in order: + new, ~ changed, ! rewritten (content unknown), - deleted",
            dest.name
        ),
    )?;
    for (_, uploads) in &plan.phases {
        for &n in uploads {
            let u = plan.changes.uploads[n];
            let sign = match u.why {
                Why::New => '+',
                Why::Changed => '~',
                Why::Unsure => '!',
            };
            write(
                &mut out,
                format!("{sign} {}", escape(&tree.files[u.file].path)),
            )?;
        }
    }
    if !plan.is_empty() {
        write(&mut out, "~ .cinder-manifest.tsv.gz".to_owned())?;
    }
    for key in &plan.changes.deletions {
        write(&mut out, format!("- {}", escape(key)))?;
    }
    out.flush().map_err(|e| Error::write("<stdout>", e))?;
    let _ = writeln!(
        std::io::stderr(),
        "dry run of a publish to `{}`: {} files; would upload {} ({} new, {} changed, {} rewritten; {}), leave {} unchanged, delete {}",
        dest.name,
        tree.files.len(),
        plan.changes.uploads.len(),
        plan.count(Why::New),
        plan.count(Why::Changed),
        plan.count(Why::Unsure),
        human_bytes(plan.bytes(tree)),
        plan.changes.unchanged,
        plan.changes.deletions.len()
    );
    Ok(Status::Success)
}

fn report_findings(dest: &Dest, f: &Findings) -> Result<Status, Error> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let lines = f
        .missing
        .iter()
        .map(|k| format!("missing {}", escape(k)))
        .chain(
            f.different
                .iter()
                .map(|k| format!("different {}", escape(k))),
        )
        .chain(
            f.unexpected
                .iter()
                .map(|k| format!("unexpected {}", escape(k))),
        )
        .chain(f.state.iter().map(|s| format!("state {s}")));
    for line in lines {
        writeln!(out, "{line}").map_err(|e| Error::write("<stdout>", e))?;
    }
    out.flush().map_err(|e| Error::write("<stdout>", e))?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "verified `{}`: {} objects match the tree; {} missing, {} different, {} unexpected{}",
        dest.name,
        f.matching,
        f.missing.len(),
        f.different.len(),
        f.unexpected.len(),
        if f.state.is_empty() {
            String::new()
        } else {
            format!("; {} problems with cinder's state", f.state.len())
        }
    );
    if f.is_clean() {
        return Ok(Status::Success);
    }
    let _ = writeln!(
        err,
        "publishing with `--repair` rewrites or deletes what differs"
    );
    Ok(Status::Findings)
}
