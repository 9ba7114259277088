//! App releases, schemas 1 to 9 (there is no 7): one shape per schema.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::app_fields::{
    Billboard, BinTrans, Common, Legacy, PlatformVersion, PromptWait, Prompts, Versions,
};
use super::app_parts::{
    LocaleV1, LocaleV2, LocaleV3, LocaleV6, LocaleV8, NamesByFrom, NamesSingle, PlatformDoc,
    UpdateLineGroupDoc, UrlBlockDoc,
};
use super::common::Meta;
use super::common::{ScheduledDoc, SchemaVersion};

/// An app release of schema 1 (the oldest).
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 1)", deny_unknown_fields)]
pub(crate) struct AppV1 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<1>,
    #[schemars(flatten)]
    common: Common,
    /// The app version shown to users.
    appv: Option<String>,
    /// The extension (platform) version clients compare against.
    extv: Option<String>,
    /// Balrog's special cases for clients from 2.0 to 4.0.
    #[schemars(rename = "oldVersionSpecialCases")]
    old_version_special_cases: Option<bool>,
    /// Download URL per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, String>>,
    /// File names on the FTP server (`%FILENAME%`).
    #[schemars(rename = "ftpFilenames")]
    ftp_filenames: Option<NamesSingle>,
    /// Product names for the bouncer (`%PRODUCT%`).
    #[schemars(rename = "bouncerProducts")]
    bouncer_products: Option<NamesSingle>,
    #[schemars(flatten)]
    legacy: Legacy,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV1>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV1>>>,
}

/// An app release of schema 2.
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 2)", deny_unknown_fields)]
pub(crate) struct AppV2 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<2>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    #[schemars(flatten)]
    platform_version: PlatformVersion,
    #[schemars(flatten)]
    billboard: Billboard,
    #[schemars(flatten)]
    prompts: Prompts,
    /// Download URL per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, String>>,
    /// File names on the FTP server (`%FILENAME%`).
    #[schemars(rename = "ftpFilenames")]
    ftp_filenames: Option<NamesSingle>,
    /// Product names for the bouncer (`%PRODUCT%`).
    #[schemars(rename = "bouncerProducts")]
    bouncer_products: Option<NamesSingle>,
    #[schemars(flatten)]
    legacy: Legacy,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV2>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV2>>>,
}

/// An app release of schema 3.
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 3)", deny_unknown_fields)]
pub(crate) struct AppV3 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<3>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    #[schemars(flatten)]
    platform_version: PlatformVersion,
    #[schemars(flatten)]
    billboard: Billboard,
    #[schemars(flatten)]
    prompts: Prompts,
    /// Download URL per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, String>>,
    /// File names on the FTP server (`%FILENAME%`), by patch kind and from-release.
    #[schemars(rename = "ftpFilenames")]
    ftp_filenames: Option<NamesByFrom>,
    /// Product names for the bouncer (`%PRODUCT%`), by patch kind and from-release.
    #[schemars(rename = "bouncerProducts")]
    bouncer_products: Option<NamesByFrom>,
    #[schemars(flatten)]
    legacy: Legacy,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV3>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV3>>>,
}

/// An app release of schema 4.
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 4)", deny_unknown_fields)]
pub(crate) struct AppV4 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<4>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    #[schemars(flatten)]
    platform_version: PlatformVersion,
    #[schemars(flatten)]
    billboard: Billboard,
    #[schemars(flatten)]
    prompts: Prompts,
    /// Download URLs per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, UrlBlockDoc>>,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV3>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV4>>>,
}

/// An app release of schema 5.
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 5)", deny_unknown_fields)]
pub(crate) struct AppV5 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<5>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    #[schemars(flatten)]
    platform_version: PlatformVersion,
    #[schemars(flatten)]
    billboard: Billboard,
    #[schemars(flatten)]
    prompts: Prompts,
    #[schemars(flatten)]
    wait: PromptWait,
    /// Download URLs per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, UrlBlockDoc>>,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV3>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV5>>>,
}

/// An app release of schema 6.
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 6)", deny_unknown_fields)]
pub(crate) struct AppV6 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<6>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    #[schemars(flatten)]
    prompts: Prompts,
    #[schemars(flatten)]
    wait: PromptWait,
    /// Download URLs per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, UrlBlockDoc>>,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV6>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV6>>>,
}

/// An app release of schema 8 (binary transparency).
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 8)", deny_unknown_fields)]
pub(crate) struct AppV8 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<8>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    #[schemars(flatten)]
    prompts: Prompts,
    #[schemars(flatten)]
    wait: PromptWait,
    #[schemars(flatten)]
    bin_trans: BinTrans,
    /// Download URLs per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, UrlBlockDoc>>,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV8>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV8>>>,
}

/// An app release of schema 9: `<update>` attributes per group of clients.
#[derive(JsonSchema)]
#[schemars(title = "App release (schema 9)", deny_unknown_fields)]
pub(crate) struct AppV9 {
    #[schemars(flatten)]
    meta: Meta,
    schema_version: SchemaVersion<9>,
    #[schemars(flatten)]
    common: Common,
    #[schemars(flatten)]
    versions: Versions,
    /// Download URLs per channel (`*` for every other channel).
    #[schemars(rename = "fileUrls")]
    file_urls: Option<BTreeMap<String, UrlBlockDoc>>,
    /// `<update>` attributes for groups of clients (Balrog's `updateLine`).
    #[schemars(rename = "updateLine")]
    update_line: Option<Vec<UpdateLineGroupDoc>>,
    /// The builds, by build target (e.g. `WINNT_x86_64-msvc-x64`).
    platforms: BTreeMap<String, PlatformDoc<LocaleV8>>,
    /// Changes that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<AppV9>>>,
}
