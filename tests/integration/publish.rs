//! `cinder publish` against a real S3-compatible server (moto, run by
//! `hosts/s3`, which installs it into the cache directory on first use), and
//! to a local directory. What the bucket holds is read with an S3 client of
//! the tests' own; what cinder sent, from the server's request log.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};

use crate::hosts::free_port;
use crate::support::{Scratch, build_tree, cinder, copy_demo, repo, stop};

/// A moto server with some buckets, stopped when dropped.
struct S3 {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl S3 {
    fn start(buckets: &[&str]) -> S3 {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("s3.log");
        let port = free_port();
        let mut cmd = Command::new(repo().join("hosts/s3"));
        cmd.args(["--listen", &format!("127.0.0.1:{port}")]);
        for b in buckets {
            cmd.args(["--bucket", b]);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("run hosts/s3");
        let mut s3 = S3 {
            child,
            port,
            log,
            _dir: dir,
        };
        // The first use installs moto, which can take minutes.
        let deadline = Instant::now() + Duration::from_mins(20);
        loop {
            let text = std::fs::read_to_string(&s3.log).unwrap_or_default();
            if text.contains("hosts/s3: moto serving") {
                return s3;
            }
            if let Ok(Some(status)) = s3.child.try_wait() {
                panic!("hosts/s3 exited ({status}) before serving:\n{text}");
            }
            assert!(Instant::now() < deadline, "hosts/s3 did not start:\n{text}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The requests answered with a 2xx so far: method, decoded path
    /// (without the query), query.
    fn requests(&self) -> Vec<(String, String, String)> {
        let text = std::fs::read_to_string(&self.log).unwrap();
        text.lines()
            .filter_map(|line| {
                // `127.0.0.1 - - [date] "PUT /bucket/key HTTP/1.1" 200 -`, the
                // request coloured when its status is not 2xx.
                let line = strip_colours(line);
                let (_, rest) = line.split_once('"')?;
                let (request, status) = rest.rsplit_once('"')?;
                if !status.trim_start().starts_with('2') {
                    return None;
                }
                let mut parts = request.split(' ');
                let (method, target) = (parts.next()?, parts.next()?);
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                Some((method.to_owned(), decode(path), query.to_owned()))
            })
            .collect()
    }

    /// The keys of `bucket` PUT from request `from` on.
    fn puts(&self, bucket: &str, from: usize) -> Vec<String> {
        let prefix = format!("/{bucket}/");
        self.requests()[from..]
            .iter()
            .filter(|(m, _, _)| m == "PUT")
            .filter_map(|(_, p, _)| p.strip_prefix(&prefix).map(str::to_owned))
            .collect()
    }

    fn client(&self, bucket: &str) -> AmazonS3 {
        let _ = rustls::crypto::ring::default_provider().install_default();
        AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_access_key_id("test")
            .with_secret_access_key("test")
            .build()
            .unwrap()
    }

    /// Runs `cinder publish ARGS` against this server.
    fn publish(&self, args: &[&str]) -> Output {
        publish_command(self)
            .args(args)
            .output()
            .expect("run cinder publish")
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        stop(&mut self.child, Duration::from_secs(10));
    }
}

fn publish_command(s3: &S3) -> Command {
    let mut cmd = Command::new(cinder());
    cmd.arg("publish")
        .args(["--endpoint", &s3.endpoint()])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1");
    cmd
}

/// A log line without its terminal colour codes.
fn strip_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `%XX` decoded.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Every object under `prefix`: key (relative) -> (size, ETag without quotes).
fn listing(store: &AmazonS3, prefix: &str) -> BTreeMap<String, (u64, String)> {
    block(async {
        use futures_util::TryStreamExt;
        let p = Key::from(prefix);
        let metas: Vec<object_store::ObjectMeta> = store
            .list(if prefix.is_empty() { None } else { Some(&p) })
            .try_collect()
            .await
            .unwrap();
        metas
            .into_iter()
            .map(|m| {
                let key = m.location.to_string();
                let key = key
                    .strip_prefix(&format!("{prefix}/"))
                    .map_or(key.clone(), str::to_owned);
                (
                    key,
                    (
                        m.size,
                        m.e_tag.unwrap_or_default().trim_matches('"').to_owned(),
                    ),
                )
            })
            .collect()
    })
}

/// An object's bytes, Content-Type and Cache-Control.
fn object(store: &AmazonS3, key: &str) -> (Vec<u8>, String, String) {
    block(async {
        let got = store.get(&Key::from(key)).await.unwrap();
        let header = |a: &Attribute| {
            got.attributes
                .get(a)
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let (ct, cc) = (
            header(&Attribute::ContentType),
            header(&Attribute::CacheControl),
        );
        (got.bytes().await.unwrap().to_vec(), ct, cc)
    })
}

fn put(store: &AmazonS3, key: &str, bytes: &[u8]) {
    block(store.put(&Key::from(key), bytes.to_vec().into())).unwrap();
}

fn delete(store: &AmazonS3, key: &str) {
    block(store.delete(&Key::from(key))).unwrap();
}

/// A built tree: its directory and its manifest (path -> size and sha256).
struct Built {
    site: PathBuf,
    public: PathBuf,
    files: BTreeMap<String, (u64, String)>,
}

impl Built {
    fn build(site: &Path, public: &Path) -> Built {
        build_tree(site, public, &[]);
        let manifest = std::fs::read_to_string(public.join("cinder-manifest.tsv")).unwrap();
        let files = manifest
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_owned(), (f[1].parse().unwrap(), f[2].to_owned()))
            })
            .collect();
        Built {
            site: site.to_owned(),
            public: public.to_owned(),
            files,
        }
    }

    fn root(&self) -> &str {
        self.public.to_str().unwrap()
    }

    fn site(&self) -> &str {
        self.site.to_str().unwrap()
    }

    fn manifest(&self) -> Vec<u8> {
        std::fs::read(self.public.join("cinder-manifest.tsv")).unwrap()
    }

    /// The keys whose bytes differ from `before`'s, or that it lacks.
    fn changed_from(&self, before: &Built) -> BTreeSet<String> {
        self.files
            .iter()
            .filter(|(k, v)| before.files.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

/// The demo built, and the demo after one rule changed (its rollout at
/// 100%) built into a fresh directory, as a new CI checkout would.
fn demo() -> &'static (Built, Built) {
    static TREES: OnceLock<(Built, Built)> = OnceLock::new();
    TREES.get_or_init(|| {
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let a = Built::build(&repo(), &dir.path().join("a/public"));
        let site = copy_demo(&dir.path().join("b"));
        let rules = site.join("rules/release.yml");
        let text = std::fs::read_to_string(&rules).unwrap();
        assert!(text.contains("  backgroundRate: 25\n"));
        std::fs::write(
            &rules,
            text.replace("  backgroundRate: 25\n", "  backgroundRate: 100\n"),
        )
        .unwrap();
        let b = Built::build(&site, &dir.path().join("fresh/public"));
        (a, b)
    })
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The bucket holds exactly the tree's files, byte for byte (moto's ETag is
/// the MD5 of the bytes it stored), and the tree's manifest.
#[track_caller]
fn assert_holds(store: &AmazonS3, prefix: &str, tree: &Built) {
    let listed = listing(store, prefix);
    let keys: BTreeSet<&String> = listed.keys().collect();
    let mut expected: BTreeSet<&String> = tree.files.keys().collect();
    let manifest_key = ".cinder-manifest.tsv.gz".to_owned();
    expected.insert(&manifest_key);
    let missing: Vec<_> = expected.difference(&keys).take(5).collect();
    let extra: Vec<_> = keys.difference(&expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    for (key, (size, _)) in &tree.files {
        let bytes = std::fs::read(tree.public.join(key)).unwrap();
        assert_eq!(bytes.len() as u64, *size);
        assert_eq!(listed[key], (*size, md5_hex(&bytes)), "{key}");
    }
    let (gz, _, _) = object(store, &join(prefix, &manifest_key));
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut text)
        .unwrap();
    assert!(
        text == tree.manifest(),
        "the bucket's manifest is the tree's"
    );
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}/{key}")
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn succeeded(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n{}",
        o.status.code(),
        stderr(o)
    );
    stderr(o)
}

#[test]
fn the_demo_goes_to_s3_exactly_and_a_one_rule_change_moves_only_what_changed() {
    let (a, b) = demo();
    let s3 = S3::start(&["demo"]);
    let store = s3.client("demo");
    let dest = "s3://demo/site";

    let first = succeeded(&s3.publish(&["--site", a.site(), "--root", a.root(), dest]));
    assert!(
        first.contains(&format!(
            "{n} files; {n} uploaded, 0 unchanged, 0 deleted",
            n = a.files.len()
        )),
        "{first}"
    );
    assert_holds(&store, "site", a);
    // Headers as the servers send them: XML and the site's Cache-Control.
    let mut sample: Vec<&str> = a.files.keys().step_by(500).map(String::as_str).collect();
    sample.push("cinder-empty.xml");
    for key in sample {
        let (_, content_type, cache_control) = object(&store, &join("site", key));
        assert_eq!(
            (content_type.as_str(), cache_control.as_str()),
            ("text/xml; charset=utf-8", "public, max-age=90"),
            "{key}"
        );
    }
    assert!(
        !listing(&store, "site")
            .keys()
            .any(|k| k == ".cinder-lease" || k == ".cinder-journal.gz"),
        "the lease and the journal are gone"
    );

    // The same tree again: nothing moves.
    let mark = s3.requests().len();
    let again = succeeded(&s3.publish(&["--site", a.site(), "--root", a.root(), dest]));
    assert!(again.contains("(nothing changed)"), "{again}");
    assert_eq!(s3.puts("demo", mark), ["site/.cinder-lease"]);

    // One rule changed, built in a fresh directory: exactly the objects
    // whose bytes changed, or that are new, are written; the stale go.
    let mark = s3.requests().len();
    let hotfix = succeeded(&s3.publish(&["--site", b.site(), "--root", b.root(), dest]));
    let changed = b.changed_from(a);
    let stale = a.files.keys().filter(|k| !b.files.contains_key(*k)).count();
    assert!(!changed.is_empty() && stale > 0);
    assert!(
        hotfix.contains(&format!(
            "{} uploaded, {} unchanged, {stale} deleted",
            changed.len(),
            b.files.len() - changed.len()
        )),
        "{hotfix}"
    );
    let puts = s3.puts("demo", mark);
    let written: BTreeSet<String> = puts
        .iter()
        .filter_map(|k| k.strip_prefix("site/"))
        .filter(|k| !k.starts_with(".cinder"))
        .map(str::to_owned)
        .collect();
    assert_eq!(written, changed);
    assert_eq!(
        puts.len(),
        changed.len() + 3,
        "each once, with the lease, journal and manifest: {puts:?}"
    );
    assert_holds(&store, "site", b);

    // The order: the journal, the answers, then the catch-all's (the
    // fallbacks), then the manifest, and only then deletions.
    let requests = &s3.requests()[mark..];
    let position = |pred: &dyn Fn(&(String, String, String)) -> bool| -> Vec<usize> {
        requests
            .iter()
            .enumerate()
            .filter(|(_, r)| pred(r))
            .map(|(i, _)| i)
            .collect()
    };
    let journal = position(&|(m, p, _)| m == "PUT" && p.ends_with("/.cinder-journal.gz"));
    let answers =
        position(&|(m, p, _)| m == "PUT" && !p.contains("/.cinder") && !p.contains("/_/"));
    let fallbacks = position(&|(m, p, _)| m == "PUT" && p.contains("/_/"));
    let manifest = position(&|(m, p, _)| m == "PUT" && p.ends_with("/.cinder-manifest.tsv.gz"));
    let deletions = position(&|(m, _, q)| m == "POST" && q.starts_with("delete"));
    assert!(
        !fallbacks.is_empty(),
        "the change reaches the catch-all answers"
    );
    assert!(journal[0] < answers[0]);
    assert!(answers.last() < fallbacks.first());
    assert!(fallbacks.last() < manifest.first());
    assert!(manifest.last() < deletions.first());
}

#[test]
fn a_killed_publish_is_finished_by_the_next_and_a_concurrent_one_is_refused() {
    let (a, b) = demo();
    let s3 = S3::start(&["kill"]);
    let store = s3.client("kill");
    let dir = tempfile::tempdir().unwrap();
    let out = std::fs::File::create(dir.path().join("first.log")).unwrap();
    let mut first = publish_command(&s3)
        .args([
            "--jobs",
            "2",
            "--site",
            a.site(),
            "--root",
            a.root(),
            "s3://kill",
        ])
        .stderr(out)
        .spawn()
        .unwrap();
    let uploaded = |s3: &S3| {
        s3.puts("kill", 0)
            .iter()
            .filter(|k| !k.starts_with(".cinder"))
            .count()
    };
    let wait_for = |n: usize| {
        let deadline = Instant::now() + Duration::from_mins(5);
        while uploaded(&s3) < n {
            assert!(Instant::now() < deadline, "the first publish is stuck");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for(50);
    // A second publish while the first runs is refused, naming the first.
    let second = s3.publish(&["--site", a.site(), "--root", a.root(), "s3://kill"]);
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(
        stderr(&second).contains(&format!(
            "error: another publish to `s3://kill` is under way (pid {} on ",
            first.id()
        )),
        "{}",
        stderr(&second)
    );
    wait_for(400);
    first.kill().unwrap();
    first.wait().unwrap();
    let done = uploaded(&s3);
    assert!(done < a.files.len(), "killed mid-way ({done} uploaded)");

    // The next publish (of another tree) takes over the dead publish's
    // lease and leaves exactly its tree.
    let next = succeeded(&s3.publish(&["--site", b.site(), "--root", b.root(), "s3://kill"]));
    assert!(
        next.contains(&format!(
            "note: took over the lease of a publish that ended without releasing it (pid {}",
            first.id()
        )),
        "{next}"
    );
    assert!(
        next.contains("note: finished a publish that had stopped"),
        "{next}"
    );
    assert_holds(&store, "", b);
    let verify = s3.publish(&[
        "--verify",
        "--site",
        b.site(),
        "--root",
        b.root(),
        "s3://kill",
    ]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

/// A site with Guardian's JSON route, whose tree has JSON answers, 404
/// markers and the JSON 404 body beside the empty XML answer.
fn guardian(s: &Scratch) -> Built {
    let site = s.path().join("site");
    let files = [
        (
            "cinder.yml",
            "allowlist: {vpn.example: [Guardian]}\nchannels: [release]\ncache-control: \"public, max-age=300\"\nroutes:\n  - json/1/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/update.json\n",
        ),
        (
            "rules/r.yml",
            "- {priority: 1, product: Guardian, mapping: g}\n",
        ),
        (
            "releases/g.yml",
            "schema_version: 10000\nversion: \"2.1.0\"\nrequired: false\nhashFunction: sha512\nplatforms:\n  WINNT: {fileUrl: \"https://vpn.example/2.1.0.msi\", hashValue: ab}\n  Darwin: {fileUrl: \"https://vpn.example/2.1.0.pkg\", hashValue: cd}\n",
        ),
    ];
    for (path, text) in files {
        let p = site.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    Built::build(&site, &s.path().join("public"))
}

#[test]
fn json_answers_are_json_and_verify_finds_what_changed_behind_cinders_back() {
    let s = Scratch::new();
    let tree = guardian(&s);
    let s3 = S3::start(&["vpn"]);
    let store = s3.client("vpn");
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| (*s).to_owned()).collect();
        v.extend([
            "--site".into(),
            tree.site().into(),
            "--root".into(),
            tree.root().into(),
            "s3://vpn".into(),
        ]);
        v
    };
    let run = |extra: &[&'static str]| {
        let a = args(extra);
        s3.publish(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };

    // A dry run lists the plan and writes nothing.
    let dry = run(&["--dry-run"]);
    succeeded(&dry);
    let plan = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(
        plan.contains("+ json/1/Guardian/_/WINNT/release/update.json\n"),
        "{plan}"
    );
    assert!(
        plan.ends_with("+ cinder-404.json\n+ cinder-empty.xml\n~ .cinder-manifest.tsv.gz\n"),
        "{plan}"
    );
    assert!(listing(&store, "").is_empty());

    succeeded(&run(&[]));
    assert_holds(&store, "", &tree);
    let json = tree.files.keys().filter(|k| k.starts_with("json/")).count();
    assert!(json > 0);
    for key in tree.files.keys() {
        let (_, content_type, cache_control) = object(&store, key);
        let expected = if key.starts_with("json/") || key == "cinder-404.json" {
            "application/json"
        } else {
            "text/xml; charset=utf-8"
        };
        assert_eq!(
            (content_type.as_str(), cache_control.as_str()),
            (expected, "public, max-age=300"),
            "{key}"
        );
    }
    let clean = run(&["--verify"]);
    assert!(clean.status.success(), "{}", stderr(&clean));

    // Changed behind cinder's back: same size, other bytes; one gone; one added.
    let altered = "json/1/Guardian/_/WINNT/release/update.json";
    let (bytes, _, _) = object(&store, altered);
    let mut other = bytes.clone();
    other[0] ^= 0x20;
    put(&store, altered, &other);
    delete(&store, "cinder-404.json");
    put(&store, "index.html", b"hello");
    let found = run(&["--verify"]);
    assert_eq!(found.status.code(), Some(1), "{}", stderr(&found));
    assert_eq!(
        String::from_utf8_lossy(&found.stdout),
        format!("missing cinder-404.json\ndifferent {altered}\nunexpected index.html\n")
    );
    assert!(
        stderr(&found).contains("; 1 missing, 1 different, 1 unexpected"),
        "{}",
        stderr(&found)
    );
    // A plain publish trusts the manifest; --repair mends it.
    let repaired = succeeded(&run(&["--repair"]));
    assert!(repaired.contains("2 uploaded"), "{repaired}");
    assert!(repaired.contains("1 deleted"), "{repaired}");
    assert_holds(&store, "", &tree);
    assert!(run(&["--verify"]).status.success());
}

/// Every file's inode under `dir`.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let key = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            (key, e.metadata().unwrap().ino())
        })
        .collect()
}

#[test]
fn a_directory_gets_plain_files_and_only_what_changed_is_rewritten() {
    let (a, b) = demo();
    let s = Scratch::new();
    let dest = s.path().join("pages");
    let local = |tree: &Built| {
        let o = Command::new(cinder())
            .args(["publish", "--site", tree.site(), "--root", tree.root()])
            .arg(&dest)
            .output()
            .unwrap();
        succeeded(&o)
    };
    local(a);
    let before = inodes(&dest);
    for (key, (size, _)) in &a.files {
        let meta = std::fs::symlink_metadata(dest.join(key)).unwrap();
        assert!(meta.file_type().is_file(), "{key} is a plain file");
        assert_eq!(meta.len(), *size);
        assert_eq!(
            std::fs::read(dest.join(key)).unwrap(),
            std::fs::read(a.public.join(key)).unwrap()
        );
    }
    let expected: BTreeSet<&str> = a
        .files
        .keys()
        .map(String::as_str)
        .chain([".cinder-manifest.tsv.gz", ".cinder-lease"])
        .collect();
    assert_eq!(
        before.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        expected
    );

    local(b);
    let after = inodes(&dest);
    let rewritten: BTreeSet<String> = after
        .iter()
        .filter(|(k, ino)| !k.starts_with(".cinder") && before.get(*k) != Some(ino))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(rewritten, b.changed_from(a));
    for key in a.files.keys().filter(|k| !b.files.contains_key(*k)) {
        assert!(!dest.join(key).exists(), "{key} is gone");
    }
    let verify = Command::new(cinder())
        .args([
            "publish",
            "--verify",
            "--site",
            b.site(),
            "--root",
            b.root(),
        ])
        .arg(&dest)
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn what_cannot_be_published_is_refused_with_the_reason() {
    let s = Scratch::new();
    let tree = guardian(&s);
    let refuse = |args: &[&str], expected: &str| {
        let o = Command::new(cinder())
            .arg("publish")
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    };
    let site = tree.site().to_owned();
    let missing = s.path().join("nothing").display().to_string();
    refuse(
        &["--site", &site, "--root", &missing, "s3://b"],
        "holds no built tree (no `cinder-manifest.tsv`); run `cinder build` first",
    );
    refuse(
        &["--site", &site, "--root", tree.root(), "ftp://host/x"],
        "`ftp://` is not a destination cinder publishes to",
    );
    let inside = tree.public.join("copy").display().to_string();
    refuse(
        &["--site", &site, "--root", tree.root(), &inside],
        "overlaps the tree",
    );
    let foreign = s.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("index.html"), "hello").unwrap();
    refuse(
        &[
            "--site",
            &site,
            "--root",
            tree.root(),
            foreign.to_str().unwrap(),
        ],
        "holds 1 object (`index.html`, ...) but no `.cinder-manifest.tsv.gz`",
    );
    refuse(
        &[
            "--site",
            &site,
            "--root",
            tree.root(),
            "--wait",
            "soon",
            "s3://b",
        ],
        "--wait: `soon` is not a duration",
    );
}
