//! cinder's own objects at a destination, all named `.cinder...` at its top
//! (the only objects there besides the tree's):
//!
//! - `.cinder-manifest.tsv.gz`: the tree's `cinder-manifest.tsv` as the last
//!   finished publish left it, gzip-compressed: what every key holds. Every
//!   publish starts by reading it, so a fresh checkout that built the same
//!   site moves nothing.
//! - `.cinder-journal.gz`: written before a publish changes anything and
//!   deleted when it has finished: every key it may change. A publish that
//!   finds one (the last did not finish) rewrites or deletes each of those
//!   keys, whatever they hold now.
//! - `.cinder-lease`: which publish is writing (`lease.rs`).

use std::io::{BufRead, BufReader, Write};
use std::path::Path as FilePath;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use object_store::path::Path;
use object_store::{Attribute, Attributes, ObjectStoreExt, PutOptions, PutPayload};

use crate::error::Error as AppError;
use crate::output::manifest;

use super::dest::Dest;
use super::error::Error;

/// The start of every name of cinder's state at a destination.
pub(crate) const RESERVED: &str = ".cinder";
/// The manifest of the tree DEST holds.
pub(crate) const MANIFEST: &str = ".cinder-manifest.tsv.gz";
/// The keys an unfinished publish may have changed.
pub(crate) const JOURNAL: &str = ".cinder-journal.gz";
/// The lease of the publish under way.
pub(crate) const LEASE: &str = ".cinder-lease";

const JOURNAL_HEADER: &str = "# cinder publish journal: the keys an unfinished publish may have changed (escaped as in cinder-manifest.tsv, sorted)";

/// Whether a key is cinder's own state (its top segment starts with `.cinder`).
pub(crate) fn is_state(key: &str) -> bool {
    key.split('/')
        .next()
        .is_some_and(|top| top.starts_with(RESERVED))
}

/// An object key, as `object_store` takes it.
pub(crate) fn key(path: &str) -> Result<Path, Error> {
    Path::parse(path).map_err(|e| {
        Error::Tree(format!(
            "`{path}` cannot be an object key ({e}); rename what makes it"
        ))
    })
}

/// Reads an object, or `None` when there is none.
pub(crate) async fn get(dest: &Dest, name: &str) -> Result<Option<Vec<u8>>, Error> {
    let location = key(name)?;
    let failed = |source: object_store::Error| Error::Store {
        action: "read",
        key: name.to_owned(),
        dest: dest.name.clone(),
        source: Box::new(source),
    };
    match dest.store.get(&location).await {
        Ok(got) => Ok(Some(got.bytes().await.map_err(failed)?.to_vec())),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(failed(e)),
    }
}

/// Writes one of cinder's state objects.
async fn put(dest: &Dest, name: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), Error> {
    let mut attributes = Attributes::new();
    if dest.has_headers() {
        attributes.insert(Attribute::ContentType, content_type.to_owned().into());
        attributes.insert(Attribute::CacheControl, "no-store".into());
    }
    dest.store
        .put_opts(
            &key(name)?,
            PutPayload::from(bytes),
            PutOptions {
                attributes,
                ..PutOptions::default()
            },
        )
        .await
        .map_err(|source| Error::Store {
            action: "write",
            key: name.to_owned(),
            dest: dest.name.clone(),
            source: Box::new(source),
        })?;
    Ok(())
}

/// Deletes an object; one that is not there is fine.
pub(crate) async fn delete(dest: &Dest, name: &str) -> Result<(), Error> {
    match dest.store.delete(&key(name)?).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(source) => Err(Error::Store {
            action: "delete",
            key: name.to_owned(),
            dest: dest.name.clone(),
            source: Box::new(source),
        }),
    }
}

fn damaged(dest: &Dest, name: &str, reason: impl std::fmt::Display) -> Error {
    Error::State {
        dest: dest.name.clone(),
        key: name.to_owned(),
        reason: reason.to_string(),
    }
}

/// The compressed manifest DEST holds, if any.
pub(crate) async fn read_manifest(dest: &Dest) -> Result<Option<Vec<u8>>, Error> {
    get(dest, MANIFEST).await
}

/// The lines of a compressed manifest, as they are read (an error names DEST's manifest).
pub(crate) fn manifest_lines<'a>(
    dest: &'a Dest,
    gz: &'a [u8],
) -> impl Iterator<Item = Result<manifest::Line, Error>> + 'a {
    manifest::parse(BufReader::new(GzDecoder::new(gz)))
        .map(move |line| line.map_err(|e| damaged(dest, MANIFEST, e)))
}

/// A manifest file (at `path`) as DEST stores it: gzip-compressed.
pub(crate) fn compress_manifest(path: &FilePath) -> Result<Vec<u8>, AppError> {
    let file = std::fs::File::open(path).map_err(|e| AppError::read(path, e))?;
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    std::io::copy(&mut BufReader::with_capacity(1 << 20, file), &mut gz)
        .map_err(|e| AppError::read(path, e))?;
    gz.finish().map_err(|e| AppError::read(path, e))
}

/// Writes the tree's manifest (the file at `path`) as DEST's manifest.
pub(crate) async fn write_manifest(dest: &Dest, path: &FilePath) -> Result<(), Error> {
    let bytes = compress_manifest(path)?;
    put(dest, MANIFEST, bytes, "application/gzip").await
}

/// The keys the journal at DEST lists, sorted; `None` when there is none.
pub(crate) async fn read_journal(dest: &Dest) -> Result<Option<Vec<String>>, Error> {
    let Some(gz) = get(dest, JOURNAL).await? else {
        return Ok(None);
    };
    let mut keys = Vec::new();
    for line in BufReader::new(GzDecoder::new(&gz[..])).lines() {
        let line = line.map_err(|e| damaged(dest, JOURNAL, e))?;
        if !line.starts_with('#') {
            keys.push(manifest::unescape(&line));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    Ok(Some(keys))
}

/// The journal's bytes for `keys`.
pub(crate) fn journal_bytes<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    // Writing into memory cannot fail.
    let _ = writeln!(gz, "{JOURNAL_HEADER}");
    for k in keys {
        let _ = writeln!(gz, "{}", manifest::escape(k));
    }
    gz.finish().unwrap_or_default()
}

/// Records the keys a publish may change, before it changes any.
pub(crate) async fn write_journal(dest: &Dest, bytes: Vec<u8>) -> Result<(), Error> {
    put(dest, JOURNAL, bytes, "application/gzip").await
}
