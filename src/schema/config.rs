//! `cinder.yml`, as its loader (`load/config.rs`) reads it.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::common::{NonEmpty, OneOrMany, ScheduledDoc};

/// The site's settings: hosts releases may point at, shutoffs, pins,
/// channels, routes, declared parameter values and where to build.
#[derive(JsonSchema)]
#[schemars(title = "cinder.yml", deny_unknown_fields)]
#[schemars(rename = "Config")]
pub(crate) struct ConfigDoc {
    /// Which hosts releases may send clients to, per product (Balrog's domain
    /// allowlist). A host maps to the products allowed on it, or to path
    /// patterns (regular expressions matched against the whole path), each
    /// with its products. A URL on any other host is left out of the answer.
    allowlist: Option<BTreeMap<String, AllowlistEntry>>,
    /// URL prefixes (e.g. `https://download.example.org`) whose URLs get the
    /// client's `force=1` / `force=-1` passed on.
    #[schemars(rename = "special-force-hosts")]
    special_force_hosts: Option<Vec<String>>,
    /// Emergency shutoffs: no updates for a product on a channel (and the
    /// partner channels that fall back to it) while listed.
    shutoffs: Option<Vec<ShutoffDoc>>,
    /// Pinnable releases: clients with Firefox's `AppUpdatePin` policy set to
    /// `version` get `mapping` instead of newer releases.
    pins: Option<Vec<PinDoc>>,
    /// Channels clients use, besides those rules name exactly (e.g. the
    /// channels a `release*` glob should cover). Each becomes a directory name.
    channels: Option<Vec<PathName>>,
    /// The URL templates clients request, with Firefox's `%PARAMETER%` names.
    /// Left out: Firefox's `update/6` route for app releases and `update/3`
    /// for add-ons and plugins.
    routes: Option<Vec<RouteDoc>>,
    /// Client-parameter values to answer for, besides those releases and rules imply.
    values: Option<ValuesDoc>,
    /// Files (relative to the site) of request URLs seen in the wild, one per
    /// line: their values join the parameter space.
    #[schemars(rename = "observed-requests")]
    observed_requests: Option<OneOrMany>,
    /// Where `cinder build` publishes the tree, relative to the site. Default `public`.
    output: Option<NonEmpty>,
    /// The Cache-Control header served with every answer. Default `public, max-age=90`.
    #[schemars(rename = "cache-control")]
    cache_control: Option<NonEmpty>,
    /// Budgets a change should stay within: `cinder check` warns above them
    /// (`large-release`), so that a pull request that would grow the tree
    /// by orders of magnitude is noticed in review.
    limits: Option<Limits>,
}

/// Budgets of the site (`check` warns above them).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct Limits {
    /// Builds (a platform, alias or not, and a locale each) one release may
    /// list; each is a subtree of every update route. Default 3000.
    #[schemars(rename = "builds-per-release", range(min = 1))]
    builds_per_release: Option<u64>,
}

/// A value that becomes a directory name in the tree: not empty, not `.` or
/// `..`, and without `/`.
#[derive(JsonSchema)]
#[schemars(transform = path_name)]
pub(crate) struct PathName(String);

fn path_name(schema: &mut schemars::Schema) {
    schema.insert("pattern".into(), r"^(?!\.\.?$)[^/]+$".into());
}

/// The products allowed on a host: a list, or path patterns each with a list.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum AllowlistEntry {
    /// Products allowed anywhere on the host, e.g. `[Firefox]`.
    Products(Vec<String>),
    /// Path patterns (regular expressions matched against the whole path),
    /// each with the products allowed under it.
    Paths(BTreeMap<String, Vec<String>>),
}

/// An emergency shutoff.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Shutoff")]
pub(crate) struct ShutoffDoc {
    /// The product whose updates stop.
    product: NonEmpty,
    /// The channel whose updates stop.
    channel: NonEmpty,
    /// Why, for the people reading the file (e.g. a bug number).
    comment: Option<String>,
    /// The shutoff is in force only from this time on (a scheduled insert), in
    /// RFC 3339 UTC, e.g. `2026-12-24T00:00:00Z`.
    #[schemars(rename = "starts-at", extend("format" = "date-time"))]
    starts_at: Option<String>,
    /// Changes to this shutoff that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<ShutoffDoc>>>,
}

/// A pinnable release.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Pin")]
pub(crate) struct PinDoc {
    /// The product.
    product: NonEmpty,
    /// The channel.
    channel: NonEmpty,
    /// The pin as Firefox's `AppUpdatePin` policy writes it: `102.` or `102.1.`.
    #[schemars(regex(pattern = r"^[0-9]+\.([0-9]+\.)?$"))]
    version: String,
    /// The release pinned clients get (a release name).
    mapping: NonEmpty,
}

/// A route: a URL template, or a template with the products it serves and
/// fixed values for parameters its URL does not carry.
#[derive(JsonSchema)]
#[schemars(untagged)]
#[schemars(rename = "Route")]
pub(crate) enum RouteDoc {
    /// The URL template, e.g. `update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml`.
    Template(String),
    /// A template with settings.
    Detailed(Box<RouteSettings>),
}

/// A route with settings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct RouteSettings {
    /// The URL template, with `%PRODUCT%`, `%VERSION%`, `%BUILD_ID%`,
    /// `%BUILD_TARGET%`, `%LOCALE%`, `%CHANNEL%`, `%OS_VERSION%`,
    /// `%SYSTEM_CAPABILITIES%`, `%DISTRIBUTION%`, `%DISTRIBUTION_VERSION%`.
    url: String,
    /// The products this route serves; all by default.
    products: Option<Vec<String>>,
    /// The product of every request of this route, when the URL has no `%PRODUCT%`.
    product: Option<NonEmpty>,
    /// The build target of every request, when the URL has no `%BUILD_TARGET%`.
    #[schemars(rename = "buildTarget")]
    build_target: Option<NonEmpty>,
    /// The locale of every request, when the URL has no `%LOCALE%`.
    locale: Option<NonEmpty>,
    /// The channel of every request, when the URL has no `%CHANNEL%`.
    channel: Option<NonEmpty>,
    /// The OS version of every request, when the URL has no `%OS_VERSION%`.
    #[schemars(rename = "osVersion")]
    os_version: Option<NonEmpty>,
    /// The system capabilities of every request, when the URL has no `%SYSTEM_CAPABILITIES%`.
    #[schemars(rename = "systemCapabilities")]
    system_capabilities: Option<NonEmpty>,
    /// The distribution of every request, when the URL has no `%DISTRIBUTION%`.
    distribution: Option<NonEmpty>,
    /// The distribution version of every request, when the URL has no `%DISTRIBUTION_VERSION%`.
    #[schemars(rename = "distVersion")]
    dist_version: Option<NonEmpty>,
    /// The platform version (carried by Balrog's route 4; never matched).
    #[schemars(rename = "platformVersion")]
    platform_version: Option<NonEmpty>,
    /// The IMEI (carried by Balrog's route 5; never matched).
    #[schemars(rename = "IMEI")]
    imei: Option<NonEmpty>,
}

/// Declared values of client parameters that releases and rules do not enumerate.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Values")]
pub(crate) struct ValuesDoc {
    /// Real `osVersion` strings (e.g. `Windows_NT 10.0.19045`), examples of
    /// the classes the rules tell apart.
    #[schemars(rename = "osVersion")]
    os_version: Option<Vec<String>>,
    /// Real `systemCapabilities` strings (e.g. `ISET:SSE4_2,MEM:16252,JAWS:0`).
    #[schemars(rename = "systemCapabilities")]
    system_capabilities: Option<Vec<String>>,
    /// Distributions to answer for.
    distribution: Option<Vec<PathName>>,
    /// Distribution versions to answer for.
    #[schemars(rename = "distVersion")]
    dist_version: Option<Vec<PathName>>,
}
