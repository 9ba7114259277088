//! Every web server started as users start it (`hosts/run HOST`, and `cinder
//! serve`), serving the shared built trees, asked every test request over
//! HTTP, and compared with `cinder query`: status, Content-Type and body,
//! and the site's Cache-Control on every answer. nginx, Apache, Caddy and
//! the two CDN edges (a CloudFront Function, a Cloudflare Worker, in their
//! local runtimes) must agree on every request of the demo, a JSON route
//! and a fork's routes, and on every case of Balrog's conformance corpus; a
//! plain host must agree on every request `cinder check` does not name.

use std::collections::BTreeSet;
use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::fixture::{Tree, conformance_trees, demo, fork, guardian};
use crate::http::{get, wire};
use crate::support::{cinder, repo};

/// A server started for a test, stopped with SIGTERM when dropped.
pub(crate) struct Running {
    child: Child,
    pub(crate) port: u16,
    pub(crate) name: String,
    pub(crate) log: PathBuf,
    /// Held while a local Cloudflare runs: one `wrangler dev` at a time
    /// (each takes seconds of both cores to start).
    _turn: Option<MutexGuard<'static, ()>>,
}

static WRANGLER: Mutex<()> = Mutex::new(());

/// A port nothing listens on now.
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Running {
    /// `hosts/run HOST` for a tree (`extra`: arguments for `cinder server-config`).
    pub(crate) fn host(host: &str, tree: &Tree, extra: &[&str]) -> Running {
        Self::host_in(host, tree, extra, None, &[])
    }

    fn host_in(
        host: &str,
        tree: &Tree,
        extra: &[&str],
        tmp: Option<&Path>,
        env: &[(&str, &Path)],
    ) -> Running {
        let port = free_port();
        let mut cmd = Command::new(repo().join("hosts/run"));
        cmd.arg(host)
            .arg("--site")
            .arg(&tree.site)
            .arg("--root")
            .arg(&tree.root)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("CINDER", cinder());
        if !extra.is_empty() {
            cmd.arg("--").args(extra);
        }
        if let Some(tmp) = tmp {
            cmd.env("TMPDIR", tmp);
        }
        cmd.envs(env.iter().copied());
        Self::spawn(&format!("{host} ({})", tree.name), cmd, port, tree)
    }

    /// `cinder serve` for a tree.
    pub(crate) fn serve(tree: &Tree) -> Running {
        let port = free_port();
        let mut cmd = Command::new(cinder());
        cmd.arg("serve")
            .arg("--site")
            .arg(&tree.site)
            .arg("--root")
            .arg(&tree.root)
            .args(["--listen", &format!("127.0.0.1:{port}")]);
        Self::spawn(&format!("serve ({})", tree.name), cmd, port, tree)
    }

    fn spawn(name: &str, mut cmd: Command, port: u16, tree: &Tree) -> Running {
        let edge = name.starts_with("cloudflare ");
        let turn = edge.then(|| WRANGLER.lock().unwrap_or_else(PoisonError::into_inner));
        let log = tree
            .root
            .parent()
            .unwrap()
            .join(format!("{}-{port}.log", name.split(' ').next().unwrap()));
        let child = cmd
            .stdout(Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut running = Running {
            child,
            port,
            name: name.to_owned(),
            log,
            _turn: turn,
        };
        // wrangler takes a minute or more to start on a busy machine.
        let deadline = Instant::now() + Duration::from_mins(if edge { 5 } else { 2 });
        // hosts/run says when the server answers (a local edge runtime
        // accepts connections before its worker is ready).
        let banner = format!(" on http://127.0.0.1:{port}");
        let waiting = |log: &Path| {
            !name.starts_with("serve ")
                && !std::fs::read_to_string(log)
                    .unwrap_or_default()
                    .contains(&banner)
        };
        while TcpStream::connect(("127.0.0.1", port)).is_err() || waiting(&running.log) {
            let exited = running.child.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "{name} did not start ({exited:?}):\n{}",
                std::fs::read_to_string(&running.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        running
    }

    /// Stops it with SIGTERM; `true` when it exited within ten seconds.
    fn stop(&mut self) -> bool {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return true;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How a server's answers compared with `cinder query`'s.
#[derive(Debug, Default)]
pub(crate) struct Compared {
    pub(crate) agreed: usize,
    /// Requests the server refused as malformed (400) before any routing.
    pub(crate) refused: usize,
    pub(crate) mismatches: Vec<String>,
}

/// Asks the server every request of the tree and compares status,
/// Content-Type, body and Cache-Control with what `cinder query` says.
pub(crate) fn compare(server: &Running, tree: &Tree, cache_control: &str) -> Compared {
    let mut out = Compared::default();
    for (request, want) in tree.requests.iter().zip(&tree.expected) {
        let got = get(server.port, &request.url, request.user_agent.as_deref());
        if got.status == 400 {
            out.refused += 1;
            continue;
        }
        let content_type = got.header("content-type").unwrap_or_default();
        let cache = got.header("cache-control").unwrap_or_default();
        if (got.status, content_type, got.body.as_str(), cache)
            == (
                want.status,
                want.content_type.as_str(),
                want.body.as_str(),
                cache_control,
            )
        {
            out.agreed += 1;
        } else {
            out.mismatches.push(format!(
                "{}\n  query: {} {:?} {:?}\n  {}: {} {content_type:?} {:?} (Cache-Control {cache:?})",
                request.url, want.status, want.content_type, want.body, server.name, got.status, got.body
            ));
        }
    }
    out
}

#[track_caller]
fn assert_agrees(c: &Compared, server: &Running, tree: &Tree) {
    assert!(
        c.mismatches.is_empty(),
        "{}: {} of {} requests differ from `cinder query`:\n{}",
        server.name,
        c.mismatches.len(),
        tree.requests.len(),
        c.mismatches[..c.mismatches.len().min(6)].join("\n")
    );
}

/// The demo, a JSON route and a fork's routes: every request agrees.
fn agrees_on_the_test_sites(host: &str) {
    let mut total = 0;
    for tree in [demo(), guardian(), fork()] {
        let server = if host == "serve" {
            Running::serve(tree)
        } else {
            Running::host(host, tree, &[])
        };
        let c = compare(&server, tree, "public, max-age=90");
        assert_agrees(&c, &server, tree);
        assert_eq!(c.refused, 0, "{} refused requests", server.name);
        total += c.agreed;
    }
    eprintln!(
        "{host} agrees with cinder query on {total} requests of the demo, JSON and fork sites"
    );
}

#[test]
fn nginx_agrees_with_query() {
    agrees_on_the_test_sites("nginx");
}

#[test]
fn apache_agrees_with_query() {
    agrees_on_the_test_sites("apache");
}

#[test]
fn caddy_agrees_with_query() {
    agrees_on_the_test_sites("caddy");
}

#[test]
fn cloudfront_agrees_with_query() {
    agrees_on_the_test_sites("cloudfront");
}

#[test]
fn cloudflare_agrees_with_query() {
    agrees_on_the_test_sites("cloudflare");
}

#[test]
fn serve_agrees_with_query() {
    agrees_on_the_test_sites("serve");
}

/// Every case of Balrog's conformance corpus.
fn agrees_on_the_conformance_cases(host: &str) {
    let trees = conformance_trees();
    if trees.is_empty() {
        eprintln!("{host} conformance: SKIPPED: ../shared/conformance is not beside the project");
        return;
    }
    let (mut agreed, mut refused) = (0, 0);
    for tree in trees {
        let server = if host == "cloudflare" {
            if tree.requests.is_empty() {
                // Nothing to ask, and wrangler takes seconds to start.
                continue;
            }
            cloudflare(tree)
        } else {
            Running::host(host, tree, &[])
        };
        let c = compare(&server, tree, "public, max-age=90");
        assert_agrees(&c, &server, tree);
        agreed += c.agreed;
        refused += c.refused;
    }
    eprintln!(
        "{host} agrees with cinder query on {agreed} conformance requests of {} cases ({refused} refused as malformed before routing)",
        trees.len()
    );
}

#[test]
fn nginx_agrees_on_every_conformance_case() {
    agrees_on_the_conformance_cases("nginx");
}

#[test]
fn apache_agrees_on_every_conformance_case() {
    agrees_on_the_conformance_cases("apache");
}

#[test]
fn caddy_agrees_on_every_conformance_case() {
    agrees_on_the_conformance_cases("caddy");
}

/// The Worker for a tree: with its files as static assets when they fit
/// (20,000), else from a local R2 bucket holding the files the requests'
/// answers are in (and the empty document), as filling it with a tree of
/// millions would take hours; the Worker routes with the whole tree's index,
/// and a key it picks that the bucket lacks gets the empty document, which
/// the comparison catches wherever the answer is not empty.
fn cloudflare(tree: &Tree) -> Running {
    let manifest = std::fs::read_to_string(tree.root.join("cinder-manifest.tsv")).unwrap();
    let files = manifest.lines().count();
    if files <= 20_000 {
        return Running::host("cloudflare", tree, &[]);
    }
    let keys: BTreeSet<&str> = tree
        .expected
        .iter()
        .filter_map(|e| e.file.as_deref())
        .chain(["cinder-empty.xml"])
        .collect();
    let list = tree.root.parent().unwrap().join("r2-keys.txt");
    let keys: Vec<&str> = keys.into_iter().collect();
    std::fs::write(&list, keys.join("\n") + "\n").unwrap();
    Running::host_in(
        "cloudflare",
        tree,
        &[],
        None,
        &[("CINDER_R2_KEYS", list.as_path())],
    )
}

#[test]
fn cloudfront_agrees_on_every_conformance_case() {
    agrees_on_the_conformance_cases("cloudfront");
}

#[test]
fn cloudflare_agrees_on_every_conformance_case() {
    agrees_on_the_conformance_cases("cloudflare");
}

/// The edges' second forms: the CloudFront Function reading the index of
/// the tree's files from its KeyValueStore, the Worker reading the tree
/// from an R2 bucket.
#[test]
fn cloudfront_with_the_index_in_a_key_value_store_agrees_with_query() {
    let tree = demo();
    let server = Running::host("cloudfront", tree, &["--key-value-store"]);
    let c = compare(&server, tree, "public, max-age=90");
    assert_agrees(&c, &server, tree);
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("in a KeyValueStore"), "{log}");
    eprintln!(
        "cloudfront with a KeyValueStore agrees with cinder query on {} requests of the demo",
        c.agreed
    );
}

#[test]
fn cloudflare_from_r2_agrees_with_query() {
    let tree = guardian();
    let server = Running::host("cloudflare", tree, &["--storage", "r2"]);
    let c = compare(&server, tree, "public, max-age=90");
    assert_agrees(&c, &server, tree);
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.contains("in the R2 bucket"), "{log}");
    eprintln!(
        "cloudflare reading R2 agrees with cinder query on {} requests of the JSON site",
        c.agreed
    );
}

#[test]
fn nginx_splits_throttled_checks_by_rate_when_asked() {
    splits_throttled_checks_by_rate("nginx");
}

#[test]
fn cloudfront_splits_throttled_checks_by_rate_when_asked() {
    splits_throttled_checks_by_rate("cloudfront");
}

#[test]
fn cloudflare_splits_throttled_checks_by_rate_when_asked() {
    splits_throttled_checks_by_rate("cloudflare");
}

fn splits_throttled_checks_by_rate(host: &str) {
    let tree = demo();
    let server = Running::host(host, tree, &["--split"]);
    let url = wire(
        "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%252010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml",
    );
    let n = 400;
    let main = (0..n)
        .filter(|_| {
            get(server.port, &url, None)
                .body
                .contains("appVersion=\"132.0\"")
        })
        .count();
    // backgroundRate 25: about a quarter of background checks get 132.0.
    assert!(
        (50..=150).contains(&main),
        "{host}: {main} of {n} got the main answer"
    );
    for _ in 0..20 {
        assert!(
            get(server.port, &format!("{url}?force=1"), None)
                .body
                .contains("appVersion=\"132.0\""),
            "{host}: force=1 always gets the main answer"
        );
        assert!(
            get(server.port, &format!("{url}?force=-1"), None)
                .body
                .contains("appVersion=\"131.0.2\""),
            "{host}: force=-1 never does"
        );
    }
}

/// The tree files whose requests `cinder check --hosts` names as answered
/// differently by a plain host, and its report.
fn plain_report(tree: &Tree) -> (BTreeSet<String>, String) {
    let out = Command::new(cinder())
        .args(["--color", "never", "check", "--hosts", "--site"])
        .arg(&tree.site)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    let named = report
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('/'))
        .map(|l| {
            let (url, rest) = l.split_once("  (").unwrap();
            let dir = url.split('?').next().unwrap().rsplit_once('/').unwrap().0;
            let file = rest.split([')', ',']).next().unwrap();
            format!("{}/{file}", &dir[1..])
        })
        .collect();
    (named, report)
}

#[test]
fn plain_serves_known_builds_and_check_names_every_request_it_answers_differently() {
    let tree = fork();
    let server = Running::host("plain", tree, &[]);
    let (named, report) = plain_report(tree);
    assert!(
        report.contains(
            "plain hosts: none of it: the URL carries `%OS_VERSION%` and `%SYSTEM_CAPABILITIES%`"
        ),
        "{report}"
    );
    let (mut differ, mut predicted) = (BTreeSet::new(), BTreeSet::new());
    let (mut known, mut missing, mut variants) = (0, 0, 0);
    for (request, want) in tree.requests.iter().zip(&tree.expected) {
        let path = request.url.split('?').next().unwrap();
        if !(path.starts_with("/fork/") || path.starts_with("/corp/")) {
            continue;
        }
        let got = get(server.port, &request.url, None);
        if (got.status, got.body.as_str()) != (want.status, want.body.as_str()) {
            differ.insert(request.url.clone());
        }
        // A request differs exactly when the tree has no file at its path,
        // or check names the file holding its answer (the query's variant).
        let in_tree = tree.root.join(&path[1..]).is_file();
        let named_file = want.file.as_ref().is_some_and(|f| named.contains(f));
        if !in_tree || named_file {
            predicted.insert(request.url.clone());
        }
        match (in_tree, named_file) {
            (true, false) => known += 1,
            (false, _) => missing += 1,
            (true, true) => variants += 1,
        }
    }
    assert!(
        known > 100 && missing > 100 && variants > 100,
        "the requests cover the tree's files ({known}), misses ({missing}) and variants ({variants})"
    );
    let wrongly_named: Vec<&String> = predicted.difference(&differ).collect();
    let unnamed: Vec<&String> = differ.difference(&predicted).collect();
    assert!(
        wrongly_named.is_empty() && unnamed.is_empty(),
        "check names requests the plain host answers right: {wrongly_named:?}\nand misses some it answers wrong: {unnamed:?}"
    );
    eprintln!(
        "plain agrees with cinder query on {known} requests; check names all {} it answers differently ({variants} with a variant, {missing} without a file)",
        differ.len()
    );
}

#[test]
fn hosts_run_leaves_nothing_behind_after_sigterm() {
    let tree = guardian();
    let tmp = tree.root.parent().unwrap().join("hosts-run-tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    for host in [
        "nginx",
        "apache",
        "caddy",
        "plain",
        "cloudfront",
        "cloudflare",
    ] {
        let mut server = Running::host_in(host, tree, &[], Some(&tmp), &[]);
        let answer = get(server.port, &tree.requests[0].url, None);
        assert_eq!(answer.status, tree.expected[0].status, "{host}");
        assert!(server.stop(), "{host}: hosts/run did not exit on SIGTERM");
        assert!(
            TcpStream::connect(("127.0.0.1", server.port)).is_err(),
            "{host} still listens"
        );
        let left: Vec<String> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(left.is_empty(), "{host} left {left:?}");
        let ps = Command::new("ps").args(["-eo", "args"]).output().unwrap();
        let running: Vec<String> = String::from_utf8_lossy(&ps.stdout)
            .lines()
            .filter(|l| l.contains(&*tmp.to_string_lossy()))
            .map(str::to_owned)
            .collect();
        assert!(running.is_empty(), "{host} left processes: {running:?}");
    }
}
