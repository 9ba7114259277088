//! DEST compared with the tree, object by object: every file the tree's
//! manifest lists must be there with the same bytes, and nothing else may be
//! (besides cinder's `.cinder...` state, which must say DEST holds this tree
//! and no publish is unfinished).
//!
//! One listing gives every object's size and ETag. Where the ETag is an MD5
//! (S3's and most compatible stores' for objects uploaded in one piece) it
//! is compared with the file's; otherwise, and whenever they differ (an ETag
//! of an encrypted object is no MD5), the object is downloaded and compared
//! byte for byte. Headers are not compared.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;

use futures_util::{StreamExt, TryStreamExt, stream};
use md5::{Digest, Md5};
use object_store::ObjectStoreExt;

use crate::error::Error as AppError;

use super::Progress;
use super::dest::{Dest, Kind};
use super::error::Error;
use super::state;
use super::transfer::Counter;
use super::tree::Tree;

/// What `--verify` found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Findings {
    /// Objects that match the tree's files.
    pub(crate) matching: u64,
    /// Files of the tree DEST lacks.
    pub(crate) missing: Vec<String>,
    /// Objects whose bytes differ from the tree's file.
    pub(crate) different: Vec<String>,
    /// Objects the tree does not have.
    pub(crate) unexpected: Vec<String>,
    /// What is wrong with cinder's state at DEST.
    pub(crate) state: Vec<String>,
}

impl Findings {
    pub(crate) fn is_clean(&self) -> bool {
        self.missing.is_empty()
            && self.different.is_empty()
            && self.unexpected.is_empty()
            && self.state.is_empty()
    }

    /// The keys a repair rewrites or deletes, sorted.
    pub(crate) fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = [&self.missing, &self.different, &self.unexpected]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        keys.sort_unstable();
        keys
    }
}

/// An ETag that is the MD5 of the object's bytes, as hex.
fn md5_etag(etag: Option<&str>) -> Option<String> {
    let tag = etag?.trim_matches('"').to_ascii_lowercase();
    (tag.len() == 32 && tag.bytes().all(|b| b.is_ascii_hexdigit())).then_some(tag)
}

/// Every object at DEST but cinder's state: key, size, ETag.
pub(crate) async fn list(dest: &Dest) -> Result<HashMap<String, (u64, Option<String>)>, Error> {
    let mut found = HashMap::new();
    let mut listing = dest.store.list(None);
    while let Some(meta) = listing.next().await {
        let meta = meta.map_err(|source| Error::List {
            dest: dest.name.clone(),
            source: Box::new(source),
        })?;
        let key = meta.location.to_string();
        if !state::is_state(&key) {
            found.insert(key, (meta.size, meta.e_tag));
        }
    }
    Ok(found)
}

/// Whether two byte streams are equal.
fn same(mut left: impl Read, mut right: impl Read) -> std::io::Result<bool> {
    let mut ours = vec![0u8; 1 << 16];
    let mut theirs = vec![0u8; 1 << 16];
    loop {
        let len = left.read(&mut ours)?;
        if len == 0 {
            return Ok(right.read(&mut theirs[..1])? == 0);
        }
        let mut filled = 0;
        while filled < len {
            match right.read(&mut theirs[filled..len])? {
                0 => return Ok(false),
                more => filled += more,
            }
        }
        if ours[..len] != theirs[..len] {
            return Ok(false);
        }
    }
}

/// What cinder's state at DEST says against the tree.
async fn check_state(tree: &Tree, dest: &Dest) -> Result<Vec<String>, Error> {
    let mut problems = Vec::new();
    match state::read_manifest(dest).await? {
        None => problems.push(format!(
            "`{}` is missing: no publish of cinder finished there",
            state::MANIFEST
        )),
        Some(gz) => {
            let path = tree.manifest_path();
            let local = std::fs::File::open(&path).map_err(|e| AppError::read(&path, e))?;
            let equal = same(flate2::read::GzDecoder::new(&gz[..]), local);
            if !equal.unwrap_or(false) {
                problems.push(format!(
                    "`{}` is not this tree's manifest: the last publish there was of another tree",
                    state::MANIFEST
                ));
            }
        }
    }
    if state::get(dest, state::JOURNAL).await?.is_some() {
        problems.push(format!(
            "`{}` is there: a publish did not finish (the next one finishes it)",
            state::JOURNAL
        ));
    }
    Ok(problems)
}

/// Compares DEST with the tree.
pub(crate) async fn verify(
    tree: &Tree,
    dest: &Dest,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Findings, Error> {
    let mut findings = Findings {
        state: check_state(tree, dest).await?,
        ..Findings::default()
    };
    let mut listed = list(dest).await?;
    let mut present = Vec::new();
    for (i, line) in tree.files.iter().enumerate() {
        match listed.remove(&line.path) {
            None => findings.missing.push(line.path.clone()),
            Some((size, _)) if size != line.size => findings.different.push(line.path.clone()),
            Some((_, etag)) => present.push((i, etag)),
        }
    }
    findings.unexpected = listed.into_keys().collect();
    if let Some(dir) = &dest.dir {
        findings
            .unexpected
            .extend(super::dest::leftovers(dir).into_iter().map(|(key, _)| key));
    }
    let counter = Counter::new(present.len() as u64, progress);
    let different = Mutex::new(Vec::new());
    stream::iter(present.iter().map(Ok))
        .try_for_each_concurrent(jobs.max(1), |(i, etag)| {
            let (counter, different) = (&counter, &different);
            async move {
                let path = &tree.files[*i].path;
                let bytes = tree.bytes(*i)?;
                let by_etag = dest.kind != Kind::Local
                    && md5_etag(etag.as_deref())
                        .is_some_and(|e| e == crate::output::manifest::hex(&Md5::digest(&bytes)));
                let same = by_etag || fetch(dest, path).await? == bytes;
                if !same {
                    different
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(path.clone());
                }
                counter.advance();
                Ok::<(), Error>(())
            }
        })
        .await?;
    findings.different.extend(
        different
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    for list in [
        &mut findings.missing,
        &mut findings.different,
        &mut findings.unexpected,
    ] {
        list.sort_unstable();
    }
    findings.matching = (present.len() - findings.different.len().min(present.len())) as u64;
    Ok(findings)
}

async fn fetch(dest: &Dest, path: &str) -> Result<Vec<u8>, Error> {
    let failed = |source: object_store::Error| Error::Store {
        action: "read",
        key: path.to_owned(),
        dest: dest.name.clone(),
        source: Box::new(source),
    };
    let got = dest.store.get(&state::key(path)?).await.map_err(failed)?;
    Ok(got.bytes().await.map_err(failed)?.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_md5_etags_are_compared_as_digests() {
        assert_eq!(
            md5_etag(Some("\"5D41402ABC4B2A76B9719D911017C592\"")).as_deref(),
            Some("5d41402abc4b2a76b9719d911017c592")
        );
        assert_eq!(
            md5_etag(Some("\"5d41402abc4b2a76b9719d911017c592-2\"")),
            None
        );
        assert_eq!(md5_etag(Some("1a2b-3c")), None);
        assert_eq!(md5_etag(None), None);
    }

    #[test]
    fn streams_compare_whole() {
        assert!(same(&b"abc"[..], &b"abc"[..]).unwrap());
        assert!(!same(&b"abc"[..], &b"abcd"[..]).unwrap());
        assert!(!same(&b"abcd"[..], &b"abc"[..]).unwrap());
        assert!(!same(&b"abc"[..], &b"abd"[..]).unwrap());
        assert!(same(&b""[..], &b""[..]).unwrap());
    }
}
