//! The synthetic site's system add-on sets (schema 5000, served on update/3).

use std::fmt::Write as _;

use super::app::fnv;
use super::rng::Rng;

/// System add-on sets: (release name, [(add-on id, version)]).
pub(crate) const ADDON_SETS: &[(&str, &[(&str, &str)])] = &[
    (
        "SystemAddons-145",
        &[
            ("webcompat@mozilla.org", "145.3.0"),
            ("formautofill@mozilla.org", "1.0.1"),
        ],
    ),
    (
        "SystemAddons-146",
        &[
            ("webcompat@mozilla.org", "146.1.0"),
            ("formautofill@mozilla.org", "1.0.2"),
        ],
    ),
    (
        "SystemAddons-146-hotfix",
        &[
            ("webcompat@mozilla.org", "146.2.0"),
            ("formautofill@mozilla.org", "1.0.2"),
            ("hotfix-1998877@mozilla.org", "1.0"),
        ],
    ),
    ("SystemAddons-147", &[("webcompat@mozilla.org", "147.0.1")]),
    ("SystemAddons-148", &[("webcompat@mozilla.org", "148.0.0")]),
    ("SystemAddons-esr", &[("webcompat@mozilla.org", "140.2.0")]),
    ("SystemAddons-empty", &[]),
];

pub(crate) fn addon_set(name: &str, addons: &[(&str, &str)], seed: u64) -> String {
    let mut rng = Rng::new(seed ^ fnv(name));
    let mut s = String::from("product: SystemAddons\nschema_version: 5000\nhashFunction: sha512\n");
    if addons.is_empty() {
        s.push_str("addons: {}\n");
        return s;
    }
    s.push_str("addons:\n");
    for (id, version) in addons {
        let _ = writeln!(
            s,
            "  {id}:\n    version: \"{version}\"\n    platforms:\n      default:"
        );
        let _ = writeln!(
            s,
            "        fileUrl: \"https://archive.mozilla.org/pub/system-addons/{id}/{id}-{version}.xpi\""
        );
        let _ = writeln!(s, "        filesize: {}", rng.range(20_000, 400_000));
        let _ = writeln!(s, "        hashValue: {}", rng.hex(128));
    }
    s
}
