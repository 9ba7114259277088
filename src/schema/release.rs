//! A release file (`releases/**/*.yml`): one Balrog blob plus cinder's own
//! fields, one shape per `schema_version`, as `load/releases/` reads it.

use schemars::JsonSchema;

use super::addons::{Features, Gmp, SystemAddons};
use super::app::{AppV1, AppV2, AppV3, AppV4, AppV5, AppV6, AppV8, AppV9};
use super::common::{Expiry, NonEmpty, OneOrMany};
use super::other::{Desupport, Guardian, Settings, SuperBlob};

/// A release: a Balrog blob. `schema_version` decides its other fields.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub(crate) enum Release {
    AppV1(AppV1),
    AppV2(AppV2),
    AppV3(AppV3),
    AppV4(AppV4),
    AppV5(AppV5),
    AppV6(AppV6),
    AppV8(AppV8),
    AppV9(AppV9),
    Desupport(Desupport),
    Gmp(Gmp),
    Settings(Settings),
    SuperBlob(SuperBlob),
    SystemAddons(SystemAddons),
    Features(Features),
    Guardian(Guardian),
}

/// cinder's fields, allowed in every release.
#[derive(JsonSchema)]
pub(crate) struct Meta {
    /// The release's name, which rules' `mapping` and patches' `from` use.
    /// Default: the file name without its extension.
    name: Option<NonEmpty>,
    /// The product the release belongs to (e.g. `Firefox`).
    product: Option<NonEmpty>,
    /// Templates (`templates/<name>.yml`) merged in under this file's own
    /// fields: one name or a list, applied in order.
    extends: Option<OneOrMany>,
    /// The release exists only from this time on (a scheduled insert), in
    /// RFC 3339 UTC, e.g. `2026-12-24T00:00:00Z`.
    #[schemars(rename = "starts-at", extend("format" = "date-time"))]
    starts_at: Option<String>,
    /// Things this release depends on that stop being valid at a time
    /// (signing certificates, download URLs): `cinder check` warns once they
    /// have, and `cinder check --horizon 30d` fails 30 days before.
    expires: Option<Vec<Expiry>>,
}
