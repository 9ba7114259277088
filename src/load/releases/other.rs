//! Desupport (schema 50), Settings (2000), SuperBlob (4000) and Guardian
//! (10000) blobs.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::release::{Desupport, Guardian, GuardianPlatform, Setting, Settings, SuperBlob};
use crate::model::route::Param;
use crate::model::rule::Target;

use super::super::fields::{self, Fields};
use super::super::segments::Segments;
use super::{META_FIELDS, hash, hash_function, link, scalar};

fn with_meta(fields: &[&'static str]) -> Vec<&'static str> {
    let mut v = fields.to_vec();
    v.extend(META_FIELDS);
    v
}

pub(super) fn desupport(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<Desupport> {
    let details_url = f.required("detailsUrl", diags).and_then(|n| {
        link(n, "`detailsUrl`", diags);
        fields::string(n, "detailsUrl", diags)
    });
    let display_version = f
        .required("displayVersion", diags)
        .and_then(|n| fields::string(n, "displayVersion", diags));
    f.finish(&with_meta(&["detailsUrl", "displayVersion"]), diags);
    Some(Desupport {
        details_url: details_url?,
        display_version: display_version?,
    })
}

pub(super) fn settings(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Settings {
    let mut settings = BTreeMap::new();
    if let Some(n) = f.required("settings", diags)
        && let Some(entries) = fields::entries(n, "settings", diags)
    {
        for (id, value) in entries {
            let Some(mut s) = Fields::new(value, format!("setting `{}`", id.name), diags) else {
                continue;
            };
            let version = s
                .required("version", diags)
                .and_then(|v| scalar(v, "version", diags));
            let last_modified = s.required("last_modified", diags).and_then(|v| {
                let value = scalar(v, "last_modified", diags)?;
                let is_millis = match &value {
                    crate::model::scalar::Scalar::Int(i) => *i >= 0,
                    crate::model::scalar::Scalar::Str(t) => {
                        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
                    }
                    _ => false,
                };
                if !is_millis {
                    diags.push(fields::invalid(
                        v,
                        "`last_modified` must be a time in milliseconds since 1970",
                        "e.g. 1500000000000",
                    ));
                    return None;
                }
                Some(value)
            });
            s.finish(&["version", "last_modified"], diags);
            if let (Some(version), Some(last_modified)) = (version, last_modified) {
                settings.insert(
                    id.name.clone(),
                    Setting {
                        version,
                        last_modified,
                    },
                );
            }
        }
    }
    f.finish(&with_meta(&["settings"]), diags);
    Settings { settings }
}

pub(super) fn superblob(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<SuperBlob> {
    let products = f.value("products");
    let blobs = f.value("blobs");
    let result = match (products, blobs) {
        (Some(p), None) => fields::string_list(p, "products", diags).map(SuperBlob::Products),
        (None, Some(b)) => fields::items(b, "blobs", diags).map(|items| {
            SuperBlob::Blobs(
                items
                    .iter()
                    .filter_map(|item| {
                        fields::name(item, "blobs", diags).map(|name| Target::new(name, item.loc))
                    })
                    .collect(),
            )
        }),
        (Some(_), Some(_)) => {
            diags.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    "a SuperBlob lists either `products` or `blobs`, not both",
                )
                .at(f.loc(), "both are set"),
            );
            None
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(Code::MissingField, format!("{} has neither `products` nor `blobs`", f.what()))
                    .at(f.loc(), "a SuperBlob needs one of them")
                    .help("`products: [OpenH264, Widevine]` answers with those products' rules; `blobs: [a, b]` merges those releases"),
            );
            None
        }
    };
    f.finish(&with_meta(&["products", "blobs"]), diags);
    result
}

pub(super) fn guardian(
    f: &mut Fields<'_>,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Option<Guardian> {
    let version = f.required("version", diags).and_then(|n| {
        let v = fields::string(n, "version", diags)?;
        segs.check(Param::Version, &v, n.loc, diags);
        Some(v)
    });
    let required = f
        .required("required", diags)
        .and_then(|n| fields::boolean(n, "required", diags));
    let hash_function = f
        .value("hashFunction")
        .and_then(|n| hash_function(n, diags));
    let mut platforms = BTreeMap::new();
    if let Some(n) = f.required("platforms", diags)
        && let Some(entries) = fields::entries(n, "platforms", diags)
    {
        for (bt, value) in entries {
            segs.check(Param::BuildTarget, &bt.name, bt.loc, diags);
            let Some(mut p) = Fields::new(value, format!("platform `{}`", bt.name), diags) else {
                continue;
            };
            let file_url = p
                .value("fileUrl")
                .and_then(|v| fields::string(v, "fileUrl", diags));
            let hash_value = p
                .value("hashValue")
                .and_then(|v| hash(v, "hashValue", diags));
            p.finish(&["fileUrl", "hashValue"], diags);
            platforms.insert(
                bt.name.clone(),
                GuardianPlatform {
                    file_url,
                    hash_value,
                },
            );
        }
    }
    f.finish(
        &with_meta(&["version", "required", "hashFunction", "platforms"]),
        diags,
    );
    Some(Guardian {
        version: version?,
        required,
        hash_function,
        platforms,
    })
}
