//! The physical limit of the build's own layout (`cinder bench raw-write
//! --layout`): exactly what a first build creates on disk, made with plain
//! `std::fs` calls and nothing else.
//!
//! From a manifest (paths, sizes, digests) it makes a plan whose bodies are
//! placeholders of the right size and digest, takes the build's own
//! [`Layout`] of it, and writes the same blob store (each distinct body
//! once, `HEX.0`), the same content-addressed subtree directories with the
//! same hard links, the generation's top part (its directories, the
//! symlinks to the subtrees, the top files as hard links) and the published
//! link, on the caller's rayon threads, then flushes the way the build
//! would (one `syncfs` by default). It leaves out everything the build does
//! beyond that: the state directory's marker and lock, comparing with and
//! writing the manifest, the subtree list, the input record, path checks,
//! temporary names and renames, and collecting what is unused.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::error::Error;
use crate::plan::{Content, Plan};

use super::durable::{Durability, Strategy, Syncs};
use super::subtrees::{self, Layout, Subtree};
use super::{make_dirs, manifest, state, symlink};

/// A plan of the files a manifest lists: every distinct (digest, size) is
/// one body of that many placeholder bytes with that digest, so the layout
/// (which reads paths and digests only) is the build's.
pub(crate) fn placeholder_plan(lines: &[manifest::Line]) -> Plan {
    let mut ids: HashMap<([u8; 32], u64), u32> = HashMap::new();
    let mut bodies: Vec<Content> = Vec::new();
    let mut files: Vec<(String, u32)> = Vec::with_capacity(lines.len());
    for l in lines {
        let id = *ids.entry((l.sha256, l.size)).or_insert_with(|| {
            let size = usize::try_from(l.size).unwrap_or(usize::MAX);
            bodies.push(Content {
                bytes: Arc::from(vec![b'x'; size]),
                sha256: l.sha256,
            });
            u32::try_from(bodies.len() - 1).unwrap_or(u32::MAX)
        });
        files.push((l.path.clone(), id));
    }
    // The build's plan is sorted by path; a manifest is too, but one
    // written by hand need not be.
    files.sort_unstable();
    Plan {
        files,
        bodies,
        ..Plan::default()
    }
}

/// The build's layout of `plan` (computed before the timed writing).
pub(crate) struct Prepared<'p> {
    plan: &'p Plan,
    layout: Layout,
}

/// What [`write`] made.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Made {
    pub(crate) files: u64,
    /// Blob files (a body linked more often than the file system allows
    /// has several).
    pub(crate) blobs: u64,
    pub(crate) subtrees: u64,
    pub(crate) distinct_subtrees: u64,
    /// Files directly in the generation, above the cut.
    pub(crate) top_files: u64,
    /// The cut's depth.
    pub(crate) depth: u64,
    /// Seconds of the final flush (the file system's, by default).
    pub(crate) flush_s: f64,
}

impl<'p> Prepared<'p> {
    pub(crate) fn new(plan: &'p Plan) -> Self {
        Prepared {
            plan,
            layout: Layout::of(plan),
        }
    }
}

/// The blob files, with a further copy of a body when the file system
/// refuses it another link (65,000 on ext4), as the build does.
struct RawBlobs<'p> {
    dir: &'p Path,
    plan: &'p Plan,
    syncs: &'p Syncs,
    /// Per body: the shard new links go to.
    shard: Vec<AtomicU32>,
    grow: Mutex<()>,
}

impl RawBlobs<'_> {
    fn path(&self, body: u32, shard: u32) -> PathBuf {
        self.dir.join(format!(
            "{}.{shard}",
            manifest::hex(&self.plan.body(body).sha256)
        ))
    }

    fn write(&self, body: u32, shard: u32) -> Result<(), Error> {
        let path = self.path(body, shard);
        let mut f = std::fs::File::create(&path).map_err(|e| Error::write(&path, e))?;
        std::io::Write::write_all(&mut f, &self.plan.body(body).bytes)
            .map_err(|e| Error::write(&path, e))?;
        self.syncs.file(&f, &path)
    }

    fn link(&self, body: u32, dest: &Path) -> Result<(), Error> {
        let current = &self.shard[body as usize];
        loop {
            let shard = current.load(Ordering::Acquire);
            match std::fs::hard_link(self.path(body, shard), dest) {
                Ok(()) => return Ok(()),
                Err(e) if e.raw_os_error() == Some(31) || e.kind() == ErrorKind::TooManyLinks => {
                    let _guard = self
                        .grow
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    if current.load(Ordering::Acquire) == shard {
                        self.write(body, shard + 1)?;
                        current.store(shard + 1, Ordering::Release);
                    }
                }
                Err(e) => return Err(Error::write(dest, e)),
            }
        }
    }

    /// The blob files of the bodies `used`.
    fn count(&self, used: &[bool]) -> u64 {
        self.shard
            .iter()
            .zip(used)
            .filter(|(_, used)| **used)
            .map(|(s, _)| u64::from(s.load(Ordering::Relaxed)) + 1)
            .sum()
    }
}

/// Writes the build's layout of the prepared plan as the first generation
/// published at `out` (its state directory `.NAME.cinder` beside it must
/// not exist), on the current rayon threads.
pub(crate) fn write(
    prepared: &Prepared<'_>,
    out: &Path,
    durability: Durability,
) -> Result<Made, Error> {
    let Prepared { plan, layout } = prepared;
    let state = state::state_dir(out)?;
    let store = state.join(subtrees::STORE);
    let blobs_dir = state.join("blobs");
    for dir in [&state, &store, &blobs_dir] {
        std::fs::create_dir(dir).map_err(|e| Error::write(dir, e))?;
    }
    let syncs = Syncs::new(Strategy::of(durability, &state, &[&store, &blobs_dir]));
    let blobs = RawBlobs {
        dir: &blobs_dir,
        plan,
        syncs: &syncs,
        shard: (0..plan.bodies.len()).map(|_| AtomicU32::new(0)).collect(),
        grow: Mutex::new(()),
    };
    // Every body a file uses, once (a placeholder plan's are all used).
    let mut used = vec![false; plan.bodies.len()];
    for (_, body) in &plan.files {
        used[*body as usize] = true;
    }
    (0..plan.bodies.len())
        .into_par_iter()
        .filter(|&b| used[b])
        .try_for_each(|b| blobs.write(u32::try_from(b).unwrap_or(u32::MAX), 0))?;
    syncs.dir(&blobs_dir)?;

    // Each distinct subtree once.
    let mut distinct: Vec<&Subtree> = layout.subtrees.iter().collect();
    distinct.sort_by_key(|s| s.hash);
    distinct.dedup_by_key(|s| s.hash);
    distinct.par_iter().try_for_each(|s| {
        let entry = store.join(subtrees::name(&s.hash));
        std::fs::create_dir(&entry).map_err(|e| Error::write(&entry, e))?;
        let files = s.files(plan);
        let dirs = make_dirs(&entry, files.iter().map(|(p, _)| &p[s.prefix + 1..]))?;
        files
            .par_iter()
            .with_min_len(64)
            .try_for_each(|(path, body)| blobs.link(*body, &entry.join(&path[s.prefix + 1..])))?;
        syncs.dirs(&entry, dirs)
    })?;
    syncs.dir(&store)?;

    // The generation's top part.
    let generation = state.join("gen-1");
    std::fs::create_dir(&generation).map_err(|e| Error::write(&generation, e))?;
    let top_dirs = make_dirs(
        &generation,
        layout
            .top
            .iter()
            .map(|&i| plan.files[i].0.as_str())
            .chain(layout.subtrees.iter().map(|s| s.path(plan))),
    )?;
    subtrees::link_into(&generation, plan, layout)?;
    layout.top.par_iter().with_min_len(256).try_for_each(|&i| {
        let (path, body) = &plan.files[i];
        blobs.link(*body, &generation.join(path))
    })?;
    syncs.dirs(&generation, top_dirs)?;
    syncs.dir(&blobs_dir)?;

    let target = Path::new(state.file_name().unwrap_or_default()).join("gen-1");
    symlink(&target, out).map_err(|e| Error::write(out, e))?;
    let flushing = std::time::Instant::now();
    syncs.settle(&state)?;
    syncs.dir_now(
        out.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    Ok(Made {
        files: plan.files.len() as u64,
        blobs: blobs.count(&used),
        subtrees: layout.subtrees.len() as u64,
        distinct_subtrees: distinct.len() as u64,
        top_files: layout.top.len() as u64,
        depth: layout.depth as u64,
        flush_s: flushing.elapsed().as_secs_f64(),
    })
}
