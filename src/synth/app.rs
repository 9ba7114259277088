//! Firefox's app releases (schema 9) as YAML: the shared template and one
//! file per release, every target and locale with a complete and partials
//! from the three builds before it.

use std::fmt::Write as _;

use super::catalog::{ALIASES, TARGETS};
use super::rng::Rng;
use super::shape::AppRelease;

/// Where every download URL points.
pub(crate) const ARCHIVE: &str = "https://archive.mozilla.org/pub/firefox";

/// `templates/firefox.yml`: what every Firefox release shares.
pub(crate) fn template() -> String {
    let mut s = String::from(
        "# What every synthetic Firefox release shares.\n\
         product: Firefox\nschema_version: 9\nhashFunction: sha512\nplatforms:\n",
    );
    for (target, ftp, bouncer) in TARGETS {
        let _ = writeln!(s, "  {target}: {{OS_FTP: {ftp}, OS_BOUNCER: {bouncer}}}");
    }
    for (alias, target) in ALIASES {
        let _ = writeln!(s, "  {alias}: {{alias: {target}}}");
    }
    s.push_str(
        "updateLine:\n\
         \x20 - for: {}\n\
         \x20   fields:\n\
         \x20     type: minor\n\
         \x20     detailsURL: \"https://www.mozilla.org/%LOCALE%/firefox/notes/\"\n\
         \x20 - for: {channels: [\"release*\"]}\n\
         \x20   fields:\n\
         \x20     actions: showURL\n\
         \x20     openURL: \"https://www.mozilla.org/%LOCALE%/firefox/whatsnew/?oldversion=%OLD_VERSION%\"\n",
    );
    s
}

/// One release's file; `from` are the releases it has partials from.
pub(crate) fn release(
    r: &AppRelease,
    from: &[&AppRelease],
    locales: &[String],
    seed: u64,
) -> String {
    let mut rng = Rng::new(seed ^ fnv(&r.name));
    let base = format!("{ARCHIVE}/{}/update/%OS_FTP%/%LOCALE%", r.dir);
    let mut s = String::with_capacity(locales.len() * TARGETS.len() * 700);
    let _ = writeln!(s, "# {} ({}), synthetic.", r.name, r.display);
    s.push_str("extends: firefox\n");
    let _ = writeln!(s, "appVersion: \"{}\"", r.app_version);
    let _ = writeln!(s, "displayVersion: \"{}\"", r.display);
    s.push_str("fileUrls:\n  \"*\":\n");
    let _ = writeln!(
        s,
        "    completes: {{\"*\": \"{base}/firefox-{}.complete.mar\"}}",
        r.version
    );
    if !from.is_empty() {
        s.push_str("    partials:\n");
        for f in from {
            let _ = writeln!(
                s,
                "      {}: \"{base}/firefox-{}-{}.partial.mar\"",
                f.name, f.build_id, r.build_id
            );
        }
    }
    s.push_str("platforms:\n");
    for (target, _, _) in TARGETS {
        let _ = writeln!(
            s,
            "  {target}:\n    buildID: \"{}\"\n    locales:",
            r.build_id
        );
        for locale in locales {
            let _ = writeln!(s, "      {locale}:");
            let _ = writeln!(
                s,
                "        completes: [{{from: \"*\", filesize: {}, hashValue: {}}}]",
                rng.range(60_000_000, 90_000_000),
                rng.hex(128)
            );
            if !from.is_empty() {
                s.push_str("        partials:\n");
                for f in from {
                    let _ = writeln!(
                        s,
                        "          - {{from: {}, filesize: {}, hashValue: {}}}",
                        f.name,
                        rng.range(5_000_000, 20_000_000),
                        rng.hex(128)
                    );
                }
            }
        }
    }
    s
}

/// FNV-1a of a name, to give each release its own random stream.
pub(crate) fn fnv(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
