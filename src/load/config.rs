//! `cinder.yml`: the site's settings.

use regex::Regex;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::engine::version::PinVersion;
use crate::model::config::{Allowlist, Config, Domain, DomainRule, PathRule, Pin, Shutoff};
use crate::model::rule::Target;
use crate::source::{Node, Value};

use super::fields::{self, Fields};

pub(crate) const CONFIG_FIELDS: &[&str] = &[
    "allowlist",
    "special-force-hosts",
    "shutoffs",
    "pins",
    "channels",
];

pub(crate) fn load_config(root: &Node, diags: &mut Diagnostics) -> Config {
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
            .filter_map(|item| shutoff(item, diags))
            .collect();
    }
    if let Some(n) = f.value("pins")
        && let Some(items) = fields::items(n, "pins", diags)
    {
        config.pins = items.iter().filter_map(|item| pin(item, diags)).collect();
    }
    if let Some(n) = f.value("channels") {
        config.channels = fields::string_list(n, "channels", diags).unwrap_or_default();
    }
    f.finish(CONFIG_FIELDS, diags);
    config
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
                        Ok(regex) => rules.push(PathRule {
                            pattern: pattern.name.clone(),
                            regex,
                            products,
                        }),
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
                loc: host.loc,
            });
        }
    }
    list
}

fn shutoff(node: &Node, diags: &mut Diagnostics) -> Option<Shutoff> {
    let mut f = Fields::new(node, "a shutoff", diags)?;
    let product = f
        .required("product", diags)
        .and_then(|n| fields::name(n, "product", diags));
    let channel = f
        .required("channel", diags)
        .and_then(|n| fields::name(n, "channel", diags));
    let comment = f
        .value("comment")
        .and_then(|n| fields::string(n, "comment", diags));
    f.finish(&["product", "channel", "comment"], diags);
    Some(Shutoff {
        product: product?,
        channel: channel?,
        comment,
        loc: node.loc,
    })
}

fn pin(node: &Node, diags: &mut Diagnostics) -> Option<Pin> {
    let mut f = Fields::new(node, "a pin", diags)?;
    let product = f
        .required("product", diags)
        .and_then(|n| fields::name(n, "product", diags));
    let channel = f
        .required("channel", diags)
        .and_then(|n| fields::name(n, "channel", diags));
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
        loc: node.loc,
    })
}
