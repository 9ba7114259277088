//! `cinder check`: report every problem in a site, as of now and as of
//! every scheduled change still to come.

use std::collections::HashSet;
use std::io::Write;

use crate::cli::CheckArgs;
use crate::cmd::{Context, Status};
use crate::diag::render;
use crate::error::Error;
use crate::load::{expiry, load_site_with};
use crate::plan::{Plan, Quiet, plan};
use crate::routing::Routing;
use crate::routing::hosts::{RouteReport, plain_blockers, report};
use crate::space::Space;
use crate::time::{format, parse_duration};

pub(crate) fn run(ctx: Context, args: &CheckArgs) -> Result<Status, Error> {
    let horizon = args
        .horizon
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(|e| Error::Usage(format!("--horizon: {e}")))?;
    let at = super::at(args.site.at.as_deref())?;
    let cap = (!args.all).then_some(crate::diag::KEPT_PER_CODE);
    let mut loaded = load_site_with(&args.site.site, at, cap)?;
    for d in expiry::check(&loaded.site, loaded.at, horizon) {
        loaded.diagnostics.push(d);
    }
    loaded.diagnostics.sort();
    super::print_diagnostics(ctx, &loaded);
    let mut errors = loaded.diagnostics.errors();
    let mut warnings = loaded.diagnostics.warnings();

    // A scheduled change must be as valid as the site is today: load the
    // site as of each one still to come and report what is new then.
    let mut seen: HashSet<String> = loaded
        .diagnostics
        .iter()
        .map(|d| render(d, &loaded.sources, crate::diag::Style::Plain))
        .collect();
    let upcoming: Vec<_> = loaded
        .schedule
        .iter()
        .copied()
        .filter(|t| *t > loaded.at)
        .collect();
    for t in &upcoming {
        let later = load_site_with(&args.site.site, *t, cap)?;
        let mut err = std::io::stderr().lock();
        let mut header = false;
        for d in later.diagnostics.iter() {
            if !seen.insert(render(d, &later.sources, crate::diag::Style::Plain)) {
                continue;
            }
            if !header {
                let _ = writeln!(
                    err,
                    "as of {} (a scheduled change takes effect):",
                    format(*t)
                );
                header = true;
            }
            let _ = write!(err, "{}", render(d, &later.sources, ctx.style));
            let _ = writeln!(err);
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
        }
    }

    let site = &loaded.site;
    // What each kind of host serves, for a site that can be built.
    if errors == 0 {
        let mut space = Space::new(site, &site.observed);
        let routing = Routing::new(&space);
        let reports = host_reports(&mut space, &routing);
        if !reports.is_empty() {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "what each kind of web server serves of each route (`cinder server-config HOST`):"
            );
            for r in &reports {
                let _ = write!(err, "{}", r.text(args.hosts));
            }
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    let scheduled = if upcoming.is_empty() {
        String::new()
    } else {
        format!("; {} checked", count(upcoming.len(), "scheduled change"))
    };
    let _ = writeln!(
        std::io::stderr(),
        "{}: {} rules, {} releases{scheduled}; {}, {}",
        if failed { "failed" } else { "ok" },
        site.rules.len(),
        site.releases.len(),
        count(errors, "error"),
        count(warnings, "warning"),
    );
    Ok(if failed {
        Status::Findings
    } else {
        Status::Success
    })
}

/// What each kind of host serves of each route. The routes a plain host
/// can serve are planned (and only they) to name the requests it answers
/// differently; `space` keeps only those routes afterwards.
pub(crate) fn host_reports(space: &mut Space<'_>, routing: &Routing) -> Vec<RouteReport> {
    let keep: Vec<bool> = routing
        .routes
        .iter()
        .map(|r| plain_blockers(r).is_empty())
        .collect();
    let mut i = 0;
    space.routes.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let planned = if space.routes.is_empty() {
        Plan::default()
    } else {
        plan(space, &Quiet)
    };
    let files: Vec<&str> = planned.files.iter().map(|(p, _)| p.as_str()).collect();
    report(routing, &files)
}

/// "1 error", "2 errors"
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
