//! Built trees shared by every test that serves them: each is built once per
//! test run (on first use), under the target directory's scratch space, with
//! the requests compared against it and `cinder query`'s answers to them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::http::wire;
use crate::support::{cinder, conformance, copy_demo, repo};

/// A request as a client sends it.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    /// Path and query string, percent-encoded as on the wire.
    pub(crate) url: String,
    pub(crate) user_agent: Option<String>,
}

impl Request {
    pub(crate) fn new(url: &str) -> Request {
        Request {
            url: wire(url),
            user_agent: None,
        }
    }
}

/// What `cinder query` says a request gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Expected {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: String,
    /// The tree file holding the answer (its variant's, which exists only
    /// where the answer differs from the plain one), if any.
    pub(crate) file: Option<String>,
}

/// A site, its built tree, and the requests the tests send it.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) name: String,
    pub(crate) site: PathBuf,
    pub(crate) root: PathBuf,
    pub(crate) requests: Vec<Request>,
    /// `cinder query`'s answer to each request, in order.
    pub(crate) expected: Vec<Expected>,
}

/// Where fixtures are built: the target directory's scratch space, emptied
/// when a fixture is first built in a run.
fn home(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fixtures")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn build(
    name: &str,
    site: PathBuf,
    dir: &Path,
    build_args: &[&str],
    requests: Vec<Request>,
) -> Tree {
    let root = dir.join("public");
    let b = Command::new(cinder())
        .arg("build")
        .arg("--site")
        .arg(&site)
        .arg("--out")
        .arg(&root)
        .args(build_args)
        .output()
        .unwrap();
    assert!(
        b.status.success(),
        "{name}: build: {}",
        String::from_utf8_lossy(&b.stderr)
    );
    let expected = query(&site, &requests, dir);
    Tree {
        name: name.to_owned(),
        site,
        root,
        requests,
        expected,
    }
}

/// `cinder query --jsonl` for the requests.
pub(crate) fn query(site: &Path, requests: &[Request], dir: &Path) -> Vec<Expected> {
    let file = dir.join("requests.jsonl");
    let lines: Vec<String> = requests
        .iter()
        .map(|r| serde_json::json!({"url": r.url, "user_agent": r.user_agent}).to_string())
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let q = Command::new(cinder())
        .args(["query", "--jsonl", "--site"])
        .arg(site)
        .arg("--urls")
        .arg(&file)
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let out: Vec<Expected> = String::from_utf8_lossy(&q.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            Expected {
                status: u16::try_from(v["status"].as_u64().unwrap()).unwrap(),
                content_type: v["content_type"].as_str().unwrap().to_owned(),
                body: v["body"].as_str().unwrap().to_owned(),
                file: v["file"].as_str().map(str::to_owned),
            }
        })
        .collect();
    assert_eq!(out.len(), requests.len(), "one answer per request");
    out
}

/// The demo site (the repository root).
pub(crate) fn demo() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let dir = home("demo");
        let requests = demo_urls().iter().map(|u| Request::new(u)).collect();
        build("demo", repo(), &dir, &[], requests)
    })
}

/// A JSON route (Guardian), where no update is a 404 with an empty body.
pub(crate) fn guardian() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let dir = home("guardian");
        let site = dir.join("site");
        let files = [
            (
                "cinder.yml",
                "allowlist: {vpn.example: [Guardian]}\nchannels: [release]\nobserved-requests: observed.txt\nroutes:\n  - json/1/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/update.json\n  - json/2/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/%OS_VERSION%/update.json\n",
            ),
            (
                "rules/r.yml",
                concat!(
                    "- {priority: 10, product: Guardian, osVersion: Windows_NT 6.1}\n",
                    "# Older clients only on a manual check: no update (404) unless force=1.\n",
                    "- {priority: 5, product: Guardian, version: \"<2.0\", mapping: g, backgroundRate: 0}\n",
                    "- {priority: 1, product: Guardian, mapping: g}\n",
                ),
            ),
            (
                "releases/g.yml",
                "schema_version: 10000\nversion: \"2.1.0\"\nrequired: false\nhashFunction: sha512\nplatforms:\n  WINNT: {fileUrl: \"https://vpn.example/2.1.0.msi\", hashValue: ab}\n  Darwin: {fileUrl: \"https://vpn.example/2.1.0.pkg\", hashValue: cd}\n",
            ),
            (
                "observed.txt",
                "/json/1/Guardian/2.0.9/WINNT/release/update.json\n",
            ),
        ];
        for (path, text) in files {
            let p = site.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let mut urls = Vec::new();
        for v in ["2.1.0", "2.0.9", "1.0", "3.0"] {
            for bt in ["WINNT", "Darwin", "Linux"] {
                for c in ["release", "beta"] {
                    urls.push(format!("/json/1/Guardian/{v}/{bt}/{c}/update.json"));
                    for os in ["Windows_NT%25206.1", "Windows_NT 10.0", "Darwin 23"] {
                        for q in ["", "?force=1", "?force=-1"] {
                            urls.push(format!("/json/2/Guardian/{v}/{bt}/{c}/{os}/update.json{q}"));
                        }
                    }
                }
            }
        }
        urls.extend(
            [
                "/json/1/Guardian/1.0/WINNT/release/update.json?force=1",
                "/json/1/Nope/1.0/WINNT/release/update.json",
                "/json/1/Guardian/1.0/WINNT/release/update.xml",
                "/json/3/Guardian/1.0/WINNT/release/update.json",
            ]
            .map(String::from),
        );
        let requests = urls.iter().map(|u| Request::new(u)).collect();
        build("guardian", site, &dir, &[], requests)
    })
}

/// The demo's releases and rules on a fork's own route (no osVersion or
/// systemCapabilities) and an enterprise's route with a fixed channel,
/// beside the stock one: what a plain host can serve.
pub(crate) fn fork() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let dir = home("fork");
        let site = copy_demo(&dir);
        let mut config = std::fs::read_to_string(site.join("cinder.yml")).unwrap();
        config.push_str(concat!(
            "routes:\n",
            "  - url: update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml\n",
            "    products: [Ember]\n",
            "  - url: fork/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/update.xml\n",
            "    products: [Ember]\n",
            "  - url: corp/%PRODUCT%/%BUILD_TARGET%/%LOCALE%/update.xml\n",
            "    products: [Ember]\n",
            "    channel: release\n",
        ));
        std::fs::write(site.join("cinder.yml"), config).unwrap();
        let requests = fork_urls().iter().map(|u| Request::new(u)).collect();
        build("fork", site, &dir, &[], requests)
    })
}

/// The known builds of the demo (version, buildID of WINNT; other targets
/// add a few seconds to the buildID).
const DEMO_BUILDS: [(&str, &str); 5] = [
    ("130.0", "20260803101500"),
    ("131.0", "20260831094200"),
    ("131.0.2", "20260915153000"),
    ("132.0", "20261027093000"),
    ("133.0", "20261110084500"),
];

/// Build targets of the demo, with how many seconds their builds' IDs are
/// after the Windows one.
const DEMO_TARGETS: [(&str, u32); 6] = [
    ("WINNT_x86_64-msvc-x64", 0),
    ("WINNT_x86_64-msvc", 0),
    ("Darwin_aarch64-gcc3", 7),
    ("Darwin_x86_64-gcc3", 7),
    ("Linux_x86_64-gcc3", 13),
    ("SunOS", 0),
];

fn build_id(b: &str, offset: u32) -> String {
    if b.len() == 14 && offset > 0 {
        format!(
            "{}{:02}",
            &b[..12],
            b[12..].parse::<u32>().unwrap() + offset
        )
    } else {
        b.to_owned()
    }
}

/// Requests on the fork's routes: every known build with each variant, and
/// builds, channels and locales the tree does not list.
pub(crate) fn fork_urls() -> Vec<String> {
    let mut builds: Vec<(&str, &str)> = DEMO_BUILDS.to_vec();
    builds.extend([("99.0", "20200101000000"), ("133.0", "20261117090000")]);
    let variants = [
        "",
        "?force=1",
        "?force=-1",
        "?pin=131.",
        "?force=1&pin=131.",
    ];
    let mut urls = Vec::new();
    for (v, b) in &builds {
        for (bt, offset) in DEMO_TARGETS {
            let bid = build_id(b, offset);
            for l in ["en-US", "de", "ja"] {
                for c in ["release", "beta", "nightly"] {
                    for q in variants {
                        urls.push(format!("/fork/Ember/{v}/{bid}/{bt}/{l}/{c}/update.xml{q}"));
                    }
                }
            }
        }
    }
    for (bt, _) in DEMO_TARGETS {
        for l in ["en-US", "de", "fr", "ja"] {
            for q in variants {
                urls.push(format!("/corp/Ember/{bt}/{l}/update.xml{q}"));
            }
        }
    }
    urls.extend(
        [
            "/fork/Other/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/update.xml",
            "/corp/Other/WINNT_x86_64-msvc-x64/de/update.xml",
            "/fork/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/UPDATE.xml",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%252010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%252010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml?force=1",
        ]
        .map(String::from),
    );
    urls
}

/// Requests for the demo site: every route, known and unknown builds, odd
/// osVersion and systemCapabilities strings, each query variant, and URLs
/// as Firefox encodes them (`%OS_VERSION%` encoded twice).
pub(crate) fn demo_urls() -> Vec<String> {
    let mut builds: Vec<(&str, &str)> = DEMO_BUILDS.to_vec();
    builds.extend([
        ("133.0", "20261117090000"),
        ("99.0", "20200101000000"),
        ("132.0", "29990101000000"),
        ("133.0a1", "1"),
    ]);
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
    for (v, b) in &builds {
        for (bt, offset) in DEMO_TARGETS {
            let bid = build_id(b, offset);
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
            for q in ["", "?force=1"] {
                urls.push(url(
                    "131.0",
                    "20260831094200",
                    "WINNT_x86_64-msvc-x64",
                    "de",
                    "release",
                    o,
                    cap,
                    q,
                ));
            }
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
            for (bt, _) in &DEMO_TARGETS[..3] {
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
            "/cinder-empty.xml",
        ]
        .map(String::from),
    );
    urls
}

/// Every case of Balrog's conformance corpus, imported with its urls.txt
/// and built with `--allow-errors`; empty when the corpus is not beside the
/// project (and not required). Built two at a time.
pub(crate) fn conformance_trees() -> &'static [Tree] {
    static TREES: OnceLock<Vec<Tree>> = OnceLock::new();
    TREES.get_or_init(|| {
        let Some(root) = conformance() else {
            return Vec::new();
        };
        let mut cases: Vec<PathBuf> = Vec::new();
        for corpus in ["balrog-testsuite", "balrog-snapshots"] {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(corpus))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.join("urls.txt").is_file())
                .collect();
            dirs.sort();
            cases.extend(dirs);
        }
        assert!(!cases.is_empty(), "no cases under {}", root.display());
        let next = std::sync::Mutex::new(cases.iter().enumerate());
        let built = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    loop {
                        let Some((i, case)) = next.lock().unwrap().next() else {
                            break;
                        };
                        let tree = conformance_tree(case);
                        built.lock().unwrap().push((i, tree));
                    }
                });
            }
        });
        let mut trees = built.into_inner().unwrap();
        trees.sort_by_key(|(i, _)| *i);
        trees.into_iter().map(|(_, t)| t).collect()
    })
}

fn conformance_tree(case: &Path) -> Tree {
    let name = format!(
        "{}-{}",
        case.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy(),
        case.file_name().unwrap().to_string_lossy()
    );
    let dir = home(&format!("conformance/{name}"));
    let site = dir.join("site");
    let import = Command::new(cinder())
        .args(["import", "balrog"])
        .arg(case)
        .arg("--out")
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        import.status.success(),
        "{name}: import: {}",
        String::from_utf8_lossy(&import.stderr)
    );
    let text = std::fs::read_to_string(case.join("urls.txt")).unwrap();
    let requests = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            if l.starts_with('{') {
                let v: Value = serde_json::from_str(l).unwrap();
                Request {
                    url: wire(v["url"].as_str().unwrap()),
                    user_agent: v["user_agent"].as_str().map(str::to_owned),
                }
            } else {
                Request::new(l)
            }
        })
        .collect();
    build(&name, site, &dir, &["--allow-errors"], requests)
}
