//! The renderings one thread has made, shared by the groups it answers: a
//! rendering is keyed by the answer and exactly what rendering reads of the
//! query. What every query of a group shares (product, build target,
//! locale, channel, and `force` when the site reads it) is numbered once as
//! a context, so a lookup hashes and compares the answer and a number, not
//! four strings.

use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::engine::evaluate::Answer;
use crate::engine::query::{Force, Query};
use crate::model::RuleId;
use crate::render::BuildReads;

use super::Content;
use super::bodies::Bodies;
use super::group::Answered;

/// What a rendering reads of the query that the queries of one group share.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Context {
    json: bool,
    product: String,
    build_target: String,
    locale: Option<String>,
    channel: String,
    force: Option<Force>,
}

/// A context's number among a thread's renderings, valid while the
/// renderings keep the generation it was given in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ContextId {
    generation: u64,
    id: u32,
}

/// An answer and everything its rendering reads of the query.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(super) struct Rendering {
    context: u32,
    answer: Answer,
    build: BuildReads,
    /// The client's version, when the rendering reads it.
    version: Option<String>,
}

/// A rendered answer, before it is numbered among a worker's bodies.
#[derive(Clone, Debug)]
pub(super) struct Made {
    pub(super) status: u16,
    pub(super) body: Content,
    pub(super) rule: Option<RuleId>,
    pub(super) refused: bool,
}

impl Made {
    pub(super) fn numbered(&self, bodies: &mut Bodies) -> Answered {
        Answered {
            status: self.status,
            body: bodies.add(&self.body),
            rule: self.rule,
            refused: self.refused,
        }
    }
}

/// Generations of every `Renderings`, so that a context id is never taken
/// for one of another thread's renderings or of an emptied one.
static GENERATIONS: AtomicU64 = AtomicU64::new(0);

fn next_generation() -> u64 {
    GENERATIONS.fetch_add(1, Ordering::Relaxed)
}

/// The renderings one thread has made; the most recent ones, to bound
/// memory.
pub(super) struct Renderings {
    contexts: FxHashMap<Context, u32>,
    made: FxHashMap<Rendering, Made>,
    generation: u64,
}

impl Default for Renderings {
    fn default() -> Renderings {
        Renderings {
            contexts: FxHashMap::default(),
            made: FxHashMap::default(),
            generation: next_generation(),
        }
    }
}

impl Renderings {
    /// How many renderings a thread keeps. The builds sharing a rendering
    /// (those of one platform, locale and channel) come a few thousand
    /// groups apart, each with a few renderings.
    const KEEP: usize = 65_536;

    /// Whether `id` was given by these renderings since they were last
    /// emptied.
    pub(super) fn holds(&self, id: ContextId) -> bool {
        id.generation == self.generation
    }

    /// The number of what rendering reads of `q` besides its build, with
    /// `force` as the rendering reads it.
    pub(super) fn context(&mut self, q: &Query, force: Option<Force>) -> ContextId {
        let context = Context {
            json: q.json,
            product: q.product.clone(),
            build_target: q.build_target.clone(),
            locale: q.locale.clone(),
            channel: q.channel.clone(),
            force,
        };
        let next = u32::try_from(self.contexts.len()).expect("fewer than 4 billion contexts");
        let id = *self.contexts.entry(context).or_insert(next);
        ContextId {
            generation: self.generation,
            id,
        }
    }

    /// The key of `answer` rendered in `context` for a client whose build
    /// rendering reads as `build` (and whose version is `version`).
    pub(super) fn key(
        context: ContextId,
        answer: Answer,
        build: BuildReads,
        version: &str,
    ) -> Rendering {
        Rendering {
            context: context.id,
            answer,
            build,
            version: (build == BuildReads::Version).then(|| version.to_owned()),
        }
    }

    pub(super) fn get(&self, key: &Rendering) -> Option<&Made> {
        self.made.get(key)
    }

    /// Empties the renderings when they are full, in a new generation
    /// (the context ids given before are then no longer held). Called
    /// before a context is looked up for a rendering that may be kept.
    pub(super) fn make_room(&mut self) {
        if self.made.len() >= Self::KEEP {
            self.made.clear();
            self.contexts.clear();
            self.generation = next_generation();
        }
    }

    pub(super) fn keep(&mut self, key: Rendering, made: Made) {
        self.made.insert(key, made);
    }
}
