//! Expiry dates against a time: what has expired, and what expires within
//! a horizon (`check --horizon 30d`), so CI fails weeks ahead.

use crate::diag::{Code, Diagnostic};
use crate::model::Site;
use crate::time::{Timestamp, format};

/// Diagnostics for expiries of the site's releases as of `at`: a warning
/// for each that has passed, and with a horizon, an error for each that
/// passes within it.
pub(crate) fn check(site: &Site, at: Timestamp, horizon: Option<i64>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for release in &site.releases {
        for e in &release.expires {
            let when = format(e.at);
            if e.at <= at {
                out.push(
                    Diagnostic::warning(
                        Code::Expired,
                        format!("{} of release `{}` expired at {when}", e.what, release.name),
                    )
                    .at(e.loc, "expired")
                    .help("renew it and record the new date, or stop serving the release"),
                );
            } else if let Some(h) = horizon
                && e.at <= at.saturating_add(h)
            {
                let days = (e.at - at) / 86_400;
                out.push(
                    Diagnostic::error(
                        Code::ExpiresSoon,
                        format!(
                            "{} of release `{}` expires at {when}, within the horizon ({days} days from {})",
                            e.what,
                            release.name,
                            format(at)
                        ),
                    )
                    .at(e.loc, "expires soon")
                    .help("renew it before then and record the new date"),
                );
            }
        }
    }
    out
}
