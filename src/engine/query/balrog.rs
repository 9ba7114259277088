//! A URL on Balrog's own routes, read as Balrog's public app reads it: which
//! route it takes (by the route templates of `model::route`), the values of
//! its segments, its query parameters (and the 400 for undeclared ones),
//! and the "avast" repair of `force`.

use crate::model::route::{BALROG_ROUTES, BalrogRoute, Param, Segment, balrog_segments};

use super::url::{ascii_replace, last_param, parse_query_string, split_url};
use super::{Extras, Force, Query, RawValues, build_query};

/// A URL as Balrog itself would treat it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// `None` when no route matches: the answer is the empty document.
    pub(crate) query: Option<Query>,
    /// Why Balrog itself would refuse this request with a 400, when it would.
    pub(crate) balrog_rejects: Option<String>,
}

/// The query parameters each route declares; others make Balrog answer 400.
pub(crate) fn allowed_params(route: BalrogRoute) -> &'static [&'static str] {
    match route {
        BalrogRoute::Update(2) => &["avast", "force", "mig64"],
        BalrogRoute::Update(_) => &["avast", "force", "mig64", "pin"],
        BalrogRoute::Json(_) => &["force"],
    }
}

/// Parses a request URL exactly as Balrog's public app does, on Balrog's
/// own routes. `user_agent` feeds headerArchitecture.
pub(crate) fn parse_url(url: &str, user_agent: Option<&str>) -> Parsed {
    let split = split_url(url);
    let params = parse_query_string(&split.raw_query);
    let Some((route, segments)) = match_balrog_route(&split.path) else {
        return Parsed {
            query: None,
            balrog_rejects: None,
        };
    };
    let balrog_rejects = rejection(route, &params);
    let raw = balrog_values(route, &segments);
    let extras = balrog_extras(route, &params, user_agent);
    let mut query = build_query(Some(route), &raw, &extras);
    if matches!(route, BalrogRoute::Update(n) if n > 1) && query_version(url) == Some(1) {
        query.os_version = Some(String::new());
    }
    Parsed {
        query: Some(query),
        balrog_rejects,
    }
}

/// Balrog's reading of `force`, `mig64` and `pin` (the last value of a
/// repeated parameter wins; `force=1?avast=1` is force 1), and of the
/// User-Agent.
pub(crate) fn balrog_extras(
    route: BalrogRoute,
    params: &[(String, String)],
    user_agent: Option<&str>,
) -> Extras {
    let mut force = last_param(params, "force").map(ascii_replace);
    if let Some(f) = &force
        && f.contains("avast")
    {
        force = Some(avast_repair(f));
    }
    let json = matches!(route, BalrogRoute::Json(_));
    Extras {
        force: force.as_deref().and_then(Force::parse),
        mig64: if json {
            None
        } else {
            last_param(params, "mig64").map(|m| ascii_replace(m) == "1")
        },
        pin: if json {
            None
        } else {
            last_param(params, "pin")
                .filter(|p| !p.is_empty())
                .map(ascii_replace)
        },
        ppc: user_agent.is_some_and(|ua| ua.contains("PPC")),
        dice_won: false,
    }
}

/// The path values of a Balrog route's segments (after `/update/N/`), each
/// where the route's template has it.
pub(crate) fn balrog_values(route: BalrogRoute, seg: &[String]) -> RawValues<'_> {
    let value = |p: Param| {
        balrog_params(route)
            .position(|q| q == p)
            .map(|i| seg.get(i).map_or("", String::as_str))
    };
    RawValues {
        product: value(Param::Product).unwrap_or_default(),
        version: value(Param::Version).unwrap_or_default(),
        build_id: value(Param::BuildId),
        build_target: value(Param::BuildTarget).unwrap_or_default(),
        locale: value(Param::Locale),
        channel: value(Param::Channel).unwrap_or_default(),
        os_version: value(Param::OsVersion),
        system_capabilities: value(Param::SystemCapabilities),
        distribution: value(Param::Distribution),
        dist_version: value(Param::DistributionVersion),
    }
}

/// The parameters of a Balrog route's template, in order.
fn balrog_params(route: BalrogRoute) -> impl Iterator<Item = Param> {
    balrog_segments(route).iter().filter_map(|s| match s {
        Segment::Param(p) => Some(*p),
        Segment::Literal(_) => None,
    })
}

fn rejection(route: BalrogRoute, params: &[(String, String)]) -> Option<String> {
    let allowed = allowed_params(route);
    // In the order first sent, each once (a set: a request may send 100,000).
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut extra: Vec<&str> = Vec::new();
    for (k, _) in params {
        if !allowed.contains(&k.as_str()) && seen.insert(k) {
            extra.push(k);
        }
    }
    if !extra.is_empty() {
        return Some(format!(
            "Extra query parameter(s) {} not in spec",
            extra.join(", ")
        ));
    }
    if matches!(route, BalrogRoute::Update(_)) && last_param(params, "pin") == Some("") {
        return Some("'' should be non-empty (the pin parameter)".to_owned());
    }
    None
}

/// Which of Balrog's routes a decoded path takes (its template's literal
/// segments where they stand, a value for each parameter), and its
/// segments after `/update/N/` or `/json/N/`, without the final
/// `update.xml` / `update.json`.
fn match_balrog_route(path: &str) -> Option<(BalrogRoute, Vec<String>)> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 4 || parts.first() != Some(&"") || parts[1..].iter().any(|s| s.is_empty()) {
        return None;
    }
    let route = BALROG_ROUTES.iter().copied().find(|r| {
        let template = balrog_segments(*r);
        template.len() == parts.len() - 1
            && template.iter().zip(&parts[1..]).all(|(s, part)| match s {
                Segment::Literal(l) => l == part,
                Segment::Param(_) => true,
            })
    })?;
    let middle = &parts[3..parts.len() - 1];
    Some((route, middle.iter().map(|s| (*s).to_owned()).collect()))
}

/// Balrog's `extract_query_version`: the last `/update/<digits>/...xml` in the
/// whole URL, query string included.
pub(super) fn query_version(url: &str) -> Option<u64> {
    let mut found = None;
    let mut rest = url;
    while let Some(i) = rest.find("/update/") {
        let after = &rest[i + 8..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('/') && after[digits..].contains(".xml") {
            found = after[..digits].parse().ok();
        }
        rest = &rest[i + 1..];
    }
    found
}

/// `force=1?avast=1` or `force=1%3Favast=1`: the part before the first `?`
/// (or, failing that, the first literal `%3F`) is the force value.
fn avast_repair(force: &str) -> String {
    if let Some((head, _)) = force.split_once('?') {
        return head.to_owned();
    }
    if let Some((head, _)) = force.split_once("%3F") {
        return head.to_owned();
    }
    force.to_owned()
}
