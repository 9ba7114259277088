//! The record of what the published generation was built from: a digest of
//! the build's inputs (the site's files as read, the scheduled changes in
//! effect, observed requests, options, and the cinder binary itself). A
//! build whose inputs have the same digest as the published generation's
//! has nothing to do, and skips planning altogether.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::Error;

use super::durable::Syncs;
use super::{Summary, current_generation, manifest, state, state_dir};

/// The record's file, in the state directory.
const NAME: &str = "inputs";

/// What the published generation was built from, and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Inputs {
    pub(crate) digest: [u8; 32],
}

fn line(digest: &[u8; 32], generation: u64, s: &Summary) -> String {
    format!(
        "{}\t{generation}\t{}\t{}\t{}\n",
        manifest::hex(digest),
        s.files,
        s.distinct,
        s.bytes
    )
}

/// When a record is flushed to the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flush {
    /// Written before its generation is published: flushed with it, before
    /// the swap. (A record of a generation that is not the published one
    /// says nothing, so one written for a swap that never happens is
    /// harmless.)
    WithGeneration,
    /// Replacing the record of the published generation on its own.
    OnItsOwn,
}

/// Records that generation `generation` (published, with `summary`) was
/// built from `inputs`. Atomic: a reader sees the old record or the new one.
pub(super) fn record(
    state: &Path,
    inputs: &Inputs,
    generation: u64,
    summary: &Summary,
    syncs: &Syncs,
    flush: Flush,
) -> Result<(), Error> {
    write_atomically(
        state,
        NAME,
        line(&inputs.digest, generation, summary).as_bytes(),
        syncs,
        flush,
    )
}

/// Writes `bytes` as the state directory's file `name`, atomically: a
/// reader sees the old file or the new one.
pub(super) fn write_atomically(
    state: &Path,
    name: &str,
    bytes: &[u8],
    syncs: &Syncs,
    flush: Flush,
) -> Result<(), Error> {
    let path = state.join(name);
    let tmp = state.join(format!("{name}.tmp"));
    // A new file, never one a symbolic link points at.
    let _ = std::fs::remove_file(&tmp);
    let write = || -> std::io::Result<std::fs::File> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        std::io::Write::write_all(&mut f, bytes)?;
        Ok(f)
    };
    let file = write().map_err(|e| Error::write(&tmp, e))?;
    match flush {
        Flush::WithGeneration => syncs.file(&file, &tmp)?,
        Flush::OnItsOwn => syncs.file_now(&file, &tmp)?,
    }
    std::fs::rename(&tmp, &path).map_err(|e| Error::write(&path, e))?;
    match flush {
        Flush::WithGeneration => syncs.dir(state),
        Flush::OnItsOwn => syncs.dir_now(state),
    }
}

/// The state directory's record `name` beside the tree published at `out`,
/// with that directory and the published generation; `None` when there is
/// no such record, or it is in a directory cinder did not make (where a
/// record says nothing).
pub(super) fn read_record(
    out: &Path,
    name: &str,
) -> Result<Option<(PathBuf, u64, Vec<u8>)>, Error> {
    let state = state_dir(out)?;
    if !state::is_ours(&state)? {
        return Ok(None);
    }
    let Some(generation) = current_generation(out, &state)? else {
        return Ok(None);
    };
    let path = state.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some((state, generation, bytes))),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::read(&path, e)),
    }
}

/// When the tree published at `out` was built from `inputs`: what it holds
/// (nothing written). `None` when it was not, or cannot be told.
pub(crate) fn unchanged(out: &Path, inputs: &Inputs) -> Result<Option<Summary>, Error> {
    let Some((_, generation, bytes)) = read_record(out, NAME)? else {
        return Ok(None);
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(None);
    };
    let fields: Vec<&str> = text.trim_end().split('\t').collect();
    let [digest, g, files, distinct, bytes] = fields[..] else {
        return Ok(None);
    };
    let number = |s: &str| s.parse::<u64>().ok();
    let (Some(g), Some(files), Some(distinct), Some(bytes)) =
        (number(g), number(files), number(distinct), number(bytes))
    else {
        return Ok(None);
    };
    if g != generation || digest != manifest::hex(&inputs.digest) {
        return Ok(None);
    }
    Ok(Some(Summary {
        files,
        distinct,
        written: 0,
        unchanged: files,
        removed: 0,
        bytes,
        seconds: 0.0,
        generation: None,
        synced: super::Synced::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::durable::Strategy;
    use super::*;

    #[test]
    fn a_record_round_trips_and_any_difference_is_not_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let state = super::state::open(&out, &["gen-3"]).unwrap();
        std::os::unix::fs::symlink(Path::new(".public.cinder").join("gen-3"), &out).unwrap();
        let inputs = Inputs { digest: [7; 32] };
        assert_eq!(unchanged(&out, &inputs).unwrap(), None, "no record yet");
        let summary = Summary {
            files: 10,
            distinct: 2,
            bytes: 300,
            ..Summary::default()
        };
        record(
            &state,
            &inputs,
            3,
            &summary,
            &Syncs::new(Strategy::EachFile),
            Flush::OnItsOwn,
        )
        .unwrap();
        let same = unchanged(&out, &inputs).unwrap().expect("unchanged");
        assert_eq!(
            (same.files, same.distinct, same.bytes, same.written),
            (10, 2, 300, 0)
        );
        assert_eq!(unchanged(&out, &Inputs { digest: [8; 32] }).unwrap(), None);
        // A record of another generation (the tree was rolled back, or
        // published by a build that did not record) does not count.
        record(
            &state,
            &inputs,
            2,
            &summary,
            &Syncs::new(Strategy::EachFile),
            Flush::OnItsOwn,
        )
        .unwrap();
        assert_eq!(unchanged(&out, &inputs).unwrap(), None);
    }
}
