//! The whole tree in memory: every file's path and which distinct body it
//! holds. Built in parallel from the parameter space, group by group
//! (`group.rs`); the same site always gives the same files with the same
//! bytes, whatever the number of threads (only the numbering of bodies,
//! which nothing outside the plan sees, may differ).

mod bodies;
mod depends;
mod group;
mod groups;
mod record;
mod renderings;
mod reuse;
mod size;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::space::{EMPTY_FILE, Entry, NOT_FOUND_FILE, Space, Variant};

pub(crate) use depends::Depends;
pub(crate) use groups::{GroupDone, Groups};
pub(crate) use record::Record;
pub(crate) use reuse::{Previous, Replanned, Stored, replan};
pub(crate) use size::HardLimits;

use crate::engine::shortlist::Reads;
use bodies::{Bodies, NO_GROUP};
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
    /// Which group answers each file, and what each group read: what a
    /// later build needs to plan again only the groups a change touches.
    pub(crate) groups: Groups,
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

/// Plans the tree of `space`: every group answered.
pub(crate) fn plan(space: &Space<'_>, progress: &dyn Progress) -> Plan {
    let entries = space.entries();
    let groups = grouped(&entries);
    let planned = plan_groups(space, &groups, &|_| true, progress);
    finish(space, planned, &groups, Kept::default())
}

/// The entries of `entries` (in the space's order) cut into groups.
fn grouped<'e, 'a>(entries: &'e [Entry<'a>]) -> Vec<&'e [Entry<'a>]> {
    entries.chunk_by(|a, b| a.same_group(b)).collect()
}

/// What planning some groups gave: their bodies and files, and per group
/// (for those planned) the rules and products its answers read and how
/// many of its entries Balrog refuses.
struct Planned {
    bodies: Bodies,
    reads: Vec<Option<(Reads, u64)>>,
}

/// Answers the groups for which `todo` holds, in parallel.
fn plan_groups(
    space: &Space<'_>,
    groups: &[&[Entry<'_>]],
    todo: &(dyn Fn(usize) -> bool + Sync),
    progress: &dyn Progress,
) -> Planned {
    let total: u64 = (0..groups.len())
        .filter(|g| todo(*g))
        .map(|g| groups[g].len() as u64)
        .sum();
    let done = AtomicU64::new(0);
    // Each thread keeps its bodies and files, and the renderings it made
    // for the groups it answered.
    let threads: Vec<Mutex<(Bodies, Renderings)>> = (0..rayon::current_num_threads().max(1))
        .map(|_| Mutex::default())
        .collect();
    let reads: Vec<Option<(Reads, u64)>> = groups
        .par_iter()
        .enumerate()
        .map(|(g, chunk)| {
            if !todo(g) {
                return None;
            }
            let thread = rayon::current_thread_index().unwrap_or(0) % threads.len();
            let mut mine = threads[thread]
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (bodies, renderings) = &mut *mine;
            bodies.group = u32::try_from(g).expect("fewer than 4 billion groups");
            let refused_before = bodies.refused;
            let mut worker = Worker { bodies, renderings };
            let mut group = Group::new(space);
            for entry in *chunk {
                entry_files(&mut group, entry, &mut worker);
            }
            let refused = worker.bodies.refused - refused_before;
            drop(mine);
            let before = done.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            let n = before + chunk.len() as u64;
            if n / 4096 != before / 4096 || n == total {
                progress.planned(n, total);
            }
            Some((group.reads().clone(), refused))
        })
        .collect();
    let bodies = threads
        .into_iter()
        .map(|t| {
            t.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0
        })
        .fold(Bodies::default(), Bodies::merge);
    Planned { bodies, reads }
}

/// The plan of the planned groups' files and the files `kept` (sorted by
/// path, each with its owner group) from the previous plan, with the
/// tree's own files.
fn finish(space: &Space<'_>, planned: Planned, groups: &[&[Entry<'_>]], kept: Kept) -> Plan {
    let Planned { mut bodies, reads } = planned;
    // What a web server answers when the tree has nothing for a request.
    bodies.group = NO_GROUP;
    let empty = bodies.intern(crate::render::EMPTY.to_owned());
    bodies.file(EMPTY_FILE.to_owned(), empty);
    if space.routes.iter().any(|rs| rs.route.is_json()) {
        let marker = bodies.intern(String::new());
        bodies.file(NOT_FOUND_FILE.to_owned(), marker);
    }
    let mut done: Vec<Option<GroupDone>> = reads
        .into_iter()
        .enumerate()
        .map(|(g, r)| r.map(|(reads, refused)| GroupDone::new(space, groups[g], reads, refused)))
        .collect();
    let mut tagged: Vec<(String, u32, u32)> = bodies
        .files
        .into_iter()
        .zip(bodies.owners)
        .map(|((path, body), owner)| (path, body, owner))
        .collect();
    tagged.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut contents = bodies.bodies;
    let mut index: std::collections::HashMap<[u8; 32], u32> = contents
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c.sha256,
                u32::try_from(i).expect("fewer than 4 billion bodies"),
            )
        })
        .collect();
    // The kept bodies, numbered among the planned ones.
    let renumber: Vec<u32> = kept
        .bodies
        .into_iter()
        .map(|content| {
            *index.entry(content.sha256).or_insert_with(|| {
                contents.push(content);
                u32::try_from(contents.len() - 1).expect("fewer than 4 billion bodies")
            })
        })
        .collect();
    for (g, group) in kept.groups {
        done[g as usize] = Some(group);
    }
    let kept_tagged: Vec<(String, u32, u32)> = kept
        .files
        .into_iter()
        .map(|(path, body, owner)| (path, renumber[body as usize], owner))
        .collect();
    let merged = merge_sorted(tagged, kept_tagged);
    let (files, owners): (Vec<(String, u32)>, Vec<u32>) = merged
        .into_iter()
        .map(|(path, body, owner)| ((path, body), owner))
        .unzip();
    let refused = done.iter().flatten().map(|g| g.refused).sum();
    Plan {
        files,
        bodies: contents,
        refused,
        groups: Groups {
            list: done.into_iter().map(Option::unwrap_or_default).collect(),
            owners,
        },
    }
}

/// What a plan keeps of the previous one: files (path, index into
/// `bodies`, owner group, all sorted by path) and the groups that own them.
#[derive(Default)]
struct Kept {
    files: Vec<(String, u32, u32)>,
    bodies: Vec<Content>,
    groups: Vec<(u32, GroupDone)>,
}

/// Two lists sorted by path, as one.
fn merge_sorted(a: Vec<(String, u32, u32)>, b: Vec<(String, u32, u32)>) -> Vec<(String, u32, u32)> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.0 <= y.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
    out
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
