//! A release: a named blob of one of Balrog's schemas (app releases 1-9,
//! Desupport, GMP, SuperBlob, SystemAddons, Guardian) or one of cinder's own
//! (security-policy settings, optional features).

use std::collections::BTreeMap;

use crate::source::Loc;

use super::rule::Target;
use super::scalar::Scalar;

#[derive(Clone, Debug)]
pub(crate) struct Release {
    pub(crate) name: String,
    /// The product the release belongs to; it decides the domain allowlist
    /// for releases served through a SuperBlob's `blobs`.
    pub(crate) product: String,
    pub(crate) loc: Loc,
    pub(crate) blob: Blob,
    /// What the release depends on that expires (a signing certificate...).
    pub(crate) expires: Vec<Expiry>,
}

/// Something a release depends on and when it expires.
#[derive(Clone, Debug)]
pub(crate) struct Expiry {
    pub(crate) what: String,
    pub(crate) at: crate::time::Timestamp,
    pub(crate) loc: Loc,
}

#[derive(Clone, Debug)]
pub(crate) enum Blob {
    App(Box<AppRelease>),
    Desupport(Desupport),
    Gmp(Addons),
    SystemAddons(SystemAddons),
    Super(SuperBlob),
    Guardian(Guardian),
    Settings(Settings),
    Features(Features),
}

impl Release {
    /// The names of the releases this one's data points at: each patch's
    /// `from` (but `*`) and a SuperBlob's `blobs`. Unresolved names too.
    pub(crate) fn names_pointed_at(&self) -> Vec<&str> {
        match &self.blob {
            Blob::App(app) => app
                .platforms
                .values()
                .filter_map(|p| match p {
                    Platform::Build(data) => data.locales.as_ref(),
                    Platform::Alias { .. } => None,
                })
                .flat_map(|locales| locales.values())
                .flat_map(|l| l.completes.iter().chain(&l.partials))
                .map(|p| p.from.as_str())
                .filter(|from| *from != "*")
                .collect(),
            Blob::Super(SuperBlob::Blobs(targets)) => {
                targets.iter().map(|t| t.name.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }
}

impl Blob {
    pub(crate) fn schema_name(&self) -> &'static str {
        match self {
            Blob::App(_) => "app release",
            Blob::Desupport(_) => "Desupport",
            Blob::Gmp(_) => "GMP",
            Blob::SystemAddons(_) => "SystemAddons",
            Blob::Super(_) => "SuperBlob",
            Blob::Guardian(_) => "Guardian",
            Blob::Settings(_) => "Settings",
            Blob::Features(_) => "optional features",
        }
    }
}

// ---------------------------------------------------------------------------
// app releases, schemas 1 to 9

#[derive(Clone, Debug)]
pub(crate) struct AppRelease {
    /// 1, 2, 3, 4, 5, 6, 8 or 9.
    pub(crate) schema: u8,
    pub(crate) hash_function: Option<Scalar>,
    /// Top-level values looked up by name: `appv`, `extv`, `appVersion`,
    /// `displayVersion`, `platformVersion`, `detailsUrl`, `licenseUrl`, and
    /// the optional `<update>` attributes (`actions`, `openURL`, ...).
    pub(crate) top: BTreeMap<String, Option<Scalar>>,
    pub(crate) old_version_special_cases: bool,
    pub(crate) file_urls: FileUrls,
    /// V1-V3: `ftpFilenames` and `bouncerProducts`, for `%FILENAME%` and `%PRODUCT%`.
    pub(crate) ftp_filenames: NameTable,
    pub(crate) bouncer_products: NameTable,
    pub(crate) platforms: BTreeMap<String, Platform>,
    /// V9 only.
    pub(crate) update_line: Vec<UpdateLineGroup>,
}

impl AppRelease {
    /// V1, V2: one `complete` and one `partial` per locale; V3+: lists.
    pub(crate) fn single_patches(&self) -> bool {
        self.schema <= 2
    }

    /// V1-V3 keep URLs per channel as one template; V4+ per patch.
    pub(crate) fn separated_file_urls(&self) -> bool {
        self.schema <= 3
    }

    /// Balrog's `getResolvedPlatform`: one level of `alias`.
    pub(crate) fn resolved_platform<'a>(&'a self, bt: &'a str) -> Option<&'a str> {
        match self.platforms.get(bt)? {
            Platform::Alias { target, .. } => Some(target),
            Platform::Build(_) => Some(bt),
        }
    }

    /// The data of a platform after one level of aliasing; `None` when the
    /// platform is missing or the alias points at another alias.
    pub(crate) fn platform_data(&self, bt: &str) -> Option<&PlatformData> {
        match self.platforms.get(self.resolved_platform(bt)?)? {
            Platform::Build(data) => Some(data),
            Platform::Alias { .. } => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Platform {
    Alias { target: String, loc: Loc },
    Build(Box<PlatformData>),
}

#[derive(Clone, Debug, Default)]
pub(crate) struct PlatformData {
    pub(crate) build_id: Option<Scalar>,
    pub(crate) os_ftp: Option<String>,
    pub(crate) os_bouncer: Option<String>,
    /// `None` when the platform has no `locales` at all.
    pub(crate) locales: Option<BTreeMap<String, Locale>>,
    pub(crate) loc: Loc,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Locale {
    pub(crate) build_id: Option<Scalar>,
    /// Locale-level values of `appVersion`, `displayVersion`,
    /// `platformVersion`, `appv`, `extv`; an explicit null is kept as `None`
    /// (Balrog then does not fall back to the top level).
    pub(crate) overrides: BTreeMap<String, Option<Scalar>>,
    pub(crate) is_os_update: bool,
    pub(crate) completes: Vec<Patch>,
    pub(crate) partials: Vec<Patch>,
}

#[derive(Clone, Debug)]
pub(crate) struct Patch {
    /// `*` or the name of the release the client must be on.
    pub(crate) from: String,
    pub(crate) from_release: Option<super::ReleaseId>,
    pub(crate) filesize: Scalar,
    pub(crate) hash_value: Scalar,
    pub(crate) file_url: Option<String>,
    pub(crate) bin_trans_inclusion_proof: Option<Scalar>,
    pub(crate) loc: Loc,
    /// Where `from` is written.
    pub(crate) from_loc: Loc,
}

/// `fileUrls`: V1-V3 map a channel to one URL template; V4+ map a channel
/// to a block of URL templates per patch kind and from-release.
#[derive(Clone, Debug, Default)]
pub(crate) enum FileUrls {
    #[default]
    None,
    PerChannel(BTreeMap<String, UrlTemplate>),
    Blocks(BTreeMap<String, UrlBlock>),
}

/// A URL of `fileUrls`, with `%LOCALE%`-style parts to fill in, and where
/// it is written.
#[derive(Clone, Debug)]
pub(crate) struct UrlTemplate {
    pub(crate) text: String,
    pub(crate) loc: Loc,
}

impl std::ops::Deref for UrlTemplate {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct UrlBlock {
    /// Balrog takes the first non-empty block among the channel, its
    /// fallback and `*`, even if that block lacks the entry it needs.
    pub(crate) non_empty: bool,
    pub(crate) completes: BTreeMap<String, UrlTemplate>,
    pub(crate) partials: BTreeMap<String, UrlTemplate>,
}

/// `ftpFilenames` / `bouncerProducts`: V1-V2 by patch key (`complete`,
/// `partial`), V3 by patch key and from-release.
#[derive(Clone, Debug, Default)]
pub(crate) enum NameTable {
    #[default]
    None,
    Single(BTreeMap<String, String>),
    ByFrom(BTreeMap<String, BTreeMap<String, String>>),
}

impl NameTable {
    /// The entry for a patch, or `""` as in Balrog.
    pub(crate) fn lookup(&self, patch_key: &str, from: &str) -> &str {
        match self {
            NameTable::None => "",
            NameTable::Single(m) => m.get(patch_key).map_or("", String::as_str),
            NameTable::ByFrom(m) => m
                .get(patch_key)
                .and_then(|x| x.get(from))
                .map_or("", String::as_str),
        }
    }
}

/// A V9 `updateLine` group: when every condition holds, `fields` are set.
#[derive(Clone, Debug)]
pub(crate) struct UpdateLineGroup {
    pub(crate) conditions: Vec<(String, Vec<String>)>,
    pub(crate) fields: Vec<(String, Scalar)>,
}

// ---------------------------------------------------------------------------
// other blobs

/// Schema 50: tells clients their OS is no longer supported.
#[derive(Clone, Debug)]
pub(crate) struct Desupport {
    pub(crate) details_url: String,
    pub(crate) display_version: String,
}

/// Add-ons by id, each with files per platform (GMP plugins, system add-ons).
#[derive(Clone, Debug, Default)]
pub(crate) struct Addons {
    pub(crate) hash_function: Option<Scalar>,
    pub(crate) addons: BTreeMap<String, Addon>,
}

#[derive(Clone, Debug)]
pub(crate) struct Addon {
    pub(crate) version: Scalar,
    pub(crate) platforms: BTreeMap<String, AddonPlatform>,
    pub(crate) loc: Loc,
}

#[derive(Clone, Debug)]
pub(crate) enum AddonPlatform {
    Alias(String),
    File(AddonFile),
}

#[derive(Clone, Debug)]
pub(crate) struct AddonFile {
    pub(crate) file_url: String,
    pub(crate) hash_value: Scalar,
    pub(crate) filesize: Scalar,
    pub(crate) mirror_urls: Vec<String>,
}

impl Addon {
    pub(crate) fn serves(&self, bt: &str) -> bool {
        self.platforms.contains_key(bt) || self.platforms.contains_key("default")
    }
}

/// Schema 5000.
#[derive(Clone, Debug, Default)]
pub(crate) struct SystemAddons {
    pub(crate) uninstall: bool,
    pub(crate) addons: Addons,
}

/// Schema 4000: the answer of other products' rules, or other releases.
#[derive(Clone, Debug)]
pub(crate) enum SuperBlob {
    Products(Vec<String>),
    Blobs(Vec<Target>),
}

/// Schema 10000: Mozilla VPN's JSON answer.
#[derive(Clone, Debug)]
pub(crate) struct Guardian {
    pub(crate) version: String,
    pub(crate) required: Option<bool>,
    pub(crate) hash_function: Option<Scalar>,
    pub(crate) platforms: BTreeMap<String, GuardianPlatform>,
}

#[derive(Clone, Debug)]
pub(crate) struct GuardianPlatform {
    pub(crate) file_url: Option<String>,
    pub(crate) hash_value: Option<Scalar>,
}

/// Schema 2000 (cinder): which version of each security policy is current.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) settings: BTreeMap<String, Setting>,
}

#[derive(Clone, Debug)]
pub(crate) struct Setting {
    pub(crate) version: Scalar,
    pub(crate) last_modified: Scalar,
}

/// Optional features (cinder): packages that only some clients want.
#[derive(Clone, Debug, Default)]
pub(crate) struct Features {
    pub(crate) hash_function: Option<Scalar>,
    pub(crate) packages: Vec<Feature>,
}

#[derive(Clone, Debug)]
pub(crate) struct Feature {
    pub(crate) id: String,
    pub(crate) version: Scalar,
    pub(crate) url: String,
    pub(crate) hash_function: Option<Scalar>,
    pub(crate) hash_value: Scalar,
    pub(crate) size: Scalar,
    /// Empty: every platform.
    pub(crate) platforms: Vec<String>,
    /// Empty: every locale.
    pub(crate) locales: Vec<String>,
    /// Opt-in packages carry `optIn="true"`.
    pub(crate) opt_in: bool,
    pub(crate) loc: Loc,
}
