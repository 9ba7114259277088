//! Add-on blobs: GMP (schema 1000), SystemAddons (5000) and cinder's
//! optional features (6000).

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::release::{
    Addon, AddonFile, AddonPlatform, Addons, Feature, Features, SystemAddons,
};
use crate::source::Node;

use super::super::fields::{self, Fields};
use super::{META_FIELDS, hash, hash_function, scalar, size};

fn with_meta(fields: &[&'static str]) -> Vec<&'static str> {
    let mut v = fields.to_vec();
    v.extend(META_FIELDS);
    v
}

pub(super) fn gmp(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<Addons> {
    let hash_function = f
        .value("hashFunction")
        .and_then(|n| hash_function(n, diags));
    let addons = f
        .required("vendors", diags)
        .map(|n| addon_map(n, "vendors", true, diags));
    f.finish(&with_meta(&["hashFunction", "vendors"]), diags);
    Some(Addons {
        hash_function,
        addons: addons?,
    })
}

pub(super) fn system_addons(f: &mut Fields<'_>, diags: &mut Diagnostics) -> SystemAddons {
    let hash_function = f
        .value("hashFunction")
        .and_then(|n| hash_function(n, diags));
    let uninstall = f
        .value("uninstall")
        .and_then(|n| fields::boolean(n, "uninstall", diags))
        .unwrap_or(false);
    let addons = f
        .value("addons")
        .map(|n| addon_map(n, "addons", false, diags))
        .unwrap_or_default();
    if uninstall && !addons.is_empty() {
        let loc = f.key_loc("uninstall").unwrap_or(f.loc());
        diags.push(
            Diagnostic::error(
                Code::InvalidValue,
                "`uninstall: true` and `addons` exclude each other",
            )
            .at(loc, "this removes every system add-on update")
            .help("either uninstall every updated add-on, or list the add-ons to install"),
        );
    }
    f.finish(&with_meta(&["hashFunction", "uninstall", "addons"]), diags);
    SystemAddons {
        uninstall,
        addons: Addons {
            hash_function,
            addons,
        },
    }
}

fn addon_map(
    n: &Node,
    field: &str,
    mirrors: bool,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Addon> {
    let mut out = BTreeMap::new();
    let Some(entries) = fields::entries(n, field, diags) else {
        return out;
    };
    for (id, value) in entries {
        let Some(mut f) = Fields::new(value, format!("add-on `{}`", id.name), diags) else {
            continue;
        };
        let version = f
            .required("version", diags)
            .and_then(|v| scalar(v, "version", diags));
        let mut platforms = BTreeMap::new();
        if let Some(p) = f.required("platforms", diags)
            && let Some(entries) = fields::entries(p, "platforms", diags)
        {
            for (bt, entry) in entries {
                if let Some(platform) = addon_platform(entry, &bt.name, mirrors, diags) {
                    platforms.insert(bt.name.clone(), platform);
                }
            }
        }
        f.finish(&["version", "platforms"], diags);
        if let Some(version) = version {
            out.insert(
                id.name.clone(),
                Addon {
                    version,
                    platforms,
                    loc: id.loc,
                },
            );
        }
    }
    out
}

fn addon_platform(
    n: &Node,
    bt: &str,
    mirrors: bool,
    diags: &mut Diagnostics,
) -> Option<AddonPlatform> {
    let mut f = Fields::new(n, format!("platform `{bt}`"), diags)?;
    if let Some(alias) = f.value("alias") {
        let target = fields::name(alias, "alias", diags)?;
        f.finish(&["alias"], diags);
        return Some(AddonPlatform::Alias(target));
    }
    let file_url = f
        .required("fileUrl", diags)
        .and_then(|v| fields::string(v, "fileUrl", diags));
    let hash_value = f
        .required("hashValue", diags)
        .and_then(|v| hash(v, "hashValue", diags));
    let filesize = f
        .required("filesize", diags)
        .and_then(|v| size(v, "filesize", diags));
    let mut known = vec!["alias", "fileUrl", "hashValue", "filesize"];
    let mirror_urls = if mirrors {
        known.push("mirrorUrls");
        f.value("mirrorUrls")
            .and_then(|m| fields::string_list(m, "mirrorUrls", diags))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    f.finish(&known, diags);
    Some(AddonPlatform::File(AddonFile {
        file_url: file_url?,
        hash_value: hash_value?,
        filesize: filesize?,
        mirror_urls,
    }))
}

/// The fields of one optional-feature package.
pub(crate) const FEATURE_FIELDS: &[&str] = &[
    "id",
    "version",
    "fileUrl",
    "hashFunction",
    "hashValue",
    "filesize",
    "platforms",
    "locales",
    "optIn",
];

pub(super) fn features(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Features {
    let hash_function = f
        .value("hashFunction")
        .and_then(|n| hash_function(n, diags));
    let mut packages = Vec::new();
    if let Some(n) = f.required("packages", diags)
        && let Some(items) = fields::items(n, "packages", diags)
    {
        for item in items {
            if let Some(p) = feature(item, diags) {
                if let Some(first) = packages
                    .iter()
                    .find(|q: &&Feature| q.id == p.id && overlaps(q, &p))
                {
                    diags.push(
                        Diagnostic::error(
                            Code::DuplicateName,
                            format!("package `{}` is listed twice for the same clients", p.id),
                        )
                        .at(p.loc, "this package")
                        .note(first.loc, "the first one")
                        .help("give the two entries different platforms or locales"),
                    );
                }
                packages.push(p);
            }
        }
    }
    f.finish(&with_meta(&["hashFunction", "packages"]), diags);
    Features {
        hash_function,
        packages,
    }
}

/// Whether two packages could both be offered to one client.
fn overlaps(a: &Feature, b: &Feature) -> bool {
    let meet = |x: &[String], y: &[String]| {
        x.is_empty() || y.is_empty() || x.iter().any(|v| y.contains(v))
    };
    meet(&a.platforms, &b.platforms) && meet(&a.locales, &b.locales)
}

fn feature(n: &Node, diags: &mut Diagnostics) -> Option<Feature> {
    let mut f = Fields::new(n, "an optional feature package", diags)?;
    let id = f
        .required("id", diags)
        .and_then(|v| fields::name(v, "id", diags));
    let version = f
        .required("version", diags)
        .and_then(|v| scalar(v, "version", diags));
    let url = f
        .required("fileUrl", diags)
        .and_then(|v| fields::string(v, "fileUrl", diags));
    let hash_function = f
        .value("hashFunction")
        .and_then(|v| hash_function(v, diags));
    let hash_value = f
        .required("hashValue", diags)
        .and_then(|v| hash(v, "hashValue", diags));
    let size_value = f
        .required("filesize", diags)
        .and_then(|v| size(v, "filesize", diags));
    let platforms = f
        .value("platforms")
        .and_then(|v| fields::string_list(v, "platforms", diags))
        .unwrap_or_default();
    let locales = f
        .value("locales")
        .and_then(|v| fields::string_list(v, "locales", diags))
        .unwrap_or_default();
    let opt_in = f
        .value("optIn")
        .and_then(|v| fields::boolean(v, "optIn", diags))
        .unwrap_or(false);
    f.finish(FEATURE_FIELDS, diags);
    Some(Feature {
        id: id?,
        version: version?,
        url: url?,
        hash_function,
        hash_value: hash_value?,
        size: size_value?,
        platforms,
        locales,
        opt_in,
        loc: n.loc,
    })
}
