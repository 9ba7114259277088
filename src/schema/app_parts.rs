//! The parts of app releases: platforms, locales, patches, `fileUrls`, the
//! name tables of old schemas, and schema 9's `updateLine`.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::common::{Hash, NonEmpty, ScalarDoc, Size};

/// A build target's entry: the build, or an alias of another target.
#[derive(JsonSchema)]
#[schemars(untagged, rename = "Platform{L}")]
pub(crate) enum PlatformDoc<L: JsonSchema> {
    Alias(PlatformAlias),
    Build(PlatformBuild<L>),
}

/// The same build as another build target.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct PlatformAlias {
    /// The build target whose entry this one uses.
    alias: NonEmpty,
}

/// The build for one build target.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename = "PlatformBuild{L}")]
pub(crate) struct PlatformBuild<L: JsonSchema> {
    /// The build's buildID, quoted (`"20240725162350"`): Balrog compares buildIDs as strings.
    #[schemars(rename = "buildID")]
    build_id: Option<String>,
    /// The platform's name in download URLs (`%OS_FTP%`).
    #[schemars(rename = "OS_FTP")]
    os_ftp: Option<String>,
    /// The platform's name for the bouncer (`%OS_BOUNCER%`).
    #[schemars(rename = "OS_BOUNCER")]
    os_bouncer: Option<String>,
    /// The build per locale.
    locales: Option<BTreeMap<String, L>>,
}

/// A patch (MAR file).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Patch")]
pub(crate) struct PatchDoc {
    /// The release this patch updates from (a release name), or `*` for a complete update.
    from: NonEmpty,
    /// The MAR's size in bytes.
    filesize: Size,
    /// The MAR's hash (with the release's `hashFunction`).
    #[schemars(rename = "hashValue")]
    hash_value: Hash,
    /// The MAR's URL; default: from `fileUrls`.
    #[schemars(rename = "fileUrl")]
    file_url: Option<String>,
}

/// A patch (MAR file), with binary transparency.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct PatchV8 {
    /// The release this patch updates from (a release name), or `*` for a complete update.
    from: NonEmpty,
    /// The MAR's size in bytes.
    filesize: Size,
    /// The MAR's hash (with the release's `hashFunction`).
    #[schemars(rename = "hashValue")]
    hash_value: Hash,
    /// The MAR's URL; default: from `fileUrls`.
    #[schemars(rename = "fileUrl")]
    file_url: Option<String>,
    /// The binary-transparency inclusion proof.
    #[schemars(rename = "binTransInclusionProof")]
    bin_trans_inclusion_proof: Option<ScalarDoc>,
}

/// A locale's build (schema 1).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct LocaleV1 {
    /// This locale's buildID, if not the platform's.
    #[schemars(rename = "buildID")]
    build_id: Option<String>,
    /// The app version, if not the release's.
    appv: Option<String>,
    /// The extension version, if not the release's.
    extv: Option<String>,
    /// The complete update.
    complete: Option<PatchDoc>,
    /// The partial update.
    partial: Option<PatchDoc>,
}

/// A locale's build (schema 2).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct LocaleV2 {
    /// This locale's buildID, if not the platform's.
    #[schemars(rename = "buildID")]
    build_id: Option<String>,
    /// The app version, if not the release's.
    #[schemars(rename = "appVersion")]
    app_version: Option<String>,
    /// The version shown to users, if not the release's.
    #[schemars(rename = "displayVersion")]
    display_version: Option<ScalarDoc>,
    /// The platform version, if not the release's.
    #[schemars(rename = "platformVersion")]
    platform_version: Option<ScalarDoc>,
    /// Whether this is an OS update.
    #[schemars(rename = "isOSUpdate")]
    is_os_update: Option<bool>,
    /// The complete update.
    complete: Option<PatchDoc>,
    /// The partial update.
    partial: Option<PatchDoc>,
}

/// A locale's build (schemas 3 to 5).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct LocaleV3 {
    /// This locale's buildID, if not the platform's.
    #[schemars(rename = "buildID")]
    build_id: Option<String>,
    /// The app version, if not the release's.
    #[schemars(rename = "appVersion")]
    app_version: Option<String>,
    /// The version shown to users, if not the release's.
    #[schemars(rename = "displayVersion")]
    display_version: Option<ScalarDoc>,
    /// The platform version, if not the release's.
    #[schemars(rename = "platformVersion")]
    platform_version: Option<ScalarDoc>,
    /// Whether this is an OS update.
    #[schemars(rename = "isOSUpdate")]
    is_os_update: Option<bool>,
    /// Complete updates (usually one, `from: "*"`).
    completes: Option<Vec<PatchDoc>>,
    /// Partial updates, each from one earlier release.
    partials: Option<Vec<PatchDoc>>,
}

/// A locale's build (schema 6).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct LocaleV6 {
    /// This locale's buildID, if not the platform's.
    #[schemars(rename = "buildID")]
    build_id: Option<String>,
    /// The app version, if not the release's.
    #[schemars(rename = "appVersion")]
    app_version: Option<String>,
    /// The version shown to users, if not the release's.
    #[schemars(rename = "displayVersion")]
    display_version: Option<ScalarDoc>,
    /// Whether this is an OS update.
    #[schemars(rename = "isOSUpdate")]
    is_os_update: Option<bool>,
    /// Complete updates (usually one, `from: "*"`).
    completes: Option<Vec<PatchDoc>>,
    /// Partial updates, each from one earlier release.
    partials: Option<Vec<PatchDoc>>,
}

/// A locale's build (schemas 8 and 9).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct LocaleV8 {
    /// This locale's buildID, if not the platform's.
    #[schemars(rename = "buildID")]
    build_id: Option<String>,
    /// The app version, if not the release's.
    #[schemars(rename = "appVersion")]
    app_version: Option<String>,
    /// The version shown to users, if not the release's.
    #[schemars(rename = "displayVersion")]
    display_version: Option<ScalarDoc>,
    /// Whether this is an OS update.
    #[schemars(rename = "isOSUpdate")]
    is_os_update: Option<bool>,
    /// Complete updates (usually one, `from: "*"`).
    completes: Option<Vec<PatchV8>>,
    /// Partial updates, each from one earlier release.
    partials: Option<Vec<PatchV8>>,
}

/// Download URLs per channel (`*` for every other channel), as
/// `completes`/`partials` maps from a release name (or `*`) to a URL.
/// `%OS_FTP%`, `%OS_BOUNCER%`, `%LOCALE%`, `%FILENAME%` and `%PRODUCT%` are filled in.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "UrlBlock")]
pub(crate) struct UrlBlockDoc {
    /// Complete-update URLs by from-release (`*` for every one).
    completes: Option<BTreeMap<String, String>>,
    /// Partial-update URLs by from-release.
    partials: Option<BTreeMap<String, String>>,
}

/// File names per patch kind (schemas 1 and 2).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct NamesSingle {
    /// The name for the complete update.
    complete: Option<String>,
    /// The name for the partial update.
    partial: Option<String>,
}

/// Names per patch kind and from-release (schema 3).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct NamesByFrom {
    /// Names for complete updates, by from-release.
    completes: Option<BTreeMap<String, String>>,
    /// Names for partial updates, by from-release.
    partials: Option<BTreeMap<String, String>>,
}

/// One `updateLine` group: attributes of the `<update>` line for the clients it is for.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "UpdateLineGroup")]
pub(crate) struct UpdateLineGroupDoc {
    /// Which clients the group applies to; `{}` for every client.
    #[schemars(rename = "for")]
    for_: Option<UpdateLineFor>,
    /// The attributes to set.
    fields: Option<UpdateLineFields>,
}

/// The clients an `updateLine` group applies to: all conditions must hold.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct UpdateLineFor {
    /// Channels (globs ending in `*` allowed).
    channels: Option<Vec<String>>,
    /// Locales.
    locales: Option<Vec<String>>,
    /// Client versions (`<128.0` and the like allowed).
    versions: Option<Vec<String>>,
    /// Client buildIDs (`<20240101000000` and the like allowed).
    #[schemars(rename = "buildIDs")]
    build_ids: Option<Vec<String>>,
}

/// Attributes of the `<update>` line.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(non_snake_case)]
pub(crate) struct UpdateLineFields {
    /// The update's type: `minor` or `major`.
    #[schemars(rename = "type")]
    type_: Option<ScalarDoc>,
    /// The release notes page; `%LOCALE%` is filled in.
    detailsURL: Option<ScalarDoc>,
    /// What to do after updating, e.g. `showURL`.
    actions: Option<ScalarDoc>,
    /// The page to open after updating; `%LOCALE%` and `%OLD_VERSION%` are filled in.
    openURL: Option<ScalarDoc>,
    /// A page to show in a notification.
    notificationURL: Option<ScalarDoc>,
    /// A page to show in an alert.
    alertURL: Option<ScalarDoc>,
    /// Whether to prompt the user before updating.
    showPrompt: Option<ScalarDoc>,
    /// Whether to offer "never for this version".
    showNeverForVersion: Option<ScalarDoc>,
    /// Seconds to wait before prompting.
    promptWaitTime: Option<ScalarDoc>,
    /// Whether to avoid downloading with BITS.
    disableBITS: Option<ScalarDoc>,
    /// Whether to avoid background updates.
    disableBackgroundUpdates: Option<ScalarDoc>,
}
