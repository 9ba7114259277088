//! `cinder query`: bodies, JSON lines, URL files.

use serde_json::Value;

use crate::support::Scratch;

fn site() -> Scratch {
    Scratch::new()
        .file("cinder.yml", "allowlist: {a.com: [b]}\n")
        .file("rules/a.yml", "- {rule_id: 7, priority: 1, product: b, mapping: r}\n")
        .file(
            "releases/r.yml",
            "schema_version: 4\nappVersion: \"2.0\"\nhashFunction: sha512\nplatforms:\n  p: {buildID: \"2\", locales: {de: {completes: [{from: \"*\", filesize: 1, hashValue: h, fileUrl: \"https://a.com/c?x=1&y=2\"}]}}}\n",
        )
}

#[test]
fn prints_the_body_for_each_url() {
    let out = site()
        .run(&[
            "query",
            "/update/3/b/1.0/1/p/de/c/o/d/v/update.xml",
            "/update/3/b/9.0/1/p/de/c/o/d/v/update.xml",
        ])
        .code(0);
    let expected = "<?xml version=\"1.0\"?>
<updates>
    <update type=\"minor\" appVersion=\"2.0\" buildID=\"2\">
        <patch type=\"complete\" URL=\"https://a.com/c?x=1&amp;y=2\" hashFunction=\"sha512\" hashValue=\"h\" size=\"1\"/>
    </update>
</updates>
<?xml version=\"1.0\"?>
<updates>
</updates>
";
    assert_eq!(out.stdout, expected);
}

#[test]
fn jsonl_names_the_rule_and_release() {
    let out = site()
        .run(&[
            "query",
            "--jsonl",
            "https://aus.example/update/3/b/1.0/1/p/de/c/o/d/v/update.xml",
            "/update/3/x/1.0/1/p/de/c/o/d/v/update.xml",
        ])
        .code(0);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["status"], 200);
    assert_eq!(lines[0]["rule"], "7");
    assert_eq!(lines[0]["release"], "r");
    assert_eq!(
        lines[0]["url"],
        "https://aus.example/update/3/b/1.0/1/p/de/c/o/d/v/update.xml"
    );
    assert_eq!(lines[1]["rule"], Value::Null);
    assert_eq!(lines[1]["release"], Value::Null);
    assert_eq!(
        lines[1]["body"],
        "<?xml version=\"1.0\"?>\n<updates>\n</updates>"
    );
}

#[test]
fn url_files_take_plain_lines_and_json_objects() {
    let s = site().file(
        "urls.txt",
        "# comments and blank lines are skipped\n\n/update/3/b/1.0/1/p/de/c/o/d/v/update.xml\n{\"url\": \"/update/3/b/1.0/1/p/de/c/o/d/v/update.xml?force=\\u0085\", \"user_agent\": null}\n",
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
    assert_eq!(
        lines[1]["url"],
        "/update/3/b/1.0/1/p/de/c/o/d/v/update.xml?force=\u{85}"
    );
}

#[test]
fn requests_balrog_refuses_are_noted() {
    let out = site()
        .run(&[
            "query",
            "--jsonl",
            "/update/3/b/1.0pre/1/p/de/c/o/d/v/update.xml",
        ])
        .code(0);
    let v: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(v["status"], 200);
    assert_eq!(v["balrog_status"], 400);
    assert_eq!(v["balrog_reason"], "Version number 1.0pre is invalid.");
}
