//! What tests/firefox/harness.sys.mjs reports from inside Firefox (its
//! JSON output, typed).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Output {
    /// The harness could not start at all.
    pub(crate) fatal: Option<String>,
    /// Checks that threw inside Firefox.
    #[serde(default)]
    pub(crate) failures: Vec<String>,
    pub(crate) firefox: Option<Firefox>,
    pub(crate) system_addons: Option<Vec<SystemAddonCheck>>,
    pub(crate) gmp: Option<GmpCheck>,
    pub(crate) features: Option<Vec<FeatureCheck>>,
    pub(crate) app_updates: Option<Vec<AppUpdateCheck>>,
    pub(crate) broken_answers: Option<Vec<BrokenAnswer>>,
    /// Requests Firefox opened to anywhere but the local server.
    #[serde(default)]
    pub(crate) other_requests: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Firefox {
    pub(crate) name: String,
    pub(crate) version: String,
    #[serde(rename = "buildID")]
    pub(crate) build_id: String,
    pub(crate) source_revision: Option<String>,
    pub(crate) build_target: String,
    pub(crate) locale: String,
    pub(crate) channel: String,
    pub(crate) os_version: String,
    pub(crate) app_updater: bool,
}

/// How a promise inside Firefox settled.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Settled<T> {
    pub(crate) resolved: bool,
    pub(crate) value: Option<T>,
    pub(crate) error: Option<String>,
    /// ProductAddonChecker's name for the error, when it gave one.
    pub(crate) addon_checker_err: Option<String>,
}

/// ProductAddonChecker.getProductAddonList's result.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddonList {
    pub(crate) used_fallback: bool,
    pub(crate) addons: Vec<FirefoxAddon>,
}

/// An add-on as Firefox's parser returned it (fields it did not find are absent).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FirefoxAddon {
    pub(crate) id: Option<String>,
    #[serde(rename = "URL")]
    pub(crate) url: Option<String>,
    pub(crate) hash_function: Option<String>,
    pub(crate) hash_value: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) size: Option<u64>,
    #[serde(rename = "mirrorURLs", default)]
    pub(crate) mirror_urls: Vec<String>,
}

/// A GMPAddon from GMPInstallManager.checkForAddons.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GmpAddon {
    #[serde(flatten)]
    pub(crate) addon: FirefoxAddon,
    pub(crate) used_fallback: bool,
    pub(crate) is_valid: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct GmpList {
    pub(crate) addons: Vec<GmpAddon>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SystemAddonCheck {
    pub(crate) channel: String,
    /// Firefox's own template (the default of extensions.systemAddon.update.url).
    pub(crate) template: String,
    /// The URL Firefox built from it, on the local server.
    pub(crate) url: String,
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) list: Settled<AddonList>,
    /// XPIProvider.updateSystemAddons.
    pub(crate) updater: Settled<Value>,
    /// The requests Firefox opened while the updater ran.
    pub(crate) requested: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GmpCheck {
    pub(crate) channel: String,
    pub(crate) template: String,
    pub(crate) url: String,
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) check: Settled<GmpList>,
    pub(crate) check_requested: Vec<String>,
    pub(crate) installs: Vec<GmpInstall>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct GmpInstall {
    pub(crate) id: String,
    pub(crate) result: Settled<Value>,
    pub(crate) requested: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FeatureCheck {
    pub(crate) locale: String,
    pub(crate) template: String,
    pub(crate) url: String,
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) list: Settled<AddonList>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppUpdateCheck {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) rules: Rules,
    /// The same rules on DOMParser's reading of the text gave the same result.
    pub(crate) dom_parser_agrees: bool,
}

/// What app-update-rules.sys.mjs made of a document.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rules {
    pub(crate) check_succeeded: bool,
    pub(crate) error: Option<String>,
    #[serde(default)]
    pub(crate) updates: Vec<Update>,
    #[serde(default)]
    pub(crate) skipped_updates: u32,
    /// Index in `updates` of the update Firefox would offer.
    pub(crate) selected: Option<usize>,
    /// The patch it would download first.
    pub(crate) patch: Option<Patch>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Update {
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) app_version: Option<String>,
    #[serde(rename = "buildID")]
    pub(crate) build_id: Option<String>,
    pub(crate) display_version: Option<String>,
    #[serde(rename = "detailsURL")]
    pub(crate) details_url: Option<String>,
    pub(crate) unsupported: bool,
    pub(crate) patches: Vec<Patch>,
    pub(crate) skipped_patches: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Patch {
    pub(crate) attributes: BTreeMap<String, String>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(rename = "URL")]
    pub(crate) url: Option<String>,
    pub(crate) size: Option<String>,
    pub(crate) size_is_whole_bytes: bool,
}

/// A served document broken on purpose, and what Firefox made of it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BrokenAnswer {
    /// "addons" or "app update".
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) body: String,
    pub(crate) list: Option<Settled<AddonList>>,
    pub(crate) gmp_check: Option<Settled<GmpList>>,
    pub(crate) rules: Option<Rules>,
}
