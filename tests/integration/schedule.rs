//! Scheduled changes, `--at`, `next-change`, and expiry with `--horizon`.

use crate::support::Scratch;

const RELEASE: &str = "schema_version: 4\nappVersion: \"VERSION\"\nhashFunction: sha512\nplatforms:\n  p: {buildID: \"BUILD\", locales: {de: {completes: [{from: \"*\", filesize: 1, hashValue: h, fileUrl: \"https://a.com/VERSION\"}]}}}\n";

fn release(version: &str, build: &str) -> String {
    RELEASE.replace("VERSION", version).replace("BUILD", build)
}

fn site() -> Scratch {
    Scratch::new()
        .file(
            "cinder.yml",
            "allowlist: {a.com: [b]}\nchannels: [release]\nshutoffs:\n  - product: b\n    channel: release\n    starts-at: \"2027-03-01T00:00:00Z\"\n    scheduled:\n      - {at: \"2027-03-02T00:00:00Z\", delete: true}\n",
        )
        .file(
            "rules/r.yml",
            "- priority: 10\n  product: b\n  mapping: b-2\n  scheduled:\n    - {at: \"2027-02-01T12:00:00Z\", mapping: b-3}\n",
        )
        .file("releases/b-2.yml", &release("2.0", "20270101000000"))
        .file(
            "releases/b-3.yml",
            &format!(
                "{}expires:\n  - {{what: the signing certificate, at: \"2027-06-01T00:00:00Z\"}}\n",
                release("3.0", "20270201000000")
            ),
        )
}

const URL: &str =
    "/update/6/b/1.0/20260101000000/p/de/release/o/default/default/default/update.xml";

#[test]
fn at_applies_the_changes_due_by_then() {
    let s = site();
    let answer = |at: &str| s.run(&["query", "--at", at, URL]).code(0).stdout;
    assert!(answer("2027-01-15").contains("appVersion=\"2.0\""));
    assert!(answer("2027-02-01T12:00:00Z").contains("appVersion=\"3.0\""));
    // The shutoff exists for one day.
    assert!(!answer("2027-03-01T06:00:00Z").contains("<update "));
    assert!(answer("2027-03-02T00:00:00Z").contains("appVersion=\"3.0\""));

    let next = |at: &str| s.run(&["next-change", "--at", at]).code(0).stdout;
    assert_eq!(next("2027-01-01"), "2027-02-01T12:00:00Z\n");
    assert_eq!(next("2027-02-01T12:00:00Z"), "2027-03-01T00:00:00Z\n");
    assert_eq!(next("2027-03-05"), "");

    let bad = s.run(&["query", "--at", "tomorrow", URL]).code(2);
    assert!(
        bad.stderr.contains("2026-12-24T08:00:00Z"),
        "{}",
        bad.stderr
    );
}

#[test]
fn check_validates_every_scheduled_change_still_to_come() {
    let s = Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\nchannels: [release]\n")
        .file(
            "rules/r.yml",
            "- priority: 10\n  product: b\n  mapping: b-2\n  scheduled:\n    - {at: \"2027-02-01T12:00:00Z\", mapping: b-4}\n",
        )
        .file("releases/b-2.yml", &release("2.0", "20270101000000"));
    let out = s.run(&["check", "--at", "2027-01-01"]).code(1);
    assert!(
        out.stderr
            .contains("as of 2027-02-01T12:00:00Z (a scheduled change takes effect):"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("rules/r.yml:5:"),
        "points into the scheduled change: {}",
        out.stderr
    );
    assert!(out.stderr.contains("b-4"), "{}", out.stderr);
    // Once the change is past, it is the site itself that is wrong.
    let later = s.run(&["check", "--at", "2027-03-01"]).code(1);
    assert!(!later.stderr.contains("as of"), "{}", later.stderr);

    let malformed = Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\n")
        .file(
            "rules/r.yml",
            "- priority: 10\n  product: b\n  scheduled:\n    - {at: \"next week\", priority: 20}\n",
        )
        .run(&["check"])
        .code(1);
    assert!(
        malformed
            .stderr
            .contains("`at`: `next week` is not a UTC time"),
        "{}",
        malformed.stderr
    );
}

#[test]
fn horizon_fails_a_check_before_something_expires() {
    let s = site();
    s.run(&["check", "--at", "2027-01-01", "--horizon", "30d"])
        .code(0);
    let soon = s
        .run(&["check", "--at", "2027-05-10", "--horizon", "30d"])
        .code(1);
    assert!(soon.stderr.contains("expires-soon"), "{}", soon.stderr);
    assert!(
        soon.stderr
            .contains("the signing certificate of release `b-3` expires at 2027-06-01T00:00:00Z"),
        "{}",
        soon.stderr
    );
    assert!(soon.stderr.contains("releases/b-3.yml:"), "{}", soon.stderr);
    let past = s.run(&["check", "--at", "2027-07-01"]).code(0);
    assert!(
        past.stderr.contains("expired at 2027-06-01T00:00:00Z"),
        "{}",
        past.stderr
    );
    s.run(&["check", "--at", "2027-07-01", "--deny-warnings"])
        .code(1);
    let bad = s.run(&["check", "--horizon", "a month"]).code(2);
    assert!(bad.stderr.contains("30d"), "{}", bad.stderr);
}
