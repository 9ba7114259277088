//! The synthetic site's `cinder.yml`: channels, the allowlist, an emergency
//! shutoff and pinnable releases.

use super::shape::Lines;

pub(crate) fn cinder_yml(lines: &Lines) -> String {
    format!(
        "# A synthetic Firefox-shaped site made by `cinder synth`, for benchmarks.\n\
         channels: [nightly, aurora, beta, release, esr]\n\
         allowlist:\n\
         \x20 archive.mozilla.org: [Firefox, SystemAddons]\n\
         special-force-hosts: [https://download.mozilla.org]\n\
         # aurora is retired: its clients get no updates.\n\
         shutoffs:\n\
         \x20 - {{product: Firefox, channel: aurora, comment: \"aurora is retired\"}}\n\
         # Enterprise clients pinned to 145. or 115. stay there.\n\
         pins:\n\
         \x20 - {{product: Firefox, channel: release, version: \"145.\", mapping: {}}}\n\
         \x20 - {{product: Firefox, channel: esr, version: \"115.\", mapping: {}}}\n",
        lines.release.back(2).name,
        lines.esr115.latest().name,
    )
}
