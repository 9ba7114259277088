//! `cinder check` lints: warnings with stable codes, each at its place.

use crate::support::Scratch;

const H: &str = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0ff83b5f7ae2c6b83ba5b9d2f6ad0f4e03a94e6a5b5e4c39b4e5a8d07c2a1";

fn release(version: &str, build: &str, extra_partial: &str) -> String {
    format!(
        "schema_version: 4\nappVersion: \"{version}\"\nhashFunction: sha512\nplatforms:\n  p:\n    buildID: \"{build}\"\n    locales:\n      de:\n        completes: [{{from: \"*\", filesize: 10, hashValue: {H}, fileUrl: \"https://a.com/{version}\"}}]\n{extra_partial}"
    )
}

/// The lines of the report that name a code, in order.
fn codes(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        .collect()
}

#[test]
fn each_lint_reports_its_code_and_place() {
    let rules = "\
- {rule_id: 1, priority: 90, product: b, channel: \"release*\", mapping: b-2}
- {rule_id: 2, priority: 80, product: b, channel: release, locale: de, mapping: b-3}
- {rule_id: 3, priority: 70, product: b, channel: beta, mapping: b-2, backgroundRate: 10}
- {rule_id: 4, priority: 70, product: b, channel: \"beta*\", osVersion: Linux, mapping: b-3}
- {rule_id: 5, priority: 60, product: b, channel: \"aurora*\", mapping: b-2}
";
    let bad_partial = "        partials: [{from: b-0, filesize: 0, hashValue: xyz, fileUrl: \"https://evil.example/p\"}]\n";
    let out = Scratch::new()
        .file(
            "cinder.yml",
            "allowlist: {a.com: [b]}\nchannels: [release, beta]\n",
        )
        .file("rules/r.yml", rules)
        .file("releases/b-2.yml", &release("2.0", "2", ""))
        .file("releases/b-3.yml", &release("3.0", "3", bad_partial))
        .file("releases/b-9.yml", &release("9.0", "9", ""))
        .run(&["check"])
        .code(0);
    let e = &out.stderr;
    let found = codes(e);
    for code in [
        "shadowed-rule",
        "equal-priority-overlap",
        "throttled-without-fallback",
        "channel-matches-nothing",
        "unreachable-release",
        "unknown-partial-from",
        "url-outside-allowlist",
        "malformed-hash",
        "malformed-size",
    ] {
        assert!(found.contains(&code), "no {code} in:\n{e}");
    }
    assert!(
        e.contains("rule 2 can never win: rule 1 matches every request it matches"),
        "{e}"
    );
    assert!(e.contains("[rules/r.yml:2:3]"), "{e}");
    assert!(
        e.contains("rules 3 and 4 have the same priority (70)"),
        "{e}"
    );
    assert!(
        e.contains("channel `aurora*` of rule 5 matches none of the channels declared"),
        "{e}"
    );
    assert!(e.contains("release `b-9`"), "{e}");
    assert!(e.contains("[releases/b-3.yml:10:"), "{e}");
    assert!(
        e.contains("expected 128 hexadecimal digits for sha512"),
        "{e}"
    );
    assert!(e.contains("0 errors, "), "lints are warnings: {e}");
    Scratch::new()
        .file(
            "cinder.yml",
            "allowlist: {a.com: [b]}\nchannels: [release, beta]\n",
        )
        .file("rules/r.yml", rules)
        .file("releases/b-2.yml", &release("2.0", "2", ""))
        .file("releases/b-3.yml", &release("3.0", "3", ""))
        .run(&["check", "--deny-warnings"])
        .code(1);
}

#[test]
fn rules_that_cannot_meet_or_agree_are_not_flagged() {
    let rules = "\
- {rule_id: 1, priority: 90, product: b, channel: release, mapping: b-2}
- {rule_id: 2, priority: 90, product: b, channel: beta, mapping: b-3}
- {rule_id: 3, priority: 95, product: b, channel: beta, jaws: true, mapping: b-2}
- {rule_id: 4, priority: 95, product: b, channel: beta, memory: \"<2048\", mapping: b-2}
- {rule_id: 5, priority: 70, product: b, locale: \"de,fr\", mapping: b-2, fallbackMapping: b-3, backgroundRate: 50}
- {rule_id: 6, priority: 70, product: b, locale: ja, mapping: b-3}
";
    let out = Scratch::new()
        .file(
            "cinder.yml",
            "allowlist: {a.com: [b]}\nchannels: [release, beta]\n",
        )
        .file("rules/r.yml", rules)
        .file("releases/b-2.yml", &release("2.0", "2", ""))
        .file("releases/b-3.yml", &release("3.0", "3", ""))
        .run(&["check", "--deny-warnings"])
        .code(0);
    assert!(
        out.stderr.contains("0 errors, 0 warnings"),
        "{}",
        out.stderr
    );
}
