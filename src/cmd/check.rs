//! `cinder check`: report every problem in a site.

use std::io::Write;

use crate::app::{Context, Error, Status};
use crate::cli::CheckArgs;

pub(crate) fn run(ctx: Context, args: &CheckArgs) -> Result<Status, Error> {
    let loaded = super::load(&args.site.site)?;
    super::print_diagnostics(ctx, &loaded);
    let errors = loaded.diagnostics.errors();
    let warnings = loaded.diagnostics.warnings();
    let site = &loaded.site;
    let _ = writeln!(
        std::io::stderr(),
        "{}: {} rules, {} releases; {}, {}",
        if errors > 0 || (args.deny_warnings && warnings > 0) {
            "failed"
        } else {
            "ok"
        },
        site.rules.len(),
        site.releases.len(),
        count(errors, "error"),
        count(warnings, "warning"),
    );
    Ok(if errors > 0 || (args.deny_warnings && warnings > 0) {
        Status::Findings
    } else {
        Status::Success
    })
}

/// "1 error", "2 errors"
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
