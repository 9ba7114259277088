//! `cinder import balrog`: a Balrog export becomes a site that answers alike.

use crate::support::Scratch;

fn export() -> Scratch {
    Scratch::new()
        .file(
            "export/rules.json",
            r#"[{"rule_id": 1, "alias": null, "priority": 90, "mapping": "b-1.0", "fallbackMapping": null, "backgroundRate": 100,
                "update_type": "minor", "product": "b", "version": null, "channel": "release*", "buildTarget": null, "buildID": null,
                "locale": "de,fr", "osVersion": null, "memory": null, "instructionSet": null, "jaws": null, "mig64": null,
                "distribution": null, "distVersion": null, "headerArchitecture": null, "comment": "ships 1.0", "data_version": 3}]"#,
        )
        .file(
            "export/releases/one.json",
            r#"{"name": "b-1.0", "product": "b", "data": {"name": "b-1.0", "schema_version": 1, "appv": "1.0", "extv": "1.0",
                "hashFunction": "sha512", "platforms": {"p": {"buildID": "2", "locales": {"de": {"complete":
                {"filesize": "3", "from": "*", "hashValue": "4", "fileUrl": "http://a.com/z"}}}}}}}"#,
        )
        .file("export/config.json", r#"{"allowlisted_domains": {"a.com": ["b"]}, "special_force_hosts": ["http://a.com"]}"#)
        .file("export/emergency_shutoffs.json", r#"[{"product": "b", "channel": "release-test"}]"#)
}

#[test]
fn writes_readable_yaml_that_answers_like_balrog() {
    let s = export();
    s.run(&["import", "balrog", "export", "--out", "site"])
        .code(0);
    let rules = std::fs::read_to_string(s.path().join("site/rules/balrog.yml")).unwrap();
    assert_eq!(
        rules,
        "# Imported from a Balrog export by `cinder import balrog`.\n- rule_id: 1\n  priority: 90\n  product: b\n  channel: \"release*\"\n  locale: \"de,fr\"\n  mapping: b-1.0\n  comment: \"ships 1.0\"\n"
    );
    let config = std::fs::read_to_string(s.path().join("site/cinder.yml")).unwrap();
    assert!(
        config.contains("shutoffs:\n  - product: b\n    channel: release-test\n"),
        "{config}"
    );
    let routes = config.matches("\n  - update/").count() + config.matches("\n  - json/").count();
    assert_eq!(
        routes, 8,
        "without observed requests, every Balrog route: {config}"
    );
    let release = std::fs::read_to_string(s.path().join("site/releases/b-1.0.yml")).unwrap();
    assert!(release.starts_with("# Imported from a Balrog export by `cinder import balrog`.\nname: b-1.0\nproduct: b\nschema_version: 1\nappv: \"1.0\"\n"), "{release}");
    s.run(&["check", "--site", "site"]).code(0);
    let out = s
        .run(&[
            "query",
            "--site",
            "site",
            "/update/3/b/0.9/1/p/de/release/o/default/default/update.xml?force=1",
        ])
        .code(0);
    assert!(
        out.stdout.contains("URL=\"http://a.com/z?force=1\""),
        "{}",
        out.stdout
    );
    let shut = s
        .run(&[
            "query",
            "--site",
            "site",
            "/update/3/b/0.9/1/p/de/release-test/o/default/default/update.xml",
        ])
        .code(0);
    assert!(!shut.stdout.contains("<update "), "{}", shut.stdout);
}

#[test]
fn observed_requests_are_kept_and_narrow_the_routes() {
    let s = export().file(
        "export/urls.txt",
        "/update/3/b/1.0/7/p/de/release-cck-x/o/acme/1.0/update.xml\n",
    );
    s.run(&["import", "balrog", "export", "--out", "site"])
        .code(0);
    let config = std::fs::read_to_string(s.path().join("site/cinder.yml")).unwrap();
    assert!(
        config.contains("observed-requests: observed-requests.txt"),
        "{config}"
    );
    assert!(
        config.contains(
            "routes:
  - url: update/3/%PRODUCT%/"
        ),
        "{config}"
    );
    assert!(!config.contains("update/6/"), "{config}");
    let out = s
        .run(&[
            "query",
            "--site",
            "site",
            "--jsonl",
            "/update/3/b/1.0/7/p/de/release-cck-x/o/acme/1.0/update.xml",
        ])
        .code(0);
    let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(
        v["file"], "update/3/b/1.0/7/p/de/release-cck-x/o/acme/1.0/update.xml",
        "the observed build, channel and distribution are in the tree"
    );
}

#[test]
fn refuses_to_overwrite_a_site_unless_forced() {
    let s = export().file("site/keep.txt", "mine");
    let out = s
        .run(&["import", "balrog", "export", "--out", "site"])
        .code(2);
    assert!(
        out.stderr.contains("already exists and is not empty"),
        "{}",
        out.stderr
    );
    assert!(s.path().join("site/keep.txt").exists(), "nothing is lost");
    s.run(&["import", "balrog", "export", "--out", "site", "--force"])
        .code(0);
    assert!(
        s.path().join("site/keep.txt").exists(),
        "what is not the site's is kept"
    );
    assert!(s.path().join("site/cinder.yml").exists());
}

#[test]
fn reports_data_that_balrog_would_fail_on() {
    let s = export().file(
        "export/rules.json",
        r#"[{"rule_id": 1, "priority": 90, "mapping": "missing", "backgroundRate": 100, "update_type": "minor", "product": "b"}]"#,
    );
    let out = s
        .run(&["import", "balrog", "export", "--out", "site"])
        .code(0);
    assert!(out.stderr.contains("unknown-release"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the imported data has 1 error"),
        "{}",
        out.stderr
    );
}

#[test]
fn not_an_export_is_a_usage_error() {
    let out = Scratch::new()
        .file("x/y.txt", "")
        .run(&["import", "balrog", "x", "--out", "s"])
        .code(2);
    assert!(out.stderr.contains("has no rules.json"), "{}", out.stderr);
}
