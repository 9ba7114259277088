//! The whole tree in memory: every file's path and which distinct body it
//! holds. Built in parallel from the parameter space; the same site always
//! gives the same plan, whatever the number of threads.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::respond::answer_entry;
use crate::space::{Entry, Space, Variant};

/// The file holding the empty answer, at the root of every tree.
pub(crate) const EMPTY_FILE: &str = "cinder-empty.xml";
/// The empty body a web server sends with 404 on JSON routes.
pub(crate) const NOT_FOUND_FILE: &str = "cinder-404.json";

/// A distinct response body and its digest.
#[derive(Debug)]
pub(crate) struct Body {
    pub(crate) bytes: Arc<[u8]>,
    pub(crate) sha256: [u8; 32],
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// (path relative to the tree's root, index into `bodies`), sorted by path.
    pub(crate) files: Vec<(String, u32)>,
    pub(crate) bodies: Vec<Body>,
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

/// Bodies seen by one worker, with its files.
#[derive(Default)]
struct Local {
    index: HashMap<[u8; 32], u32>,
    bodies: Vec<Body>,
    files: Vec<(String, u32)>,
    refused: u64,
}

impl Local {
    fn add(&mut self, path: String, text: String) {
        let sha256: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        let id = match self.index.get(&sha256) {
            Some(id) => *id,
            None => {
                let id =
                    u32::try_from(self.bodies.len()).expect("fewer than 4 billion distinct bodies");
                self.bodies.push(Body {
                    bytes: Arc::from(text.into_bytes()),
                    sha256,
                });
                self.index.insert(sha256, id);
                id
            }
        };
        self.files.push((path, id));
    }

    /// Folds `other` into `self`, renumbering its bodies.
    fn merge(mut self, other: Local) -> Local {
        let mut renumber = Vec::with_capacity(other.bodies.len());
        for body in other.bodies {
            let id = match self.index.get(&body.sha256) {
                Some(id) => *id,
                None => {
                    let id = u32::try_from(self.bodies.len())
                        .expect("fewer than 4 billion distinct bodies");
                    self.index.insert(body.sha256, id);
                    self.bodies.push(body);
                    id
                }
            };
            renumber.push(id);
        }
        self.files.extend(
            other
                .files
                .into_iter()
                .map(|(p, id)| (p, renumber[id as usize])),
        );
        self.refused += other.refused;
        self
    }
}

/// The files of one entry: the plain answer, and each variant whose answer
/// differs from it.
fn entry_files(space: &Space<'_>, entry: &Entry<'_>, local: &mut Local) {
    let variants = space.variants_of(entry);
    let mut plain: Option<String> = None;
    for variant in &variants {
        let r = answer_entry(space, entry, variant);
        if r.balrog.is_some() && variant.is_plain() {
            // Balrog would answer 400 or 500; the tree answers the empty document.
            local.refused += 1;
        }
        if r.status != 200 {
            // A JSON route without an update: a marker tells the server to answer 404.
            if variant.is_plain() {
                local.add(format!("{}.404", entry.path(variant)), String::new());
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
            let w = answer_entry(space, entry, &won);
            if w.status == 200 && w.body != r.body {
                local.add(entry.path(&won), w.body);
            }
        }
        if variant.is_plain() {
            plain = Some(r.body.clone());
        } else if plain.as_deref() == Some(r.body.as_str()) {
            continue;
        }
        local.add(entry.path(variant), r.body);
    }
}

/// Plans the tree of `space`.
pub(crate) fn plan(space: &Space<'_>, progress: &dyn Progress) -> Plan {
    let entries = space.entries();
    let total = entries.len() as u64;
    let done = AtomicU64::new(0);
    let local = entries
        .par_iter()
        .with_min_len(64)
        .fold(Local::default, |mut local, entry| {
            entry_files(space, entry, &mut local);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(4096) || n == total {
                progress.planned(n, total);
            }
            local
        })
        .reduce(Local::default, Local::merge);
    // What a web server answers when the tree has nothing for a request.
    let mut local = local;
    local.add(EMPTY_FILE.to_owned(), crate::render::EMPTY.to_owned());
    if space.routes.iter().any(|rs| rs.route.is_json()) {
        local.add(NOT_FOUND_FILE.to_owned(), String::new());
    }
    let mut plan = Plan {
        files: local.files,
        bodies: local.bodies,
        refused: local.refused,
    };
    plan.files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    plan
}

impl Plan {
    pub(crate) fn body(&self, id: u32) -> &Body {
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
