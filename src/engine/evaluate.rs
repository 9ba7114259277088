//! Balrog's `evaluateRules`: emergency shutoffs, rule matching, priorities and
//! ties, mapping / fallbackMapping / backgroundRate / force, "should we serve"
//! and pins; then the SuperBlob fan-out that decides which releases make up
//! the answer. Pure: the same site and query always give the same result.
//!
//! Throttling is static: a background check on a rule with `backgroundRate`
//! below 100 gets the answer Balrog gives when its dice lose (or, on request,
//! when they win).

use crate::model::release::{Blob, SuperBlob};
use crate::model::rule::Rule;
use crate::model::version::PinVersion;
use crate::model::{ReleaseId, RuleId, Site};

use super::error::EngineError;
use super::matchers::QueryVersion;
use super::query::Query;
use super::shortlist::Shortlists;
use super::should_serve::{NotServed, Serve, should_serve};
use super::trace::{Throttle, Trace};

/// Why a request gets no update.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NoUpdate {
    /// An emergency shutoff for the product on the channel (or its fallback).
    ShutOff {
        channel: String,
    },
    NoRuleMatched,
    /// The winning rule has no mapping.
    NoMapping,
    /// Throttled (`backgroundRate` below 100, no `force=1`) and no fallbackMapping.
    Throttled,
    /// The chosen release declined (client already newer, platform missing, ...).
    NotServed {
        release: ReleaseId,
        why: NotServed,
    },
    /// The pinned release declined.
    PinNotServed {
        release: ReleaseId,
        why: NotServed,
    },
}

/// How the served release was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Via {
    Mapping,
    /// `backgroundRate` below 100 without `force=1`, or `force=-1`.
    FallbackMapping,
    /// The rule's release lay beyond the client's pin.
    Pin,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Served {
    pub(crate) release: ReleaseId,
    pub(crate) via: Via,
    /// The release the rule chose before the pin replaced it.
    pub(crate) unpinned: Option<ReleaseId>,
}

/// The result of evaluating the rules for one query.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Decision {
    pub(crate) rule: Option<RuleId>,
    pub(crate) outcome: Result<Served, NoUpdate>,
}

/// Where `evaluate` finds the rules a query matches.
pub(crate) enum Rules<'a> {
    /// The shortlist of the query's group, made and kept when it has none
    /// (`build`, `query`).
    Shortlisted(&'a mut Shortlists),
    /// Every rule, each recorded in the trace with how it fared (`explain`).
    Traced(&'a mut Trace),
}

/// `AUS.evaluateRules(q)`, with the rules from `rules`: the shutoffs, the
/// winning rule, the release it maps the query to, then whether that
/// release (or the client's pin) is served.
pub(crate) fn evaluate(
    site: &Site,
    q: &Query,
    rules: &mut Rules<'_>,
) -> Result<Decision, EngineError> {
    if let Some(i) = shutoff(site, q) {
        if let Rules::Traced(trace) = rules {
            trace.shutoff = Some(i);
        }
        return Ok(Decision {
            rule: None,
            outcome: Err(NoUpdate::ShutOff {
                channel: site.config.shutoffs[i].channel.clone(),
            }),
        });
    }
    let qv = QueryVersion::new(&q.version);
    let winner = match rules {
        Rules::Shortlisted(lists) => best(site, lists.for_query(site, q).matching(site, q, &qv))?,
        Rules::Traced(trace) => best(site, trace.test_rules(site, q, &qv))?,
    };
    let Some(rule_id) = winner else {
        return Ok(Decision {
            rule: None,
            outcome: Err(NoUpdate::NoRuleMatched),
        });
    };
    let outcome = match target(site.rule(rule_id), q, rules)? {
        Ok((release, via)) => serve(site, q, &qv, release, via)?,
        Err(none) => Err(none),
    };
    Ok(Decision {
        rule: Some(rule_id),
        outcome,
    })
}

/// The emergency shutoff of the query's product on its channel (or its
/// fallback channel), as its index in the site's shutoffs.
fn shutoff(site: &Site, q: &Query) -> Option<usize> {
    let fallback = q.fallback_channel();
    site.config
        .shutoffs
        .iter()
        .position(|s| s.product == q.product && (s.channel == q.channel || s.channel == fallback))
}

/// The release the winning rule gives the query, and how: its mapping or,
/// throttled, its fallbackMapping.
fn target(
    rule: &Rule,
    q: &Query,
    rules: &mut Rules<'_>,
) -> Result<Result<(ReleaseId, Via), NoUpdate>, EngineError> {
    // Throttled: Balrog rolls dice; a static answer takes the losing roll
    // unless asked for the winning one (`dice_won`, for a web server's
    // percentage split). force=1 always gets the mapping, force=-1 never.
    let throttle = rule.is_throttled().then(|| Throttle::of(q));
    if let Rules::Traced(trace) = rules {
        trace.throttle = throttle;
    }
    let Some(mut target) = rule.mapping.as_ref() else {
        return Ok(Err(NoUpdate::NoMapping));
    };
    let mut via = Via::Mapping;
    if throttle.is_some_and(Throttle::takes_fallback) {
        match &rule.fallback_mapping {
            Some(fallback) => {
                target = fallback;
                via = Via::FallbackMapping;
            }
            None => return Ok(Err(NoUpdate::Throttled)),
        }
    }
    let release = target.release.ok_or_else(|| {
        EngineError::Internal(format!(
            "rule maps to `{}`, which is no release",
            target.name
        ))
    })?;
    Ok(Ok((release, via)))
}

/// Whether the chosen release is served (`shouldServeUpdate`), and when it
/// lies beyond the client's pin, the pinned release instead.
fn serve(
    site: &Site,
    q: &Query,
    qv: &QueryVersion<'_>,
    release: ReleaseId,
    via: Via,
) -> Result<Result<Served, NoUpdate>, EngineError> {
    let chosen = Served {
        release,
        via,
        unpinned: None,
    };
    match should_serve(site, site.release(release), q, qv)? {
        Serve::No(why) => Ok(Err(NoUpdate::NotServed { release, why })),
        Serve::Yes => Ok(Ok(chosen)),
        Serve::Maybe => {
            let pin = q
                .pin
                .as_deref()
                .and_then(PinVersion::parse)
                .map(|p| p.normalized())
                .unwrap_or_default();
            let fallback = q.fallback_channel();
            let row = site
                .config
                .pins
                .iter()
                .find(|p| p.product == q.product && p.channel == fallback && p.version == pin);
            let Some(row) = row else {
                // No pinnable release: Balrog fails open and serves the rule's choice.
                return Ok(Ok(chosen));
            };
            let pinned = row.mapping.release.ok_or_else(|| {
                EngineError::Internal(format!(
                    "pin `{}` maps to `{}`, which is no release",
                    row.version, row.mapping.name
                ))
            })?;
            Ok(match should_serve(site, site.release(pinned), q, qv)? {
                Serve::No(why) => Err(NoUpdate::PinNotServed {
                    release: pinned,
                    why,
                }),
                Serve::Yes | Serve::Maybe => Ok(Served {
                    release: pinned,
                    via: Via::Pin,
                    unpinned: Some(release),
                }),
            })
        }
    }
}

/// The winning rule among those `q` matches (given in row order): the
/// highest priority, and on equal priority the earlier row.
fn best(
    site: &Site,
    matching: impl IntoIterator<Item = Result<RuleId, EngineError>>,
) -> Result<Option<RuleId>, EngineError> {
    let mut winner: Option<RuleId> = None;
    for id in matching {
        let id = id?;
        if winner.is_none_or(|w| site.rule(id).priority > site.rule(w).priority) {
            winner = Some(id);
        }
    }
    Ok(winner)
}

/// One release in an answer, with the query it is rendered for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Part {
    pub(crate) release: ReleaseId,
    /// For a SuperBlob's parts, the product each part was evaluated or
    /// allowlisted as.
    pub(crate) product: String,
    /// The rule that chose this part (SuperBlob products), if any.
    pub(crate) rule: Option<RuleId>,
}

/// Everything that decides the response body.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Answer {
    pub(crate) decision: Decision,
    /// The releases whose entries make up the body; for a SuperBlob, its
    /// products' or blobs' releases; otherwise the served release itself.
    pub(crate) parts: Vec<Part>,
    /// For SuperBlob products: what each sub-product evaluation decided.
    pub(crate) sub_decisions: Vec<(String, Decision)>,
}

impl Answer {
    pub(crate) fn served(&self) -> Option<&Served> {
        self.decision.outcome.as_ref().ok()
    }
}

/// Balrog's `get_update_blob` after parsing: the decision plus the SuperBlob
/// fan-out.
pub(crate) fn answer(site: &Site, q: &Query) -> Result<Answer, EngineError> {
    answer_with(site, q, &mut Shortlists::default())
}

/// [`answer`], keeping the shortlists of the groups it meets in `lists` for
/// the next queries.
pub(crate) fn answer_with(
    site: &Site,
    q: &Query,
    lists: &mut Shortlists,
) -> Result<Answer, EngineError> {
    answer_from(site, q, &mut Rules::Shortlisted(lists))
}

/// [`answer`], with the trace of how the rules decided (the SuperBlob's
/// products are evaluated the same way; their steps are not kept).
pub(crate) fn answer_traced(site: &Site, q: &Query) -> (Result<Answer, EngineError>, Trace) {
    let mut trace = Trace::default();
    let answer = answer_from(site, q, &mut Rules::Traced(&mut trace));
    (answer, trace)
}

fn answer_from(site: &Site, q: &Query, rules: &mut Rules<'_>) -> Result<Answer, EngineError> {
    let decision = evaluate(site, q, rules)?;
    let mut parts = Vec::new();
    let mut sub_decisions = Vec::new();
    if let Ok(served) = &decision.outcome {
        let release = site.release(served.release);
        match &release.blob {
            Blob::Super(SuperBlob::Products(products)) => {
                for product in products {
                    let mut sub = q.clone();
                    sub.product.clone_from(product);
                    let d = match rules {
                        Rules::Shortlisted(lists) => {
                            evaluate(site, &sub, &mut Rules::Shortlisted(lists))?
                        }
                        Rules::Traced(_) => {
                            evaluate(site, &sub, &mut Rules::Traced(&mut Trace::default()))?
                        }
                    };
                    if let Ok(s) = &d.outcome {
                        parts.push(Part {
                            release: s.release,
                            product: product.clone(),
                            rule: d.rule,
                        });
                    }
                    sub_decisions.push((product.clone(), d));
                }
            }
            Blob::Super(SuperBlob::Blobs(blobs)) => {
                for target in blobs {
                    let id = target.release.ok_or_else(|| {
                        EngineError::Internal(format!(
                            "SuperBlob lists `{}`, which is no release",
                            target.name
                        ))
                    })?;
                    parts.push(Part {
                        release: id,
                        product: site.release(id).product.clone(),
                        rule: None,
                    });
                }
            }
            _ => parts.push(Part {
                release: served.release,
                product: q.product.clone(),
                rule: decision.rule,
            }),
        }
    }
    Ok(Answer {
        decision,
        parts,
        sub_decisions,
    })
}
