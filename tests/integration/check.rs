//! `cinder check`: exit codes and what the report looks like.

use crate::support::{Scratch, repo};

const RELEASE: &str = "schema_version: 4\nappVersion: \"2.0\"\nhashFunction: sha512\nplatforms:\n  p: {buildID: \"2\", locales: {de: {completes: [{from: \"*\", filesize: 1, hashValue: h, fileUrl: \"https://a.com/c\"}]}}}\n";

#[test]
fn the_demo_site_is_clean() {
    let out = Scratch::new()
        .run(&["check", "--site", repo().to_str().unwrap()])
        .code(0);
    assert!(out.stderr.contains("ok: "), "{}", out.stderr);
    assert!(
        out.stderr.contains("0 errors, 0 warnings"),
        "{}",
        out.stderr
    );
}

#[test]
fn errors_show_file_line_column_caret_and_help() {
    let out = Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\n")
        .file(
            "rules/release.yml",
            "- priority: 10\n  product: b\n  mapping: Ember-2.0\n  fallbackmapping: r\n",
        )
        .file("releases/r.yml", RELEASE)
        .run(&["check"])
        .code(1);
    let expected = "unknown-field

  × unknown field `fallbackmapping` in rule #1
   ╭─[rules/release.yml:4:3]
 3 │   mapping: Ember-2.0
 4 │   fallbackmapping: r
   ·   ───────┬───────
   ·          ╰── not a field here
   ╰────
  help: did you mean `fallbackMapping`?

failed: 0 rules, 1 releases; 1 error, 0 warnings
";
    assert_eq!(out.stderr, expected);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let out = Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\n")
        .file(
            "rules/a.yml",
            "- {priority: 1, product: b, mapping: nope}\n- {priority: x}\n",
        )
        .file(
            "releases/r.yml",
            &RELEASE.replace("buildID: \"2\"", "buildID: 2"),
        )
        .file(
            "releases/bad.yml",
            "schema_version: 4\n  bad indentation: [\n",
        )
        .run(&["check"])
        .code(1);
    // Every diagnostic whole (unknown-release, wrong-type, numeric-build-id,
    // yaml-syntax), as a reviewed snapshot (tests/integration/snapshots/).
    insta::assert_snapshot!("check_four_errors", out.stderr);
}

#[test]
fn warnings_pass_unless_denied() {
    let site = Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\n")
        .file(
            "rules/a.yml",
            "- {priority: 1, product: b, channel: \"*\", mapping: r}\n",
        )
        .file("releases/r.yml", RELEASE);
    site.run(&["check"]).code(0);
    site.run(&["check", "--deny-warnings"]).code(1);
}

#[test]
fn a_directory_that_is_not_a_site_is_a_usage_error() {
    let out = Scratch::new().run(&["check", "--site", "nowhere"]).code(2);
    assert!(
        out.stderr.contains("`nowhere` does not exist"),
        "{}",
        out.stderr
    );
    let out = Scratch::new().file("x.txt", "").run(&["check"]).code(2);
    assert!(out.stderr.contains("has no `cinder.yml`"), "{}", out.stderr);
}
