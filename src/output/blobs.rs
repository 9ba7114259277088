//! The store of distinct bodies (`.NAME.cinder/blobs/`) that every published
//! file is a hard link to, so each distinct body is written once.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use crate::error::Error;
use crate::plan::Plan;

use super::durable::Syncs;
use super::manifest;

/// The blobs of one plan's bodies. Hard links are limited per file (65,000 on
/// ext4): when the file system refuses another, the body gets a further copy
/// (a "shard").
pub(super) struct Blobs<'p> {
    dir: PathBuf,
    plan: &'p Plan,
    syncs: &'p Syncs,
    /// Per body: the shard new links go to.
    shard: Vec<AtomicU32>,
    /// Per body: one more than the highest shard known to exist, so that
    /// each shard is looked at once, not once per link.
    ensured: Vec<AtomicU32>,
    grow: Mutex<()>,
}

impl<'p> Blobs<'p> {
    pub(super) fn new(dir: PathBuf, plan: &'p Plan, syncs: &'p Syncs) -> Self {
        Blobs {
            dir,
            plan,
            syncs,
            shard: (0..plan.bodies.len()).map(|_| AtomicU32::new(0)).collect(),
            ensured: (0..plan.bodies.len()).map(|_| AtomicU32::new(0)).collect(),
            grow: Mutex::new(()),
        }
    }

    fn path(&self, body: u32, shard: u32) -> PathBuf {
        self.dir.join(format!(
            "{}.{shard}",
            manifest::hex(&self.plan.body(body).sha256)
        ))
    }

    /// Makes sure a shard of a body exists, writing it atomically if not.
    fn ensure(&self, body: u32, shard: u32) -> Result<PathBuf, Error> {
        let path = self.path(body, shard);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => return Ok(path),
            // Not a blob cinder wrote (a symbolic link would be linked as
            // it is, and publish what it points at): replace it.
            Ok(_) => std::fs::remove_file(&path).map_err(|e| Error::write(&path, e))?,
            Err(_) => {}
        }
        let tmp = self.dir.join(format!(
            "tmp-{}-{body}-{shard}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let write = || -> std::io::Result<std::fs::File> {
            let mut f = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut f, &self.plan.body(body).bytes)?;
            Ok(f)
        };
        let file = write().map_err(|e| Error::write(&tmp, e))?;
        self.syncs.file(&file, &tmp)?;
        drop(file);
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
    pub(super) fn link(&self, body: u32, dest: &Path) -> Result<(), Error> {
        loop {
            let shard = self.shard[body as usize].load(Ordering::Acquire);
            let ensured = &self.ensured[body as usize];
            let blob = if ensured.load(Ordering::Acquire) > shard {
                self.path(body, shard)
            } else {
                let blob = self.ensure(body, shard)?;
                ensured.fetch_max(shard + 1, Ordering::AcqRel);
                blob
            };
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

/// Removes blobs no tree links to any more.
pub(super) fn collect(dir: &Path) {
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
