//! `cinder query`: bodies, JSON lines, URL files, and `--exact`.

use serde_json::Value;

use crate::support::Scratch;

/// A route-6 request from a build with `version/buildID`, platform p,
/// locale de, channel c.
fn url(build: &str) -> String {
    format!(
        "/update/6/b/{build}/p/de/c/Windows_NT%252010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml"
    )
}

fn site() -> Scratch {
    Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\nchannels: [c]\n")
        .file("rules/a.yml", "- {rule_id: 7, priority: 1, product: b, mapping: r}\n")
        .file(
            "releases/r.yml",
            "schema_version: 4\nappVersion: \"2.0\"\nhashFunction: sha512\nplatforms:\n  p: {buildID: \"2\", locales: {de: {completes: [{from: \"*\", filesize: 1, hashValue: h, fileUrl: \"https://a.com/c?x=1&y=2\"}]}}}\n",
        )
}

const EMPTY: &str = "<?xml version=\"1.0\"?>\n<updates>\n</updates>";

#[test]
fn prints_the_body_for_each_url() {
    let out = site().run(&["query", &url("1.0/1"), &url("2.0/2")]).code(0);
    let expected = format!(
        "<?xml version=\"1.0\"?>
<updates>
    <update type=\"minor\" appVersion=\"2.0\" buildID=\"2\">
        <patch type=\"complete\" URL=\"https://a.com/c?x=1&amp;y=2\" hashFunction=\"sha512\" hashValue=\"h\" size=\"1\"/>
    </update>
</updates>
{EMPTY}
"
    );
    assert_eq!(out.stdout, expected);
}

#[test]
fn jsonl_names_the_rule_release_and_file() {
    let full = format!("https://aus.example{}", url("1.0/1"));
    let other = "/update/6/x/1.0/1/p/de/c/o/SSE2/default/default/update.xml";
    let out = site()
        .run(&["query", "--jsonl", &full, &url("2.0/2"), other])
        .code(0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["rule"], "7");
    assert_eq!(lines[0]["release"], "r");
    assert_eq!(lines[0]["url"], full.as_str());
    assert_eq!(
        lines[0]["file"], "update/6/b/_/_/p/de/c/o/c/default/default/update.xml",
        "an unknown build: the catch-all"
    );
    assert_eq!(
        lines[1]["file"], "update/6/b/2.0/2/p/de/c/o/c/default/default/update.xml",
        "the release's own build"
    );
    assert_eq!(lines[1]["body"], EMPTY, "already up to date");
    assert_eq!(lines[2]["rule"], Value::Null);
    assert_eq!(lines[2]["release"], Value::Null);
    assert_eq!(lines[2]["body"], EMPTY, "no rule for product x");
}

#[test]
fn url_files_take_plain_lines_and_json_objects() {
    let s = site().file(
        "urls.txt",
        &format!("# comments and blank lines are skipped\n\n{}\n{{\"url\": \"{}?force=\\u0085\", \"user_agent\": null}}\n", url("1.0/1"), url("1.0/1")),
    );
    let out = s.run(&["query", "--jsonl", "--urls", "urls.txt"]).code(0);
    assert!(
        out.stdout.is_ascii(),
        "JSON lines escape non-ASCII so no reader splits them"
    );
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["url"], format!("{}?force=\u{85}", url("1.0/1")));
}

#[test]
fn exact_answers_any_url_as_balrog_would() {
    let balrog_route = "/update/3/b/1.0/1/p/de/zz/o/d/v/update.xml";
    let served = site().run(&["query", balrog_route]).code(0);
    assert_eq!(
        served.stdout.trim_end(),
        EMPTY,
        "the tree has neither route 3 nor channel zz"
    );
    let exact = site().run(&["query", "--exact", balrog_route]).code(0);
    assert!(exact.stdout.contains("<update "), "{}", exact.stdout);
}

#[test]
fn requests_balrog_refuses_are_noted() {
    let out = site()
        .run(&[
            "query",
            "--jsonl",
            "--exact",
            "/update/3/b/1.0pre/1/p/de/c/o/d/v/update.xml",
        ])
        .code(0);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["status"], 200);
    assert_eq!(v["balrog_status"], 400);
    assert_eq!(v["balrog_reason"], "Version number 1.0pre is invalid.");
    assert_eq!(v["body"], EMPTY);
}
