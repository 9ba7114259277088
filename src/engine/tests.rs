//! Rule evaluation on small sites: which rule wins, and what it serves.

use crate::testing::{TestSite, inner};

/// A V1 release named `name` at `version`, offering a complete from
/// `http://a.com/<name>`, for platform `p` and locale `l`.
fn release(name: &str, version: &str) -> String {
    format!(
        "name: {name}\nschema_version: 1\nappv: \"{version}\"\nextv: \"{version}\"\nhashFunction: sha512\nplatforms:\n  p:\n    buildID: \"500\"\n    locales:\n      l: {{complete: {{from: \"*\", filesize: 1, hashValue: h, fileUrl: \"http://a.com/{name}\"}}}}\n"
    )
}

/// A site with the given rules and config, and releases r1..r5 at versions 1.0..5.0.
fn site(config: &str, rules: &str) -> TestSite {
    let releases: Vec<(String, String)> = (1..=5)
        .map(|i| {
            (
                format!("releases/r{i}.yml"),
                release(&format!("r{i}"), &format!("{i}.0")),
            )
        })
        .collect();
    let mut files: Vec<(&str, &str)> = vec![("cinder.yml", config), ("rules/r.yml", rules)];
    files.extend(releases.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    TestSite::clean(&files)
}

const CONFIG: &str = "allowlist:\n  a.com: [b]\n";

/// Which release a URL gets (the name in its patch URL), or "-" for none.
fn served(site: &TestSite, url: &str) -> String {
    let body = site.body(url);
    let lines = inner(&body);
    lines
        .iter()
        .find_map(|l| {
            l.split("URL=\"http://a.com/")
                .nth(1)
                .and_then(|r| r.split('"').next())
        })
        .map_or_else(|| "-".to_owned(), str::to_owned)
}

fn url(rest: &str) -> String {
    format!("/update/6/b/{rest}/update.xml")
}

#[test]
fn highest_priority_wins_and_ties_go_to_the_lowest_rule_id() {
    let s = site(
        CONFIG,
        "- {rule_id: 3, priority: 100, product: b, mapping: r3}\n- {rule_id: 2, priority: 100, product: b, mapping: r2}\n- {rule_id: 1, priority: 50, product: b, mapping: r1}\n",
    );
    assert_eq!(served(&s, &url("0.1/1/p/l/c/o/SSE2/d/v")), "r2");
    assert_eq!(
        s.get(&url("0.1/1/p/l/c/o/SSE2/d/v"))
            .rule
            .map(|r| s.loaded.site.rule_name(r).to_owned()),
        Some("2".into())
    );
}

#[test]
fn rules_without_ids_tie_in_site_order() {
    let s = site(
        CONFIG,
        "- {priority: 100, product: b, mapping: r4}\n- {priority: 100, product: b, mapping: r3}\n",
    );
    assert_eq!(served(&s, &url("0.1/1/p/l/c/o/SSE2/d/v")), "r4");
    let r = s.get(&url("0.1/1/p/l/c/o/SSE2/d/v")).rule.unwrap();
    assert_eq!(s.loaded.site.rule_name(r), "rules/r.yml#1");
}

#[test]
fn a_rule_without_mapping_wins_and_answers_nothing() {
    let s = site(
        CONFIG,
        "- {priority: 100, product: b, locale: l}\n- {priority: 50, product: b, mapping: r2}\n",
    );
    assert_eq!(served(&s, &url("0.1/1/p/l/c/o/SSE2/d/v")), "-");
    assert_eq!(
        served(&s, &url("0.1/1/p/zz/c/o/SSE2/d/v")),
        "-",
        "r2 lacks locale zz"
    );
}

#[test]
fn shutoffs_cover_partner_channels_but_not_the_reverse() {
    let config = "allowlist:\n  a.com: [b]\nshutoffs:\n  - {product: b, channel: release}\n  - {product: b, channel: beta-cck-x}\n";
    let s = site(config, "- {priority: 1, product: b, mapping: r2}\n");
    assert_eq!(served(&s, &url("0.1/1/p/l/release/o/SSE2/d/v")), "-");
    assert_eq!(
        served(&s, &url("0.1/1/p/l/release-cck-foo/o/SSE2/d/v")),
        "-"
    );
    assert_eq!(served(&s, &url("0.1/1/p/l/beta-cck-x/o/SSE2/d/v")), "-");
    assert_eq!(served(&s, &url("0.1/1/p/l/beta/o/SSE2/d/v")), "r2");
    assert_eq!(
        s.get(&url("0.1/1/p/l/release/o/SSE2/d/v")).rule,
        None,
        "a shutoff reports no rule"
    );
}

#[test]
fn throttled_rules_answer_as_if_the_dice_lost() {
    let s = site(
        CONFIG,
        "- {priority: 10, product: b, channel: a, mapping: r3, fallbackMapping: r2, backgroundRate: 25}\n- {priority: 10, product: b, channel: z, mapping: r3, backgroundRate: 0}\n- {priority: 10, product: b, channel: full, mapping: r3, fallbackMapping: r2}\n",
    );
    assert_eq!(served(&s, &url("0.1/1/p/l/a/o/SSE2/d/v")), "r2");
    assert_eq!(
        served(&s, &format!("{}?force=1", url("0.1/1/p/l/a/o/SSE2/d/v"))),
        "r3"
    );
    assert_eq!(
        served(&s, &format!("{}?force=-1", url("0.1/1/p/l/a/o/SSE2/d/v"))),
        "r2"
    );
    assert_eq!(
        served(&s, &url("0.1/1/p/l/z/o/SSE2/d/v")),
        "-",
        "no fallback: dropped"
    );
    assert_eq!(
        served(&s, &format!("{}?force=1", url("0.1/1/p/l/z/o/SSE2/d/v"))),
        "r3"
    );
    assert_eq!(
        served(
            &s,
            &format!("{}?force=-1", url("0.1/1/p/l/full/o/SSE2/d/v"))
        ),
        "r3",
        "rate 100 ignores force"
    );
}

#[test]
fn pins_hold_clients_within_their_version() {
    let config = "allowlist:\n  a.com: [b]\npins:\n  - {product: b, channel: release, version: \"3.\", mapping: r3}\n  - {product: b, channel: release, version: \"2.\", mapping: r2}\n  - {product: b, channel: release, version: \"1.\", mapping: r1}\n";
    let s = site(config, "- {priority: 1, product: b, mapping: r5}\n");
    let pinned = |pin: &str, from: &str| {
        served(
            &s,
            &format!("{}?pin={pin}", url(&format!("{from}/release/o/SSE2/d/v"))),
        )
    };
    assert_eq!(pinned("3.", "1.0/1/p/l"), "r3");
    assert_eq!(pinned("03.", "1.0/1/p/l"), "r3", "pins are normalised");
    assert_eq!(pinned("5.", "1.0/1/p/l"), "r5", "not exceeded");
    assert_eq!(
        pinned("4.", "1.0/1/p/l"),
        "r5",
        "no pinnable release: fail open"
    );
    assert_eq!(
        pinned("1.", "1.0/1/p/l"),
        "r1",
        "an older build of the pinned version"
    );
    assert_eq!(
        pinned("1.", "1.0/600/p/l"),
        "-",
        "already at the pinned build"
    );
    assert_eq!(
        served(
            &s,
            &format!("{}?pin=2.", url("1.0/1/p/l/release-cck-x/o/SSE2/d/v"))
        ),
        "r2"
    );
    let bad = s.get(&format!("{}?pin=2", url("1.0/1/p/l/release/o/SSE2/d/v")));
    assert_eq!(
        bad.balrog.map(|b| b.1),
        Some("Version Pin String '2' is invalid.".to_owned())
    );
}

#[test]
fn version_globs_lists_and_invalid_client_versions() {
    let s = site(
        CONFIG,
        "- {priority: 30, product: b, version: \"70.*\", mapping: r3}\n- {priority: 20, product: b, version: [\"1.0\", \"1.5\"], mapping: r4}\n- {priority: 10, product: b, version: \"<60.0\", mapping: r5}\n",
    );
    assert_eq!(served(&s, &url("1.5/1/p/l/c/o/SSE2/d/v")), "r4");
    assert_eq!(served(&s, &url("1.2/1/p/l/c/o/SSE2/d/v")), "r5");
    let invalid = s.get(&url("120.0b9/1/p/l/c/o/SSE2/d/v"));
    assert_eq!(
        invalid.balrog,
        Some((400, "Version number 120.0b9 is invalid.".to_owned()))
    );
    assert_eq!(inner(&invalid.body).len(), 0);
}

#[test]
fn every_matcher_decides_through_real_rules() {
    let rules = "
- {priority: 90, product: b, channel: m, memory: \"<=8000\", mapping: r1}
- {priority: 90, product: b, channel: j, jaws: true, mapping: r1}
- {priority: 90, product: b, channel: g, mig64: false, mapping: r1}
- {priority: 90, product: b, channel: o, osVersion: \"Windows_NT 6.1,Darwin 9\", mapping: r1}
- {priority: 90, product: b, channel: i, instructionSet: \"SSE,SSE2\", mapping: r1}
- {priority: 90, product: b, channel: d, distribution: [mozilla1, mozilla2], mapping: r1}
- {priority: 90, product: b, channel: v, distVersion: \"1.0\", mapping: r1}
- {priority: 90, product: b, channel: t, buildTarget: p, mapping: r1}
- {priority: 90, product: b, channel: x, buildID: \"<30\", mapping: r1}
- {priority: 90, product: b, channel: h, headerArchitecture: PPC, mapping: r1}
- {priority: 90, product: b, channel: \"rel*\", mapping: r1}
";
    let s = site(CONFIG, rules);
    let got = |rest: &str| served(&s, &url(rest)) == "r1";
    assert!(got("0.1/1/p/l/m/o/ISET:SSE2,MEM:8000/d/v"));
    assert!(!got("0.1/1/p/l/m/o/ISET:SSE2,MEM:8001/d/v"));
    assert!(
        got("0.1/1/p/l/m/o/ISET:SSE2,MEM:lots/d/v"),
        "an unreadable memory matches"
    );
    assert!(got("0.1/1/p/l/j/o/ISET:SSE2,MEM:1,JAWS:1/d/v"));
    assert!(!got("0.1/1/p/l/j/o/ISET:SSE2,MEM:1,JAWS:0/d/v"));
    assert!(!got("0.1/1/p/l/j/o/SSE2/d/v"), "no JAWS sent");
    assert!(served(&s, &format!("{}?mig64=0", url("0.1/1/p/l/g/o/SSE2/d/v"))) == "r1");
    assert!(
        !got("0.1/1/p/l/g/o/SSE2/d/v"),
        "mig64=false needs the parameter"
    );
    assert!(got("0.1/1/p/l/o/Windows_NT 6.1.7601 (x64)/SSE2/d/v"));
    assert!(got("0.1/1/p/l/o/Darwin 9.8.0/SSE2/d/v"));
    assert!(!got("0.1/1/p/l/o/Windows_NT 10.0/SSE2/d/v"));
    assert!(got("0.1/1/p/l/i/o/SSE2/d/v"));
    assert!(!got("0.1/1/p/l/i/o/SSE3/d/v"));
    assert!(got("0.1/1/p/l/d/o/SSE2/mozilla2/v"));
    assert!(!got("0.1/1/p/l/d/o/SSE2/mozilla/v"));
    assert!(got("0.1/1/p/l/v/o/SSE2/d/1.0"));
    assert!(
        !got("0.1/1/p/l/v/o/SSE2/d/1.0.0"),
        "distVersion is plain equality"
    );
    assert!(got("0.1/1/p/l/t/o/SSE2/d/v"));
    assert_eq!(
        s.get(&url("0.1/1/q/l/t/o/SSE2/d/v")).rule,
        None,
        "buildTarget is plain equality"
    );
    assert!(got("0.1/25/p/l/x/o/SSE2/d/v"));
    assert!(!got("0.1/300/p/l/x/o/SSE2/d/v"), "'300' >= '30' as strings");
    assert!(!got("0.1/1/p/l/h/o/SSE2/d/v"));
    assert!(got("0.1/1/p/l/release-cck-x/o/SSE2/d/v"));
    assert!(got("0.1/1/p/l/releasetest/o/SSE2/d/v"));
    // headerArchitecture comes from the User-Agent, for Darwin builds only.
    let ppc = crate::response::exact(
        &s.loaded.site,
        &url("0.1/1/Darwin_ppc/l/h/o/SSE2/d/v"),
        Some("Mozilla/5.0 (Macintosh; PPC)"),
    );
    assert_eq!(
        ppc.rule.map(|r| s.loaded.site.rule_name(r).to_owned()),
        Some("rules/r.yml#10".into())
    );
}

#[test]
fn routes_without_a_parameter_only_match_rules_without_it() {
    let s = site(
        CONFIG,
        "- {priority: 90, product: b, distVersion: \"1.0\", mapping: r1}\n- {priority: 10, product: b, mapping: r2}\n",
    );
    assert_eq!(
        served(&s, "/update/2/b/0.1/1/p/l/c/o/update.xml"),
        "r2",
        "route 2 carries no distVersion"
    );
    assert_eq!(served(&s, &url("0.1/1/p/l/c/o/SSE2/d/1.0")), "r1");
    let os = site(
        CONFIG,
        "- {priority: 90, product: b, osVersion: Windows, mapping: r1}\n",
    );
    assert_eq!(
        served(&os, "/update/1/b/0.1/1/p/l/c/update.xml"),
        "-",
        "route 1 has an empty osVersion"
    );
}
