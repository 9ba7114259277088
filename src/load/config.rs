//! `cinder.yml`: the site's settings.

use super::schedule;
use crate::time::Timestamp;
use regex::Regex;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::version::PinVersion;
use std::path::PathBuf;

use crate::model::config::{
    Allowlist, Config, Domain, DomainRule, Limits, PathRule, Pin, Shutoff, Values,
};
use crate::model::route::{Param, Route, parse_template, recognise};
use crate::model::rule::Target;
use crate::source::{Node, Value};

use super::fields::{self, Fields};
use super::segments::Segments;

pub(crate) const CONFIG_FIELDS: &[&str] = &[
    "allowlist",
    "special-force-hosts",
    "shutoffs",
    "pins",
    "channels",
    "routes",
    "values",
    "observed-requests",
    "output",
    "cache-control",
    "limits",
];

pub(crate) fn load_config(
    root: &Node,
    at: Timestamp,
    scheduled: &mut schedule::Scheduled,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Config {
    let mut config = Config::default();
    if root.value == Value::Null {
        return config;
    }
    let Some(mut f) = Fields::new(root, "cinder.yml", diags) else {
        return config;
    };
    if let Some(n) = f.value("allowlist") {
        config.allowlist = allowlist(n, diags);
    }
    if let Some(n) = f.value("special-force-hosts") {
        config.special_force_hosts =
            fields::string_list(n, "special-force-hosts", diags).unwrap_or_default();
    }
    if let Some(n) = f.value("shutoffs")
        && let Some(items) = fields::items(n, "shutoffs", diags)
    {
        config.shutoffs = items
            .iter()
            .filter_map(|item| {
                let item = schedule::resolve(item, at, scheduled, diags)?;
                shutoff(&item, segs, diags)
            })
            .collect();
    }
    if let Some(n) = f.value("pins")
        && let Some(items) = fields::items(n, "pins", diags)
    {
        config.pins = items
            .iter()
            .filter_map(|item| pin(item, segs, diags))
            .collect();
    }
    if let Some(n) = f.value("channels") {
        config.channels = fields::string_list(n, "channels", diags).unwrap_or_default();
        for (c, item) in config.channels.iter().zip(n.as_seq()) {
            segs.check(Param::Channel, c, item.loc, diags);
        }
    }
    if let Some(n) = f.value("routes")
        && let Some(items) = fields::items(n, "routes", diags)
    {
        config.routes = items
            .iter()
            .filter_map(|item| route(item, segs, diags))
            .collect();
        for (i, r) in config.routes.iter().enumerate() {
            if let Some(first) = config.routes[..i].iter().find(|o| o.segments == r.segments) {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidRoute,
                        format!("route `{}` is listed twice", r.template),
                    )
                    .at(r.loc, "this one")
                    .note(first.loc, "the first one")
                    .help("list the route once, with every product it serves under `products:`"),
                );
            }
        }
    }
    if let Some(n) = f.value("values") {
        config.values = values(n, segs, diags);
    }
    if let Some(n) = f.value("observed-requests") {
        let list = match &n.value {
            Value::Str(_) => {
                fields::string(n, "observed-requests", diags).map(|s| vec![(s, n.loc)])
            }
            _ => fields::items(n, "observed-requests", diags).map(|items| {
                items
                    .iter()
                    .filter_map(|i| {
                        fields::string(i, "observed-requests", diags).map(|s| (s, i.loc))
                    })
                    .collect()
            }),
        };
        config.observed_requests = list
            .unwrap_or_default()
            .into_iter()
            .filter(|(s, l)| inside_site(s, "observed-requests", *l, diags))
            .map(|(s, l)| (PathBuf::from(s), l))
            .collect();
    }
    if let Some(n) = f.value("output")
        && let Some(out) = fields::name(n, "output", diags)
        && inside_site(&out, "output", n.loc, diags)
    {
        config.output = PathBuf::from(out);
    }
    if let Some(n) = f.value("cache-control")
        && let Some(cc) = fields::name(n, "cache-control", diags)
    {
        // It becomes a header line of every answer (and a line of the nginx
        // configuration): a line break would start a header of its own.
        if let Some(c) = cc.chars().find(|c| !(' '..='~').contains(c)) {
            diags.push(
                fields::invalid(
                    n,
                    format!("`cache-control` contains `{}`", c.escape_debug()),
                    "not a header value",
                )
                .help("write printable ASCII only, e.g. `public, max-age=90`"),
            );
        } else {
            config.cache_control = cc;
        }
    }
    if let Some(n) = f.value("limits") {
        config.limits = limits(n, diags);
    }
    f.finish(CONFIG_FIELDS, diags);
    config
}

/// `limits:`: budgets, each a positive integer.
fn limits(node: &Node, diags: &mut Diagnostics) -> Limits {
    let mut limits = Limits::default();
    let Some(mut f) = Fields::new(node, "limits", diags) else {
        return limits;
    };
    if let Some(n) = f.value("builds-per-release")
        && let Some(i) = fields::integer(n, "builds-per-release", diags)
    {
        match u64::try_from(i) {
            Ok(v) if v > 0 => limits.builds_per_release = v,
            _ => diags.push(
                fields::invalid(n, format!("`builds-per-release` is {i}"), "not a positive number")
                    .help(format!("write the number of builds one release may list, e.g. `builds-per-release: {}` (the default)", Limits::BUILDS_PER_RELEASE)),
            ),
        }
    }
    f.finish(&["builds-per-release"], diags);
    limits
}

/// A path the site names (where to build, observed requests) must stay
/// inside the site: relative, `/`-separated, every segment valid. A site
/// comes from pull requests; a directory elsewhere is the command line's
/// to choose (`build --out`, `--requests`).
fn inside_site(path: &str, field: &str, loc: crate::source::Loc, diags: &mut Diagnostics) -> bool {
    let Err((part, problem)) = crate::segment::check_path(path) else {
        return true;
    };
    let why = if part.is_empty() && path.starts_with('/') {
        "it is absolute".to_owned()
    } else {
        format!(
            "its segment `{}` is not valid: {problem}",
            crate::segment::shown(&part)
        )
    };
    diags.push(
        Diagnostic::error(
            Code::InvalidValue,
            format!(
                "`{field}` `{}` is not a path inside the site: {why}",
                crate::segment::shown(path)
            ),
        )
        .at(loc, "must stay inside the site")
        .help(format!(
            "write a relative path such as `{}` whose segments are {}; a place outside the site is given on the command line{}",
            if field == "output" { "public" } else { "observed-requests.txt" },
            crate::segment::VALID,
            if field == "output" { " (`cinder build --out DIR`)" } else { " (`--requests FILE`)" }
        )),
    );
    false
}

fn route(node: &Node, segs: &mut Segments, diags: &mut Diagnostics) -> Option<Route> {
    let (template, template_node, mut f) = match &node.value {
        Value::Str(s) => (s.clone(), node, None),
        _ => {
            let mut f = Fields::new(node, "a route", diags)?;
            let t = f.required("url", diags)?;
            (fields::string(t, "url", diags)?, t, Some(f))
        }
    };
    let segments = match parse_template(&template) {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(Code::InvalidRoute, format!("route `{template}`: {e}"))
                    .at(template_node.loc, "not a route template")
                    .help("e.g. `update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml`"),
            );
            if let Some(f) = &mut f {
                f.consume_all();
            }
            return None;
        }
    };
    let balrog = recognise(&segments);
    let mut route = Route {
        template: template.trim_start_matches('/').to_owned(),
        segments,
        products: Vec::new(),
        fixed: std::collections::BTreeMap::new(),
        balrog,
        loc: template_node.loc,
    };
    if let Some(f) = &mut f {
        f.get("url");
        if let Some(p) = f.value("products") {
            route.products = fields::string_list(p, "products", diags).unwrap_or_default();
            let mut ok = true;
            for (product, item) in route.products.iter().zip(p.as_seq()) {
                ok &= segs.check(Param::Product, product, item.loc, diags);
            }
            if !ok {
                f.consume_all();
                return None;
            }
        }
        let mut known = vec!["url", "products"];
        for param in Param::ALL {
            known.push(param.key());
            let Some(v) = f.value(param.key()) else {
                continue;
            };
            let Some(value) = fields::name(v, param.key(), diags) else {
                continue;
            };
            if route.carries(*param) {
                diags.push(fields::invalid(
                    v,
                    format!("route `{template}` carries `{param}` in its URL"),
                    "a fixed value here would be ignored",
                ));
            } else {
                route.fixed.insert(*param, value);
            }
        }
        f.finish(&known, diags);
    }
    for required in [Param::Product, Param::BuildTarget, Param::Channel] {
        if !route.provides(required) {
            diags.push(
                Diagnostic::error(Code::InvalidRoute, format!("route `{template}` has no `{required}`"))
                    .at(template_node.loc, "clients of this route cannot be told apart")
                    .help(format!("add `{required}` to the URL, or give every request of this route one value with `{}: ...`", required.key())),
            );
            return None;
        }
    }
    if !route.is_json() && !route.provides(Param::Locale) {
        diags.push(
            Diagnostic::error(
                Code::InvalidRoute,
                format!("route `{template}` has no `%LOCALE%`"),
            )
            .at(template_node.loc, "patches are per locale")
            .help("add `%LOCALE%` to the URL, or give the route one locale with `locale: en-US`"),
        );
        return None;
    }
    if !route.is_json() && route.carries(Param::Version) != route.carries(Param::BuildId) {
        diags.push(
            Diagnostic::error(Code::InvalidRoute, format!("route `{template}` carries only one of `%VERSION%` and `%BUILD_ID%`"))
                .at(template_node.loc, "a build is its version and buildID together")
                .help("carry both (clients are then answered per build), or neither (every client gets the answer for builds older than every known one)"),
        );
        return None;
    }
    for p in route.fixed.keys() {
        if matches!(p, Param::Version | Param::BuildId) {
            diags.push(
                Diagnostic::error(Code::InvalidRoute, format!("route `{template}` fixes `{}`", p.key()))
                    .at(template_node.loc, "a route cannot fix the client's build")
                    .help("leave it out: a route without %VERSION% and %BUILD_ID% answers as for builds older than every known one"),
            );
            return None;
        }
    }
    Some(route)
}

fn values(node: &Node, segs: &mut Segments, diags: &mut Diagnostics) -> Values {
    let mut out = Values::default();
    let Some(mut f) = Fields::new(node, "`values`", diags) else {
        return out;
    };
    for (key, target) in [
        ("osVersion", &mut out.os_version),
        ("systemCapabilities", &mut out.system_capabilities),
        ("distribution", &mut out.distribution),
        ("distVersion", &mut out.dist_version),
    ] {
        if let Some(n) = f.value(key) {
            *target = fields::string_list(n, key, diags).unwrap_or_default();
            let param = match key {
                "distribution" => Param::Distribution,
                "distVersion" => Param::DistributionVersion,
                _ => continue,
            };
            for (v, item) in target.iter().zip(n.as_seq()) {
                segs.check(param, v, item.loc, diags);
            }
        }
    }
    f.finish(
        &[
            "osVersion",
            "systemCapabilities",
            "distribution",
            "distVersion",
        ],
        diags,
    );
    out
}

fn allowlist(node: &Node, diags: &mut Diagnostics) -> Allowlist {
    let mut list = Allowlist::default();
    let Some(entries) = fields::entries(node, "allowlist", diags) else {
        return list;
    };
    for (host, value) in entries {
        let rule = match &value.value {
            Value::Seq(_) => {
                fields::string_list(value, "allowlist", diags).map(DomainRule::Products)
            }
            Value::Map(paths) => {
                let mut rules = Vec::new();
                for (pattern, products) in paths {
                    let Some(products) = fields::string_list(products, "allowlist", diags) else {
                        continue;
                    };
                    match Regex::new(&format!(r"\A(?:{})\z", pattern.name)) {
                        Ok(regex) => rules.push(PathRule { regex, products }),
                        Err(e) => diags.push(
                            Diagnostic::error(
                                Code::InvalidValue,
                                format!(
                                    "path pattern `{}` is not a valid regular expression",
                                    pattern.name
                                ),
                            )
                            .at(
                                pattern.loc,
                                e.to_string().lines().last().unwrap_or("invalid").to_owned(),
                            ),
                        ),
                    }
                }
                Some(DomainRule::Paths(rules))
            }
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::WrongType,
                        format!("allowlist entry `{}` must list products", host.name),
                    )
                    .at(
                        value.loc,
                        "expected a list of products, or a mapping of path patterns to products",
                    )
                    .help(format!("e.g. `{}: [Firefox]`", host.name)),
                );
                None
            }
        };
        if let Some(rule) = rule {
            list.domains.push(Domain {
                host: host.name.clone(),
                rule,
            });
        }
    }
    list
}

/// A channel named in `cinder.yml` becomes a directory of the tree.
fn channel(f: &mut Fields<'_>, segs: &mut Segments, diags: &mut Diagnostics) -> Option<String> {
    let n = f.required("channel", diags)?;
    let channel = fields::name(n, "channel", diags)?;
    segs.check(Param::Channel, &channel, n.loc, diags)
        .then_some(channel)
}

fn shutoff(node: &Node, segs: &mut Segments, diags: &mut Diagnostics) -> Option<Shutoff> {
    let mut f = Fields::new(node, "a shutoff", diags)?;
    let product = f
        .required("product", diags)
        .and_then(|n| fields::name(n, "product", diags));
    let channel = channel(&mut f, segs, diags);
    let comment = f
        .value("comment")
        .and_then(|n| fields::string(n, "comment", diags));
    f.finish(&["product", "channel", "comment"], diags);
    Some(Shutoff {
        product: product?,
        channel: channel?,
        comment,
    })
}

fn pin(node: &Node, segs: &mut Segments, diags: &mut Diagnostics) -> Option<Pin> {
    let mut f = Fields::new(node, "a pin", diags)?;
    let product = f
        .required("product", diags)
        .and_then(|n| fields::name(n, "product", diags));
    let channel = channel(&mut f, segs, diags);
    let version = f.required("version", diags).and_then(|n| {
        let v = fields::string(n, "version", diags)?;
        match PinVersion::parse(&v) {
            Some(p) if p.normalized() == v => Some(v),
            Some(p) => {
                diags.push(
                    fields::invalid(
                        n,
                        format!("pin version `{v}` is not in normal form"),
                        "clients' pins are looked up normalised",
                    )
                    .help(format!("write `{}`", p.normalized())),
                );
                None
            }
            None => {
                diags.push(
                    fields::invalid(
                        n,
                        format!("pin version `{v}` is not a pin"),
                        "expected `N.` or `N.M.`",
                    )
                    .help(
                        "pins are written like Firefox's AppUpdatePin policy: `102.` or `102.1.`",
                    ),
                );
                None
            }
        }
    });
    let mapping = f.required("mapping", diags).and_then(|n| {
        let name = fields::name(n, "mapping", diags)?;
        Some(Target::new(name, n.loc))
    });
    f.finish(&["product", "channel", "version", "mapping"], diags);
    Some(Pin {
        product: product?,
        channel: channel?,
        version: version?,
        mapping: mapping?,
    })
}
