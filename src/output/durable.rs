//! Durability: what a build flushes to the disk, so that a power loss
//! cannot publish a tree whose files are empty or missing, and what it
//! counted doing so. On Linux one `syncfs` of the file system holding the
//! state directory, just before the swap, flushes everything the new
//! generation holds; elsewhere (or when the state directory spans file
//! systems) every blob, subtree directory, generation directory, manifest
//! and subtree list is fsynced as it is made. Either way the directory
//! holding the published link is fsynced after the swap. `build
//! --no-fsync` skips all of it (for trees that can be rebuilt, on machines
//! that do not lose power).

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::Error;

/// Whether a publication flushes what it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Durability {
    /// Flush, the cheapest way the platform allows: one `syncfs` before
    /// the swap on Linux, each file and directory elsewhere.
    Flush,
    /// Flush each file and directory as it is made, on every platform.
    FlushEach,
    /// Leave it to the operating system.
    Skip,
}

impl Durability {
    /// What the `--no-fsync` and `--fsync-each-file` flags ask for.
    pub(crate) fn of_flags(no_fsync: bool, fsync_each_file: bool) -> Durability {
        if no_fsync {
            Durability::Skip
        } else if fsync_each_file {
            Durability::FlushEach
        } else {
            Durability::Flush
        }
    }
}

/// How a publication makes what it staged durable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Strategy {
    /// fsync each file and directory staged, as it is made.
    EachFile,
    /// One `syncfs` of the state directory's file system before the swap.
    FileSystem,
    /// Nothing.
    Nothing,
}

impl Strategy {
    /// The strategy for `durability` when the state directory is `state`
    /// (with the blob and subtree stores `stores` in it): one `syncfs` only
    /// covers what shares the state directory's file system.
    pub(super) fn of(durability: Durability, state: &Path, stores: &[&Path]) -> Self {
        match durability {
            Durability::Skip => Strategy::Nothing,
            Durability::Flush if syncfs::AVAILABLE && one_file_system(state, stores) => {
                Strategy::FileSystem
            }
            Durability::Flush | Durability::FlushEach => Strategy::EachFile,
        }
    }
}

/// What a publication flushed: fsyncs of files and of directories, and
/// syncs of whole file systems.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Synced {
    pub(crate) files: u64,
    pub(crate) dirs: u64,
    pub(crate) file_systems: u64,
}

/// The flushes of one publication, counted.
#[derive(Debug)]
pub(super) struct Syncs {
    strategy: Strategy,
    files: AtomicU64,
    dirs: AtomicU64,
    file_systems: AtomicU64,
}

impl Syncs {
    pub(super) fn new(strategy: Strategy) -> Self {
        Syncs {
            strategy,
            files: AtomicU64::new(0),
            dirs: AtomicU64::new(0),
            file_systems: AtomicU64::new(0),
        }
    }

    /// What was flushed so far.
    pub(super) fn synced(&self) -> Synced {
        Synced {
            files: self.files.load(Ordering::Relaxed),
            dirs: self.dirs.load(Ordering::Relaxed),
            file_systems: self.file_systems.load(Ordering::Relaxed),
        }
    }

    fn each(&self) -> bool {
        self.strategy == Strategy::EachFile
    }

    fn any(&self) -> bool {
        self.strategy != Strategy::Nothing
    }

    /// A file staged for the generation (a later [`Syncs::settle`] covers
    /// it): flushed now only when flushing each file.
    pub(super) fn file(&self, f: &File, path: &Path) -> Result<(), Error> {
        if self.each() {
            self.sync_file(f, path)?;
        }
        Ok(())
    }

    /// [`Syncs::file`] by path.
    pub(super) fn file_at(&self, path: &Path) -> Result<(), Error> {
        if self.each() {
            let f = File::open(path).map_err(|e| Error::write(path, e))?;
            self.sync_file(&f, path)?;
        }
        Ok(())
    }

    /// A directory staged for the generation (its entries: files linked,
    /// directories made, renames): flushed now only when flushing each file.
    pub(super) fn dir(&self, path: &Path) -> Result<(), Error> {
        if self.each() {
            self.sync_dir(path)?;
        }
        Ok(())
    }

    /// [`Syncs::dir`] of `root` and the directories `rels` under it, in
    /// parallel.
    pub(super) fn dirs<'a>(
        &self,
        root: &Path,
        rels: impl IntoParallelIterator<Item = &'a str>,
    ) -> Result<(), Error> {
        if !self.each() {
            return Ok(());
        }
        rels.into_par_iter()
            .try_for_each(|rel| self.dir(&root.join(rel)))?;
        self.dir(root)
    }

    /// Everything staged is on the disk before the swap: one `syncfs` of
    /// the file system holding `state` when that is the strategy (each file
    /// was flushed already otherwise).
    pub(super) fn settle(&self, state: &Path) -> Result<(), Error> {
        if self.strategy == Strategy::FileSystem {
            let dir = File::open(state).map_err(|e| Error::write(state, e))?;
            syncfs::sync(&dir).map_err(|e| Error::write(state, e))?;
            self.file_systems.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// A file that replaces another on its own, by a rename no
    /// [`Syncs::settle`] follows: flushed now whenever flushing.
    pub(super) fn file_now(&self, f: &File, path: &Path) -> Result<(), Error> {
        if self.any() {
            self.sync_file(f, path)?;
        }
        Ok(())
    }

    /// The directory of a rename that published something (the swap, or a
    /// file replaced on its own): flushed whenever flushing.
    pub(super) fn dir_now(&self, path: &Path) -> Result<(), Error> {
        if self.any() {
            self.sync_dir(path)?;
        }
        Ok(())
    }

    fn sync_file(&self, f: &File, path: &Path) -> Result<(), Error> {
        f.sync_all().map_err(|e| Error::write(path, e))?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn sync_dir(&self, path: &Path) -> Result<(), Error> {
        if sync_dir(path).map_err(|e| Error::write(path, e))? {
            self.dirs.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Flushes a directory's entries; whether it could.
#[cfg(unix)]
fn sync_dir(path: &Path) -> std::io::Result<bool> {
    File::open(path)?.sync_all()?;
    Ok(true)
}

/// Directories cannot be opened for flushing everywhere; there, the
/// operating system's own ordering is what there is.
#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Whether `state` and `stores` are on one file system (`syncfs` of one
/// flushes them all). Unknown counts as no.
#[cfg(unix)]
fn one_file_system(state: &Path, stores: &[&Path]) -> bool {
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    let Some(first) = dev(state) else {
        return false;
    };
    stores.iter().all(|s| dev(s) == Some(first))
}

#[cfg(not(unix))]
fn one_file_system(_state: &Path, _stores: &[&Path]) -> bool {
    false
}

#[cfg(target_os = "linux")]
mod syncfs {
    pub(super) const AVAILABLE: bool = true;

    /// `syncfs(2)`: flushes the whole file system holding `dir`, and
    /// reports a write-back error any file on it had (Linux 5.8 and later).
    pub(super) fn sync(dir: &std::fs::File) -> std::io::Result<()> {
        rustix::fs::syncfs(dir).map_err(std::io::Error::from)
    }
}

#[cfg(not(target_os = "linux"))]
mod syncfs {
    pub(super) const AVAILABLE: bool = false;

    pub(super) fn sync(_dir: &std::fs::File) -> std::io::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages a file and a directory, settles, then publishes a file on
    /// its own: what each strategy flushed.
    fn run(strategy: Strategy) -> Synced {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        let path = sub.join("f");
        let f = File::create(&path).unwrap();
        let syncs = Syncs::new(strategy);
        syncs.file(&f, &path).unwrap();
        syncs.file_at(&path).unwrap();
        syncs.dirs(dir.path(), ["a"]).unwrap();
        syncs.settle(dir.path()).unwrap();
        syncs.file_now(&f, &path).unwrap();
        syncs.dir_now(dir.path()).unwrap();
        syncs.synced()
    }

    #[test]
    fn each_strategy_flushes_what_it_says() {
        let dirs = |n: u64| if cfg!(unix) { n } else { 0 };
        assert_eq!(
            run(Strategy::EachFile),
            Synced {
                files: 3,
                dirs: dirs(3),
                file_systems: 0
            }
        );
        assert_eq!(run(Strategy::Nothing), Synced::default());
        if syncfs::AVAILABLE {
            assert_eq!(
                run(Strategy::FileSystem),
                Synced {
                    files: 1,
                    dirs: dirs(1),
                    file_systems: 1
                }
            );
        }
    }

    #[test]
    fn flushing_takes_syncfs_where_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("blobs");
        std::fs::create_dir(&store).unwrap();
        let of = |d| Strategy::of(d, dir.path(), &[&store]);
        let expected = if cfg!(target_os = "linux") {
            Strategy::FileSystem
        } else {
            Strategy::EachFile
        };
        assert_eq!(of(Durability::Flush), expected);
        assert_eq!(of(Durability::FlushEach), Strategy::EachFile);
        assert_eq!(of(Durability::Skip), Strategy::Nothing);
        // A store that cannot be looked at is not known to share the file
        // system: each file is flushed.
        let missing = dir.path().join("missing");
        assert_eq!(
            Strategy::of(Durability::Flush, dir.path(), &[&missing]),
            Strategy::EachFile
        );
    }
}
