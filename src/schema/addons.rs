//! Add-on releases: GMP plugins (schema 1000), system add-ons (5000) and
//! cinder's optional features (6000).

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::common::Meta;
use super::common::{Hash, NonEmpty, ScalarDoc, ScheduledDoc, SchemaVersion, Size};

/// GMP plugins (OpenH264, Widevine): per vendor, a version and a download per build target.
#[derive(JsonSchema)]
#[schemars(title = "GMP (schema 1000)", deny_unknown_fields)]
pub(crate) struct Gmp {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<1000>,
    /// The hash function of `hashValue`s (e.g. `sha512`).
    #[schemars(rename = "hashFunction")]
    hash_function: Option<ScalarDoc>,
    /// The plugins, by id (e.g. `gmp-gmpopenh264`).
    vendors: BTreeMap<String, Plugin>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<Gmp>>>,
}

/// One GMP plugin.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Plugin {
    /// The plugin's version.
    version: ScalarDoc,
    /// Downloads by build target (`default` for every other target).
    platforms: BTreeMap<String, PluginPlatform>,
}

/// A plugin's download for one build target, or an alias of another target's.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum PluginPlatform {
    Alias(Alias),
    File(PluginFile),
}

/// A download with mirrors.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct PluginFile {
    /// Where to download it.
    #[schemars(rename = "fileUrl")]
    file_url: String,
    /// Its hash.
    #[schemars(rename = "hashValue")]
    hash_value: Hash,
    /// Its size in bytes.
    filesize: Size,
    /// Other places to download it from.
    #[schemars(rename = "mirrorUrls")]
    mirror_urls: Option<Vec<String>>,
}

/// The same download as another build target.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Alias {
    /// The build target whose entry to use.
    alias: NonEmpty,
}

/// System add-ons: the set of built-in add-ons a client should have.
#[derive(JsonSchema)]
#[schemars(title = "SystemAddons (schema 5000)", deny_unknown_fields)]
#[schemars(rename = "SystemAddons")]
pub(crate) struct SystemAddonsDoc {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<5000>,
    /// The hash function of `hashValue`s (e.g. `sha512`).
    #[schemars(rename = "hashFunction")]
    hash_function: Option<ScalarDoc>,
    /// Remove every updated system add-on (not with `addons`).
    uninstall: Option<bool>,
    /// The add-ons, by id (e.g. `webcompat@mozilla.org`).
    addons: Option<BTreeMap<String, AddonDoc>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<SystemAddonsDoc>>>,
}

/// One system add-on.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Addon")]
pub(crate) struct AddonDoc {
    /// The add-on's version.
    version: ScalarDoc,
    /// Downloads by build target (`default` for every other target).
    platforms: BTreeMap<String, AddonPlatformDoc>,
}

/// An add-on's download for one build target, or an alias of another target's.
#[derive(JsonSchema)]
#[schemars(untagged)]
#[schemars(rename = "AddonPlatform")]
pub(crate) enum AddonPlatformDoc {
    Alias(Alias),
    File(AddonFileDoc),
}

/// A download.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "AddonFile")]
pub(crate) struct AddonFileDoc {
    /// Where to download it.
    #[schemars(rename = "fileUrl")]
    file_url: String,
    /// Its hash.
    #[schemars(rename = "hashValue")]
    hash_value: Hash,
    /// Its size in bytes.
    filesize: Size,
}

/// Optional features: packages offered to clients by platform or locale,
/// served as an `<addons>` list.
#[derive(JsonSchema)]
#[schemars(title = "Optional features (schema 6000)", deny_unknown_fields)]
#[schemars(rename = "Features")]
pub(crate) struct FeaturesDoc {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<6000>,
    /// The default hash function of `hashValue`s (e.g. `sha512`).
    #[schemars(rename = "hashFunction")]
    hash_function: Option<ScalarDoc>,
    /// The packages.
    packages: Vec<FeatureDoc>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<FeaturesDoc>>>,
}

/// One optional-feature package.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Feature")]
pub(crate) struct FeatureDoc {
    /// The package's add-on id.
    id: NonEmpty,
    /// Its version.
    version: ScalarDoc,
    /// Where to download it.
    #[schemars(rename = "fileUrl")]
    file_url: String,
    /// The hash function of `hashValue`, if not the release's.
    #[schemars(rename = "hashFunction")]
    hash_function: Option<ScalarDoc>,
    /// Its hash.
    #[schemars(rename = "hashValue")]
    hash_value: Hash,
    /// Its size in bytes.
    filesize: Size,
    /// Build targets it is offered to; all when left out.
    platforms: Option<Vec<String>>,
    /// Locales it is offered to; all when left out.
    locales: Option<Vec<String>>,
    /// Install only when the user opts in (default `false`: install automatically).
    #[schemars(rename = "optIn")]
    opt_in: Option<bool>,
}
