//! Publishing a plan as a tree on disk, safely and in proportion to what
//! changed.
//!
//! The published path (`public`) is a symlink to a generation directory in a
//! hidden sibling (`.public.cinder/gen-N`). A build fills a new generation and
//! then swaps the symlink with one `rename`, so a build that fails or is killed
//! at any moment leaves the published tree as it was. Files are hard links:
//! unchanged ones to the previous generation's, new ones to a store of
//! distinct bodies, so each distinct body is written once. A build whose plan
//! matches the published manifest touches nothing.

pub(crate) mod manifest;

use std::collections::HashSet;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::app::Error;
use crate::plan::Plan;

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
}

/// Progress reports while writing.
pub(crate) trait WriteProgress: Sync {
    fn wrote(&self, done: u64, total: u64);
}

/// Where a tree's generations, blobs and lock live: `.NAME.cinder` beside `out`.
fn state_dir(out: &Path) -> Result<PathBuf, Error> {
    let name = out.file_name().ok_or_else(|| {
        Error::Usage(format!("`{}` cannot be an output directory", out.display()))
    })?;
    Ok(out.with_file_name(format!(".{}.cinder", name.to_string_lossy())))
}

/// The generation `out` points at, if it is one of ours.
fn current_generation(out: &Path, state: &Path) -> Result<Option<u64>, Error> {
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

/// Which planned files are unchanged from the published manifest, and how
/// many published files are gone. Both lists are sorted by path.
fn compare(plan: &Plan, manifest: &Path) -> Result<(Vec<bool>, u64), Error> {
    let mut unchanged = vec![false; plan.files.len()];
    let mut removed = 0;
    let lines = match manifest::read(manifest) {
        Ok(lines) => lines,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok((unchanged, 0)),
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
            unchanged[i] = body.sha256 == line.sha256 && body.bytes.len() as u64 == line.size;
            i += 1;
        } else {
            removed += 1;
        }
    }
    Ok((unchanged, removed))
}

/// The store of distinct bodies that new files are linked to. Hard links are
/// limited per file (65,000 on ext4): when the file system refuses another,
/// the body gets a further copy (a "shard").
struct Blobs<'p> {
    dir: PathBuf,
    plan: &'p Plan,
    /// Per body: the shard new links go to.
    shard: Vec<AtomicU32>,
    grow: Mutex<()>,
}

impl Blobs<'_> {
    fn path(&self, body: u32, shard: u32) -> PathBuf {
        self.dir.join(format!(
            "{}.{shard}",
            manifest::hex(&self.plan.body(body).sha256)
        ))
    }

    /// Makes sure a shard of a body exists, writing it atomically if not.
    fn ensure(&self, body: u32, shard: u32) -> Result<PathBuf, Error> {
        let path = self.path(body, shard);
        if path.exists() {
            return Ok(path);
        }
        let tmp = self.dir.join(format!(
            "tmp-{}-{body}-{shard}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&tmp, &self.plan.body(body).bytes).map_err(|e| Error::write(&tmp, e))?;
        // Link rather than rename: renaming over a blob another thread just
        // made would unlink the inode it may be linking from, and Linux
        // refuses to link an inode with no links left (ENOENT).
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(path),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(path),
            Err(e) => Err(Error::write(&path, e)),
        }
    }

    /// Links `dest` to a shard of `body`, moving on to a new shard when one is full.
    fn link(&self, body: u32, dest: &Path) -> Result<(), Error> {
        loop {
            let shard = self.shard[body as usize].load(Ordering::Acquire);
            let blob = self.ensure(body, shard)?;
            match std::fs::hard_link(&blob, dest) {
                Ok(()) => return Ok(()),
                Err(e) if e.raw_os_error() == Some(31) || e.kind() == ErrorKind::TooManyLinks => {
                    let _guard = self
                        .grow
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    let _ = self.shard[body as usize].compare_exchange(
                        shard,
                        shard + 1,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    );
                }
                Err(e) => return Err(Error::write(dest, e)),
            }
        }
    }
}

/// Creates every directory the plan's files need, each once, parents first.
fn make_dirs(root: &Path, plan: &Plan) -> Result<(), Error> {
    let mut made: HashSet<&str> = HashSet::new();
    let mut last: Option<&str> = None;
    for (path, _) in &plan.files {
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
        }
    }
    Ok(())
}

/// Removes a directory tree, in parallel.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
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

/// Publishes `plan` at `out`.
pub(crate) fn publish(
    plan: &Plan,
    out: &Path,
    progress: &dyn WriteProgress,
) -> Result<Summary, Error> {
    let started = Instant::now();
    let state = state_dir(out)?;
    std::fs::create_dir_all(state.join("blobs")).map_err(|e| Error::write(&state, e))?;
    let lock_path = state.join("lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| Error::write(&lock_path, e))?;
    if lock.try_lock().is_err() {
        return Err(Error::Usage(format!(
            "another build is publishing to `{}`",
            out.display()
        )));
    }
    clean_leftovers(&state, out);

    let current = current_generation(out, &state)?;
    let (unchanged, removed) = match current {
        Some(g) => compare(plan, &generation_dir(&state, g).join(manifest::NAME))?,
        None => (vec![false; plan.files.len()], 0),
    };
    let kept = unchanged.iter().filter(|u| **u).count() as u64;
    let mut summary = Summary {
        files: plan.files.len() as u64,
        distinct: plan.bodies.len() as u64,
        written: plan.files.len() as u64 - kept,
        unchanged: kept,
        removed,
        bytes: plan.bytes(),
        seconds: 0.0,
        generation: None,
    };
    if current.is_some() && summary.written == 0 && removed == 0 {
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
    make_dirs(&staging, plan)?;
    let blobs = Blobs {
        dir: state.join("blobs"),
        plan,
        shard: (0..plan.bodies.len()).map(|_| AtomicU32::new(0)).collect(),
        grow: Mutex::new(()),
    };
    let previous = current.map(|g| generation_dir(&state, g));
    let done = AtomicU64::new(0);
    let total = plan.files.len() as u64;
    plan.files
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .try_for_each(|(i, (path, body))| {
            let dest = staging.join(path);
            let linked = unchanged[i]
                && previous
                    .as_ref()
                    .is_some_and(|prev| std::fs::hard_link(prev.join(path), &dest).is_ok());
            if !linked {
                blobs.link(*body, &dest)?;
            }
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(8192) || n == total {
                progress.wrote(n, total);
            }
            Ok::<(), Error>(())
        })?;
    let manifest_path = staging.join(manifest::NAME);
    manifest::write(
        &manifest_path,
        plan.files.iter().map(|(p, b)| {
            let body = plan.body(*b);
            (p.as_str(), body.bytes.len() as u64, &body.sha256)
        }),
    )
    .map_err(|e| Error::write(&manifest_path, e))?;

    // The switch: rename the finished generation into place, then point
    // `out` at it with one atomic rename of a fresh symlink.
    let final_dir = generation_dir(&state, next);
    std::fs::rename(&staging, &final_dir).map_err(|e| Error::write(&final_dir, e))?;
    let state_name = state.file_name().unwrap_or_default();
    let target = Path::new(state_name).join(format!("gen-{next}"));
    let link_tmp = out.with_file_name(format!(
        ".{}.cinder-link",
        out.file_name().unwrap_or_default().to_string_lossy()
    ));
    let _ = std::fs::remove_file(&link_tmp);
    symlink(&target, &link_tmp).map_err(|e| Error::write(&link_tmp, e))?;
    std::fs::rename(&link_tmp, out).map_err(|e| Error::write(out, e))?;
    summary.generation = Some(next);

    // Keep the generation just replaced (requests may still be reading it;
    // it also allows a rollback); remove older ones and unused blobs.
    for g in existing_generations(&state) {
        if g != next && Some(g) != current {
            let dir = generation_dir(&state, g);
            remove_tree(&dir).map_err(|e| Error::write(&dir, e))?;
        }
    }
    collect_blobs(&state.join("blobs"));
    let _ = std::io::stderr().flush();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn existing_generations(state: &Path) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(state) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("gen-"))
                .and_then(|n| n.parse().ok())
        })
        .collect()
}

/// Removes what a killed build left: unfinished generations and temporary blobs.
fn clean_leftovers(state: &Path, out: &Path) {
    if let Ok(entries) = std::fs::read_dir(state) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("gen-") && name.ends_with(".tmp") {
                let _ = remove_tree(&e.path());
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(state.join("blobs")) {
        for e in entries.filter_map(Result::ok) {
            if e.file_name().to_string_lossy().starts_with("tmp-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let link_tmp = out.with_file_name(format!(
        ".{}.cinder-link",
        out.file_name().unwrap_or_default().to_string_lossy()
    ));
    let _ = std::fs::remove_file(link_tmp);
}

/// Removes blobs no tree links to any more.
fn collect_blobs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.par_iter().for_each(|e| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if e.metadata().is_ok_and(|m| m.nlink() <= 1) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    });
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
