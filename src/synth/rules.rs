//! The synthetic site's rules, about fifty of them, shaped like Firefox's:
//! a main rule per channel (some throttled, with a fallback), watersheds,
//! holds by build target, locale and memory, OS desupport by osVersion, and
//! the system add-on rules.

use std::fmt::Write as _;

use super::desupports::DESUPPORTS;
use super::shape::Lines;

/// Windows 7, 8 and 8.1, in both spellings clients send (see the demo site).
const OLD_WINDOWS: &str = "Windows_NT 6.1,Windows_NT 6.2,Windows_NT 6.3,Windows_NT%206.1,Windows_NT%206.2,Windows_NT%206.3";
/// macOS 10.12 to 10.14.
const OLD_MACOS: &str = "Darwin 16.,Darwin 17.,Darwin 18.,Darwin%2016.,Darwin%2017.,Darwin%2018.";

// Where two rules could match the same request, the one with the lower
// rule_id has the higher priority: the same winner as Balrog's tie-break,
// without an ambiguity for `cinder check` to warn about.

/// One rule as a YAML flow mapping: the fields in order, strings quoted.
struct Rule(String);

impl Rule {
    fn new(id: u32, alias: &str, priority: u32, product: &str) -> Rule {
        Rule(format!(
            "{{rule_id: {id}, alias: {alias}, priority: {priority}, product: {product}"
        ))
    }

    fn s(mut self, field: &str, value: &str) -> Rule {
        let _ = write!(self.0, ", {field}: \"{value}\"");
        self
    }

    fn n(mut self, field: &str, value: u32) -> Rule {
        let _ = write!(self.0, ", {field}: {value}");
        self
    }

    fn line(self) -> String {
        format!("- {}}}\n", self.0)
    }
}

/// The rule files: (path, text).
pub(crate) fn files(lines: &Lines, locales: &[String]) -> Vec<(String, String)> {
    vec![
        ("rules/firefox.yml".to_owned(), firefox(lines, locales)),
        ("rules/system-addons.yml".to_owned(), system_addons()),
    ]
}

fn firefox(l: &Lines, locales: &[String]) -> String {
    let esr115 = &l.esr115.latest().name;
    let (mac_desupport, linux_desupport) = (DESUPPORTS[0].0, DESUPPORTS[1].0);
    let mut s = String::from("# Firefox's app-update rules (synthetic).\n");
    let mut add = |r: Rule| s.push_str(&r.line());
    // Nightly.
    add(Rule::new(1, "nightly", 100, "Firefox")
        .s("channel", "nightly")
        .s("mapping", &l.nightly.latest().name));
    add(Rule::new(2, "nightly-aarch64-hold", 110, "Firefox")
        .s("channel", "nightly")
        .s("buildTarget", "WINNT_aarch64-msvc-aarch64")
        .s("mapping", &l.nightly.back(2).name));
    add(Rule::new(3, "nightly-old-builds", 105, "Firefox")
        .s("channel", "nightly")
        .s("buildID", &format!("<{}", l.nightly.back(3).build_id))
        .s("mapping", &l.nightly.back(1).name));
    add(Rule::new(4, "aurora", 100, "Firefox")
        .s("channel", "aurora")
        .s("mapping", &l.nightly.latest().name));
    // Beta.
    add(Rule::new(10, "beta", 100, "Firefox")
        .s("channel", "beta")
        .s("mapping", &l.beta.latest().name)
        .s("fallbackMapping", &l.beta.back(1).name)
        .n("backgroundRate", 50));
    add(Rule::new(11, "beta-watershed", 120, "Firefox")
        .s("channel", "beta")
        .s("buildID", &format!("<{}", l.beta.back(3).build_id))
        .s("mapping", &l.beta.back(3).name));
    add(Rule::new(12, "beta-linux-aarch64-hold", 130, "Firefox")
        .s("channel", "beta")
        .s("buildTarget", "Linux_aarch64-gcc3")
        .s("mapping", &l.beta.back(2).name));
    // Release.
    add(Rule::new(20, "release", 100, "Firefox")
        .s("channel", "release*")
        .s("mapping", &l.release.latest().name)
        .s("fallbackMapping", &l.release.back(1).name)
        .n("backgroundRate", 25));
    add(Rule::new(21, "release-watershed-145", 120, "Firefox")
        .s("channel", "release*")
        .s("version", "<145.0.2")
        .s("mapping", "Firefox-145.0.2-build1"));
    add(Rule::new(22, "release-low-memory", 301, "Firefox")
        .s("channel", "release*")
        .s("memory", "<2048")
        .s("mapping", "Firefox-145.0.2-build1"));
    add(Rule::new(23, "release-aarch64-hold", 300, "Firefox")
        .s("channel", "release*")
        .s("buildTarget", "WINNT_aarch64-msvc-aarch64")
        .s("mapping", "Firefox-146.0-build1"));
    // ESR.
    add(Rule::new(30, "esr140", 101, "Firefox")
        .s("channel", "esr")
        .s("version", ">=140.0")
        .s("mapping", &l.esr140.latest().name)
        .s("fallbackMapping", &l.esr140.back(1).name)
        .n("backgroundRate", 10));
    add(Rule::new(31, "esr115", 100, "Firefox")
        .s("channel", "esr")
        .s("version", "<140.0")
        .s("mapping", esr115));
    add(Rule::new(32, "esr-watershed", 120, "Firefox")
        .s("channel", "esr")
        .s("version", "<115.0")
        .s("mapping", "Firefox-115.29.0esr-build1"));
    // OS desupport, per channel: old Windows moves to ESR 115; old macOS
    // and 32-bit Linux are told their platform is no longer supported.
    let channels = ["nightly", "beta", "release*"];
    for (i, channel) in (0u32..).zip(channels) {
        let name = channel.trim_end_matches('*');
        add(
            Rule::new(40 + i * 3, &format!("{name}-old-windows"), 501, "Firefox")
                .s("channel", channel)
                .s("osVersion", OLD_WINDOWS)
                .s("mapping", esr115)
                .s("update_type", "major"),
        );
        add(
            Rule::new(41 + i * 3, &format!("{name}-old-macos"), 500, "Firefox")
                .s("channel", channel)
                .s("osVersion", OLD_MACOS)
                .s("mapping", mac_desupport)
                .s("update_type", "major"),
        );
        add(
            Rule::new(42 + i * 3, &format!("{name}-linux-i686"), 400, "Firefox")
                .s("channel", channel)
                .s("buildTarget", "Linux_x86-gcc3")
                .s("mapping", linux_desupport)
                .s("update_type", "major"),
        );
    }
    add(Rule::new(50, "esr-old-macos", 500, "Firefox")
        .s("channel", "esr")
        .s("osVersion", OLD_MACOS)
        .s("mapping", esr115));
    // Translation regressions hold some locales on release at 146.0.
    for k in 0..12u32 {
        let locale = &locales[(k as usize * 7 + 3) % locales.len()];
        add(
            Rule::new(60 + k, &format!("release-hold-{k}"), 250, "Firefox")
                .s("channel", "release*")
                .s("locale", locale)
                .s("mapping", "Firefox-146.0-build1"),
        );
    }
    s
}

fn system_addons() -> String {
    let mut s = String::from("# System add-ons, served on update/3 (synthetic).\n");
    let mut add = |r: Rule| s.push_str(&r.line());
    let p = "SystemAddons";
    add(Rule::new(200, "addons-nightly", 100, p)
        .s("channel", "nightly")
        .s("mapping", "SystemAddons-148"));
    add(Rule::new(201, "addons-beta", 100, p)
        .s("channel", "beta")
        .s("mapping", "SystemAddons-147"));
    add(Rule::new(202, "addons-release-146", 101, p)
        .s("channel", "release*")
        .s("version", ">=146.0")
        .s("mapping", "SystemAddons-146-hotfix")
        .s("fallbackMapping", "SystemAddons-146")
        .n("backgroundRate", 50));
    add(Rule::new(203, "addons-release-145", 100, p)
        .s("channel", "release*")
        .s("version", "<146.0")
        .s("mapping", "SystemAddons-145"));
    add(Rule::new(204, "addons-esr", 100, p)
        .s("channel", "esr")
        .s("mapping", "SystemAddons-esr"));
    add(Rule::new(205, "addons-aarch64-none", 200, p)
        .s("channel", "release*")
        .s("buildTarget", "WINNT_aarch64-msvc-aarch64")
        .s("mapping", "SystemAddons-empty"));
    add(Rule::new(206, "addons-old-windows", 300, p)
        .s("osVersion", OLD_WINDOWS)
        .s("mapping", "SystemAddons-empty"));
    s
}
