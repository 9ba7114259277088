//! `cinder bench` (hidden): the layout raw writer makes exactly the tree a
//! build makes.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fixture;
use crate::support::cinder;

/// One entry of a state directory, as it is on disk (links not followed).
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File { size: u64, links: u64 },
    Link(PathBuf),
}

/// Every entry under `dir`, by path relative to it, without following links.
fn entries(dir: &Path) -> BTreeMap<String, Entry> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = e.path().symlink_metadata().unwrap();
            let entry = if meta.file_type().is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).unwrap())
            } else if meta.is_dir() {
                Entry::Dir
            } else {
                Entry::File {
                    size: meta.len(),
                    links: meta.nlink(),
                }
            };
            (rel, entry)
        })
        .collect()
}

/// Every file of the published tree at `root` (links followed), with the
/// blob of `blobs` it is a hard link to and its size.
fn published(root: &Path, blobs: &Path) -> BTreeMap<String, (String, u64)> {
    let by_inode: HashMap<(u64, u64), String> = std::fs::read_dir(blobs)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                (m.dev(), m.ino()),
                e.file_name().to_string_lossy().into_owned(),
            )
        })
        .collect();
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let m = e.metadata().unwrap();
            let blob = by_inode
                .get(&(m.dev(), m.ino()))
                .cloned()
                .unwrap_or_else(|| format!("not a blob: {rel}"));
            (rel, (blob, m.len()))
        })
        .collect()
}

/// The state directory beside a published link.
fn state(root: &Path) -> PathBuf {
    let name = root.file_name().unwrap().to_string_lossy();
    root.with_file_name(format!(".{name}.cinder"))
}

#[test]
fn the_layout_raw_writer_makes_the_tree_a_build_makes() {
    let demo = fixture::demo();
    let built_state = state(&demo.root);
    let dir = tempfile::tempdir().unwrap();
    let raw_root = dir.path().join("public");
    let run = Command::new(cinder())
        .args(["bench", "raw-write", "--layout", "--no-fsync", "--manifest"])
        .arg(demo.root.join("cinder-manifest.tsv"))
        .arg("--out")
        .arg(&raw_root)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let figures: HashMap<String, String> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let raw_state = state(&raw_root);

    // The published link points at a generation of the same shape.
    let gen_of = |root: &Path| {
        let target = std::fs::read_link(root).unwrap();
        target.file_name().unwrap().to_string_lossy().into_owned()
    };
    let (built_gen, raw_gen) = (gen_of(&demo.root), gen_of(&raw_root));
    assert_eq!(raw_gen, "gen-1");

    // The blob store, the subtree store and the generation: the same
    // entries, with the same link targets, sizes and link counts. The
    // build's own records (its manifest and subtree list) are all it has
    // more.
    for (built, raw, skip) in [
        ("blobs", "blobs", &[][..]),
        ("trees", "trees", &[][..]),
        (
            built_gen.as_str(),
            "gen-1",
            &["cinder-manifest.tsv", "cinder-trees.txt"][..],
        ),
    ] {
        let mut b = entries(&built_state.join(built));
        for own in skip {
            assert!(b.remove(*own).is_some(), "the build writes {own}");
        }
        let r = entries(&raw_state.join(raw));
        assert!(!r.is_empty(), "{raw} is empty");
        let differ: Vec<_> = b
            .iter()
            .filter(|(k, v)| r.get(*k) != Some(*v))
            .map(|(k, v)| (k, v, r.get(k)))
            .chain(
                r.iter()
                    .filter(|(k, _)| !b.contains_key(*k))
                    .map(|(k, v)| (k, v, None)),
            )
            .take(5)
            .collect();
        assert!(
            differ.is_empty(),
            "{built} differs from the build's: {differ:?}"
        );
    }

    // Read through the symlinks, every file is there, of the same size, a
    // hard link to the same blob.
    let mut b = published(&demo.root, &built_state.join("blobs"));
    for own in ["cinder-manifest.tsv", "cinder-trees.txt"] {
        assert!(b.remove(own).is_some(), "the build publishes {own}");
    }
    let r = published(&raw_root, &raw_state.join("blobs"));
    assert_eq!(b.len(), r.len());
    assert_eq!(b, r);
    assert!(b.values().all(|(blob, _)| !blob.starts_with("not a blob")));
    let manifest = std::fs::read_to_string(demo.root.join("cinder-manifest.tsv")).unwrap();
    let listed: Vec<&str> = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    let files = listed.len();
    let extra: Vec<&String> = r.keys().filter(|k| !listed.contains(&k.as_str())).collect();
    assert_eq!(r.len(), files, "not in the manifest: {extra:?}");

    // What it says it made is what there is.
    let count = |d: &Path| std::fs::read_dir(d).unwrap().count().to_string();
    assert_eq!(figures["files"], files.to_string());
    assert_eq!(figures["blobs"], count(&built_state.join("blobs")));
    assert_eq!(
        figures["distinct_subtrees"],
        count(&built_state.join("trees"))
    );
    let distinct: usize = figures["distinct_subtrees"].parse().unwrap();
    let subtrees: usize = figures["subtrees"].parse().unwrap();
    assert!(
        distinct > 1 && distinct < subtrees,
        "the demo shares subtrees: {figures:?}"
    );
}
