//! Publishing a built tree to object storage (S3 and the stores speaking its
//! API, GCS, Azure) or to a local directory, as exactly and safely as
//! `cinder build` publishes on disk.
//!
//! Incremental from what DEST holds, not from anything local: the manifest
//! the last finished publish left there (`state.rs`) says what every key
//! holds, so only files that are new or whose SHA-256 differs are uploaded,
//! and keys the tree no longer has are deleted. One publish writes at a time
//! (`lease.rs`). The order keeps every request answered, each key holding
//! its old or its new bytes at every moment:
//!
//! 1. the journal: every key this publish may change;
//! 2. the uploads, from the top of the servers' fallback chain down
//!    (`routing::files`): variant answers, plain answers, the catch-all's,
//!    within each the osVersion classes before the classes they fall back
//!    to, then the answers of last resort, each place complete before the
//!    next, so no request falls back to a newer answer than the file it
//!    should have found;
//! 3. the manifest, which now describes DEST;
//! 4. the deletions;
//! 5. the journal is removed.
//!
//! A publish that stops anywhere (killed, a network failure) leaves the
//! journal, and the next one rewrites or deletes each key it lists, whatever
//! it holds, which completes the job.
//!
//! `object_store` is asynchronous; its runtime (tokio) lives in this module:
//! `plan`, `publish` and `verify` are synchronous for the rest of cinder.

mod changes;
pub(crate) mod dest;
mod error;
mod lease;
mod state;
mod transfer;
mod tree;
mod verify;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub(crate) use changes::{Changes, Why};
pub(crate) use dest::Dest;
pub(crate) use error::Error;
pub(crate) use state::compress_manifest;
pub(crate) use tree::Tree;
pub(crate) use verify::Findings;

use crate::routing::Fallback;

use lease::Lease;
use transfer::Counter;

/// Progress reports while objects move: done of total.
pub(crate) trait Progress: Sync {
    fn moved(&self, done: u64, total: u64);
}

/// How to publish.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// Requests at once.
    pub(crate) jobs: usize,
    /// How long to wait for another publish's lease; `None`: refuse at once.
    pub(crate) wait: Option<Duration>,
    /// Make objects DEST's manifest does not account for part of the
    /// publish (rewritten or deleted).
    pub(crate) adopt: bool,
    /// Compare DEST with the tree first, and rewrite or delete what differs.
    pub(crate) repair: bool,
}

/// What a publish will do, in its order.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) changes: Changes,
    /// The uploads (indices into `changes.uploads`) of each place in the
    /// fallback chain, from the top.
    pub(crate) phases: Vec<(Fallback, Vec<usize>)>,
    /// A journal was found: the last publish did not finish.
    pub(crate) resumed: bool,
}

impl Plan {
    /// Whether the publish writes nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.resumed
    }

    /// How many uploads are for each reason.
    pub(crate) fn count(&self, why: Why) -> u64 {
        self.changes.uploads.iter().filter(|u| u.why == why).count() as u64
    }

    /// The bytes the uploads move.
    pub(crate) fn bytes(&self, tree: &Tree) -> u64 {
        self.changes
            .uploads
            .iter()
            .map(|u| tree.files[u.file].size)
            .sum()
    }
}

/// What a publish did.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Summary {
    pub(crate) files: u64,
    pub(crate) uploaded: u64,
    pub(crate) deleted: u64,
    pub(crate) unchanged: u64,
    /// Uploads of keys whose content was unknown (an unfinished publish, `--adopt`, `--repair`).
    pub(crate) unsure: u64,
    pub(crate) bytes: u64,
    pub(crate) seconds: f64,
    /// It finished a publish that had not.
    pub(crate) resumed: bool,
    /// It took over the lease of a publish that had ended without releasing it.
    pub(crate) took_over: Option<String>,
}

/// One thread drives every transfer: they wait on the network, and threads
/// would only add wake-ups.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)
}

/// What publishing `tree` to `dest` would do (nothing is written).
pub(crate) fn plan(tree: &Tree, dest: &Dest, opts: &Options) -> Result<Plan, Error> {
    runtime()?.block_on(plan_async(tree, dest, opts))
}

/// Compares DEST with the tree (nothing is written).
pub(crate) fn verify(
    tree: &Tree,
    dest: &Dest,
    jobs: usize,
    progress: &dyn Progress,
) -> Result<Findings, Error> {
    runtime()?.block_on(verify::verify(tree, dest, jobs, progress))
}

/// Publishes `tree` to `dest`.
pub(crate) fn publish(
    tree: &Tree,
    dest: &Dest,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Summary, Error> {
    let started = Instant::now();
    runtime()?.block_on(async {
        let lease = Lease::take(dest, opts.wait).await?;
        let took_over = lease.took_over.clone();
        let result = publish_leased(tree, dest, opts, progress, &lease).await;
        // Released whatever happened, so that the next publish can start
        // (and finish this one's job) at once.
        let released = lease.release().await;
        let mut summary = result?;
        released?;
        summary.took_over = took_over;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    })
}

async fn plan_async(tree: &Tree, dest: &Dest, opts: &Options) -> Result<Plan, Error> {
    let manifest = state::read_manifest(dest).await?;
    let journal = state::read_journal(dest).await?;
    let resumed = journal.is_some();
    let mut unsure = journal.unwrap_or_default();
    if opts.adopt || (manifest.is_none() && !resumed) {
        // Objects the manifest does not account for.
        let mut listed = verify::list(dest).await?;
        if let Some(gz) = &manifest {
            for line in state::manifest_lines(dest, gz) {
                listed.remove(&line?.path);
            }
        }
        if !listed.is_empty() && !opts.adopt {
            let example = listed.keys().min().cloned().unwrap_or_default();
            return Err(Error::Foreign {
                dest: dest.name.clone(),
                objects: match listed.len() {
                    1 => "1 object".to_owned(),
                    n => format!("{n} objects"),
                },
                example,
                manifest: state::MANIFEST,
            });
        }
        unsure.extend(listed.into_keys());
    }
    if opts.repair {
        let findings = verify::verify(tree, dest, opts.jobs, &Quiet).await?;
        unsure.extend(findings.keys());
    }
    unsure.sort_unstable();
    unsure.dedup();
    let unsorted = |path: &str| Error::State {
        dest: dest.name.clone(),
        key: state::MANIFEST.to_owned(),
        reason: format!("it is not sorted by path at `{path}`"),
    };
    let changes = match &manifest {
        Some(gz) => changes::compare(
            &tree.files,
            state::manifest_lines(dest, gz),
            &unsure,
            unsorted,
        )?,
        None => changes::compare(&tree.files, std::iter::empty(), &unsure, unsorted)?,
    };
    let mut phases: BTreeMap<Fallback, Vec<usize>> = BTreeMap::new();
    for (n, u) in changes.uploads.iter().enumerate() {
        let fallback = tree.served(&tree.files[u.file].path).fallback;
        phases.entry(fallback).or_default().push(n);
    }
    Ok(Plan {
        changes,
        phases: phases.into_iter().collect(),
        resumed,
    })
}

/// No progress reports.
struct Quiet;

impl Progress for Quiet {
    fn moved(&self, _done: u64, _total: u64) {}
}

async fn publish_leased(
    tree: &Tree,
    dest: &Dest,
    opts: &Options,
    progress: &dyn Progress,
    lease: &Lease,
) -> Result<Summary, Error> {
    let plan = plan_async(tree, dest, opts).await?;
    let changes = &plan.changes;
    let mut summary = Summary {
        files: tree.files.len() as u64,
        unchanged: changes.unchanged,
        unsure: plan.count(Why::Unsure),
        resumed: plan.resumed,
        ..Summary::default()
    };
    if plan.is_empty() {
        return Ok(summary);
    }
    if plan.resumed
        && let Some(dir) = &dest.dir
    {
        for (_, path) in dest::leftovers(dir) {
            std::fs::remove_file(&path).map_err(|e| crate::error::Error::write(&path, e))?;
        }
    }
    // 1. Every key this publish may change, before it changes any.
    let mut keys: Vec<&str> = changes
        .uploads
        .iter()
        .map(|u| tree.files[u.file].path.as_str())
        .chain(changes.deletions.iter().map(String::as_str))
        .collect();
    keys.sort_unstable();
    state::write_journal(dest, state::journal_bytes(keys.into_iter())).await?;
    let counter = Counter::new(
        (changes.uploads.len() + changes.deletions.len()) as u64,
        progress,
    );
    // 2. The uploads, from the top of the fallback chain down.
    for (_, uploads) in &plan.phases {
        let files: Vec<usize> = uploads.iter().map(|&n| changes.uploads[n].file).collect();
        transfer::upload(dest, tree, &files, opts.jobs, lease, &counter).await?;
    }
    // 3. The manifest: DEST now holds this tree.
    lease.check()?;
    state::write_manifest(dest, &tree.manifest_path()).await?;
    // 4. What the tree no longer has.
    transfer::delete(dest, &changes.deletions, opts.jobs, lease, &counter).await?;
    // 5. Done.
    lease.check()?;
    state::delete(dest, state::JOURNAL).await?;
    summary.uploaded = changes.uploads.len() as u64;
    summary.deleted = changes.deletions.len() as u64;
    summary.bytes = counter.bytes.load(std::sync::atomic::Ordering::Relaxed);
    Ok(summary)
}

#[cfg(test)]
mod tests;
