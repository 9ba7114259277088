//! `cinder build`: the tree, its manifest, rebuilds, determinism, and
//! atomic publication (kill -9 at any moment leaves the published tree whole).

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::support::{Scratch, build, cinder, copy_demo};

/// Every file the manifest lists exists with its size and hash; returns the
/// manifest's lines.
pub(crate) fn verify_tree(root: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(root.join("cinder-manifest.tsv")).expect("a manifest");
    let lines: Vec<String> = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    assert!(!lines.is_empty(), "the manifest lists files");
    for line in &lines {
        let mut f = line.split('\t');
        let (path, size, sha) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        let bytes = std::fs::read(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(bytes.len().to_string(), size, "{path}");
        let digest = Sha256::digest(&bytes)
            .iter()
            .fold(String::new(), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            });
        assert_eq!(digest, sha, "{path}");
    }
    lines
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_demo_builds_a_complete_tree_with_a_manifest() {
    let s = Scratch::new();
    let out = s.path().join("public");
    let o = build(&crate::support::repo(), &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink(),
        "published through a symlink"
    );
    let lines = verify_tree(&out);
    assert!(
        stderr(&o).contains(&format!("{} files", lines.len())),
        "{}",
        stderr(&o)
    );
    assert!(out.join("cinder-empty.xml").is_file());
    let summary = stderr(&o);
    for word in [
        "files",
        "distinct bodies",
        "written",
        "unchanged",
        "removed",
        " s",
    ] {
        assert!(summary.contains(word), "summary lacks {word:?}: {summary}");
    }
}

#[test]
fn rebuilds_write_only_what_changed_and_remove_what_is_gone() {
    let s = Scratch::new();
    let site = copy_demo(s.path());
    let out = s.path().join("public");
    assert!(build(&site, &out, &[]).status.success());
    let first = verify_tree(&out);

    // The same inputs: nothing is even planned.
    let again = build(&site, &out, &[]);
    assert!(
        stderr(&again).contains("(nothing changed: same site, schedule and cinder)"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains(" 0 written"), "{}", stderr(&again));

    // A comment changes the inputs but no answer: planned, nothing written.
    let rules = site.join("rules/release.yml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(&rules, format!("# a comment\n{text}")).unwrap();
    let commented = build(&site, &out, &[]);
    assert!(
        stderr(&commented).contains("(nothing changed)"),
        "{}",
        stderr(&commented)
    );
    assert!(
        stderr(&commented).contains(" 0 written"),
        "{}",
        stderr(&commented)
    );
    let again = build(&site, &out, &[]);
    assert!(
        stderr(&again).contains("(nothing changed: same site"),
        "{}",
        stderr(&again)
    );

    // End the beta: its channel's files change, nothing else.
    let rules = site.join("rules/release.yml");
    let text = std::fs::read_to_string(&rules)
        .unwrap()
        .replace("mapping: Ember-133.0b4", "mapping: Ember-133.0b3");
    std::fs::write(&rules, text).unwrap();
    let changed = build(&site, &out, &[]);
    let msg = stderr(&changed);
    assert!(msg.contains("published generation 2"), "{msg}");
    let written: u64 = msg
        .split(" written")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(written > 0 && written < first.len() as u64 / 2, "{msg}");
    verify_tree(&out);
    assert!(
        s.path().join(".public.cinder/gen-1").is_dir(),
        "the previous generation is kept"
    );

    // Drop a platform's builds: its files are removed.
    let dropped = std::fs::read_to_string(site.join("templates/ember.yml"))
        .unwrap()
        .replace("  Darwin_x86_64-gcc3: {alias: Darwin_aarch64-gcc3}\n", "");
    std::fs::write(site.join("templates/ember.yml"), dropped).unwrap();
    let removed = build(&site, &out, &[]);
    assert!(
        !stderr(&removed).contains(" 0 removed"),
        "{}",
        stderr(&removed)
    );
    verify_tree(&out);
    assert!(
        !s.path().join(".public.cinder/gen-1").exists(),
        "older generations go"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let s = Scratch::new();
    let one = s.path().join("one");
    let two = s.path().join("two");
    assert!(
        build(&crate::support::repo(), &one, &["--jobs", "1"])
            .status
            .success()
    );
    assert!(
        build(&crate::support::repo(), &two, &["--jobs", "2"])
            .status
            .success()
    );
    let a = std::fs::read(one.join("cinder-manifest.tsv")).unwrap();
    let b = std::fs::read(two.join("cinder-manifest.tsv")).unwrap();
    assert!(a == b, "the manifests differ");
    // The same subtrees, linked from the same places.
    let links = |root: &Path| -> Vec<(PathBuf, PathBuf)> {
        let generation = std::fs::canonicalize(root).unwrap();
        walkdir::WalkDir::new(&generation)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(walkdir::DirEntry::path_is_symlink)
            .map(|e| {
                let rel = e.path().strip_prefix(&generation).unwrap().to_owned();
                (rel, std::fs::read_link(e.path()).unwrap())
            })
            .collect()
    };
    assert!(!links(&one).is_empty());
    assert_eq!(links(&one), links(&two));
    verify_tree(&one);
    verify_tree(&two);
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_published_tree_whole() {
    let s = Scratch::new();
    let site = copy_demo(s.path());
    let out = s.path().join("public");
    assert!(build(&site, &out, &[]).status.success());
    let before = verify_tree(&out);
    let rules = site.join("rules/release.yml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replace("backgroundRate: 25", "backgroundRate: 50"),
    )
    .unwrap();
    // Kill the rebuild after increasing delays, covering planning, writing
    // and the switch.
    let mut finished = false;
    for delay_ms in [
        0u64, 5, 15, 30, 50, 80, 120, 170, 250, 350, 500, 700, 1000, 1500,
    ] {
        let mut child = Command::new(cinder())
            .arg("build")
            .arg("--site")
            .arg(&site)
            .arg("--out")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = verify_tree(&out);
        if status.success() {
            finished = true;
            assert_ne!(now, before, "a finished build published the new tree");
            break;
        }
        assert_eq!(
            now, before,
            "killed after {delay_ms} ms, the old tree is published unchanged"
        );
    }
    // Whatever was left behind, the next build completes and cleans up.
    let o = build(&site, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = verify_tree(&out);
    assert_ne!(after, before);
    let leftovers: Vec<PathBuf> = std::fs::read_dir(s.path().join(".public.cinder"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let unfinished: Vec<PathBuf> = std::fs::read_dir(s.path().join(".public.cinder/trees"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("tmp-"))
        .collect();
    assert!(unfinished.is_empty(), "{unfinished:?}");
    // Subtrees the killed builds made that no kept generation uses are gone.
    let state = s.path().join(".public.cinder");
    let mut used = BTreeSet::new();
    for g in generations(&state) {
        used.extend(listed_trees(&g));
    }
    assert_eq!(
        store_entries(&state)
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>(),
        used
    );
    let _ = finished;
}

/// The generation directories of a state directory.
fn generations(state: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(state)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("gen-") && !name.ends_with(".tmp")
        })
        .collect()
}

/// The subtrees a generation says it links to.
fn listed_trees(generation: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(generation.join("cinder-trees.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The subtrees in the store, with their inode numbers.
fn store_entries(state: &Path) -> BTreeMap<String, u64> {
    std::fs::read_dir(state.join("trees"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

#[test]
fn generations_share_unchanged_subtrees_and_unused_ones_are_collected() {
    let s = Scratch::new();
    let site = copy_demo(s.path());
    let out = s.path().join("public");
    let state = s.path().join(".public.cinder");
    assert!(build(&site, &out, &[]).status.success());
    let files = verify_tree(&out).len();
    let gen1 = state.join("gen-1");
    let first = listed_trees(&gen1);
    let store = store_entries(&state);
    assert_eq!(store.keys().cloned().collect::<BTreeSet<_>>(), first);

    // Below the cut, directories are relative symlinks into the store; the
    // generation itself holds few inodes.
    let trees = std::fs::canonicalize(state.join("trees")).unwrap();
    let mut own = 0;
    let mut links = 0;
    for e in walkdir::WalkDir::new(&gen1) {
        let e = e.unwrap();
        own += 1;
        if e.path_is_symlink() {
            links += 1;
            let target = std::fs::read_link(e.path()).unwrap();
            assert!(target.is_relative(), "{}", target.display());
            let resolved = std::fs::canonicalize(e.path()).unwrap();
            assert_eq!(
                resolved.parent(),
                Some(trees.as_path()),
                "{}",
                e.path().display()
            );
            let name = resolved.file_name().unwrap().to_string_lossy().into_owned();
            assert!(first.contains(&name), "{name} is listed");
        }
    }
    assert!(links > first.len(), "identical subtrees are stored once");
    assert!(
        own * 10 < files,
        "{own} inodes in the generation for {files} files"
    );

    // End the beta: only the subtrees holding its files are new; the others
    // are the same store entries, untouched.
    let rules = site.join("rules/release.yml");
    let text = std::fs::read_to_string(&rules)
        .unwrap()
        .replace("mapping: Ember-133.0b4", "mapping: Ember-133.0b3");
    std::fs::write(&rules, text).unwrap();
    assert!(build(&site, &out, &[]).status.success());
    verify_tree(&out);
    let second = listed_trees(&state.join("gen-2"));
    let new: Vec<&String> = second.difference(&first).collect();
    assert!(
        !new.is_empty() && new.len() < second.len(),
        "{} new of {}",
        new.len(),
        second.len()
    );
    let now = store_entries(&state);
    for name in second.intersection(&first) {
        assert_eq!(now[name], store[name], "{name} was reused as it was");
    }
    assert_eq!(
        now.keys().cloned().collect::<BTreeSet<_>>(),
        &first | &second,
        "both kept generations' subtrees are kept"
    );

    // Drop a platform: the oldest generation goes, and with it the subtrees
    // only it used, and the bodies only they linked to.
    let dropped = std::fs::read_to_string(site.join("templates/ember.yml"))
        .unwrap()
        .replace("  Darwin_x86_64-gcc3: {alias: Darwin_aarch64-gcc3}\n", "");
    std::fs::write(site.join("templates/ember.yml"), dropped).unwrap();
    assert!(build(&site, &out, &[]).status.success());
    verify_tree(&out);
    assert!(!gen1.exists());
    let third = listed_trees(&state.join("gen-3"));
    assert!(
        first.difference(&(&second | &third)).count() > 0,
        "the first generation had subtrees of its own"
    );
    assert_eq!(
        store_entries(&state)
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>(),
        &second | &third
    );
    for blob in std::fs::read_dir(state.join("blobs")).unwrap() {
        let blob = blob.unwrap();
        assert!(
            blob.metadata().unwrap().nlink() > 1,
            "{:?} is used",
            blob.path()
        );
    }
}

#[test]
fn sites_with_errors_are_not_built_unless_allowed() {
    let s = Scratch::new()
        .file(
            "site/cinder.yml",
            "allowlist: {a.com: [b]}\nchannels: [c]\n",
        )
        .file(
            "site/rules/a.yml",
            "- {priority: 1, product: b, mapping: missing}\n",
        );
    let out = s.path().join("public");
    let refused = build(&s.path().join("site"), &out, &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("not building"),
        "{}",
        stderr(&refused)
    );
    assert!(!out.exists());
    let allowed = build(&s.path().join("site"), &out, &["--allow-errors"]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
}

#[test]
fn a_directory_cinder_did_not_publish_is_never_replaced() {
    let s = Scratch::new().file("public/index.html", "mine");
    let o = build(&crate::support::repo(), &s.path().join("public"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not a tree cinder published"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(s.path().join("public/index.html")).unwrap(),
        "mine"
    );
}

#[test]
fn every_answer_query_gives_is_the_file_in_the_tree() {
    let s = Scratch::new();
    let out = &crate::fixture::demo().root;
    let urls = crate::fixture::demo_urls();
    std::fs::write(s.path().join("urls.txt"), urls.join("\n")).unwrap();
    let q = Command::new(cinder())
        .args(["query", "--jsonl", "--site"])
        .arg(crate::support::repo())
        .arg("--urls")
        .arg(s.path().join("urls.txt"))
        .output()
        .unwrap();
    let mut checked = 0;
    for line in String::from_utf8_lossy(&q.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let Some(file) = v["file"].as_str() else {
            continue;
        };
        let on_disk = std::fs::read_to_string(out.join(file));
        let (dir, name) = file.rsplit_once('/').unwrap();
        let plain = format!(
            "{dir}/{}.{}",
            name.split('.').next().unwrap(),
            name.rsplit('.').next().unwrap()
        );
        let body = on_disk
            .or_else(|_| std::fs::read_to_string(out.join(&plain)))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(body, v["body"].as_str().unwrap(), "{}", v["url"]);
        checked += 1;
    }
    assert!(checked > 50, "only {checked} answers had files");
}

#[test]
fn the_two_ways_of_not_syncing_once_cannot_be_asked_together() {
    let s = Scratch::new();
    let out = s.path().join("public");
    let o = build(
        &crate::support::repo(),
        &out,
        &["--no-fsync", "--fsync-each-file"],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("--no-fsync") && err.contains("--fsync-each-file"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
}
