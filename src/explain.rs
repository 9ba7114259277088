//! `cinder explain`: why a request gets its answer. The same evaluation as
//! `query` and `build`, retold step by step: the query as the tree sees it,
//! each rule of the product and whether it matched, the release chosen and
//! why, and which patches were offered or dropped.

use std::fmt::Write as _;

use crate::engine::evaluate::{Field, NoUpdate, Via, answer, first_mismatch};
use crate::engine::matchers::QueryVersion;
use crate::engine::query::{Force, Query, parse_url};
use crate::model::release::{Blob, Platform};
use crate::model::{RuleId, Site};
use crate::render::app::patch_fate;
use crate::response::respond;
use crate::routing::Routing;
use crate::space::Space;

/// Explains the answer to `url` (with an optional User-Agent), in lines
/// for people.
pub(crate) fn explain(space: &Space<'_>, url: &str, user_agent: Option<&str>) -> String {
    let site = space.site;
    let routing = Routing::new(space);
    let response = respond(space, &routing, url, user_agent);
    let mut out = String::new();
    let _ = writeln!(out, "request  {url}");
    let query = match routing.project(space, url, user_agent) {
        Some((entry, variant)) => {
            let _ = writeln!(
                out,
                "tree     {}",
                response.file.as_deref().map_or_else(
                    || format!("{} (no file: the empty answer)", entry.path(&variant)),
                    str::to_owned
                )
            );
            let parsed = parse_url(url, user_agent).query;
            match (entry.build, parsed) {
                // A listed build: explain with the values as sent (the
                // tree's class of them answers the same).
                (Some(_), Some(q)) => Some(q),
                _ => {
                    let _ = writeln!(
                        out,
                        "         a build no release lists: answered as older than every listed build"
                    );
                    Some(entry.query(&variant))
                }
            }
        }
        None => {
            let _ = writeln!(
                out,
                "tree     no file: the URL is on none of the site's routes or names a product no route serves, so the web server gives the empty answer"
            );
            parse_url(url, user_agent).query.inspect(|_| {
                let _ = writeln!(out, "         (below: what Balrog itself would do with it)");
            })
        }
    };
    if let Some((status, reason)) = &response.balrog {
        let _ = writeln!(
            out,
            "balrog   would answer {status}: {reason}; the tree serves the empty answer"
        );
    }
    if let Some(q) = &query {
        describe_query(&mut out, q);
        rules(&mut out, site, q);
        decision(&mut out, site, q);
    }
    let _ = writeln!(out, "\nanswer   {}", response.status);
    let _ = writeln!(out, "{}", response.body);
    out
}

fn describe_query(out: &mut String, q: &Query) {
    let _ = writeln!(out, "\nquery");
    let mut field = |name: &str, value: Option<&str>| {
        if let Some(v) = value {
            let _ = writeln!(out, "  {name:<18} {v}");
        }
    };
    field("product", Some(&q.product));
    field("version", Some(&q.version));
    field("buildID", q.build_id.as_deref());
    field("buildTarget", Some(&q.build_target));
    field("locale", q.locale.as_deref());
    field("channel", Some(&q.channel));
    field("osVersion", q.os_version.as_deref());
    if let Some(c) = &q.system_capabilities {
        field("instructionSet", c.instruction_set.as_deref());
        field("memory", c.memory.map(|m| m.to_string()).as_deref());
        field("jaws", c.jaws.map(|j| j.to_string()).as_deref());
    }
    field("distribution", q.distribution.as_deref());
    field("distVersion", q.dist_version.as_deref());
    field("headerArchitecture", q.header_architecture);
    field("force", q.force.map(Force::as_str));
    field("pin", q.pin.as_deref());
    field("mig64", q.mig64.map(|m| if m { "1" } else { "other" }));
}

/// The query's value of a field.
fn query_value(q: &Query, field: Field) -> String {
    let s = match field {
        Field::Product => Some(q.product.clone()),
        Field::BuildTarget => Some(q.build_target.clone()),
        Field::HeaderArchitecture => q.header_architecture.map(str::to_owned),
        Field::DistVersion => q.dist_version.clone(),
        Field::Channel => Some(q.channel.clone()),
        Field::Version => Some(q.version.clone()),
        Field::BuildId => q.build_id.clone(),
        Field::Memory => q.memory().map(|m| m.to_string()),
        Field::OsVersion => q.os_version.clone(),
        Field::InstructionSet => q.instruction_set().map(str::to_owned),
        Field::Distribution => q.distribution.clone(),
        Field::Locale => q.locale.clone(),
        Field::Mig64 => q.mig64.map(|b| b.to_string()),
        Field::Jaws => q.jaws().map(|b| b.to_string()),
    };
    s.map_or_else(|| "a request without it".to_owned(), |v| format!("`{v}`"))
}

fn rules(out: &mut String, site: &Site, q: &Query) {
    let fallback = q.fallback_channel();
    for s in &site.config.shutoffs {
        if s.product == q.product && (s.channel == q.channel || s.channel == fallback) {
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
    }
    let qv = QueryVersion::new(&q.version);
    let mut candidates: Vec<RuleId> = site
        .rule_ids()
        .filter(|id| {
            site.rule(*id)
                .product
                .as_ref()
                .is_none_or(|p| *p == q.product)
        })
        .collect();
    // Balrog's order of preference: priority, then row order.
    candidates.sort_by_key(|id| std::cmp::Reverse(site.rule(*id).priority));
    let _ = writeln!(
        out,
        "\nrules of `{}` ({}, by priority)",
        q.product,
        candidates.len()
    );
    let mut winner: Option<RuleId> = None;
    for id in candidates {
        let rule = site.rule(id);
        let name = site.rule_name(id);
        let verdict = match first_mismatch(rule, q, &qv) {
            Err(e) => format!("error while matching: {e:?}"),
            Ok(Some(field)) => format!(
                "no: {} `{}` does not match {}",
                field.name(),
                field.of(rule).unwrap_or_default(),
                query_value(q, field)
            ),
            Ok(None) => match winner {
                None => {
                    winner = Some(id);
                    "MATCHES and wins".to_owned()
                }
                Some(w) if site.rule(w).priority == rule.priority => format!(
                    "matches, but rule {} has the same priority and comes first",
                    site.rule_name(w)
                ),
                Some(w) => format!(
                    "matches, but rule {} has a higher priority",
                    site.rule_name(w)
                ),
            },
        };
        let _ = writeln!(
            out,
            "  rule {name:<24} priority {:<5} {verdict}",
            rule.priority
        );
    }
}

fn decision(out: &mut String, site: &Site, q: &Query) {
    let a = match answer(site, q) {
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
        if rule.is_throttled() {
            let _ = write!(
                line,
                "; backgroundRate {}: {}",
                rule.background_rate,
                match q.force {
                    Some(Force::Main) => "force=1 gets the mapping".to_owned(),
                    Some(Force::Fallback) => "force=-1 never gets the mapping".to_owned(),
                    None if q.dice_won => "this is the answer when the dice win".to_owned(),
                    None => format!(
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
    for (kind, list) in [("complete", &entry.completes), ("partial", &entry.partials)] {
        let mut offered = false;
        for patch in list {
            let fate = match patch_fate(site, app, q, product, kind, patch) {
                Err(e) => format!("fails: {e:?}"),
                Ok(_) if offered => format!("not offered: an earlier {kind} is"),
                Ok(Ok(_)) => {
                    offered = true;
                    "OFFERED".to_owned()
                }
                Ok(Err(why)) => format!("dropped: {why}"),
            };
            let _ = writeln!(
                out,
                "  {kind:<8} from {:<24} {fate}",
                format!("`{}`", patch.from)
            );
        }
    }
}
