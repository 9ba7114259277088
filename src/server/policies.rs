//! The `policies.json` that points Firefox at a route (the `AppUpdateURL`
//! enterprise policy; Firefox fills in the `%PARAMETER%`s).

use crate::model::route::Route;

/// The policy for `route` on the site served at `base` (`https://updates.example.org`).
pub(crate) fn policies_json(base: &str, route: &Route) -> String {
    let url = format!("{}/{}", base.trim_end_matches('/'), route.template);
    let value = serde_json::json!({ "policies": { "AppUpdateURL": url } });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
