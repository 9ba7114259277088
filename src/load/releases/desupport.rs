//! Desupport blobs (schema 50): no update, and a page saying why.

use crate::diag::Diagnostics;
use crate::model::release::Desupport;

use super::super::fields::{self, Fields};
use super::{link, with_meta};

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
