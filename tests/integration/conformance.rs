//! Balrog's own answers (../shared/conformance): import each case, query
//! every request, and compare as the corpus's README says: only requests
//! Balrog answered with 200; XML compared by element, attribute set (without
//! Balrog's literal "None" values) and child order; throttled requests
//! without force=1 against the answer Balrog gives when its dice lose.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Scratch, cinder, conformance};

#[derive(Debug, PartialEq)]
enum Canon {
    Json(Value),
    Xml(Element),
    Unparsable(String),
}

#[derive(Debug, PartialEq)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

fn element(node: roxmltree::Node<'_, '_>) -> Element {
    let mut attrs: Vec<(String, String)> = node
        .attributes()
        .filter(|a| a.value() != "None")
        .map(|a| (a.name().to_owned(), a.value().to_owned()))
        .collect();
    attrs.sort();
    let text = node
        .children()
        .filter(roxmltree::Node::is_text)
        .map(|t| t.text().unwrap_or(""))
        .collect::<String>();
    Element {
        name: node.tag_name().name().to_owned(),
        attrs,
        text: text.trim().to_owned(),
        children: node
            .children()
            .filter(roxmltree::Node::is_element)
            .map(element)
            .collect(),
    }
}

fn canon(body: &str) -> Canon {
    let trimmed = body.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(v) = serde_json::from_str(body)
    {
        return Canon::Json(v);
    }
    match roxmltree::Document::parse(body) {
        Ok(doc) => Canon::Xml(element(doc.root_element())),
        Err(e) => Canon::Unparsable(e.to_string()),
    }
}

/// What a static tree must answer, or `None` when the request is not compared.
fn expected(rec: &Value) -> Option<String> {
    let url = rec["url"].as_str().unwrap_or_default();
    let forced_main = url.contains("force=1") && !url.contains("force=-1");
    if rec["rolls"].as_i64().unwrap_or(0) > 0 && !forced_main {
        let status = rec.get("status_fallback").unwrap_or(&rec["status"]);
        if status.as_i64() != Some(200) {
            return None;
        }
        return rec
            .get("body_fallback")
            .or(rec.get("body"))
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    if rec["status"].as_i64() != Some(200) {
        return None;
    }
    rec["body"].as_str().map(str::to_owned)
}

fn cases(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for corpus in ["balrog-testsuite", "balrog-snapshots"] {
        let Ok(entries) = std::fs::read_dir(root.join(corpus)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("urls.txt").is_file())
            .collect();
        dirs.sort();
        out.extend(dirs);
    }
    out
}

#[test]
fn answers_agree_with_balrog() {
    let Some(shared) = conformance() else {
        eprintln!(
            "conformance: SKIPPED: ../shared/conformance is not beside the project, so nothing was compared"
        );
        return;
    };
    let scratch = Scratch::new();
    let (mut total, mut agree, mut skipped) = (0, 0, 0);
    let mut mismatches = Vec::new();
    let all = cases(&shared);
    assert!(!all.is_empty(), "no cases found under {}", shared.display());
    for case in &all {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = scratch.path().join(&name);
        let import = std::process::Command::new(cinder())
            .args(["import", "balrog"])
            .arg(case)
            .arg("--out")
            .arg(&site)
            .output()
            .unwrap();
        assert!(
            import.status.success(),
            "import {name}: {}",
            String::from_utf8_lossy(&import.stderr)
        );
        let query = std::process::Command::new(cinder())
            .args(["query", "--jsonl", "--site"])
            .arg(&site)
            .arg("--urls")
            .arg(case.join("urls.txt"))
            .output()
            .unwrap();
        let answers: HashMap<String, Value> = String::from_utf8_lossy(&query.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (v["url"].as_str().unwrap().to_owned(), v)
            })
            .collect();
        let expected_text = std::fs::read_to_string(case.join("expected.jsonl")).unwrap();
        for line in expected_text.lines().filter(|l| !l.trim().is_empty()) {
            let rec: Value = serde_json::from_str(line).unwrap();
            let Some(want) = expected(&rec) else {
                skipped += 1;
                continue;
            };
            total += 1;
            let url = rec["url"].as_str().unwrap();
            let got = answers.get(url);
            let ok = got.is_some_and(|g| {
                g["status"] == 200 && canon(g["body"].as_str().unwrap_or("")) == canon(&want)
            });
            if ok {
                agree += 1;
            } else {
                mismatches.push(format!(
                    "{name} {url}\n  want: {want}\n  got:  {:?}",
                    got.map(|g| &g["body"])
                ));
            }
        }
    }
    eprintln!(
        "conformance: {agree}/{total} agree ({skipped} skipped), {} cases",
        all.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
