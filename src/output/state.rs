//! The state directory beside a published tree (`.NAME.cinder`), where
//! generations, subtrees and blobs live and old ones are deleted. cinder
//! deletes in it, so it uses only a directory it made itself: one that
//! carries its marker, written when cinder created the directory and naming
//! that directory's inode, so that a marker copied along with a directory
//! (or committed to a site's repository) does not count. A state directory
//! that is a symbolic link, or holds a symbolic link where cinder keeps its
//! own directories and files, is refused, never followed.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The marker's file, in the state directory.
pub(super) const MARKER: &str = "cinder-state";
const MARKER_HEADER: &str = "cinder state directory: generations, subtrees and blobs of a published tree; cinder deletes what it no longer needs in here";

/// Where a tree's generations, blobs and lock live: `.NAME.cinder` beside `out`.
pub(super) fn state_dir(out: &Path) -> Result<PathBuf, Error> {
    let name = out.file_name().ok_or_else(|| {
        Error::Usage(format!("`{}` cannot be an output directory", out.display()))
    })?;
    Ok(out.with_file_name(format!(".{}.cinder", name.to_string_lossy())))
}

/// The identity the marker records: the directory's inode, which a copy
/// or a fresh checkout does not have.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!("inode {}", meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> String {
    "inode unknown".to_owned()
}

fn marker_text(meta: &std::fs::Metadata) -> String {
    format!("{MARKER_HEADER}\n{}\n", identity(meta))
}

/// Whether `state` (a directory, not a link) carries a marker made for it.
fn marked(state: &Path, meta: &std::fs::Metadata) -> Result<bool, Error> {
    let path = state.join(MARKER);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Ok(false),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::read(&path, e)),
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::read(&path, e))?;
    Ok(text == marker_text(meta))
}

/// What is wrong with `state` for cinder to use it, if anything; `None`
/// for a directory cinder made, or when there is none yet.
fn refusal(state: &Path) -> Result<Option<String>, Error> {
    let meta = match std::fs::symlink_metadata(state) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::read(state, e)),
    };
    let what = "cinder keeps generations, subtrees and blobs there and deletes old ones, so it uses only a directory it made itself";
    if meta.file_type().is_symlink() {
        return Ok(Some(format!(
            "`{}` is a symbolic link; {what}. Remove the link: the next build makes the directory",
            state.display()
        )));
    }
    if !meta.is_dir() {
        return Ok(Some(format!(
            "`{}` is not a directory; {what}. Move it away",
            state.display()
        )));
    }
    if marked(state, &meta)? {
        return Ok(None);
    }
    let empty = std::fs::read_dir(state)
        .map_err(|e| Error::read(state, e))?
        .next()
        .is_none();
    if empty {
        return Ok(None);
    }
    let why = if std::fs::symlink_metadata(state.join(MARKER)).is_ok() {
        format!(
            "its `{MARKER}` marker was made for another directory (it was copied, or committed to the site)"
        )
    } else {
        format!("it has no `{MARKER}` marker")
    };
    Ok(Some(format!(
        "`{}` was not made by cinder here: {why}; {what}. Move it away or delete it (and the published link beside it, if it points into it): the next build makes a new one and writes every file",
        state.display()
    )))
}

/// Whether `state` is a directory cinder made (read-only: nothing is made).
pub(super) fn is_ours(state: &Path) -> Result<bool, Error> {
    Ok(state.is_dir() && refusal(state)?.is_none())
}

/// Opens the state directory of `out` for a build: makes it (with its
/// marker, and `dirs` inside) when missing, and refuses one cinder did not
/// make, or one in which any of `dirs` is not a directory of its own.
pub(super) fn open(out: &Path, dirs: &[&str]) -> Result<PathBuf, Error> {
    let state = state_dir(out)?;
    if let Some(why) = refusal(&state)? {
        return Err(Error::Usage(why));
    }
    match std::fs::create_dir(&state) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let parent = state.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
            std::fs::create_dir(&state).map_err(|e| Error::write(&state, e))?;
        }
        Err(e) => return Err(Error::write(&state, e)),
    }
    let meta = std::fs::symlink_metadata(&state).map_err(|e| Error::read(&state, e))?;
    if !marked(&state, &meta)? {
        write_marker(&state, &meta)?;
    }
    for dir in dirs {
        own_dir(&state.join(dir))?;
    }
    Ok(state)
}

fn write_marker(state: &Path, meta: &std::fs::Metadata) -> Result<(), Error> {
    let path = state.join(MARKER);
    let tmp = state.join(format!("{MARKER}.tmp"));
    let _ = std::fs::remove_file(&tmp);
    let write = || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(marker_text(meta).as_bytes())?;
        f.sync_all()
    };
    write().map_err(|e| Error::write(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::write(&path, e))
}

/// Makes `dir` unless it exists as a directory; anything else there (a
/// symbolic link, a file) is refused.
pub(super) fn own_dir(dir: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(not_ours(dir)),
        Err(e) if e.kind() == ErrorKind::NotFound => match std::fs::create_dir(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => own_dir(dir),
            Err(e) => Err(Error::write(dir, e)),
        },
        Err(e) => Err(Error::read(dir, e)),
    }
}

/// Opens (without truncating, and never through a symbolic link) a file of
/// the state directory for writing, creating it when missing.
pub(super) fn own_file(path: &Path) -> Result<std::fs::File, Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(not_ours(path)),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(Error::read(path, e)),
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::write(path, e))
}

fn not_ours(path: &Path) -> Error {
    Error::Usage(format!(
        "`{}` is not what cinder keeps there (a symbolic link, or not a directory or file of its own); cinder does not follow or delete it. Remove it",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_state_directory_is_marked_and_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let state = open(&out, &["blobs"]).unwrap();
        assert_eq!(state, dir.path().join(".public.cinder"));
        assert!(state.join("blobs").is_dir());
        assert!(is_ours(&state).unwrap());
        assert_eq!(open(&out, &["blobs", "trees"]).unwrap(), state);
    }

    #[test]
    fn an_empty_directory_is_adopted_and_a_foreign_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let state = state_dir(&out).unwrap();
        std::fs::create_dir(&state).unwrap();
        open(&out, &[]).unwrap();

        let other = dir.path().join("site");
        let out = other.join("public");
        let state = state_dir(&out).unwrap();
        std::fs::create_dir_all(state.join("blobs")).unwrap();
        std::fs::write(state.join("blobs/notes.txt"), "mine").unwrap();
        let err = open(&out, &[]).unwrap_err().to_string();
        assert!(err.contains("was not made by cinder here"), "{err}");
        assert!(err.contains("has no `cinder-state` marker"), "{err}");
        assert!(state.join("blobs/notes.txt").is_file());
    }

    #[test]
    fn a_copied_marker_does_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(&dir.path().join("a"), &[]).unwrap();
        let copy = dir.path().join(".b.cinder");
        std::fs::create_dir(&copy).unwrap();
        std::fs::copy(first.join(MARKER), copy.join(MARKER)).unwrap();
        let err = open(&dir.path().join("b"), &[]).unwrap_err().to_string();
        assert!(err.contains("made for another directory"), "{err}");
        assert!(!is_ours(&copy).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        let out = dir.path().join("public");
        std::os::unix::fs::symlink(&victim, state_dir(&out).unwrap()).unwrap();
        let err = open(&out, &["blobs"]).unwrap_err().to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);

        let out = dir.path().join("tree");
        let state = open(&out, &[]).unwrap();
        std::os::unix::fs::symlink(&victim, state.join("blobs")).unwrap();
        let err = open(&out, &["blobs"]).unwrap_err().to_string();
        assert!(err.contains("does not follow or delete it"), "{err}");
        std::fs::write(victim.join("precious"), "x").unwrap();
        std::os::unix::fs::symlink(victim.join("precious"), state.join("lock")).unwrap();
        assert!(own_file(&state.join("lock")).is_err());
        assert_eq!(
            std::fs::read_to_string(victim.join("precious")).unwrap(),
            "x"
        );
    }
}
