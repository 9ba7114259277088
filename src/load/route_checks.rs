//! Rules against routes: a rule that matches on a parameter a route serving
//! its product does not carry can never hold for that route's clients (or,
//! for memory, always holds), which is never what its author meant.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::Site;
use crate::model::route::Param;
use crate::model::rule::Rule;
use crate::space::routes;

/// The parameters a rule matches on, with the field names.
fn parameters(rule: &Rule) -> Vec<(&'static str, Param)> {
    let mut out = Vec::new();
    let mut add = |present: bool, field: &'static str, p: Param| {
        if present {
            out.push((field, p));
        }
    };
    add(rule.version.is_some(), "version", Param::Version);
    add(rule.build_id.is_some(), "buildID", Param::BuildId);
    add(
        rule.build_target.is_some(),
        "buildTarget",
        Param::BuildTarget,
    );
    add(rule.locale.is_some(), "locale", Param::Locale);
    add(rule.channel.is_some(), "channel", Param::Channel);
    add(rule.os_version.is_some(), "osVersion", Param::OsVersion);
    add(rule.memory.is_some(), "memory", Param::SystemCapabilities);
    add(
        rule.instruction_set.is_some(),
        "instructionSet",
        Param::SystemCapabilities,
    );
    add(rule.jaws.is_some(), "jaws", Param::SystemCapabilities);
    add(
        rule.distribution.is_some(),
        "distribution",
        Param::Distribution,
    );
    add(
        rule.dist_version.is_some(),
        "distVersion",
        Param::DistributionVersion,
    );
    out
}

pub(crate) fn check(site: &Site, diags: &mut Diagnostics) {
    let served = routes(site, &site.observed);
    for rule in &site.rules {
        let serving: Vec<_> = served
            .iter()
            .filter(|rs| {
                rule.product
                    .as_ref()
                    .is_none_or(|p| rs.products.contains(p))
            })
            .collect();
        for (field, param) in parameters(rule) {
            let lacking: Vec<&str> = serving
                .iter()
                .filter(|rs| !rs.route.provides(param))
                .map(|rs| rs.route.template.as_str())
                .collect();
            let Some(first) = lacking.first() else {
                continue;
            };
            let also = if lacking.len() > 1 {
                format!(" (and {} more routes)", lacking.len() - 1)
            } else {
                String::new()
            };
            let product = rule
                .product
                .as_deref()
                .map_or_else(|| "every product".to_owned(), |p| format!("`{p}`"));
            let help = format!(
                "restrict the route with `products:` in cinder.yml, give the rule a `product` served only by routes carrying `{param}`, or add `{param}` to the route"
            );
            let diagnostic = if lacking.len() == serving.len() {
                Diagnostic::error(
                    Code::RouteLacksParameter,
                    format!("the rule matches on `{field}`, but route `{first}`{also}, which serves {product}, does not carry `{param}`"),
                )
                .at(rule.origin.field(field), format!("no client of {product} sends `{field}`"))
            } else {
                Diagnostic::warning(
                    Code::SomeRoutesLackParameter,
                    format!("the rule matches on `{field}`, but route `{first}`{also}, one of those serving {product}, does not carry `{param}`"),
                )
                .at(rule.origin.field(field), format!("clients of that route never send `{field}`"))
            };
            diags.push(diagnostic.help(help));
        }
    }
}
