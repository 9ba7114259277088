//! Release shapes besides app releases and add-ons: Desupport (schema 50),
//! Settings (2000), SuperBlob (4000) and Guardian (10000).

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::common::Meta;
use super::common::{Hash, NonEmpty, ScalarDoc, ScheduledDoc, SchemaVersion};

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

/// The Mozilla VPN (Guardian) answer, served as JSON.
#[derive(JsonSchema)]
#[schemars(title = "Guardian (schema 10000)", deny_unknown_fields)]
#[schemars(rename = "Guardian")]
pub(crate) struct GuardianDoc {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<10000>,
    /// The version offered.
    version: String,
    /// Whether the update is required.
    required: bool,
    /// The hash function of `hashValue`s (e.g. `sha512`).
    #[schemars(rename = "hashFunction")]
    hash_function: Option<ScalarDoc>,
    /// The download per build target.
    platforms: BTreeMap<String, GuardianPlatformDoc>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<GuardianDoc>>>,
}

/// One Guardian download.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "GuardianPlatform")]
pub(crate) struct GuardianPlatformDoc {
    /// Where to download it.
    #[schemars(rename = "fileUrl")]
    file_url: Option<String>,
    /// Its hash.
    #[schemars(rename = "hashValue")]
    hash_value: Option<Hash>,
}
