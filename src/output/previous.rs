//! The published generation's plan, for a build that plans again only what
//! its change touches (`plan::replan`): the record each build writes beside
//! the generation it publishes (`.public.cinder/plan`), the generation's
//! files from its manifest, and the store its bodies can be read back from.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::plan::{Content, Previous, Record, Stored};

use super::durable::Syncs;
use super::inputs::Flush;
use super::{generation_dir, manifest};

/// The record's file, in the state directory.
const NAME: &str = "plan";

/// The published generation at `out` with the record of its plan, when
/// there is one this cinder can read.
pub(crate) fn published(out: &Path) -> Result<Option<Previous>, Error> {
    let Some((state, generation, bytes)) = super::inputs::read_record(out, NAME)? else {
        return Ok(None);
    };
    let Some((head, rest)) = bytes.split_at_checked(8) else {
        return Ok(None);
    };
    if head != generation.to_le_bytes() {
        return Ok(None);
    }
    let Some(record) = Record::decode(rest) else {
        return Ok(None);
    };
    let manifest_path = generation_dir(&state, generation).join(manifest::NAME);
    let lines = match manifest::read(&manifest_path) {
        Ok(lines) => lines,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::read(&manifest_path, e)),
    };
    let mut files = Vec::with_capacity(usize::try_from(record.files).unwrap_or(0));
    for line in lines {
        let line = line.map_err(|e| Error::read(&manifest_path, e))?;
        files.push((line.path, line.sha256, line.size));
    }
    Ok(Some(Previous {
        record,
        files,
        store: Box::new(BlobStore {
            dir: state.join("blobs"),
        }),
    }))
}

/// Records that generation `generation` was planned as `record` says.
/// Atomic: a reader sees the old record or the new one.
pub(super) fn write(
    state: &Path,
    generation: u64,
    record: &Record,
    syncs: &Syncs,
    flush: Flush,
) -> Result<(), Error> {
    let mut bytes = generation.to_le_bytes().to_vec();
    bytes.extend_from_slice(&record.encode());
    super::inputs::write_atomically(state, NAME, &bytes, syncs, flush)
}

/// The blob store of a published tree (`blobs.rs`), read back.
struct BlobStore {
    dir: PathBuf,
}

impl Stored for BlobStore {
    fn body(&self, sha256: &[u8; 32], size: u64) -> Option<Content> {
        let hex = manifest::hex(sha256);
        // A body whose first copy filled up has more (`blobs.rs`); the
        // first may have been collected since.
        (0..16).find_map(|shard| {
            let bytes = std::fs::read(self.dir.join(format!("{hex}.{shard}"))).ok()?;
            let digest: [u8; 32] = Sha256::digest(&bytes).into();
            (digest == *sha256 && bytes.len() as u64 == size).then(|| Content {
                bytes: bytes.into(),
                sha256: digest,
            })
        })
    }
}
