//! What loading reports for broken sites, and how templates merge.

use crate::testing::TestSite;

const V4_BASE: &str = r#"
schema_version: 4
appVersion: "2.0"
hashFunction: sha512
fileUrls:
  release:
    completes: {"*": "https://a.com/%OS_FTP%/%LOCALE%/complete.mar"}
platforms:
  p:
    buildID: "200"
    OS_FTP: pf
    OS_BOUNCER: pb
    locales:
      de:
        completes: [{from: "*", filesize: 1, hashValue: h}]
"#;

fn with(files: &[(&str, &str)]) -> TestSite {
    TestSite::new(files)
}

#[test]
fn a_clean_site_has_no_diagnostics() {
    let s = with(&[
        (
            "rules/r.yml",
            "- {priority: 1, product: b, channel: release, mapping: r}\n",
        ),
        ("releases/r.yml", V4_BASE),
    ]);
    assert!(s.codes().is_empty(), "{:?}", s.codes());
}

#[test]
fn names_of_missing_releases_are_errors_with_suggestions() {
    let s = with(&[
        (
            "cinder.yml",
            "pins:\n  - {product: b, channel: release, version: \"2.\", mapping: rr}\n",
        ),
        (
            "rules/r.yml",
            "- {priority: 1, product: b, mapping: R, fallbackMapping: nothing-like-it}\n",
        ),
        ("releases/r.yml", V4_BASE),
        ("releases/s.yml", "schema_version: 4000\nblobs: [r, q]\n"),
    ]);
    assert_eq!(
        s.codes(),
        [
            "unknown-release",
            "unknown-release",
            "unknown-release",
            "unknown-release"
        ]
    );
    let helps: Vec<_> = s
        .loaded
        .diagnostics
        .iter()
        .map(|d| d.help.clone().unwrap_or_default())
        .collect();
    assert!(helps.iter().any(|h| h == "did you mean `r`?"), "{helps:?}");
}

#[test]
fn partials_from_releases_lacking_the_locale_are_errors() {
    let new = V4_BASE.replace(
        "completes: [{from: \"*\", filesize: 1, hashValue: h}]",
        "completes: [{from: \"*\", filesize: 1, hashValue: h}]\n        partials: [{from: old, filesize: 1, hashValue: h}]",
    );
    let new = new.replace(
        "  release:\n    completes:",
        "  release:\n    partials: {old: \"https://a.com/p.mar\"}\n    completes:",
    );
    let s = with(&[
        (
            "rules/r.yml",
            "- {priority: 1, product: b, channel: release, mapping: r}\n",
        ),
        ("releases/r.yml", &new),
        (
            "releases/old.yml",
            "schema_version: 4\nappVersion: \"1.0\"\nplatforms:\n  p: {buildID: \"100\", locales: {fr: {}}}\n",
        ),
    ]);
    assert_eq!(s.codes(), ["from-release-lacks-locale"]);
    let d = s.loaded.diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert!(d.message.contains("lacks locale `de`"), "{}", d.message);
    let r = s.get("/update/3/b/1.0/100/p/de/release/o/d/v/update.xml");
    assert_eq!(r.balrog.map(|b| b.0), Some(500));
}

#[test]
fn numeric_build_ids_are_errors() {
    let s = with(&[(
        "releases/r.yml",
        &V4_BASE.replace("buildID: \"200\"", "buildID: 200"),
    )]);
    assert_eq!(s.codes(), ["numeric-build-id"]);
}

#[test]
fn complete_patches_need_a_url_on_every_channel_that_reaches_them() {
    let s = with(&[
        ("cinder.yml", "channels: [release, beta]\n"),
        ("rules/r.yml", "- {priority: 1, product: b, mapping: r}\n"),
        ("releases/r.yml", V4_BASE),
    ]);
    assert_eq!(s.codes(), ["missing-file-url"]);
    assert!(
        s.loaded
            .diagnostics
            .iter()
            .next()
            .unwrap()
            .message
            .contains("channel `beta`")
    );
    // With a `*` block every channel has one.
    let s = with(&[
        ("cinder.yml", "channels: [release, beta]\n"),
        ("rules/r.yml", "- {priority: 1, product: b, mapping: r}\n"),
        (
            "releases/r.yml",
            &V4_BASE.replace("  release:\n", "  \"*\":\n"),
        ),
    ]);
    assert!(s.codes().is_empty(), "{:?}", s.codes());
}

#[test]
fn url_templates_need_the_os_names() {
    let s = with(&[
        (
            "rules/r.yml",
            "- {priority: 1, product: b, channel: release, mapping: r}\n",
        ),
        (
            "releases/r.yml",
            &V4_BASE.replace("    OS_BOUNCER: pb\n", ""),
        ),
    ]);
    assert_eq!(s.codes(), ["missing-os-field"]);
}

#[test]
fn alias_chains_and_dangling_aliases_are_errors() {
    let s = with(&[(
        "releases/r.yml",
        &format!("{V4_BASE}  q: {{alias: p}}\n  z: {{alias: q}}\n  y: {{alias: nowhere}}\n"),
    )]);
    assert_eq!(s.codes(), ["alias-chain", "alias-chain"]);
}

#[test]
fn typos_and_wrong_types_are_reported_in_place() {
    let s = with(&[(
        "releases/r.yml",
        "schema_version: 4\nappVersion: 2.0\ndetailsURL: x\nhashFunction: sha512\nplatforms:\n  p:\n    buildID: \"1\"\n    locales:\n      de:\n        completes: [{from: \"*\", filesize: big, hashValue: h, fileurl: x}]\n",
    )]);
    assert_eq!(
        s.codes(),
        [
            "wrong-type",
            "unknown-field",
            "invalid-value",
            "unknown-field"
        ]
    );
    let helps: Vec<_> = s
        .loaded
        .diagnostics
        .iter()
        .filter_map(|d| d.help.clone())
        .collect();
    assert!(
        helps.contains(&"did you mean `detailsUrl`?".to_owned()),
        "{helps:?}"
    );
    assert!(
        helps.contains(&"did you mean `fileUrl`?".to_owned()),
        "{helps:?}"
    );
    let first = s.loaded.diagnostics.iter().next().unwrap();
    assert_eq!(
        s.loaded
            .sources
            .position(first.primary.as_ref().unwrap().loc),
        "releases/r.yml:2:13"
    );
}

#[test]
fn unknown_schemas_and_duplicates() {
    let s = with(&[
        ("releases/a.yml", "name: same\nschema_version: 7\n"),
        (
            "releases/b.yml",
            "name: same\nschema_version: 50\ndetailsUrl: x\ndisplayVersion: \"1\"\n",
        ),
        (
            "releases/c.yml",
            "name: same\nschema_version: 50\ndetailsUrl: x\ndisplayVersion: \"1\"\n",
        ),
        (
            "rules/r.yml",
            "- {rule_id: 1, priority: 1, alias: a}\n- {rule_id: 1, priority: 1, alias: a}\n",
        ),
    ]);
    // The rules file sorts before the releases.
    assert_eq!(
        s.codes(),
        [
            "duplicate-name",
            "duplicate-name",
            "invalid-value",
            "duplicate-name"
        ]
    );
}

#[test]
fn templates_fill_in_releases_and_report_in_their_own_file() {
    let s = with(&[
        (
            "templates/base.yml",
            "schema_version: 4\nhashFunction: sha512\nfileUrls:\n  \"*\":\n    completes: {\"*\": \"https://a.com/%OS_FTP%/%LOCALE%/c.mar\"}\nplatforms:\n  p: {OS_FTP: pf, OS_BOUNCER: pb}\n  q: {alias: p}\n",
        ),
        (
            "releases/r.yml",
            "extends: base\nappVersion: \"2.0\"\nplatforms:\n  p:\n    buildID: \"200\"\n    locales:\n      de: {completes: [{from: \"*\", filesize: 1, hashValue: h}]}\n",
        ),
        ("rules/r.yml", "- {priority: 1, product: b, mapping: r}\n"),
        ("cinder.yml", "allowlist: {a.com: [b]}\n"),
    ]);
    assert!(s.codes().is_empty(), "{:?}", s.codes());
    assert!(
        s.body("/update/3/b/1.0/1/q/de/c/o/d/v/update.xml")
            .contains("URL=\"https://a.com/pf/de/c.mar\"")
    );

    let s = with(&[
        (
            "templates/base.yml",
            "schema_version: 4\nhashFunction: 12\n",
        ),
        (
            "releases/r.yml",
            "extends: [base, bsae]\nappVersion: \"2.0\"\nplatforms: {}\n",
        ),
        (
            "releases/t.yml",
            "extends: base\nappVersion: \"2.0\"\nplatforms: {}\n",
        ),
    ]);
    assert_eq!(s.codes(), ["unknown-template"]);
    assert_eq!(
        s.loaded.diagnostics.iter().next().unwrap().help.as_deref(),
        Some("did you mean `base`?")
    );
}

#[test]
fn rules_files_must_be_lists() {
    let s = with(&[("rules/r.yml", "priority: 1\n"), ("rules/empty.yml", "")]);
    assert_eq!(s.codes(), ["wrong-type"]);
}

// See: issue 10, should-fix: the first error printed was a consequence
// ("no release has that name") instead of its cause.
#[test]
fn a_release_that_fails_to_load_is_reported_once_not_again_as_unknown() {
    let rules = (
        "rules/r.yml",
        "- {priority: 1, product: b, channel: release, mapping: r}\n",
    );
    let s = with(&[rules, ("releases/r.yml", "schema_version: [4\n")]);
    assert_eq!(s.codes(), ["yaml-syntax"]);
    let s = with(&[
        rules,
        ("releases/r.yml", &V4_BASE.replace("de:", "\"d/e\":")),
    ]);
    assert_eq!(s.codes(), ["invalid-value"]);
    let s = with(&[
        rules,
        ("releases/r.yml", "extends: missing\nschema_version: 4\n"),
    ]);
    assert_eq!(s.codes(), ["unknown-template"]);
    // A name no release file gives is still unknown.
    let s = with(&[
        ("rules/r.yml", "- {priority: 1, product: b, mapping: q}\n"),
        ("releases/r.yml", "schema_version: [4\n"),
    ]);
    assert_eq!(s.codes(), ["unknown-release", "yaml-syntax"]);
}
