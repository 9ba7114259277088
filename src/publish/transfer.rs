//! Moving objects: uploads of tree files with their headers, and deletions,
//! `jobs` requests at a time, stopping when the lease is lost.

use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::{StreamExt, TryStreamExt, stream};
use object_store::{Attribute, Attributes, PutOptions, PutPayload};

use super::Progress;
use super::dest::Dest;
use super::error::Error;
use super::lease::Lease;
use super::state;
use super::tree::Tree;

/// Counts what moved, for the progress display.
pub(crate) struct Counter<'a> {
    done: AtomicU64,
    pub(crate) bytes: AtomicU64,
    total: u64,
    progress: &'a dyn Progress,
}

impl<'a> Counter<'a> {
    pub(crate) fn new(total: u64, progress: &'a dyn Progress) -> Counter<'a> {
        progress.moved(0, total);
        Counter {
            done: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            total,
            progress,
        }
    }

    /// One more moved.
    pub(crate) fn advance(&self) {
        self.add(1);
    }

    fn add(&self, n: u64) {
        let now = self.done.fetch_add(n, Ordering::Relaxed) + n;
        self.progress.moved(now, self.total);
    }
}

/// The headers an object of the tree carries.
fn headers(dest: &Dest, tree: &Tree, path: &str) -> Attributes {
    let mut attributes = Attributes::new();
    if dest.has_headers() {
        let served = tree.served(path);
        attributes.insert(Attribute::ContentType, served.content_type.into());
        attributes.insert(
            Attribute::CacheControl,
            tree.cache_control().to_owned().into(),
        );
    }
    attributes
}

/// Uploads the tree's files `files` (indices), `jobs` at a time.
pub(crate) async fn upload(
    dest: &Dest,
    tree: &Tree,
    files: &[usize],
    jobs: usize,
    lease: &Lease,
    counter: &Counter<'_>,
) -> Result<(), Error> {
    stream::iter(files.iter().map(Ok))
        .try_for_each_concurrent(jobs.max(1), |&i| async move {
            lease.check()?;
            let path = &tree.files[i].path;
            let bytes = tree.bytes(i)?;
            let size = bytes.len() as u64;
            let options = PutOptions {
                attributes: headers(dest, tree, path),
                ..PutOptions::default()
            };
            dest.store
                .put_opts(&state::key(path)?, PutPayload::from(bytes), options)
                .await
                .map_err(|source| Error::Store {
                    action: "upload",
                    key: path.clone(),
                    dest: dest.name.clone(),
                    source: Box::new(source),
                })?;
            counter.bytes.fetch_add(size, Ordering::Relaxed);
            counter.advance();
            Ok(())
        })
        .await
}

/// Deletes `keys` (many per request where the store can), `jobs` requests at a time.
pub(crate) async fn delete(
    dest: &Dest,
    keys: &[String],
    jobs: usize,
    lease: &Lease,
    counter: &Counter<'_>,
) -> Result<(), Error> {
    lease.check()?;
    let locations: Vec<object_store::path::Path> = keys
        .iter()
        .map(|k| state::key(k))
        .collect::<Result<_, _>>()?;
    // Batches of the size S3 deletes in one request.
    for batch in locations.chunks(1000 * jobs.max(1)) {
        lease.check()?;
        let owned: Vec<_> = batch.iter().cloned().map(Ok).collect();
        let mut results = dest.store.delete_stream(stream::iter(owned).boxed());
        while let Some(result) = results.next().await {
            match result {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => counter.advance(),
                Err(source) => {
                    return Err(Error::Delete {
                        dest: dest.name.clone(),
                        source: Box::new(source),
                    });
                }
            }
        }
    }
    Ok(())
}
