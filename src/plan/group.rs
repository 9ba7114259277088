//! Answering the entries of the tree without repeating work. Entries come in
//! groups: those of one build (or catch-all) on one route and channel,
//! differing only in osVersion and systemCapabilities classes and
//! distribution. The rules are narrowed once per group, and entries whose
//! values the remaining rules judge alike share one evaluation. A rendering
//! is made (and hashed) once per worker for everything it reads: the same
//! release for the same platform, locale and channel, and the same patches
//! for the client's build. The bytes are those `query` gives.

use std::rc::Rc;

use crate::engine::error::EngineError;
use crate::engine::evaluate::{Answer, answer_with};
use crate::engine::query::{Force, Query};
use crate::engine::shortlist::{Reads, Shortlists};
use crate::model::{RuleId, Site};
use crate::render::{BuildReads, build_reads, reads_force};
use crate::response::conclude;
use crate::space::{Entry, Space, Variant};

use super::Content;
use super::bodies::Bodies;
use super::renderings::{ContextId, Made, Renderings};

/// One entry's answer in one variant, as the plan needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Answered {
    /// 200, or 404 for a JSON route without an update.
    pub(super) status: u16,
    pub(super) body: u32,
    pub(super) rule: Option<RuleId>,
    /// Balrog would answer 400 or 500 (the tree holds the empty answer).
    pub(super) refused: bool,
}

/// Where a group's answers go: the bodies and files of the worker, and the
/// renderings of its thread.
pub(super) struct Worker<'w> {
    pub(super) bodies: &'w mut Bodies,
    pub(super) renderings: &'w mut Renderings,
}

/// The state kept while answering one group of entries. Every query it is
/// asked about must be of the group: the same build (or catch-all), route
/// and channel.
pub(super) struct Group<'g, 's> {
    space: &'g Space<'s>,
    lists: Shortlists,
    /// The answers met so far, by variant and the outcomes of the rules
    /// tested per query.
    met: Vec<(Variant, u128, Answered)>,
    /// The renderings made so far: within a group, rendering reads nothing
    /// that differs from one query to another but `force` (and that only
    /// when the site has special force hosts).
    rendered: Vec<(Option<Force>, Answer, Answered)>,
    /// The variants of the group's entries: they depend only on what the
    /// entries share (route, product, channel, build target).
    variants: Option<Rc<[Variant]>>,
    /// The context of the group's renderings among the worker's, by `force`
    /// as rendering reads it.
    contexts: Vec<(Option<Force>, ContextId)>,
}

impl<'g, 's> Group<'g, 's> {
    pub(super) fn new(space: &'g Space<'s>) -> Group<'g, 's> {
        Group {
            space,
            lists: Shortlists::default(),
            met: Vec::new(),
            rendered: Vec::new(),
            variants: None,
            contexts: Vec::new(),
        }
    }

    /// The variants worth a file of their own for `entry`, an entry of
    /// this group, plain first (`Space::variants_of`, made once a group).
    pub(super) fn variants_of(&mut self, entry: &Entry<'_>) -> Rc<[Variant]> {
        let space = self.space;
        Rc::clone(
            self.variants
                .get_or_insert_with(|| space.variants_of(entry).into()),
        )
    }

    pub(super) fn space(&self) -> &'g Space<'s> {
        self.space
    }

    /// The rules (and products) the group's answers so far were decided from.
    pub(super) fn reads(&self) -> &Reads {
        self.lists.reads()
    }

    /// The answer to `q`, the query of an entry of this group in `variant`.
    pub(super) fn answer(&mut self, q: &Query, variant: &Variant, worker: &mut Worker) -> Answered {
        let site = self.space.site;
        let made = self.lists.made();
        let before = self.lists.outcomes(site, q);
        if let Some(outcomes) = before {
            let met = self
                .met
                .iter()
                .find(|(v, o, _)| *o == outcomes && v == variant);
            if let Some((_, _, a)) = met {
                return *a;
            }
        }
        let done = match answer_with(site, q, &mut self.lists) {
            Ok(answer) => self.render(q, answer, worker),
            Err(e) => finish(site, q, &Err(e)).numbered(worker.bodies),
        };
        // The entries of a group differ only in values that rules read
        // through tests the shortlists keep: with the same outcomes of
        // those, and the same variant, they get the same answer.
        let after = if self.lists.made() == made {
            before
        } else {
            self.lists.outcomes(site, q)
        };
        if let Some(outcomes) = after {
            self.met.push((variant.clone(), outcomes, done));
        }
        done
    }

    fn render(&mut self, q: &Query, answer: Answer, worker: &mut Worker) -> Answered {
        let site = self.space.site;
        let force = if reads_force(site) { q.force } else { None };
        let seen = self
            .rendered
            .iter()
            .find(|(f, a, _)| *f == force && *a == answer);
        if let Some((_, _, done)) = seen {
            return *done;
        }
        let reads = build_reads(site, q, &answer);
        let done = if reads == BuildReads::Everything {
            finish(site, q, &Ok(answer.clone())).numbered(worker.bodies)
        } else {
            // One rendering serves every build that reads the same of the
            // client's build: shared by the worker.
            worker.renderings.make_room();
            let context = self.context(q, force, worker.renderings);
            let key = Renderings::key(context, answer.clone(), reads, &q.version);
            match worker.renderings.get(&key) {
                Some(made) => made.numbered(worker.bodies),
                None => {
                    let made = finish(site, q, &Ok(answer.clone()));
                    let done = made.numbered(worker.bodies);
                    worker.renderings.keep(key, made);
                    done
                }
            }
        };
        self.rendered.push((force, answer, done));
        done
    }

    /// The number of what the group's renderings read of `q` besides the
    /// client's build, among `renderings`: looked up once a group (and
    /// `force`), and again after the renderings were emptied.
    fn context(
        &mut self,
        q: &Query,
        force: Option<Force>,
        renderings: &mut Renderings,
    ) -> ContextId {
        let known = self
            .contexts
            .iter()
            .find(|(f, id)| *f == force && renderings.holds(*id));
        if let Some((_, id)) = known {
            return *id;
        }
        let id = renderings.context(q, force);
        self.contexts.retain(|(f, _)| *f != force);
        self.contexts.push((force, id));
        id
    }
}

fn finish(site: &Site, q: &Query, answered: &Result<Answer, EngineError>) -> Made {
    let response = conclude(site, q, answered, None);
    Made {
        status: response.status,
        body: Content::of(response.body),
        rule: response.rule,
        refused: response.balrog.is_some(),
    }
}
