//! The whole tree in memory: every file's path and which distinct body it
//! holds. Built in parallel from the parameter space, group by group
//! (`group.rs`); the same site always gives the same files with the same
//! bytes, whatever the number of threads (only the numbering of bodies,
//! which nothing outside the plan sees, may differ).

mod bodies;
mod group;
mod renderings;
mod size;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::space::{EMPTY_FILE, Entry, NOT_FOUND_FILE, Space, Variant};

pub(crate) use size::HardLimits;

use bodies::Bodies;
use group::{Group, Worker};
use renderings::Renderings;

/// A distinct file content (a response body) and its digest.
#[derive(Clone, Debug)]
pub(crate) struct Content {
    pub(crate) bytes: Arc<[u8]>,
    pub(crate) sha256: [u8; 32],
}

impl Content {
    fn of(text: String) -> Content {
        Content {
            sha256: Sha256::digest(text.as_bytes()).into(),
            bytes: Arc::from(text.into_bytes()),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// (path relative to the tree's root, index into `bodies`), sorted by path.
    pub(crate) files: Vec<(String, u32)>,
    pub(crate) bodies: Vec<Content>,
    /// Entries Balrog would refuse (400) or fail on (500); their files hold
    /// the empty answer.
    pub(crate) refused: u64,
}

/// Progress reports while planning: entries done of the total.
pub(crate) trait Progress: Sync {
    fn planned(&self, done: u64, total: u64);
}

/// No progress reports (for commands that plan without showing it).
pub(crate) struct Quiet;

impl Progress for Quiet {
    fn planned(&self, _done: u64, _total: u64) {}
}

/// The files of one entry: the plain answer, and each variant whose answer
/// differs from it.
fn entry_files(group: &mut Group<'_, '_>, entry: &Entry<'_>, worker: &mut Worker<'_>) {
    let space = group.space();
    let variants = group.variants_of(entry);
    let route = entry.route.route.balrog;
    let mut q = entry.query(&Variant::default());
    let mut plain: Option<u32> = None;
    for variant in variants.iter() {
        q.set_extras(route, &variant.extras());
        let r = group.answer(&q, variant, worker);
        if r.refused && variant.is_plain() {
            // Balrog would answer 400 or 500; the tree answers the empty document.
            worker.bodies.refused += 1;
        }
        if r.status != 200 {
            // A JSON route without an update: a marker tells the server to answer 404.
            if variant.is_plain() {
                let marker = worker.bodies.intern(String::new());
                worker
                    .bodies
                    .file(format!("{}.404", entry.path(variant)), marker);
            }
            continue;
        }
        // A throttled rule: the answer when its dice win, for servers that
        // split background checks by percentage (force=1 needs none).
        let rate = r
            .rule
            .map(|id| space.site.rule(id).background_rate)
            .filter(|rate| *rate < 100);
        if let Some(rate) = rate
            && variant.force.is_none()
        {
            let won = Variant {
                won: Some(rate),
                ..variant.clone()
            };
            q.set_extras(route, &won.extras());
            let w = group.answer(&q, &won, worker);
            if w.status == 200 && w.body != r.body {
                worker.bodies.file(entry.path(&won), w.body);
            }
        }
        if variant.is_plain() {
            plain = Some(r.body);
        } else if plain == Some(r.body) {
            continue;
        }
        worker.bodies.file(entry.path(variant), r.body);
    }
}

/// Plans the tree of `space`.
pub(crate) fn plan(space: &Space<'_>, progress: &dyn Progress) -> Plan {
    let entries = space.entries();
    let total = entries.len() as u64;
    let done = AtomicU64::new(0);
    // Each thread keeps its bodies and files, and the renderings it made
    // for the groups it answered.
    let threads: Vec<Mutex<(Bodies, Renderings)>> = (0..rayon::current_num_threads().max(1))
        .map(|_| Mutex::default())
        .collect();
    entries
        .par_chunk_by(|a, b| a.same_group(b))
        .for_each(|chunk| {
            let thread = rayon::current_thread_index().unwrap_or(0) % threads.len();
            let mut mine = threads[thread]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (bodies, renderings) = &mut *mine;
            let mut worker = Worker { bodies, renderings };
            let mut group = Group::new(space);
            for entry in chunk {
                entry_files(&mut group, entry, &mut worker);
            }
            drop(mine);
            let before = done.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            let n = before + chunk.len() as u64;
            if n / 4096 != before / 4096 || n == total {
                progress.planned(n, total);
            }
        });
    let mut bodies = threads
        .into_iter()
        .map(|t| {
            t.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0
        })
        .fold(Bodies::default(), Bodies::merge);
    // What a web server answers when the tree has nothing for a request.
    let empty = bodies.intern(crate::render::EMPTY.to_owned());
    bodies.file(EMPTY_FILE.to_owned(), empty);
    if space.routes.iter().any(|rs| rs.route.is_json()) {
        let marker = bodies.intern(String::new());
        bodies.file(NOT_FOUND_FILE.to_owned(), marker);
    }
    let mut plan = Plan {
        files: bodies.files,
        bodies: bodies.bodies,
        refused: bodies.refused,
    };
    plan.files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    plan
}

impl Plan {
    pub(crate) fn body(&self, id: u32) -> &Content {
        &self.bodies[id as usize]
    }

    /// Total bytes of all files.
    pub(crate) fn bytes(&self) -> u64 {
        self.files
            .iter()
            .map(|(_, id)| self.body(*id).bytes.len() as u64)
            .sum()
    }
}

#[cfg(test)]
mod tests;
