//! Guardian blobs (schema 10000): the Mozilla VPN answer, served as JSON.

use std::collections::BTreeMap;

use crate::diag::Diagnostics;
use crate::model::release::{Guardian, GuardianPlatform};
use crate::model::route::Param;

use super::super::fields::{self, Fields};
use super::super::segments::Segments;
use super::{hash, hash_function, with_meta};

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
