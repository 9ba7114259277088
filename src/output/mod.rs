//! Publishing a plan as a tree on disk, safely and in proportion to what
//! changed.
//!
//! The published path (`public`) is a symlink to a generation directory in a
//! hidden sibling (`.public.cinder/gen-N`). A build fills a new generation and
//! then swaps the symlink with one `rename`, so a build that fails or is killed
//! at any moment leaves the published tree as it was.
//!
//! Generations share what did not change: each directory at a depth chosen
//! from the plan is a symlink to a content-addressed subtree in
//! `.public.cinder/trees/` (`subtrees.rs`), and a build makes only the
//! subtrees the store lacks, plus the generation's top part (the directories
//! above that depth, the symlinks and the few files there). Every file is a hard
//! link to a store of distinct bodies (`.public.cinder/blobs/`, `blobs.rs`), so
//! each distinct body is written once. Each generation has its manifest
//! (every file's path, size and SHA-256) at its root; a build whose plan
//! matches the published manifest touches nothing.
//!
//! After the swap the previous generation is kept (requests may still be
//! reading it; it allows a rollback), older ones are removed, then the
//! subtrees no kept generation uses, then the bodies nothing links to.
//! cinder deletes only in a state directory it made itself (`state.rs`:
//! it carries cinder's marker), never through a symbolic link.
//!
//! Whatever reads or copies the published tree must follow symlinks (web
//! servers do by default; `cp -rL`, `rsync -aL`).

mod blobs;
mod durable;
mod inputs;
pub(crate) mod manifest;
mod previous;
pub(crate) mod raw;
mod state;
mod subtrees;

pub(crate) use durable::{Durability, Synced};
pub(crate) use inputs::{Inputs, unchanged};
pub(crate) use previous::published;

use std::collections::HashSet;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::Error;
use crate::plan::{Plan, Record};

use blobs::Blobs;
use durable::{Strategy, Syncs};
use inputs::Flush;
use subtrees::Layout;

/// What a publication did.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Summary {
    pub(crate) files: u64,
    pub(crate) distinct: u64,
    /// Files new or different from the published tree's.
    pub(crate) written: u64,
    pub(crate) unchanged: u64,
    /// Published files the new tree no longer has.
    pub(crate) removed: u64,
    pub(crate) bytes: u64,
    pub(crate) seconds: f64,
    /// The generation now published (`None` when nothing changed).
    pub(crate) generation: Option<u64>,
    /// What was flushed to the disk.
    pub(crate) synced: Synced,
}

/// Progress reports while writing.
pub(crate) trait WriteProgress: Sync {
    fn wrote(&self, done: u64, total: u64);
}

use state::state_dir;

/// The generation `out` points at, if it is one of ours.
pub(super) fn current_generation(out: &Path, state: &Path) -> Result<Option<u64>, Error> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::read(out, e)),
    };
    let foreign = || {
        Error::Usage(format!(
            "`{}` exists and is not a tree cinder published; move it away or choose another --out",
            out.display()
        ))
    };
    if meta.is_dir() {
        // An empty directory (made by hand, or by an earlier tool) is replaced.
        let empty = std::fs::read_dir(out)
            .map_err(|e| Error::read(out, e))?
            .next()
            .is_none();
        if empty {
            std::fs::remove_dir(out).map_err(|e| Error::write(out, e))?;
            return Ok(None);
        }
        return Err(foreign());
    }
    if !meta.file_type().is_symlink() {
        return Err(foreign());
    }
    let target = std::fs::read_link(out).map_err(|e| Error::read(out, e))?;
    let state_name = state.file_name().unwrap_or_default();
    let mut parts = target.components();
    let in_state = parts.next().is_some_and(|c| c.as_os_str() == state_name);
    let generation = parts
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .and_then(|g| g.strip_prefix("gen-"))
        .and_then(|n| n.parse().ok());
    match generation {
        Some(g) if in_state => Ok(Some(g)),
        _ => Err(foreign()),
    }
}

fn generation_dir(state: &Path, generation: u64) -> PathBuf {
    state.join(format!("gen-{generation}"))
}

/// How many planned files are unchanged from the published manifest, and
/// how many published files are gone. Both lists are sorted by path.
fn compare(plan: &Plan, manifest: &Path) -> Result<(u64, u64), Error> {
    let mut unchanged = 0;
    let mut removed = 0;
    let lines = match manifest::read(manifest) {
        Ok(lines) => lines,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok((0, 0)),
        Err(e) => return Err(Error::read(manifest, e)),
    };
    let mut i = 0;
    for line in lines {
        let line = line.map_err(|e| Error::read(manifest, e))?;
        while i < plan.files.len() && plan.files[i].0 < line.path {
            i += 1;
        }
        if i < plan.files.len() && plan.files[i].0 == line.path {
            let body = plan.body(plan.files[i].1);
            if body.sha256 == line.sha256 && body.bytes.len() as u64 == line.size {
                unchanged += 1;
            }
            i += 1;
        } else {
            removed += 1;
        }
    }
    Ok((unchanged, removed))
}

/// Creates every directory under `root` that `paths` (relative, `/`-separated)
/// need, each once, parents first; returns them.
fn make_dirs<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<&'a str>, Error> {
    let mut made: HashSet<&str> = HashSet::new();
    let mut order: Vec<&str> = Vec::new();
    let mut last: Option<&str> = None;
    for path in paths {
        let Some((dir, _)) = path.rsplit_once('/') else {
            continue;
        };
        if last == Some(dir) {
            continue;
        }
        last = Some(dir);
        let mut pending = Vec::new();
        let mut d = dir;
        while !d.is_empty() && !made.contains(d) {
            pending.push(d);
            d = d.rsplit_once('/').map_or("", |(p, _)| p);
        }
        for d in pending.into_iter().rev() {
            let p = root.join(d);
            match std::fs::create_dir(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::write(&p, e)),
            }
            made.insert(d);
            order.push(d);
        }
    }
    Ok(order)
}

/// Counts the files placed and reports progress.
struct Counter<'a> {
    done: AtomicU64,
    total: u64,
    progress: &'a dyn WriteProgress,
}

impl Counter<'_> {
    fn add(&self, n: u64) {
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let now = before + n;
        if before / 8192 != now / 8192 || now == self.total {
            self.progress.wrote(now, self.total);
        }
    }
}

/// Removes a directory tree, in parallel, without following symlinks (a
/// symbolic link is removed, not what it points at).
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    if !std::fs::symlink_metadata(dir)?.is_dir() {
        return std::fs::remove_file(dir);
    }
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Refuses a plan that would write anywhere but strictly inside the tree:
/// every path relative, every segment a valid one (`segment`), none a file
/// the writer keeps there itself, none twice. The loader refuses the values
/// that would make such paths; this holds whatever the plan was made from.
fn check_paths(plan: &Plan) -> Result<(), Error> {
    let refuse = |path: &str, why: String| {
        Err(Error::Invalid(format!(
            "refusing to publish: the tree would have the file `{}`, {why}; nothing was written (this is a bug in cinder when `cinder check` passes: please report it)",
            crate::segment::shown(path)
        )))
    };
    let bad = plan
        .files
        .par_iter()
        .find_map_first(|(path, _)| crate::segment::check_path(path).err().map(|e| (path, e)));
    if let Some((path, (part, problem))) = bad {
        return refuse(
            path,
            format!(
                "whose segment `{}` cannot be a directory or file name: {problem}",
                crate::segment::shown(&part)
            ),
        );
    }
    for own in [manifest::NAME, subtrees::LIST] {
        if plan
            .files
            .binary_search_by(|(p, _)| p.as_str().cmp(own))
            .is_ok()
        {
            return refuse(
                own,
                "which is the name of a file cinder writes there".to_owned(),
            );
        }
    }
    if let Some(pair) = plan.files.windows(2).find(|w| w[0].0 == w[1].0) {
        return refuse(&pair[0].0, "twice".to_owned());
    }
    Ok(())
}

/// Publishes `plan` at `out`, recording that it was built from `inputs`
/// and planned as `record` says.
pub(crate) fn publish(
    plan: &Plan,
    out: &Path,
    inputs: &Inputs,
    record: &Record,
    durability: Durability,
    progress: &dyn WriteProgress,
) -> Result<Summary, Error> {
    let started = Instant::now();
    check_paths(plan)?;
    let state = state::open(out, &["blobs", subtrees::STORE])?;
    let lock_path = state.join("lock");
    let lock = state::own_file(&lock_path)?;
    if lock.try_lock().is_err() {
        return Err(Error::Usage(format!(
            "another build is publishing to `{}`",
            out.display()
        )));
    }
    clean_leftovers(&state, out);
    let store = state.join(subtrees::STORE);
    let blobs_dir = state.join("blobs");
    let syncs = Syncs::new(Strategy::of(durability, &state, &[&store, &blobs_dir]));

    let current = current_generation(out, &state)?;
    let (unchanged, removed) = match current {
        Some(g) => compare(plan, &generation_dir(&state, g).join(manifest::NAME))?,
        None => (0, 0),
    };
    let mut summary = Summary {
        files: plan.files.len() as u64,
        distinct: plan.bodies.len() as u64,
        written: plan.files.len() as u64 - unchanged,
        unchanged,
        removed,
        bytes: plan.bytes(),
        seconds: 0.0,
        generation: None,
        synced: Synced::default(),
    };
    if let Some(g) = current
        && summary.written == 0
        && removed == 0
    {
        inputs::record(&state, inputs, g, &summary, &syncs, Flush::OnItsOwn)?;
        previous::write(&state, g, record, &syncs, Flush::OnItsOwn)?;
        summary.synced = syncs.synced();
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }

    let next = existing_generations(&state)
        .into_iter()
        .max()
        .map_or(1, |g| g + 1)
        .max(current.map_or(1, |c| c + 1));
    let staging = state.join(format!("gen-{next}.tmp"));
    std::fs::create_dir(&staging).map_err(|e| Error::write(&staging, e))?;
    let layout = Layout::of(plan);
    let blobs = Blobs::new(blobs_dir.clone(), plan, &syncs);
    let counter = Counter {
        done: AtomicU64::new(0),
        total: plan.files.len() as u64,
        progress,
    };
    // The subtrees first, then the top part that links to them.
    subtrees::fill_store(&store, plan, &layout, &blobs, &counter, &syncs)?;
    let top = || layout.top.iter().map(|&i| plan.files[i].0.as_str());
    let top_dirs = make_dirs(
        &staging,
        top().chain(layout.subtrees.iter().map(|s| s.path(plan))),
    )?;
    subtrees::link_into(&staging, plan, &layout)?;
    layout.top.par_iter().with_min_len(256).try_for_each(|&i| {
        let (path, body) = &plan.files[i];
        blobs.link(*body, &staging.join(path))?;
        counter.add(1);
        Ok::<(), Error>(())
    })?;
    subtrees::write_list(&staging.join(subtrees::LIST), &layout.entries())?;
    let manifest_path = staging.join(manifest::NAME);
    write_manifest(plan, &manifest_path)?;
    syncs.file_at(&manifest_path)?;
    syncs.file_at(&staging.join(subtrees::LIST))?;
    syncs.dirs(&staging, top_dirs)?;
    syncs.dir(&blobs_dir)?;

    // The finished generation takes its name, and the record of what it was
    // built from is written (it counts only once the generation is the
    // published one).
    let final_dir = generation_dir(&state, next);
    std::fs::rename(&staging, &final_dir).map_err(|e| Error::write(&final_dir, e))?;
    summary.generation = Some(next);
    inputs::record(
        &state,
        inputs,
        next,
        &summary,
        &syncs,
        Flush::WithGeneration,
    )?;
    previous::write(&state, next, record, &syncs, Flush::WithGeneration)?;
    // Everything the generation needs is on the disk before it is
    // published: one sync of the file system (each file and directory was
    // flushed as it was made otherwise).
    syncs.settle(&state)?;

    // The switch: point `out` at the generation with one atomic rename of
    // a fresh symlink, and flush the directory holding it.
    let state_name = state.file_name().unwrap_or_default();
    let target = Path::new(state_name).join(format!("gen-{next}"));
    let link_tmp = link_tmp(out);
    let _ = std::fs::remove_file(&link_tmp);
    symlink(&target, &link_tmp).map_err(|e| Error::write(&link_tmp, e))?;
    std::fs::rename(&link_tmp, out).map_err(|e| Error::write(out, e))?;
    syncs.dir_now(
        out.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    summary.synced = syncs.synced();

    // Keep the generation just replaced (requests may still be reading it;
    // it also allows a rollback); remove older ones, then the subtrees and
    // blobs nothing uses any more.
    let mut kept = vec![final_dir];
    for g in existing_generations(&state) {
        let dir = generation_dir(&state, g);
        if Some(g) == current {
            kept.push(dir);
        } else if g != next {
            remove_tree(&dir).map_err(|e| Error::write(&dir, e))?;
        }
    }
    subtrees::collect(&store, &kept)?;
    blobs::collect(&state.join("blobs"));
    let _ = std::io::stderr().flush();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Writes the manifest of `plan`'s tree at `path`.
pub(crate) fn write_manifest(plan: &Plan, path: &Path) -> Result<(), Error> {
    manifest::write(
        path,
        plan.files.iter().map(|(p, b)| {
            let body = plan.body(*b);
            (p.as_str(), body.bytes.len() as u64, &body.sha256)
        }),
    )
    .map_err(|e| Error::write(path, e))
}

fn existing_generations(state: &Path) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(state) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("gen-"))
                .and_then(|n| n.parse().ok())
        })
        .collect()
}

/// Removes what a killed build left: unfinished generations and subtrees,
/// and temporary blobs.
fn clean_leftovers(state: &Path, out: &Path) {
    remove_temporaries(state, |name| {
        name.strip_prefix("gen-")
            .and_then(|n| n.strip_suffix(".tmp"))
            .is_some()
    });
    remove_temporaries(&state.join(subtrees::STORE), |name| {
        name.starts_with("tmp-")
    });
    remove_temporaries(&state.join("blobs"), |name| name.starts_with("tmp-"));
    let _ = std::fs::remove_file(link_tmp(out));
}

/// Removes the entries of `dir` (files or trees) whose names are temporary.
fn remove_temporaries(dir: &Path, is_temporary: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        if !is_temporary(&e.file_name().to_string_lossy()) {
            continue;
        }
        let _ = if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_tree(&e.path())
        } else {
            std::fs::remove_file(e.path())
        };
    }
}

/// The fresh symlink that replaces `out` with one `rename`.
fn link_tmp(out: &Path) -> PathBuf {
    out.with_file_name(format!(
        ".{}.cinder-link",
        out.file_name().unwrap_or_default().to_string_lossy()
    ))
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        ErrorKind::Unsupported,
        "publishing a tree needs symbolic links",
    ))
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use sha2::{Digest, Sha256};

    use super::*;
    use crate::plan::Content;

    /// A plan of `(path, body)` files.
    pub(crate) fn plan(files: &[(&str, &str)]) -> Plan {
        let mut bodies: Vec<Content> = Vec::new();
        let mut out = Vec::new();
        for (path, text) in files {
            let sha256: [u8; 32] = Sha256::digest(text.as_bytes()).into();
            let id = bodies
                .iter()
                .position(|b| b.sha256 == sha256)
                .unwrap_or_else(|| {
                    bodies.push(Content {
                        bytes: Arc::from(text.as_bytes()),
                        sha256,
                    });
                    bodies.len() - 1
                });
            out.push(((*path).to_owned(), u32::try_from(id).unwrap()));
        }
        out.sort();
        Plan {
            files: out,
            bodies,
            ..Plan::default()
        }
    }

    const NO_INPUTS: Inputs = Inputs { digest: [0; 32] };

    struct Silent;

    impl WriteProgress for Silent {
        fn wrote(&self, _done: u64, _total: u64) {}
    }

    fn site(fr: &str) -> Plan {
        let mut files = vec![("cinder-empty.xml".to_owned(), "")];
        for locale in ["de", "en", "fr"] {
            for os in ["linux", "mac", "win"] {
                for n in 0..100 {
                    let body = if (locale, os, n) == ("fr", "linux", 0) {
                        fr
                    } else {
                        "none"
                    };
                    files.push((format!("update/{locale}/{os}/{n}.xml"), body));
                }
            }
        }
        let files: Vec<(&str, &str)> = files.iter().map(|(p, b)| (p.as_str(), *b)).collect();
        plan(&files)
    }

    fn store(state: &Path) -> BTreeSet<String> {
        std::fs::read_dir(state.join(subtrees::STORE))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    fn listed(generation: &Path) -> BTreeSet<String> {
        std::fs::read_to_string(generation.join(subtrees::LIST))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_writer_refuses_any_path_not_strictly_inside_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site/public");
        for (bad, why) in [
            ("update/../../../escaped/update.xml", "segment `..`"),
            ("/etc/passwd", "segment ``"),
            ("update/./x.xml", "segment `.`"),
            ("a\\..\\b/x.xml", "contains `\\`"),
            ("a\0b/x.xml", "control character U+0000"),
            ("cinder-manifest.tsv", "a file cinder writes there"),
        ] {
            let plan = plan(&[("cinder-empty.xml", ""), (bad, "x")]);
            let err = publish(
                &plan,
                &out,
                &NO_INPUTS,
                &Record::default(),
                Durability::Flush,
                &Silent,
            )
            .unwrap_err();
            let msg = err.to_string();
            assert!(msg.starts_with("refusing to publish"), "{msg}");
            assert!(msg.contains(why), "{bad}: {msg}");
            assert!(msg.contains("nothing was written"), "{msg}");
            assert!(
                !dir.path().join("site").exists(),
                "{bad}: something was written"
            );
        }
        let mut twice = plan(&[("a/x.xml", "1")]);
        twice.files.push(twice.files[0].clone());
        let msg = publish(
            &twice,
            &out,
            &NO_INPUTS,
            &Record::default(),
            Durability::Flush,
            &Silent,
        )
        .unwrap_err()
        .to_string();
        assert!(msg.contains("`a/x.xml`, twice"), "{msg}");
    }

    #[test]
    fn subtrees_are_shared_linked_relatively_and_collected() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let state = dir.path().join(".public.cinder");
        let first = publish(
            &site("a"),
            &out,
            &NO_INPUTS,
            &Record::default(),
            Durability::Flush,
            &Silent,
        )
        .unwrap();
        assert_eq!(first.generation, Some(1));
        // 901 files and 13 directories: the cut is at `update/LOCALE` (at
        // `update`, one subtree would hold them all), where `de` and `en`
        // are the same subtree.
        let link = state.join("gen-1/update/de");
        let target = std::fs::read_link(&link).unwrap();
        let gen1 = listed(&state.join("gen-1"));
        assert_eq!(gen1.len(), 2);
        let de = target.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(target, Path::new("../../trees").join(&de));
        assert_eq!(
            std::fs::read_link(state.join("gen-1/update/en")).unwrap(),
            target
        );
        assert_eq!(
            std::fs::read_to_string(out.join("update/fr/linux/0.xml")).unwrap(),
            "a"
        );
        assert_eq!(store(&state), gen1);

        // Nothing changed: nothing written.
        let again = publish(
            &site("a"),
            &out,
            &NO_INPUTS,
            &Record::default(),
            Durability::Flush,
            &Silent,
        )
        .unwrap();
        assert_eq!((again.generation, again.written), (None, 0));

        // A generation published before subtrees (no list) may use any of
        // them: none is removed while it is kept. A killed build's
        // unfinished subtree is removed.
        std::fs::remove_file(state.join("gen-1").join(subtrees::LIST)).unwrap();
        let unfinished = state.join(subtrees::STORE).join("tmp-1-abc");
        std::fs::create_dir_all(unfinished.join("x")).unwrap();
        let second = publish(
            &site("b"),
            &out,
            &NO_INPUTS,
            &Record::default(),
            Durability::Flush,
            &Silent,
        )
        .unwrap();
        assert_eq!((second.generation, second.written), (Some(2), 1));
        assert!(!unfinished.exists());
        let gen2 = listed(&state.join("gen-2"));
        assert_eq!(gen2.len(), 2);
        assert!(gen2.contains(&de), "the unchanged subtree is reused");
        assert_eq!(store(&state), &gen1 | &gen2);

        let third = publish(
            &site("c"),
            &out,
            &NO_INPUTS,
            &Record::default(),
            Durability::Flush,
            &Silent,
        )
        .unwrap();
        assert_eq!(third.generation, Some(3));
        assert!(!state.join("gen-1").exists());
        let gen3 = listed(&state.join("gen-3"));
        assert_eq!(store(&state), &gen2 | &gen3);
        assert_eq!(
            std::fs::read_to_string(out.join("update/fr/linux/0.xml")).unwrap(),
            "c"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("update/en/mac/7.xml")).unwrap(),
            "none"
        );
        // The old body "a" is linked from nothing any more.
        let blobs = std::fs::read_dir(state.join("blobs")).unwrap().count();
        assert_eq!(blobs, 4, "bodies \"\", none, b and c");
    }

    #[test]
    fn each_durability_flushes_what_it_says_and_publishes_the_same_tree() {
        // On one thread: two workers may both write a blob that does not
        // exist yet (the second one's copy is dropped), which would make
        // the count of flushed files vary.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let publish_with = |durability| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            let mut runs = Vec::new();
            for body in ["a", "a", "b"] {
                let s = pool
                    .install(|| {
                        publish(
                            &site(body),
                            &out,
                            &NO_INPUTS,
                            &Record::default(),
                            durability,
                            &Silent,
                        )
                    })
                    .unwrap();
                runs.push((s.generation, s.synced));
            }
            let manifest = std::fs::read(out.join(manifest::NAME)).unwrap();
            (runs, manifest)
        };
        let synced = |files, dirs, file_systems| Synced {
            files,
            dirs,
            file_systems,
        };

        // Each file: the first build writes 3 blobs, a manifest, a subtree
        // list and the two records (inputs and plan), and flushes 15
        // directories: 2 distinct subtrees of 4 directories each, the
        // store, the generation's root and `update`, the blob directory, the
        // state directory (its new generation and records, once per record)
        // and, after the swap, the one holding the link. The unchanged
        // rebuild replaces the records on their own. The third writes one
        // new blob and one new subtree.
        let (each, tree) = publish_with(Durability::FlushEach);
        assert_eq!(
            each,
            [
                (Some(1), synced(7, 15, 0)),
                (None, synced(2, 2, 0)),
                (Some(2), synced(5, 11, 0)),
            ]
        );

        // The platform's way: on Linux, one syncfs before each swap, and the
        // link's directory after it.
        let (flush, same) = publish_with(Durability::Flush);
        assert_eq!(same, tree);
        if cfg!(target_os = "linux") {
            assert_eq!(
                flush,
                [
                    (Some(1), synced(0, 1, 1)),
                    (None, synced(2, 2, 0)),
                    (Some(2), synced(0, 1, 1)),
                ]
            );
        } else {
            assert_eq!(flush, each);
        }

        let (skip, same) = publish_with(Durability::Skip);
        assert_eq!(same, tree);
        assert!(
            skip.iter().all(|(_, s)| *s == Synced::default()),
            "{skip:?}"
        );
    }
}
