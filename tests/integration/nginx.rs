//! A real nginx serving built trees with the generated configuration must
//! answer every request as `cinder query` does. nginx is installed with
//! apt-get when missing.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Scratch, cinder, repo, shared};

/// The nginx binary, installed on first use if the machine lacks it.
fn nginx_binary() -> PathBuf {
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let find = || {
                ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
                    .iter()
                    .map(PathBuf::from)
                    .find(|p| p.is_file())
            };
            if let Some(p) = find() {
                return p;
            }
            eprintln!("nginx is missing: installing it with apt-get");
            let install = || {
                Command::new("apt-get")
                    .args(["install", "-y", "-q", "nginx"])
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .status()
                    .is_ok_and(|s| s.success())
            };
            if !install() {
                let _ = Command::new("apt-get").args(["update", "-q"]).status();
                assert!(
                    install(),
                    "could not install nginx with apt-get; these tests need it"
                );
            }
            // The package starts a system nginx on port 80; these tests run their own.
            let _ = Command::new("nginx").args(["-s", "stop"]).status();
            find().expect("nginx installed")
        })
        .clone()
}

/// An nginx serving one site's tree, stopped when dropped.
pub(crate) struct Nginx {
    child: Child,
    pub(crate) port: u16,
}

impl Drop for Nginx {
    /// SIGTERM lets the master stop its workers (SIGKILL would leave them
    /// running); SIGKILL only if it has not exited within five seconds.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Builds `site` into `dir/public` (with `build_args`), writes its nginx
/// configuration, and starts nginx.
pub(crate) fn serve(site: &Path, dir: &Path, build_args: &[&str], config_args: &[&str]) -> Nginx {
    let nginx = nginx_binary();
    let out = dir.join("public");
    let b = Command::new(cinder())
        .arg("build")
        .arg("--site")
        .arg(site)
        .arg("--out")
        .arg(&out)
        .args(build_args)
        .output()
        .unwrap();
    assert!(
        b.status.success(),
        "build: {}",
        String::from_utf8_lossy(&b.stderr)
    );
    let port = free_port();
    let c = Command::new(cinder())
        .args(["server-config", "nginx", "--site"])
        .arg(site)
        .arg("--root")
        .arg(&out)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(config_args)
        .output()
        .unwrap();
    assert!(
        c.status.success(),
        "server-config: {}",
        String::from_utf8_lossy(&c.stderr)
    );
    let prefix = dir.join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    std::fs::write(prefix.join("site.conf"), &c.stdout).unwrap();
    let p = prefix.display();
    let conf = format!(
        "worker_processes 1;\nerror_log {p}/logs/error.log;\npid {p}/nginx.pid;\nevents {{ worker_connections 256; }}\nhttp {{\n    access_log off;\n    client_body_temp_path {p}/body;\n    proxy_temp_path {p}/proxy;\n    fastcgi_temp_path {p}/fastcgi;\n    uwsgi_temp_path {p}/uwsgi;\n    scgi_temp_path {p}/scgi;\n    include {p}/site.conf;\n}}\n"
    );
    std::fs::write(prefix.join("nginx.conf"), conf).unwrap();
    // nginx's workers may run as another user: let them in.
    open_up(dir);
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(prefix.join("nginx.conf"))
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let server = Nginx { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(prefix.join("logs/error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn open_up(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut d = Some(dir);
    while let Some(p) = d {
        if p == Path::new("/") {
            break;
        }
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
        d = p.parent();
    }
}

/// A URL as a client sends it: characters a request line cannot hold are
/// percent-encoded (existing escapes are kept).
pub(crate) fn wire(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?".contains(&b) || escape {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// GET `target`: the status, the headers (lower-case names) and the body.
pub(crate) fn get(
    port: u16,
    target: &str,
    user_agent: Option<&str>,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let ua = user_agent
        .map(|u| format!("User-Agent: {u}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\n{ua}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// `cinder query --jsonl` for these URLs: (status, body) per URL.
fn query(site: &Path, urls: &[String], dir: &Path) -> Vec<(u16, String)> {
    let file = dir.join("wire-urls.txt");
    std::fs::write(&file, urls.join("\n")).unwrap();
    let q = Command::new(cinder())
        .args(["query", "--jsonl", "--site"])
        .arg(site)
        .arg("--urls")
        .arg(&file)
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    String::from_utf8_lossy(&q.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                u16::try_from(v["status"].as_u64().unwrap()).unwrap(),
                v["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Asks nginx and `cinder query` every URL; returns how many agreed, and
/// the mismatches. URLs nginx refuses as malformed (400) are skipped.
pub(crate) fn compare(
    port: u16,
    site: &Path,
    urls: &[String],
    dir: &Path,
) -> (usize, Vec<String>, usize) {
    let wired: Vec<String> = urls.iter().map(|u| wire(u)).collect();
    let answers = query(site, &wired, dir);
    let (mut agreed, mut refused, mut mismatches) = (0, 0, Vec::new());
    for (url, (status, body)) in wired.iter().zip(answers) {
        let (got_status, _, got_body) = get(port, url, None);
        if got_status == 400 {
            refused += 1;
            continue;
        }
        if (got_status, got_body.as_str()) == (status, body.as_str()) {
            agreed += 1;
        } else {
            mismatches.push(format!(
                "{url}\n  query: {status} {body:?}\n  nginx: {got_status} {got_body:?}"
            ));
        }
    }
    (agreed, mismatches, refused)
}

/// Requests for the demo site: every route, known and unknown builds, odd
/// osVersion and systemCapabilities strings, and each query variant.
pub(crate) fn demo_urls() -> Vec<String> {
    let builds = [
        ("130.0", "20260803101500"),
        ("131.0", "20260831094200"),
        ("131.0.2", "20260915153000"),
        ("132.0", "20261027093000"),
        ("133.0", "20261110084500"),
        ("133.0", "20261117090000"),
        ("99.0", "20200101000000"),
        ("132.0", "29990101000000"),
        ("133.0a1", "1"),
    ];
    let targets = [
        ("WINNT_x86_64-msvc-x64", 0),
        ("WINNT_x86_64-msvc", 0),
        ("Darwin_aarch64-gcc3", 7),
        ("Darwin_x86_64-gcc3", 7),
        ("Linux_x86_64-gcc3", 13),
        ("SunOS", 0),
    ];
    let os = [
        "Windows_NT%252010.0.0.0.19045.4651%2520(x64)",
        "Windows_NT%25206.1.7601.0.0%2520(x64)",
        "Windows_NT 6.1.7601 (x64)",
        "Darwin%252023.5.0",
        "x",
        "Windows_NT%25206.1%2520websense",
        "%2525",
        "\u{c3}\u{83}",
    ];
    let caps = [
        "ISET:SSE4_2,MEM:16252",
        "ISET%3ASSE4_2%2CMEM%3A16252",
        "ISET:SSE3,MEM:16252",
        "ISET:SSE4_2,MEM:1024",
        "ISET:SSE4_2,MEM:2047",
        "ISET:SSE4_2,MEM:2048",
        "ISET:SSE4_2,MEM:16252,JAWS:1",
        "ISET:SSE4_2,MEM:16252,JAWS:0",
        "SSE2",
        "SSE4_2,1024",
        "ISET:SSE4_2,MEM:2_047",
        "ISET:SSE4_2,MEM: +1024 ",
        "ISET:SSE2,ISET:SSE4_2",
        "ISET:SSE4_2,MEM:abc",
        "a,b,c",
        "NA",
    ];
    let variants = [
        "",
        "?force=1",
        "?force=-1",
        "?force=1%3Favast=1",
        "?force=1?avast=1",
        "?pin=131.",
        "?pin=0131.",
        "?pin=131",
        "?pin=132.",
        "?mig64=1",
        "?force=1&pin=131.",
        "?force=1&force=-1",
        "?foo=1&force=1",
    ];
    let mut urls = Vec::new();
    let url = |v: &str, b: &str, bt: &str, l: &str, c: &str, o: &str, caps: &str, rest: &str| {
        format!("/update/6/Ember/{v}/{b}/{bt}/{l}/{c}/{o}/{caps}/default/default/update.xml{rest}")
    };
    for (v, b) in builds {
        for (bt, offset) in targets {
            let bid = if b.len() == 14 && offset > 0 {
                format!(
                    "{}{:02}",
                    &b[..12],
                    b[12..].parse::<u32>().unwrap() + offset
                )
            } else {
                b.to_owned()
            };
            for l in ["en-US", "de", "ja"] {
                for c in ["release", "beta", "nightly"] {
                    urls.push(url(v, &bid, bt, l, c, os[0], caps[0], ""));
                }
            }
            for variant in variants {
                urls.push(url(v, &bid, bt, "fr", "release", os[0], caps[0], variant));
            }
        }
    }
    for o in os {
        for cap in caps {
            urls.push(url(
                "131.0",
                "20260831094200",
                "WINNT_x86_64-msvc-x64",
                "de",
                "release",
                o,
                cap,
                "",
            ));
            urls.push(url(
                "131.0",
                "20260831094200",
                "WINNT_x86_64-msvc-x64",
                "de",
                "release",
                o,
                cap,
                "?force=1",
            ));
        }
    }
    for product in [
        "GMP",
        "SystemAddons",
        "EmberSettings",
        "EmberFeatures",
        "OpenH264",
        "Nope",
    ] {
        for (v, b) in &builds[..4] {
            for (bt, _) in &targets[..3] {
                for c in ["release", "beta"] {
                    urls.push(format!("/update/3/{product}/{v}/{b}/{bt}/fr/{c}/Windows_NT%252010.0/default/default/update.xml"));
                }
            }
        }
    }
    urls.extend(
        [
            "/",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/x/ISET:SSE4_2/default/update.xml",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/x/ISET:SSE4_2/default/default/UPDATE.xml",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/x/ISET:SSE4_2/acme/default/update.xml",
            "/update/6/Ember/131.0//WINNT_x86_64-msvc-x64/de/release/x/ISET:SSE4_2/default/default/update.xml",
            "/update/3/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/x/default/default/update.xml",
            "/json/1/Ember/131.0/WINNT_x86_64-msvc-x64/release/update.json",
            "/cinder-manifest.tsv",
        ]
        .map(String::from),
    );
    urls
}

#[test]
fn nginx_answers_what_query_answers_on_the_demo() {
    let s = Scratch::new();
    let server = serve(&repo(), s.path(), &[], &[]);
    let urls = demo_urls();
    let (agreed, mismatches, refused) = compare(server.port, &repo(), &urls, s.path());
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        urls.len(),
        mismatches[..mismatches.len().min(8)].join("\n")
    );
    assert_eq!(refused, 0, "nginx refused some requests");
    eprintln!("nginx agrees with cinder query on {agreed} demo requests");
    let (status, headers, _) = get(server.port, &wire(&urls[0]), None);
    assert_eq!(status, 200);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=90")
    );
}

#[test]
fn nginx_answers_json_routes_with_404_for_no_update() {
    let s = Scratch::new()
        .file("site/cinder.yml", "allowlist: {vpn.example: [Guardian]}\nchannels: [release]\nobserved-requests: observed.txt\nroutes:\n  - json/1/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/update.json\n")
        .file("site/rules/r.yml", "- {priority: 1, product: Guardian, mapping: g}\n")
        .file("site/releases/g.yml", "schema_version: 10000\nversion: \"2.1.0\"\nrequired: false\nhashFunction: sha512\nplatforms:\n  WINNT: {fileUrl: \"https://vpn.example/2.1.0.msi\", hashValue: ab}\n  Darwin: {fileUrl: \"https://vpn.example/2.1.0.pkg\", hashValue: cd}\n")
        .file("site/observed.txt", "/json/1/Guardian/2.0.9/WINNT/release/update.json\n");
    let site = s.path().join("site");
    let server = serve(&site, s.path(), &[], &[]);
    let urls: Vec<String> = ["2.1.0", "2.0.9", "1.0", "3.0"]
        .iter()
        .flat_map(|v| {
            ["WINNT", "Darwin", "Linux"]
                .iter()
                .map(move |bt| format!("/json/1/Guardian/{v}/{bt}/release/update.json"))
        })
        .chain(["/json/1/Guardian/1.0/WINNT/release/update.json?force=1".to_owned()])
        .collect();
    let wired: Vec<String> = urls.iter().map(|u| wire(u)).collect();
    let answers = {
        let file = s.path().join("u.txt");
        std::fs::write(&file, wired.join("\n")).unwrap();
        let q = Command::new(cinder())
            .args(["query", "--jsonl", "--site"])
            .arg(&site)
            .arg("--urls")
            .arg(&file)
            .output()
            .unwrap();
        String::from_utf8_lossy(&q.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let mut statuses = Vec::new();
    for (url, a) in wired.iter().zip(&answers) {
        let (status, _, body) = get(server.port, url, None);
        statuses.push(status);
        assert_eq!(u64::from(status), a["status"].as_u64().unwrap(), "{url}");
        assert_eq!(body, a["body"].as_str().unwrap(), "{url}");
    }
    assert!(
        statuses.contains(&404) && statuses.contains(&200),
        "{statuses:?}"
    );
}

#[test]
fn nginx_splits_throttled_checks_by_rate_when_asked() {
    let s = Scratch::new();
    let server = serve(&repo(), s.path(), &[], &["--split"]);
    let url = wire(
        "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%252010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml",
    );
    let mut main = 0;
    let n = 400;
    for _ in 0..n {
        if get(server.port, &url, None)
            .2
            .contains("appVersion=\"132.0\"")
        {
            main += 1;
        }
    }
    // backgroundRate 25: about a quarter of background checks get 132.0.
    assert!(
        (50..=150).contains(&main),
        "{main} of {n} got the main answer"
    );
    for _ in 0..20 {
        assert!(
            get(server.port, &format!("{url}?force=1"), None)
                .2
                .contains("appVersion=\"132.0\""),
            "force=1 always gets the main answer"
        );
        assert!(
            get(server.port, &format!("{url}?force=-1"), None)
                .2
                .contains("appVersion=\"131.0.2\""),
            "force=-1 never does"
        );
    }
}

#[test]
fn nginx_answers_what_query_answers_on_every_conformance_case() {
    let Some(root) = shared()
        .map(|s| s.join("conformance"))
        .filter(|p| p.is_dir())
    else {
        eprintln!("nginx conformance: SKIPPED: ../shared/conformance is not beside the project");
        return;
    };
    let mut total = 0;
    for corpus in ["balrog-testsuite", "balrog-snapshots"] {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join(corpus))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("urls.txt").is_file())
            .collect();
        cases.sort();
        for case in cases {
            let s = Scratch::new();
            let site = s.path().join("site");
            let import = Command::new(cinder())
                .args(["import", "balrog"])
                .arg(&case)
                .arg("--out")
                .arg(&site)
                .output()
                .unwrap();
            assert!(
                import.status.success(),
                "{}",
                String::from_utf8_lossy(&import.stderr)
            );
            let server = serve(&site, s.path(), &["--allow-errors"], &[]);
            let text = std::fs::read_to_string(case.join("urls.txt")).unwrap();
            let urls: Vec<String> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    if l.starts_with('{') {
                        serde_json::from_str::<Value>(l).unwrap()["url"]
                            .as_str()
                            .unwrap()
                            .to_owned()
                    } else {
                        l.to_owned()
                    }
                })
                .collect();
            let (agreed, mismatches, _refused) = compare(server.port, &site, &urls, s.path());
            assert!(
                mismatches.is_empty(),
                "{}: {} differ:\n{}",
                case.display(),
                mismatches.len(),
                mismatches[..mismatches.len().min(5)].join("\n")
            );
            total += agreed;
        }
    }
    eprintln!("nginx agrees with cinder query on {total} conformance requests");
}
