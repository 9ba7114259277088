//! Resolving the names that tie the site together: rule mappings, pins,
//! SuperBlob entries and partials' from-releases; unique rule ids and
//! aliases; and each release's product when it does not name one.

use std::collections::{HashMap, HashSet};

use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::model::release::{Blob, SuperBlob};
use crate::model::rule::Target;
use crate::model::{ReleaseId, Site};

/// Resolves the site's references. `failed` names the releases whose files
/// did not load: their errors are reported, and references to them are not
/// reported again as unknown.
pub(crate) fn resolve(site: &mut Site, failed: &HashSet<String>, diags: &mut Diagnostics) {
    let index = site.release_index.clone();
    let names: Vec<&str> = index.keys().map(String::as_str).collect();
    let lookup = |target: &mut Target, what: &str, diags: &mut Diagnostics| {
        target.release = index.get(&target.name).copied();
        if target.release.is_none() && !failed.contains(&target.name) {
            diags.push(unknown_release(target, what, &names));
        }
    };
    for rule in &mut site.rules {
        if let Some(t) = &mut rule.mapping {
            lookup(t, "mapping", diags);
        }
        if let Some(t) = &mut rule.fallback_mapping {
            lookup(t, "fallbackMapping", diags);
        }
    }
    for pin in &mut site.config.pins {
        lookup(&mut pin.mapping, "pin", diags);
    }
    for release in &mut site.releases {
        match &mut release.blob {
            Blob::Super(SuperBlob::Blobs(blobs)) => {
                for t in blobs {
                    lookup(t, "SuperBlob", diags);
                }
            }
            Blob::App(app) => {
                for platform in app.platforms.values_mut() {
                    let crate::model::release::Platform::Build(data) = platform else {
                        continue;
                    };
                    for locale in data.locales.iter_mut().flat_map(|l| l.values_mut()) {
                        for patch in locale
                            .completes
                            .iter_mut()
                            .chain(locale.partials.iter_mut())
                        {
                            if patch.from != "*" {
                                patch.from_release = index.get(&patch.from).copied();
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    unique_rule_names(site, diags);
    infer_products(site);
}

fn unknown_release(target: &Target, what: &str, names: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::error(
        Code::UnknownRelease,
        format!(
            "{what} names `{}`, but no release has that name",
            target.name
        ),
    )
    .at(
        target.loc,
        "Balrog answers 500 to every request this reaches",
    );
    if let Some(s) = suggest(&target.name, names.iter().copied()) {
        d = d.help(format!("did you mean `{s}`?"));
    } else {
        d = d.help(format!(
            "add `releases/{}.yml`, or name an existing release",
            target.name
        ));
    }
    d
}

fn unique_rule_names(site: &Site, diags: &mut Diagnostics) {
    let mut ids: HashMap<i64, usize> = HashMap::new();
    let mut aliases: HashMap<&str, usize> = HashMap::new();
    for (i, rule) in site.rules.iter().enumerate() {
        if let Some(id) = rule.rule_id
            && let Some(&first) = ids.get(&id)
        {
            diags.push(
                Diagnostic::error(Code::DuplicateName, format!("two rules have rule_id {id}"))
                    .at(rule.origin.field("rule_id"), "this rule")
                    .note(site.rules[first].origin.field("rule_id"), "the other one"),
            );
        } else if let Some(id) = rule.rule_id {
            ids.insert(id, i);
        }
        if let Some(alias) = rule.alias.as_deref()
            && let Some(&first) = aliases.get(alias)
        {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("two rules have the alias `{alias}`"),
                )
                .at(rule.origin.field("alias"), "this rule")
                .note(site.rules[first].origin.field("alias"), "the other one"),
            );
        } else if let Some(alias) = rule.alias.as_deref() {
            aliases.insert(alias, i);
        }
    }
}

/// A release that names no product belongs to the product of the first rule
/// or pin that maps to it, else to the part of its name before the first `-`.
fn infer_products(site: &mut Site) {
    let mut inferred: HashMap<ReleaseId, String> = HashMap::new();
    for rule in &site.rules {
        let Some(product) = &rule.product else {
            continue;
        };
        for t in [&rule.mapping, &rule.fallback_mapping]
            .into_iter()
            .flatten()
        {
            if let Some(id) = t.release {
                inferred.entry(id).or_insert_with(|| product.clone());
            }
        }
    }
    for pin in &site.config.pins {
        if let Some(id) = pin.mapping.release {
            inferred.entry(id).or_insert_with(|| pin.product.clone());
        }
    }
    for (i, release) in site.releases.iter_mut().enumerate() {
        if !release.product.is_empty() {
            continue;
        }
        let id = ReleaseId(u32::try_from(i).unwrap_or(u32::MAX));
        release.product = inferred.remove(&id).unwrap_or_else(|| {
            release
                .name
                .split('-')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
    }
}
