//! A SuperBlob release (schema 4000): a release made of others.

use schemars::JsonSchema;

use super::common::{Meta, NonEmpty, ScheduledDoc, SchemaVersion};

/// A release made of others: the answers of other products' rules
/// (`products`) or of named releases (`blobs`), merged. Give exactly one.
#[derive(JsonSchema)]
#[schemars(title = "SuperBlob (schema 4000)", deny_unknown_fields)]
#[schemars(rename = "SuperBlob")]
pub(crate) struct SuperBlobDoc {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<4000>,
    /// Products whose rules are asked in turn (e.g. GMP plugins); not with `blobs`.
    products: Option<Vec<String>>,
    /// Releases whose add-ons are merged (release names); not with `products`.
    blobs: Option<Vec<NonEmpty>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<SuperBlobDoc>>>,
}
