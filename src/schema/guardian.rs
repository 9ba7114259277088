//! A Guardian release (schema 10000): the Mozilla VPN answer, served as JSON.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::common::{Hash, Meta, ScalarDoc, ScheduledDoc, SchemaVersion};

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
