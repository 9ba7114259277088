//! A Desupport release (schema 50): no update, and a page saying why.

use schemars::JsonSchema;

use super::common::{Meta, ScheduledDoc, SchemaVersion};

/// Tells clients their OS is no longer supported: no update, and a page saying why.
#[derive(JsonSchema)]
#[schemars(title = "Desupport (schema 50)", deny_unknown_fields)]
#[schemars(rename = "Desupport")]
pub(crate) struct DesupportDoc {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<50>,
    /// The page explaining the desupport; `%LOCALE%`, `%VERSION%` and `%OS%`
    /// are filled in.
    #[schemars(rename = "detailsUrl")]
    details_url: String,
    /// The version shown to the user (the last one for their OS).
    #[schemars(rename = "displayVersion")]
    display_version: String,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<DesupportDoc>>>,
}
