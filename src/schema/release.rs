//! A release file (`releases/**/*.yml`): one Balrog blob plus cinder's own
//! fields, one shape per `schema_version`, as `load/releases/` reads it.

use schemars::JsonSchema;

use super::addons::{FeaturesDoc, Gmp, SystemAddonsDoc};
use super::app::{AppV1, AppV2, AppV3, AppV4, AppV5, AppV6, AppV8, AppV9};
use super::desupport::DesupportDoc;
use super::guardian::GuardianDoc;
use super::settings::SettingsDoc;
use super::superblob::SuperBlobDoc;

/// A release: a Balrog blob. `schema_version` decides its other fields.
#[derive(JsonSchema)]
#[schemars(untagged)]
#[schemars(rename = "Release")]
pub(crate) enum ReleaseDoc {
    AppV1(AppV1),
    AppV2(AppV2),
    AppV3(AppV3),
    AppV4(AppV4),
    AppV5(AppV5),
    AppV6(AppV6),
    AppV8(AppV8),
    AppV9(AppV9),
    DesupportDoc(DesupportDoc),
    Gmp(Gmp),
    SettingsDoc(SettingsDoc),
    SuperBlobDoc(SuperBlobDoc),
    SystemAddonsDoc(SystemAddonsDoc),
    FeaturesDoc(FeaturesDoc),
    GuardianDoc(GuardianDoc),
}
