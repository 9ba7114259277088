//! A Settings release (schema 2000): the security-policy settings answer.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::common::{Meta, ScalarDoc, ScheduledDoc, SchemaVersion};

/// The security-policy settings answer: which version of each setting is current.
#[derive(JsonSchema)]
#[schemars(title = "Settings (schema 2000)", deny_unknown_fields)]
#[schemars(rename = "Settings")]
pub(crate) struct SettingsDoc {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<2000>,
    /// The settings, by id.
    settings: BTreeMap<String, SettingDoc>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<SettingsDoc>>>,
}

/// One setting.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Setting")]
pub(crate) struct SettingDoc {
    /// The setting's current version.
    version: ScalarDoc,
    /// When it last changed, in milliseconds since 1970 (e.g. `1500000000000`).
    last_modified: super::common::Size,
}
