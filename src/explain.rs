//! `cinder explain`: why a request gets its answer. It renders the steps
//! that `query`, `build` and `serve` take to answer it (the response's
//! trace): where the request lands in the tree, the query evaluated there,
//! each rule of the product and how it fared, the release chosen and why,
//! and which patches were offered or dropped. It decides nothing itself, so
//! it cannot disagree with `query`.

use std::fmt::Write as _;

use crate::engine::evaluate::{NoUpdate, Via};
use crate::engine::field::Field;
use crate::engine::query::{Force, Query};
use crate::engine::trace::{Test, Throttle};
use crate::model::release::{Blob, Platform};
use crate::model::{RuleId, Site};
use crate::render::app::{Fate, patch_fates};
use crate::response::{Evaluated, Landing, respond_traced};
use crate::routing::Routing;
use crate::space::Space;

/// Explains the answer to `url` (with an optional User-Agent), in lines
/// for people.
pub(crate) fn explain(space: &Space<'_>, url: &str, user_agent: Option<&str>) -> String {
    let site = space.site;
    let routing = Routing::new(space);
    let traced = respond_traced(space, &routing, url, user_agent);
    let response = &traced.response;
    let mut out = String::new();
    let _ = writeln!(out, "request  {url}");
    match &traced.landing {
        Landing::Entry { path, listed_build } => {
            let _ = writeln!(
                out,
                "tree     {}",
                response.file.as_deref().map_or_else(
                    || format!("{path} (no file: the empty answer)"),
                    str::to_owned
                )
            );
            if !listed_build {
                let _ = writeln!(
                    out,
                    "         a build no release lists: answered as older than every listed build"
                );
            }
        }
        Landing::OffRoutes => {
            let _ = writeln!(
                out,
                "tree     no file: the URL is on none of the site's routes or names a product no route serves, so the web server gives the empty answer"
            );
            if traced.evaluated.is_some() {
                let _ = writeln!(out, "         (below: what Balrog itself would do with it)");
            }
        }
    }
    if let Some((status, reason)) = &response.balrog {
        let _ = writeln!(
            out,
            "balrog   would answer {status}: {reason}; the tree serves the empty answer"
        );
    }
    if let Some(e) = &traced.evaluated {
        describe_query(&mut out, &e.query, traced.sent.as_ref());
        rules(&mut out, site, e);
        decision(&mut out, site, e);
    }
    let _ = writeln!(out, "\nanswer   {}", response.status);
    let _ = writeln!(out, "{}", response.body);
    out
}

/// The query's fields as they are shown, in order.
fn fields(q: &Query) -> Vec<(&'static str, Option<String>)> {
    let caps = q.system_capabilities.as_ref();
    vec![
        ("product", Some(q.product.clone())),
        ("version", Some(q.version.clone())),
        ("buildID", q.build_id.clone()),
        ("buildTarget", Some(q.build_target.clone())),
        ("locale", q.locale.clone()),
        ("channel", Some(q.channel.clone())),
        ("osVersion", q.os_version.clone()),
        (
            "instructionSet",
            caps.and_then(|c| c.instruction_set.clone()),
        ),
        ("memory", caps.and_then(|c| c.memory).map(|m| m.to_string())),
        ("jaws", caps.and_then(|c| c.jaws).map(|j| j.to_string())),
        ("distribution", q.distribution.clone()),
        ("distVersion", q.dist_version.clone()),
        (
            "headerArchitecture",
            q.header_architecture.map(str::to_owned),
        ),
        ("force", q.force.map(|f| Force::as_str(f).to_owned())),
        ("pin", q.pin.clone()),
        (
            "mig64",
            q.mig64.map(|m| if m { "1" } else { "other" }.to_owned()),
        ),
    ]
}

/// The query evaluated; beside each value the request sent in its place,
/// where the tree answers it as another of its class.
fn describe_query(out: &mut String, q: &Query, sent: Option<&Query>) {
    let answered = fields(q);
    let sent = sent.map_or_else(|| answered.clone(), fields);
    if answered == sent {
        let _ = writeln!(out, "\nquery");
    } else {
        let _ = writeln!(
            out,
            "\nquery (as the tree answers it: values the request sent stand for their class)"
        );
    }
    for ((name, value), (_, sent)) in answered.iter().zip(&sent) {
        let shown = |v: &Option<String>| {
            v.as_deref()
                .map_or("nothing".to_owned(), |v| format!("`{v}`"))
        };
        match value {
            Some(v) if value == sent => {
                let _ = writeln!(out, "  {name:<18} {v}");
            }
            _ if value == sent => {}
            _ => {
                let _ = writeln!(
                    out,
                    "  {name:<18} {}  (sent: {})",
                    shown(value),
                    shown(sent)
                );
            }
        }
    }
}

/// The query's value of a field, for people.
fn query_value(q: &Query, field: Field) -> String {
    field
        .query_value(q)
        .map_or_else(|| "a request without it".to_owned(), |v| format!("`{v}`"))
}

fn rules(out: &mut String, site: &Site, e: &Evaluated) {
    let q = &e.query;
    if let Some(i) = e.trace.shutoff {
        let s = &site.config.shutoffs[i];
        let _ = writeln!(
            out,
            "\nshutoff  `{}` on `{}` is shut off in cinder.yml{}: no rule is consulted",
            s.product,
            s.channel,
            s.comment
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        );
        return;
    }
    let mut tested: Vec<&(RuleId, Test)> = e.trace.rules.iter().collect();
    // Balrog's order of preference: priority, then row order.
    tested.sort_by_key(|(id, _)| std::cmp::Reverse(site.rule(*id).priority));
    let _ = writeln!(
        out,
        "\nrules of `{}` ({}, by priority)",
        q.product,
        tested.len()
    );
    let winner = e.answer.as_ref().ok().and_then(|a| a.decision.rule);
    for (id, test) in tested {
        let rule = site.rule(*id);
        let name = site.rule_name(*id);
        let verdict = match test {
            Test::Error(e) => format!("error while matching: {e:?}"),
            Test::Fails(field) => format!(
                "no: {} `{}` does not match {}",
                field.name(),
                field.of(rule).unwrap_or_default(),
                query_value(q, *field)
            ),
            Test::Matches => match winner {
                Some(w) if w == *id => "MATCHES and wins".to_owned(),
                Some(w) if site.rule(w).priority == rule.priority => format!(
                    "matches, but rule {} has the same priority and comes first",
                    site.rule_name(w)
                ),
                Some(w) => format!(
                    "matches, but rule {} has a higher priority",
                    site.rule_name(w)
                ),
                None => "matches".to_owned(),
            },
        };
        let _ = writeln!(
            out,
            "  rule {name:<24} priority {:<5} {verdict}",
            rule.priority
        );
    }
}

fn decision(out: &mut String, site: &Site, e: &Evaluated) {
    let q = &e.query;
    let a = match &e.answer {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(out, "\nrelease  evaluation fails: {e:?}");
            return;
        }
    };
    if let Some(id) = a.decision.rule {
        let rule = site.rule(id);
        let mapping = rule.mapping.as_ref().map_or("nothing", |t| t.name.as_str());
        if let Some(comment) = &rule.comment {
            let _ = writeln!(out, "\nrule {}: {comment}", site.rule_name(id));
        }
        let mut line = format!("\nrelease  rule {} maps to `{mapping}`", site.rule_name(id));
        if let Some(throttle) = e.trace.throttle {
            let _ = write!(
                line,
                "; backgroundRate {}: {}",
                rule.background_rate,
                match throttle {
                    Throttle::ForcedMapping => "force=1 gets the mapping".to_owned(),
                    Throttle::ForcedFallback => "force=-1 never gets the mapping".to_owned(),
                    Throttle::DiceWon => "this is the answer when the dice win".to_owned(),
                    Throttle::DiceLost => format!(
                        "a background check gets what Balrog gives when the dice lose (with --split, {}% of checks get the mapping)",
                        rule.background_rate
                    ),
                }
            );
        }
        let _ = writeln!(out, "{line}");
    }
    match &a.decision.outcome {
        Ok(served) => {
            let name = &site.release(served.release).name;
            let how = match served.via {
                Via::Mapping => "the rule's mapping".to_owned(),
                Via::FallbackMapping => "the rule's fallbackMapping".to_owned(),
                Via::Pin => format!(
                    "the pin `{}` (the rule's `{}` lies beyond it)",
                    q.pin.as_deref().unwrap_or_default(),
                    served
                        .unpinned
                        .map_or("", |u| site.release(u).name.as_str())
                ),
            };
            let _ = writeln!(out, "         serves `{name}`, through {how}");
        }
        Err(why) => {
            let text = match why {
                NoUpdate::ShutOff { channel } => format!("shut off on `{channel}`"),
                NoUpdate::NoRuleMatched => "no rule matches".to_owned(),
                NoUpdate::NoMapping => "the winning rule maps to nothing".to_owned(),
                NoUpdate::Throttled => "throttled, and the rule has no fallbackMapping".to_owned(),
                NoUpdate::NotServed { release, why } => format!(
                    "`{}` declines: {}",
                    site.release(*release).name,
                    why.describe()
                ),
                NoUpdate::PinNotServed { release, why } => format!(
                    "the pinned `{}` declines: {}",
                    site.release(*release).name,
                    why.describe()
                ),
            };
            let _ = writeln!(out, "         no update: {text}");
        }
    }
    for (product, d) in &a.sub_decisions {
        let what = match &d.outcome {
            Ok(s) => format!("`{}`", site.release(s.release).name),
            Err(_) => "nothing".to_owned(),
        };
        let rule = d.rule.map_or("no rule", |r| site.rule_name(r));
        let _ = writeln!(
            out,
            "         SuperBlob product `{product}`: {what} (rule {rule})"
        );
    }
    for part in &a.parts {
        patches(out, site, q, part.release, &part.product);
    }
}

/// Each complete and partial of the client's platform and locale: offered,
/// or why not.
fn patches(
    out: &mut String,
    site: &Site,
    q: &Query,
    release: crate::model::ReleaseId,
    product: &str,
) {
    let r = site.release(release);
    let Blob::App(app) = &r.blob else {
        return;
    };
    let bt = q.build_target.as_str();
    let Some(data) = app.platform_data(bt) else {
        return;
    };
    if let Some(Platform::Alias { target, .. }) = app.platforms.get(bt) {
        let _ = writeln!(out, "         platform `{bt}` is an alias of `{target}`");
    }
    let Some(entry) = data
        .locales
        .as_ref()
        .and_then(|l| l.get(q.locale_or_empty()))
    else {
        return;
    };
    let _ = writeln!(
        out,
        "\npatches of `{}` for {bt} {}",
        r.name,
        q.locale_or_empty()
    );
    for (kind, patch, fate) in patch_fates(site, app, q, product, entry) {
        let fate = match fate {
            Err(e) => format!("fails: {e:?}"),
            Ok(Fate::Offered(_)) => "OFFERED".to_owned(),
            Ok(Fate::Shadowed) => format!("not offered: an earlier {kind} is"),
            Ok(Fate::Dropped(why)) => format!("dropped: {why}"),
        };
        let _ = writeln!(
            out,
            "  {kind:<8} from {:<24} {fate}",
            format!("`{}`", patch.from)
        );
    }
}
