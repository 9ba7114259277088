//! Publishing to an in-memory store, stopped after every possible number of
//! writes: each key always holds its old or its new bytes, fallbacks change
//! only after what takes precedence over them, and the next publish always
//! leaves exactly the tree.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path as FilePath;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{
    Attribute, CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, PutResult,
};

use super::*;

struct Silent;

impl crate::output::WriteProgress for Silent {
    fn wrote(&self, _done: u64, _total: u64) {}
}

/// A route whose files have a version (with the catch-all `_`) and variants.
fn routing() -> crate::routing::Routing {
    crate::testing::routing(&["u/%VERSION%/%CHANNEL%/update.xml"], "public, max-age=90")
}

/// A tree built (as `cinder build` publishes it) from `files`, in `dir/name`.
fn tree(dir: &FilePath, name: &str, files: &[(&str, &str)]) -> Tree {
    let out = dir.join(name);
    let plan = crate::output::tests::plan(files);
    let inputs = crate::output::Inputs { digest: [0; 32] };
    // Trees that live for one test need no fsync.
    crate::output::publish(
        &plan,
        &out,
        &inputs,
        &crate::plan::Record::default(),
        crate::output::Durability::Skip,
        &Silent,
    )
    .unwrap();
    Tree::read(&out, routing()).unwrap()
}

const A: &[(&str, &str)] = &[
    ("cinder-empty.xml", "<updates></updates>"),
    ("u/1.0/release/update.xml", "a1"),
    ("u/1.0/release/update.f1.xml", "a1-forced"),
    ("u/2.0/release/update.xml", "a2"),
    ("u/_/release/update.xml", "a-any"),
];

const B: &[(&str, &str)] = &[
    ("cinder-empty.xml", "<updates></updates>"),
    ("u/1.0/release/update.xml", "b1"),
    ("u/1.0/release/update.f1.xml", "a1-forced"),
    ("u/3.0/release/update.f1.xml", "b3-forced"),
    ("u/3.0/release/update.xml", "b3"),
    ("u/_/release/update.f1.xml", "b-any-forced"),
    ("u/_/release/update.xml", "b-any"),
];

fn dest(store: Arc<dyn ObjectStore>) -> Dest {
    Dest {
        store,
        kind: dest::Kind::S3,
        name: "memory://test".to_owned(),
        dir: None,
    }
}

fn opts() -> Options {
    Options {
        jobs: 3,
        wait: None,
        adopt: false,
        repair: false,
    }
}

struct Quietly;

impl Progress for Quietly {
    fn moved(&self, _done: u64, _total: u64) {}
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    runtime().unwrap().block_on(f)
}

/// Every object of a store: key and bytes.
fn contents(store: &dyn ObjectStore) -> BTreeMap<String, Vec<u8>> {
    block(async {
        let metas: Vec<ObjectMeta> = store.list(None).try_collect().await.unwrap();
        let mut out = BTreeMap::new();
        for m in metas {
            let bytes = store.get(&m.location).await.unwrap().bytes().await.unwrap();
            out.insert(m.location.to_string(), bytes.to_vec());
        }
        out
    })
}

/// The tree's files and its compressed manifest: what DEST must hold.
fn expected(files: &[(&str, &str)], tree: &Tree) -> BTreeMap<String, Vec<u8>> {
    let mut out: BTreeMap<String, Vec<u8>> = files
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
        .collect();
    let manifest = std::fs::read(tree.manifest_path()).unwrap();
    out.insert(state::MANIFEST.to_owned(), manifest);
    out
}

/// The store's objects, with the manifest decompressed.
fn holds(store: &dyn ObjectStore) -> BTreeMap<String, Vec<u8>> {
    let mut got = contents(store);
    if let Some(gz) = got.get_mut(state::MANIFEST) {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text).unwrap();
        *gz = text;
    }
    got
}

/// A store whose writes (but the lease's) fail once `budget` is spent: a
/// publish killed after that many writes.
#[derive(Debug)]
struct Stopping {
    inner: Arc<InMemory>,
    budget: Arc<AtomicI64>,
}

impl fmt::Display for Stopping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stopping")
    }
}

fn spend(budget: &AtomicI64, location: &Path) -> object_store::Result<()> {
    if location.as_ref() == state::LEASE || budget.fetch_sub(1, Ordering::SeqCst) > 0 {
        Ok(())
    } else {
        Err(object_store::Error::Generic {
            store: "Stopping",
            source: "killed".into(),
        })
    }
}

#[async_trait]
impl ObjectStore for Stopping {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        spend(&self.budget, location)?;
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        let (inner, budget) = (Arc::clone(&self.inner), Arc::clone(&self.budget));
        locations
            .then(move |location| {
                let (inner, budget) = (Arc::clone(&inner), Arc::clone(&budget));
                async move {
                    let location = location?;
                    spend(&budget, &location)?;
                    inner.delete(&location).await?;
                    Ok(location)
                }
            })
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}

/// Which place in the fallback chain each key of B has.
fn places(tree: &Tree) -> BTreeMap<String, crate::routing::Fallback> {
    tree.files
        .iter()
        .map(|f| (f.path.clone(), tree.served(&f.path).fallback))
        .collect()
}

#[test]
fn a_publish_stopped_after_any_write_is_completed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (tree(dir.path(), "a", A), tree(dir.path(), "b", B));
    let base = Arc::new(InMemory::new());
    publish(&a, &dest(base.clone()), &opts(), &Quietly).unwrap();
    assert_eq!(holds(base.as_ref()), expected(A, &a));

    let old: BTreeMap<&str, &str> = A.iter().copied().collect();
    let new: BTreeMap<&str, &str> = B.iter().copied().collect();
    let place = places(&b);
    let mut n = 0;
    loop {
        let store = Arc::new(base.fork());
        let stopping = Stopping {
            inner: Arc::clone(&store),
            budget: Arc::new(AtomicI64::new(n)),
        };
        let stopped = publish(&b, &dest(Arc::new(stopping)), &opts(), &Quietly).is_err();
        let got = holds(store.as_ref());
        let manifest_is_new = got.get(state::MANIFEST).map(Vec::as_slice)
            == Some(std::fs::read(b.manifest_path()).unwrap().as_slice());
        // Every key holds its old or its new bytes; keys go only after the manifest.
        for (key, bytes) in &got {
            if state::is_state(key) {
                continue;
            }
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(
                old.get(key.as_str()) == Some(&text) || new.get(key.as_str()) == Some(&text),
                "after {n} writes, `{key}` holds {text}"
            );
        }
        for key in old.keys() {
            assert!(
                got.contains_key(*key) || (manifest_is_new && !new.contains_key(key)),
                "after {n} writes, `{key}` is gone before its time"
            );
        }
        // A fallback changes only once everything above it has.
        let changed =
            |key: &str| got.get(key).map(Vec::as_slice) == new.get(key).map(|v| v.as_bytes());
        for (key, p) in &place {
            if old.get(key.as_str()) != new.get(key.as_str()) && changed(key) {
                for (above, q) in &place {
                    assert!(
                        q >= p || changed(above),
                        "after {n} writes, `{key}` changed before `{above}`"
                    );
                }
            }
        }
        // The next publish (of either tree) finishes the job.
        let (next, files) = if n % 2 == 0 { (&b, B) } else { (&a, A) };
        let summary = publish(next, &dest(store.clone()), &opts(), &Quietly).unwrap();
        assert_eq!(
            holds(store.as_ref()),
            expected(files, next),
            "after {n} writes"
        );
        assert_eq!(summary.resumed, stopped && n > 0, "after {n} writes");
        if !stopped {
            // n was enough for the whole publish.
            assert!(n > 8, "the publish took {n} writes");
            break;
        }
        n += 1;
    }
}

#[test]
fn objects_carry_their_content_type_and_the_sites_cache_control() {
    let dir = tempfile::tempdir().unwrap();
    let b = tree(dir.path(), "b", B);
    let store = Arc::new(InMemory::new());
    publish(&b, &dest(store.clone()), &opts(), &Quietly).unwrap();
    let attributes = |key: &str| {
        block(async {
            let got = store.get(&Path::from(key)).await.unwrap();
            (
                got.attributes
                    .get(&Attribute::ContentType)
                    .map(|v| v.to_string()),
                got.attributes
                    .get(&Attribute::CacheControl)
                    .map(|v| v.to_string()),
            )
        })
    };
    for key in ["u/3.0/release/update.xml", "cinder-empty.xml"] {
        assert_eq!(
            attributes(key),
            (
                Some("text/xml; charset=utf-8".to_owned()),
                Some("public, max-age=90".to_owned())
            )
        );
    }
}

#[test]
fn a_held_lease_refuses_a_second_publish_and_an_ended_one_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let b = tree(dir.path(), "b", B);
    let store = Arc::new(InMemory::new());
    let d = dest(store.clone());
    // A publish under way elsewhere.
    let lease = |until: i64| {
        format!(
            "holder 0123\nhost ci-7\nboot other\npid 42 1000\nsince 2026-12-01T00:00:00Z\nuntil {}\n",
            crate::time::format(until)
        )
    };
    let put_lease = |text: String| {
        block(store.put(&Path::from(state::LEASE), text.into_bytes().into())).unwrap();
    };
    put_lease(lease(crate::time::now() + 60));
    let refused = publish(&b, &d, &opts(), &Quietly).unwrap_err().to_string();
    assert!(
        refused.starts_with("another publish to `memory://test` is under way (pid 42 on ci-7, since 2026-12-01T00:00:00Z"),
        "{refused}"
    );
    assert!(
        !contents(store.as_ref()).keys().any(|k| k.starts_with("u/")),
        "nothing written"
    );
    let waited = Options {
        wait: Some(std::time::Duration::from_secs(3)),
        ..opts()
    };
    let started = std::time::Instant::now();
    assert!(publish(&b, &d, &waited, &Quietly).is_err());
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "it waited"
    );

    // Its lease ended: taken over, and the publish goes through.
    put_lease(lease(crate::time::now() - 1));
    let summary = publish(&b, &d, &opts(), &Quietly).unwrap();
    assert!(
        summary
            .took_over
            .unwrap()
            .starts_with("an ended lease (pid 42 on ci-7")
    );
    assert_eq!(
        holds(store.as_ref()),
        expected(B, &b),
        "and the lease is released"
    );
}

#[test]
fn objects_no_publish_left_are_refused_unless_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let b = tree(dir.path(), "b", B);
    let store = Arc::new(InMemory::new());
    block(store.put(
        &Path::from("u/1.0/release/update.xml"),
        b"old".to_vec().into(),
    ))
    .unwrap();
    block(store.put(&Path::from("index.html"), b"hello".to_vec().into())).unwrap();
    let refused = publish(&b, &dest(store.clone()), &opts(), &Quietly).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "`memory://test` holds 2 objects (`index.html`, ...) but no `.cinder-manifest.tsv.gz`, so cinder cannot tell what they are; publish to an empty place, or pass `--adopt` to make `memory://test` exactly the tree (objects the tree lacks are deleted)"
    );
    let adopt = Options {
        adopt: true,
        ..opts()
    };
    let summary = publish(&b, &dest(store.clone()), &adopt, &Quietly).unwrap();
    assert_eq!(
        (summary.uploaded, summary.deleted, summary.unsure),
        (7, 1, 1)
    );
    assert_eq!(holds(store.as_ref()), expected(B, &b));
}

#[test]
fn a_local_directory_gets_plain_files_and_loses_a_killed_writes_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (tree(dir.path(), "a", A), tree(dir.path(), "b", B));
    let site = dir.path().join("site");
    let d = dest::open(site.to_str().unwrap(), None, &[]).unwrap();
    publish(&a, &d, &opts(), &Quietly).unwrap();
    let file = site.join("u/1.0/release/update.xml");
    assert!(
        !std::fs::symlink_metadata(&file)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "a1");
    // A publish killed while writing a file, after its journal.
    let journal = state::journal_bytes(["u/1.0/release/update.xml"].into_iter());
    block(state::write_journal(&d, journal)).unwrap();
    std::fs::write(site.join("u/1.0/release/update.xml#1"), "b").unwrap();
    let findings = verify(&a, &d, 2, &Quietly).unwrap();
    assert_eq!(findings.unexpected, ["u/1.0/release/update.xml#1"]);
    assert_eq!(findings.state.len(), 1, "{:?}", findings.state);
    let summary = publish(&b, &d, &opts(), &Quietly).unwrap();
    assert!(summary.resumed);
    assert!(dest::leftovers(&site).is_empty());
    let findings = verify(&b, &d, 2, &Quietly).unwrap();
    assert!(findings.is_clean(), "{findings:?}");
    assert_eq!(findings.matching, B.len() as u64);
    assert!(!site.join("u/2.0").exists(), "emptied directories go");
}
