//! Distinct response bodies, interned by digest, with the files that hold
//! them: one store per worker, folded together at the end.

use rustc_hash::FxHashMap;

use super::Content;

/// The bodies and files one worker has planned.
#[derive(Default)]
pub(super) struct Bodies {
    index: FxHashMap<[u8; 32], u32>,
    pub(super) bodies: Vec<Content>,
    pub(super) files: Vec<(String, u32)>,
    /// Per file, the group it answers (`NO_GROUP` for the tree's own files).
    pub(super) owners: Vec<u32>,
    /// The group whose files are being added.
    pub(super) group: u32,
    /// Entries Balrog would refuse or fail on.
    pub(super) refused: u64,
}

/// The owner of the files no group answers (the empty answer, the 404 marker).
pub(super) const NO_GROUP: u32 = u32::MAX;

impl Bodies {
    /// The id of `text`, storing it when it is new.
    pub(super) fn intern(&mut self, text: String) -> u32 {
        self.add(&Content::of(text))
    }

    /// The id of `body`, storing it when it is new.
    pub(super) fn add(&mut self, body: &Content) -> u32 {
        match self.index.get(&body.sha256) {
            Some(id) => *id,
            None => self.store(body.clone()),
        }
    }

    fn store(&mut self, body: Content) -> u32 {
        let id = u32::try_from(self.bodies.len()).expect("fewer than 4 billion distinct bodies");
        self.index.insert(body.sha256, id);
        self.bodies.push(body);
        id
    }

    /// A file holding body `id`.
    pub(super) fn file(&mut self, path: String, id: u32) {
        self.files.push((path, id));
        self.owners.push(self.group);
    }

    /// Folds `other` into `self`, renumbering its bodies.
    pub(super) fn merge(mut self, other: Bodies) -> Bodies {
        let renumber: Vec<u32> = other
            .bodies
            .into_iter()
            .map(|body| match self.index.get(&body.sha256) {
                Some(id) => *id,
                None => self.store(body),
            })
            .collect();
        self.files.extend(
            other
                .files
                .into_iter()
                .map(|(p, id)| (p, renumber[id as usize])),
        );
        self.owners.extend(other.owners);
        self.refused += other.refused;
        self
    }
}
