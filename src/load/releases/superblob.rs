//! SuperBlob blobs (schema 4000): releases made of others.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::release::SuperBlob;
use crate::model::rule::Target;

use super::super::fields::{self, Fields};
use super::with_meta;

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
