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
    /// How many renderings are kept before they are emptied.
    keep: usize,
}

impl Default for Renderings {
    fn default() -> Renderings {
        Renderings {
            contexts: FxHashMap::default(),
            made: FxHashMap::default(),
            generation: next_generation(),
            keep: Self::KEEP,
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
        if self.made.len() >= self.keep {
            self.made.clear();
            self.contexts.clear();
            self.generation = next_generation();
        }
    }

    pub(super) fn keep(&mut self, key: Rendering, made: Made) {
        self.made.insert(key, made);
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::evaluate::{Answer, Decision, NoUpdate};
    use crate::engine::query::{Extras, Force, Query, RawValues, build_query};
    use crate::model::RuleId;
    use crate::render::BuildReads;

    use super::super::Content;
    use super::{Made, Renderings};

    fn query(product: &str, locale: &str, channel: &str) -> Query {
        let raw = RawValues {
            product,
            version: "131.0",
            build_id: Some("20260101000000"),
            build_target: "WINNT_x86_64-msvc",
            locale: Some(locale),
            channel,
            ..RawValues::default()
        };
        build_query(None, &raw, &Extras::default())
    }

    fn answer(rule: u32) -> Answer {
        Answer {
            decision: Decision {
                rule: Some(RuleId(rule)),
                outcome: Err(NoUpdate::NoMapping),
            },
            parts: Vec::new(),
            sub_decisions: Vec::new(),
        }
    }

    fn made(text: &str) -> Made {
        Made {
            status: 200,
            body: Content::of(text.to_owned()),
            rule: None,
            refused: false,
        }
    }

    #[test]
    fn contexts_differ_exactly_when_what_rendering_reads_differs() {
        let mut r = Renderings::default();
        let de = r.context(&query("Ember", "de", "release"), None);
        assert_eq!(r.context(&query("Ember", "de", "release"), None), de);
        let others = [
            r.context(&query("Ember", "fr", "release"), None),
            r.context(&query("Ember", "de", "beta"), None),
            r.context(&query("Other", "de", "release"), None),
            r.context(&query("Ember", "de", "release"), Some(Force::Main)),
        ];
        for (i, a) in others.iter().enumerate() {
            assert_ne!(*a, de);
            for b in &others[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_rendering_is_found_only_under_its_own_context_and_answer() {
        let mut r = Renderings::default();
        let de = r.context(&query("Ember", "de", "release"), None);
        let fr = r.context(&query("Ember", "fr", "release"), None);
        r.keep(
            Renderings::key(de, answer(1), BuildReads::Nothing, "131.0"),
            made("de"),
        );
        let found = |r: &Renderings, key| r.get(&key).map(|m: &Made| m.body.bytes.to_vec());
        assert_eq!(
            found(
                &r,
                Renderings::key(de, answer(1), BuildReads::Nothing, "1.0")
            ),
            Some(b"de".to_vec())
        );
        assert_eq!(
            found(
                &r,
                Renderings::key(fr, answer(1), BuildReads::Nothing, "131.0")
            ),
            None
        );
        assert_eq!(
            found(
                &r,
                Renderings::key(de, answer(2), BuildReads::Nothing, "131.0")
            ),
            None
        );
        // The version counts only when the rendering reads it.
        r.keep(
            Renderings::key(de, answer(3), BuildReads::Version, "131.0"),
            made("v131"),
        );
        assert_eq!(
            found(
                &r,
                Renderings::key(de, answer(3), BuildReads::Version, "130.0")
            ),
            None
        );
        assert_eq!(
            found(
                &r,
                Renderings::key(de, answer(3), BuildReads::Version, "131.0")
            ),
            Some(b"v131".to_vec())
        );
    }

    #[test]
    fn emptied_renderings_hold_no_context_given_before() {
        let mut r = Renderings {
            keep: 2,
            ..Renderings::default()
        };
        let other = Renderings::default();
        let de = r.context(&query("Ember", "de", "release"), None);
        assert!(r.holds(de));
        assert!(!other.holds(de), "another thread's renderings hold it");
        r.keep(
            Renderings::key(de, answer(1), BuildReads::Nothing, "131.0"),
            made("1"),
        );
        r.make_room();
        assert!(r.holds(de), "emptied before it was full");
        r.keep(
            Renderings::key(de, answer(2), BuildReads::Nothing, "131.0"),
            made("2"),
        );
        r.make_room();
        assert!(!r.holds(de));
        assert!(
            r.get(&Renderings::key(
                de,
                answer(1),
                BuildReads::Nothing,
                "131.0"
            ))
            .is_none()
        );
        // Numbered again from the start: the old id would now name another context.
        let fr = r.context(&query("Ember", "fr", "release"), None);
        assert!(r.holds(fr));
        assert_ne!(fr, de);
    }
}
