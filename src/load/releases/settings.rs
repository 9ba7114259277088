//! Settings blobs (schema 2000): the security-policy settings answer.

use std::collections::BTreeMap;

use crate::diag::Diagnostics;
use crate::model::release::{Setting, Settings};

use super::super::fields::{self, Fields};
use super::{scalar, with_meta};

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
