//! Durability: what a build flushes to the disk, so that a power loss
//! cannot publish a tree whose files are empty or missing. Before the swap,
//! every blob written, every directory of a subtree made, the generation's
//! directories, manifest and subtree list; after it, the directories
//! holding the renamed generation and the published link. `build --no-fsync`
//! skips all of it (for trees that can be rebuilt, on machines that do not
//! lose power).

use std::fs::File;
use std::path::Path;

use rayon::prelude::*;

use crate::app::Error;

/// Whether a publication flushes what it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Durability {
    /// fsync files and directories before and after the swap.
    Flush,
    /// Leave it to the operating system.
    Skip,
}

impl Durability {
    pub(super) fn flushes(self) -> bool {
        self == Durability::Flush
    }

    /// Flushes an open file's data and metadata.
    pub(super) fn file(self, f: &File, path: &Path) -> Result<(), Error> {
        if self.flushes() {
            f.sync_all().map_err(|e| Error::write(path, e))?;
        }
        Ok(())
    }

    /// Flushes a file by path.
    pub(super) fn file_at(self, path: &Path) -> Result<(), Error> {
        if self.flushes() {
            let f = File::open(path).map_err(|e| Error::write(path, e))?;
            self.file(&f, path)?;
        }
        Ok(())
    }

    /// Flushes a directory's entries (the files linked and directories
    /// made in it).
    pub(super) fn dir(self, path: &Path) -> Result<(), Error> {
        if self.flushes() {
            sync_dir(path).map_err(|e| Error::write(path, e))?;
        }
        Ok(())
    }

    /// Flushes `root` and the directories `rels` under it, in parallel.
    pub(super) fn dirs<'a>(
        self,
        root: &Path,
        rels: impl IntoParallelIterator<Item = &'a str>,
    ) -> Result<(), Error> {
        if !self.flushes() {
            return Ok(());
        }
        rels.into_par_iter()
            .try_for_each(|rel| self.dir(&root.join(rel)))?;
        self.dir(root)
    }
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_all()
}

/// Directories cannot be opened for flushing everywhere; there, the
/// operating system's own ordering is what there is.
#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
