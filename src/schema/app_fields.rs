//! Groups of top-level fields that several app-release schemas share.

use schemars::JsonSchema;

use super::common::ScalarDoc;

/// Fields of every app release.
#[derive(JsonSchema)]
pub(crate) struct Common {
    /// The hash function of the patches' `hashValue`s (e.g. `sha512`).
    #[schemars(rename = "hashFunction")]
    hash_function: Option<ScalarDoc>,
    /// The release notes page; `%LOCALE%` is filled in.
    #[schemars(rename = "detailsUrl")]
    details_url: Option<ScalarDoc>,
    /// The license page; `%LOCALE%` is filled in.
    #[schemars(rename = "licenseUrl")]
    license_url: Option<ScalarDoc>,
}

/// The version fields of schemas 2 and later.
#[derive(JsonSchema)]
pub(crate) struct Versions {
    /// The app version clients compare against, quoted (`"128.0"`, `"130.0a1"`);
    /// a beta is `"129.0"` with a `displayVersion` of `129.0 Beta 5`.
    #[schemars(rename = "appVersion")]
    app_version: Option<String>,
    /// The version shown to users (`129.0 Beta 5`).
    #[schemars(rename = "displayVersion")]
    display_version: Option<ScalarDoc>,
}

/// The platform (Gecko) version of schemas 2 to 5.
#[derive(JsonSchema)]
pub(crate) struct PlatformVersion {
    /// The Gecko platform version.
    #[schemars(rename = "platformVersion")]
    platform_version: Option<ScalarDoc>,
}

/// Fields only the oldest schemas (1 to 3) have.
#[derive(JsonSchema)]
pub(crate) struct Legacy {
    /// Balrog's `fakePartials` flag (accepted, not used).
    #[schemars(rename = "fakePartials")]
    fake_partials: Option<bool>,
}

/// The `billboardURL` attribute of schemas 2 to 5.
#[derive(JsonSchema)]
#[allow(non_snake_case)]
pub(crate) struct Billboard {
    /// A page shown in the update dialog; `%LOCALE%` is filled in.
    billboardURL: Option<ScalarDoc>,
}

/// The `<update>` prompt attributes of schemas 2 to 8.
#[derive(JsonSchema)]
#[allow(non_snake_case)]
pub(crate) struct Prompts {
    /// Whether to prompt the user before updating.
    showPrompt: Option<ScalarDoc>,
    /// Whether to offer "never for this version".
    showNeverForVersion: Option<ScalarDoc>,
    /// What to do after updating, e.g. `showURL`.
    actions: Option<ScalarDoc>,
    /// The page to open after updating; `%LOCALE%` is filled in.
    openURL: Option<ScalarDoc>,
    /// A page to show in a notification; `%LOCALE%` is filled in.
    notificationURL: Option<ScalarDoc>,
    /// A page to show in an alert; `%LOCALE%` is filled in.
    alertURL: Option<ScalarDoc>,
}

/// `promptWaitTime` of schemas 5 to 8.
#[derive(JsonSchema)]
#[allow(non_snake_case)]
pub(crate) struct PromptWait {
    /// Seconds to wait before prompting.
    promptWaitTime: Option<ScalarDoc>,
}

/// The binary-transparency attributes of schema 8.
#[derive(JsonSchema)]
#[allow(non_snake_case)]
pub(crate) struct BinTrans {
    /// The binary-transparency Merkle root.
    binTransMerkleRoot: Option<ScalarDoc>,
    /// The binary-transparency certificate.
    binTransCertificate: Option<ScalarDoc>,
    /// The binary-transparency signed certificate timestamps.
    binTransSCTList: Option<ScalarDoc>,
}
