//! Scheduled changes (Balrog's scheduled rule, release and shutoff
//! changes), written in the site and applied as of a time before the
//! entry is validated; and expiry dates releases record.
//!
//! A rule, release or shutoff may carry
//! - `starts-at: TIME`: it exists only from TIME on (a scheduled insert);
//! - `scheduled:` a list of changes `{at: TIME, <fields>}`: from each TIME
//!   on, those fields replace the entry's own (a scheduled update), and
//!   `{at: TIME, delete: true}` removes the entry (a scheduled delete).
//!
//! Merged fields keep the place they were written, so a diagnostic about a
//! scheduled value points into the `scheduled` list.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::release::Expiry;
use crate::source::{Key, Node, Value};
use crate::time::{Timestamp, parse};

/// What the site schedules, whether due or not.
#[derive(Debug, Default)]
pub(crate) struct Scheduled {
    /// Every time written (`at`, `starts-at`).
    pub(crate) times: Vec<Timestamp>,
    /// Releases that entries with scheduled changes name as `mapping` or
    /// `fallbackMapping`, before or after a change.
    pub(crate) releases: Vec<String>,
}

/// Reads a time value, reporting a malformed one.
fn time_of(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<Timestamp> {
    let Some(text) = node.as_str() else {
        diags.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "`{field}` must be a UTC time written as a string, found {}",
                    node.kind()
                ),
            )
            .at(node.loc, "expected a time")
            .help("write, for example, `2026-12-24T08:00:00Z`"),
        );
        return None;
    };
    match parse(text) {
        Ok(t) => Some(t),
        Err(e) => {
            diags.push(
                Diagnostic::error(Code::InvalidValue, format!("`{field}`: {e}"))
                    .at(node.loc, "not a UTC time"),
            );
            None
        }
    }
}

/// The entry `node` as of `at`: `None` when it does not exist then. What
/// it schedules is added to `scheduled`.
pub(crate) fn resolve(
    node: &Node,
    at: Timestamp,
    scheduled: &mut Scheduled,
    diags: &mut Diagnostics,
) -> Option<Node> {
    let Value::Map(entries) = &node.value else {
        return Some(node.clone());
    };
    if !entries
        .iter()
        .any(|(k, _)| k.name == "scheduled" || k.name == "starts-at")
    {
        return Some(node.clone());
    }
    let mut exists = true;
    if let Some(start) = node
        .get("starts-at")
        .and_then(|n| time_of(n, "starts-at", diags))
    {
        scheduled.times.push(start);
        exists = start <= at;
    }
    let mut base: Vec<(Key, Node)> = entries
        .iter()
        .filter(|(k, _)| k.name != "scheduled" && k.name != "starts-at")
        .cloned()
        .collect();
    // The releases an entry names before or after its changes all count
    // as served (the old one until the change, the new one after).
    for field in ["mapping", "fallbackMapping"] {
        if let Some(name) = node.get(field).and_then(Node::as_str) {
            scheduled.releases.push(name.to_owned());
        }
    }
    let mut changes: Vec<(Timestamp, &Node)> = Vec::new();
    if let Some(list) = node.get("scheduled") {
        if !matches!(list.value, Value::Seq(_)) {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`scheduled` must be a list of changes, found {}", list.kind()),
                )
                .at(list.loc, "expected a list")
                .help("write, for example,\nscheduled:\n  - at: 2026-12-24T08:00:00Z\n    backgroundRate: 100"),
            );
        }
        for item in list.as_seq() {
            let Value::Map(_) = &item.value else {
                diags.push(
                    Diagnostic::error(
                        Code::WrongType,
                        format!(
                            "a scheduled change must be a mapping, found {}",
                            item.kind()
                        ),
                    )
                    .at(item.loc, "expected `at:` and the fields that change"),
                );
                continue;
            };
            let Some(when) = item.get("at") else {
                diags.push(
                    Diagnostic::error(
                        Code::MissingField,
                        "a scheduled change needs `at`, the UTC time it takes effect",
                    )
                    .at(item.loc, "no `at`")
                    .help("add `at: 2026-12-24T08:00:00Z`"),
                );
                continue;
            };
            for field in ["mapping", "fallbackMapping"] {
                if let Some(name) = item.get(field).and_then(Node::as_str) {
                    scheduled.releases.push(name.to_owned());
                }
            }
            if let Some(t) = time_of(when, "at", diags) {
                scheduled.times.push(t);
                changes.push((t, item));
            }
        }
    }
    // Changes in time order; the file's order breaks ties.
    changes.sort_by_key(|(t, _)| *t);
    for (t, item) in changes {
        if t > at {
            break;
        }
        let Value::Map(fields) = &item.value else {
            continue;
        };
        for (key, value) in fields {
            match key.name.as_str() {
                "at" => {}
                "delete" => match value.value {
                    Value::Bool(true) => exists = false,
                    Value::Bool(false) => exists = true,
                    _ => diags.push(
                        Diagnostic::error(Code::WrongType, "`delete` must be `true` or `false`")
                            .at(value.loc, "expected a boolean"),
                    ),
                },
                _ => match base.iter_mut().find(|(k, _)| k.name == key.name) {
                    Some(slot) => *slot = (key.clone(), value.clone()),
                    None => base.push((key.clone(), value.clone())),
                },
            }
        }
    }
    exists.then(|| Node::new(Value::Map(base), node.loc))
}

/// Takes the `expires` list off a release: `{what, at}` items.
pub(crate) fn take_expiries(node: &mut Node, diags: &mut Diagnostics) -> Vec<Expiry> {
    let Value::Map(entries) = &mut node.value else {
        return Vec::new();
    };
    let Some(i) = entries.iter().position(|(k, _)| k.name == "expires") else {
        return Vec::new();
    };
    let (_, list) = entries.remove(i);
    let mut out = Vec::new();
    if !matches!(list.value, Value::Seq(_)) {
        diags.push(
            Diagnostic::error(Code::WrongType, format!("`expires` must be a list, found {}", list.kind()))
                .at(list.loc, "expected a list")
                .help("write, for example,\nexpires:\n  - what: the add-on signing certificate\n    at: 2027-03-01T00:00:00Z"),
        );
    }
    for item in list.as_seq() {
        let what = item.get("what").and_then(Node::as_str);
        let at = item.get("at").and_then(|n| time_of(n, "at", diags));
        let unknown = match &item.value {
            Value::Map(fields) => fields
                .iter()
                .find(|(k, _)| k.name != "what" && k.name != "at")
                .map(|(k, _)| k.clone()),
            _ => None,
        };
        if let Some(k) = unknown {
            diags.push(
                Diagnostic::error(
                    Code::UnknownField,
                    format!("unknown field `{}` in an expiry", k.name),
                )
                .at(k.loc, "not a field of an expiry")
                .help("an expiry has `what` (what expires) and `at` (when, UTC)"),
            );
        }
        match (what, at) {
            (Some(what), Some(at)) => out.push(Expiry {
                what: what.to_owned(),
                at,
                loc: item.loc,
            }),
            (None, _) => diags.push(
                Diagnostic::error(
                    Code::MissingField,
                    "an expiry needs `what`, a string naming what expires",
                )
                .at(item.loc, "no `what`")
                .help("for example `what: the add-on signing certificate`"),
            ),
            (Some(_), None) => {
                if item.get("at").is_none() {
                    diags.push(
                        Diagnostic::error(
                            Code::MissingField,
                            "an expiry needs `at`, the UTC time it expires",
                        )
                        .at(item.loc, "no `at`"),
                    );
                }
            }
        }
    }
    out
}
