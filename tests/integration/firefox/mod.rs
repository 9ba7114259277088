//! Firefox itself reads what cinder serves. Debian's Firefox ESR runs
//! headless (tests/firefox/run: isolated from every network but loopback,
//! with a throwaway profile) against the demo tree served by nginx through
//! hosts/run; tests/firefox/harness.sys.mjs, running privileged inside it,
//! builds the request URLs from Firefox's own templates and reports what
//! Firefox's own parsers and updaters made of the answers. These tests hold
//! that against the served documents read independently (roxmltree),
//! against `cinder query`, and against the site's release files.
//!
//! Firefox runs once per test process; every test here reads its results.
//! Run them alone with `cargo test --test integration firefox`; with
//! `-- --nocapture` each prints what Firefox saw.

mod addons;
mod app_updates;
mod output;
mod served;
mod site;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::hosts::free_port;
use crate::support::{cinder, repo};
use output::Output;
use site::Site;

/// One run of Firefox against the demo tree, and what cinder answers for the
/// URLs Firefox asked.
pub(crate) struct Session {
    pub(crate) out: Output,
    /// `http://127.0.0.1:PORT`, where nginx served the tree.
    pub(crate) server: String,
    pub(crate) site: Site,
    /// What tests/firefox/run printed (isolation, Firefox's version).
    pub(crate) log: String,
    queried: HashMap<String, String>,
}

impl Session {
    /// The body `cinder query` gives for a URL Firefox requested.
    pub(crate) fn query(&self, url: &str) -> &str {
        self.queried
            .get(url)
            .unwrap_or_else(|| panic!("{url} was not queried"))
    }

    /// The request target (path and query) of a URL on the local server.
    pub(crate) fn target<'u>(&self, url: &'u str) -> &'u str {
        url.strip_prefix(&self.server)
            .unwrap_or_else(|| panic!("{url} is not on the local server {}", self.server))
    }
}

/// The shared run, started by the first test that needs it. A failed run
/// fails every test with the same message, without running Firefox again.
pub(crate) fn session() -> &'static Session {
    static SESSION: OnceLock<Result<Session, String>> = OnceLock::new();
    match SESSION.get_or_init(start) {
        Ok(session) => session,
        Err(e) => panic!("{e}"),
    }
}

fn start() -> Result<Session, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // The tree is kept between runs: rebuilding unchanged inputs writes
    // nothing, where a fresh tree means writing and deleting 7,000 files.
    let tree = Path::new(env!("CARGO_TARGET_TMPDIR")).join("firefox-demo-tree");
    let build = Command::new(cinder())
        .arg("build")
        .arg("--site")
        .arg(repo())
        .arg("--out")
        .arg(&tree)
        .output()
        .map_err(|e| e.to_string())?;
    if !build.status.success() {
        return Err(format!(
            "cinder build failed: {}",
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    let site = Site::load(&repo());
    let port = free_port();
    let server = format!("http://127.0.0.1:{port}");
    let input = json!({
        "server": server,
        // esr is Debian's own channel, which the demo does not serve.
        "systemAddonChannels": ["release", "beta", "esr"],
        "gmpChannel": "release",
        "features": {"product": "EmberFeatures", "channel": "release", "locales": ["en-US", "de"]},
        "appUpdates": {
            "template": app_updates::TEMPLATE,
            "scenarios": app_updates::scenarios().iter().map(|s| s.input(&site)).collect::<Vec<_>>(),
        },
    });
    let input_file = dir.path().join("input.json");
    std::fs::write(&input_file, input.to_string()).map_err(|e| e.to_string())?;
    let output_file = dir.path().join("output.json");
    let run = Command::new(repo().join("tests/firefox/run"))
        .arg("--tree")
        .arg(&tree)
        .arg("--site")
        .arg(repo())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--input")
        .arg(&input_file)
        .arg("--output")
        .arg(&output_file)
        .env("CINDER", cinder())
        .output()
        .map_err(|e| format!("could not run tests/firefox/run: {e}"))?;
    let log = String::from_utf8_lossy(&run.stderr).into_owned();
    if !run.status.success() {
        return Err(format!("tests/firefox/run failed ({}):\n{log}", run.status));
    }
    let text = std::fs::read_to_string(&output_file).map_err(|e| e.to_string())?;
    let out: Output = serde_json::from_str(&text)
        .map_err(|e| format!("the harness's output does not parse: {e}\n{text}"))?;
    if let Some(fatal) = &out.fatal {
        return Err(format!(
            "the harness did not start inside Firefox: {fatal}\n{log}"
        ));
    }
    if !out.failures.is_empty() {
        return Err(format!(
            "checks threw inside Firefox:\n{}\n{log}",
            out.failures.join("\n")
        ));
    }
    let mut session = Session {
        out,
        server,
        site,
        log,
        queried: HashMap::new(),
    };
    session.queried = query_all(&session, dir.path())?;
    Ok(session)
}

/// Every URL Firefox was pointed at, answered by `cinder query`.
fn query_all(session: &Session, dir: &Path) -> Result<HashMap<String, String>, String> {
    let out = &session.out;
    let mut urls: Vec<String> = Vec::new();
    urls.extend(out.system_addons.iter().flatten().map(|c| c.url.clone()));
    urls.extend(out.gmp.iter().map(|c| c.url.clone()));
    urls.extend(out.features.iter().flatten().map(|c| c.url.clone()));
    urls.extend(out.app_updates.iter().flatten().map(|c| c.url.clone()));
    let targets: Vec<&str> = urls.iter().map(|u| session.target(u)).collect();
    let file = dir.join("urls.txt");
    std::fs::write(&file, targets.join("\n")).map_err(|e| e.to_string())?;
    let q = Command::new(cinder())
        .args(["query", "--jsonl", "--site"])
        .arg(repo())
        .arg("--urls")
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    if !q.status.success() {
        return Err(format!(
            "cinder query: {}",
            String::from_utf8_lossy(&q.stderr)
        ));
    }
    let bodies = String::from_utf8_lossy(&q.stdout)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
            Ok(v["body"].as_str().unwrap_or_default().to_owned())
        })
        .collect::<Result<Vec<_>, String>>()?;
    if bodies.len() != urls.len() {
        return Err(format!(
            "cinder query answered {} of {} URLs",
            bodies.len(),
            urls.len()
        ));
    }
    Ok(urls.into_iter().zip(bodies).collect())
}

/// The regular expression a URL built from `template` matches when only
/// its scheme and host were changed to `server`'s.
pub(crate) fn template_pattern(template: &str, server: &str) -> regex::Regex {
    let path = template
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or_else(|| panic!("not a URL template: {template}"));
    let mut pattern = format!("^{}", regex::escape(server));
    for (i, part) in path.split('%').enumerate() {
        if i % 2 == 0 {
            pattern.push_str(&regex::escape(part));
        } else {
            pattern.push_str("[^/]+");
        }
    }
    pattern.push('$');
    regex::Regex::new(&pattern).unwrap()
}

#[test]
fn firefox_runs_isolated_with_its_own_update_code() {
    let s = session();
    let firefox = s.out.firefox.as_ref().expect("Firefox described itself");
    eprintln!(
        "{} {} (build {}, {}), {} {} on channel {}; {}",
        firefox.name,
        firefox.version,
        firefox.build_id,
        firefox
            .source_revision
            .as_deref()
            .unwrap_or("no source revision"),
        firefox.build_target,
        firefox.locale,
        firefox.channel,
        firefox.os_version
    );
    for line in s.log.lines() {
        eprintln!("  {line}");
    }
    assert_eq!(firefox.name, "Firefox");
    assert!(
        firefox.version.starts_with("140."),
        "Debian's firefox-esr is 140 ESR, not {}",
        firefox.version
    );
    assert!(!firefox.app_updater, "Debian's build has no app updater");
    assert!(s.log.contains("isolation: "), "{}", s.log);
    // Firefox opened nothing off loopback but the downloads it was asked for.
    let downloads: Vec<&str> = s
        .out
        .system_addons
        .iter()
        .flatten()
        .flat_map(|c| c.requested.iter().map(String::as_str))
        .chain(s.out.gmp.iter().flat_map(|g| {
            g.installs
                .iter()
                .flat_map(|i| i.requested.iter().map(String::as_str))
        }))
        .collect();
    let unexpected: Vec<&String> = s
        .out
        .other_requests
        .iter()
        .filter(|u| !downloads.contains(&u.as_str()))
        .collect();
    eprintln!(
        "  requests off loopback (all refused): {:?}",
        s.out.other_requests
    );
    assert!(
        unexpected.is_empty(),
        "Firefox's background services opened requests: {unexpected:?}"
    );
}
