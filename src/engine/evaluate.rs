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
use crate::model::{ReleaseId, RuleId, Site};

use super::matchers::{EngineError, QueryVersion, VersionClass, match_boolean};
use super::request::{Force, Query};
use super::serve::{NotServed, Serve, should_serve};
use super::version::PinVersion;

/// A rule field, in the order Balrog tests them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Product,
    BuildTarget,
    HeaderArchitecture,
    DistVersion,
    Channel,
    Version,
    BuildId,
    Memory,
    OsVersion,
    InstructionSet,
    Distribution,
    Locale,
    Mig64,
    Jaws,
}

impl Field {
    pub(crate) const ALL: [Field; 14] = [
        Field::Product,
        Field::BuildTarget,
        Field::HeaderArchitecture,
        Field::DistVersion,
        Field::Channel,
        Field::Version,
        Field::BuildId,
        Field::Memory,
        Field::OsVersion,
        Field::InstructionSet,
        Field::Distribution,
        Field::Locale,
        Field::Mig64,
        Field::Jaws,
    ];

    /// The rule's value of this field as written, if it sets one.
    pub(crate) fn of(self, rule: &Rule) -> Option<String> {
        match self {
            Field::Product => rule.product.clone(),
            Field::BuildTarget => rule.build_target.clone(),
            Field::HeaderArchitecture => rule.header_architecture.clone(),
            Field::DistVersion => rule.dist_version.clone(),
            Field::Channel => rule.channel.as_ref().map(|c| c.raw.clone()),
            Field::Version => rule.version.as_ref().map(|v| v.raw.clone()),
            Field::BuildId => rule.build_id.as_ref().map(|b| b.raw.clone()),
            Field::Memory => rule.memory.as_ref().map(|m| m.raw.clone()),
            Field::OsVersion => rule.os_version.as_ref().map(|o| o.raw.clone()),
            Field::InstructionSet => rule.instruction_set.as_ref().map(|c| c.raw.clone()),
            Field::Distribution => rule.distribution.as_ref().map(|c| c.raw.clone()),
            Field::Locale => rule.locale.as_ref().map(|c| c.raw.clone()),
            Field::Mig64 => rule.mig64.map(|b| b.to_string()),
            Field::Jaws => rule.jaws.map(|b| b.to_string()),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Product => "product",
            Field::BuildTarget => "buildTarget",
            Field::HeaderArchitecture => "headerArchitecture",
            Field::DistVersion => "distVersion",
            Field::Channel => "channel",
            Field::Version => "version",
            Field::BuildId => "buildID",
            Field::Memory => "memory",
            Field::OsVersion => "osVersion",
            Field::InstructionSet => "instructionSet",
            Field::Distribution => "distribution",
            Field::Locale => "locale",
            Field::Mig64 => "mig64",
            Field::Jaws => "jaws",
        }
    }
}

/// The first field of `rule` that `q` does not match, or `None` when the
/// rule matches. Errors are Balrog's 400s and 500s raised while matching.
pub(crate) fn first_mismatch(
    rule: &Rule,
    q: &Query,
    qv: &QueryVersion<'_>,
) -> Result<Option<Field>, EngineError> {
    // The SQL pre-filter: plain equality, or a NULL column.
    if rule.product.as_ref().is_some_and(|p| *p != q.product) {
        return Ok(Some(Field::Product));
    }
    if rule
        .build_target
        .as_ref()
        .is_some_and(|b| *b != q.build_target)
    {
        return Ok(Some(Field::BuildTarget));
    }
    if let Some(h) = &rule.header_architecture
        && q.header_architecture != Some(h.as_str())
    {
        return Ok(Some(Field::HeaderArchitecture));
    }
    if let Some(d) = &rule.dist_version
        && q.dist_version.as_deref() != Some(d.as_str())
    {
        return Ok(Some(Field::DistVersion));
    }
    // The Python matchers, in Balrog's order.
    if let Some(c) = &rule.channel
        && !c.matches_channel(&q.channel, q.fallback_channel())?
    {
        return Ok(Some(Field::Channel));
    }
    if let Some(v) = &rule.version
        && !v.matches(qv, VersionClass::for_product(&q.product))?
    {
        return Ok(Some(Field::Version));
    }
    if let Some(b) = &rule.build_id
        && !b.matches(q.build_id_or_empty())?
    {
        return Ok(Some(Field::BuildId));
    }
    if let Some(m) = &rule.memory
        && !m.matches(q.memory())?
    {
        return Ok(Some(Field::Memory));
    }
    if let Some(o) = &rule.os_version
        && !o.matches(q.os_version_or_empty())
    {
        return Ok(Some(Field::OsVersion));
    }
    if let Some(i) = &rule.instruction_set
        && !i.matches(q.instruction_set())
    {
        return Ok(Some(Field::InstructionSet));
    }
    if let Some(d) = &rule.distribution
        && !d.matches(Some(q.distribution_or_empty()))
    {
        return Ok(Some(Field::Distribution));
    }
    if let Some(l) = &rule.locale
        && !l.matches(Some(q.locale_or_empty()))
    {
        return Ok(Some(Field::Locale));
    }
    if !match_boolean(rule.mig64, q.mig64) {
        return Ok(Some(Field::Mig64));
    }
    if !match_boolean(rule.jaws, q.jaws()) {
        return Ok(Some(Field::Jaws));
    }
    Ok(None)
}

/// Why a request gets no update.
#[derive(Clone, Debug, PartialEq, Eq)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via {
    Mapping,
    /// `backgroundRate` below 100 without `force=1`, or `force=-1`.
    FallbackMapping,
    /// The rule's release lay beyond the client's pin.
    Pin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Served {
    pub(crate) release: ReleaseId,
    pub(crate) via: Via,
    /// The release the rule chose before the pin replaced it.
    pub(crate) unpinned: Option<ReleaseId>,
}

/// The result of evaluating the rules for one query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) rule: Option<RuleId>,
    pub(crate) outcome: Result<Served, NoUpdate>,
}

/// `AUS.evaluateRules(q)`.
pub(crate) fn evaluate(site: &Site, q: &Query) -> Result<Decision, EngineError> {
    let fallback = q.fallback_channel();
    let shut = site
        .config
        .shutoffs
        .iter()
        .find(|s| s.product == q.product && (s.channel == q.channel || s.channel == fallback));
    if let Some(s) = shut {
        return Ok(Decision {
            rule: None,
            outcome: Err(NoUpdate::ShutOff {
                channel: s.channel.clone(),
            }),
        });
    }
    let qv = QueryVersion::new(&q.version);
    let mut winner: Option<RuleId> = None;
    for id in site.rule_ids() {
        let rule = site.rule(id);
        if first_mismatch(rule, q, &qv)?.is_some() {
            continue;
        }
        // Rules are in row order, so on equal priority the earlier one stays.
        if winner.is_none_or(|w| rule.priority > site.rule(w).priority) {
            winner = Some(id);
        }
    }
    let Some(rule_id) = winner else {
        return Ok(Decision {
            rule: None,
            outcome: Err(NoUpdate::NoRuleMatched),
        });
    };
    let decide = |outcome| {
        Ok(Decision {
            rule: Some(rule_id),
            outcome,
        })
    };
    let rule = site.rule(rule_id);
    let Some(mut target) = rule.mapping.as_ref() else {
        return decide(Err(NoUpdate::NoMapping));
    };
    let mut via = Via::Mapping;
    // Throttled: Balrog rolls dice; a static answer takes the losing roll
    // unless asked for the winning one (`dice_won`, for a web server's
    // percentage split). force=1 always gets the mapping, force=-1 never.
    let dice_lost = q.force == Some(Force::Fallback) || !q.dice_won;
    if q.force != Some(Force::Main) && rule.background_rate < 100 && dice_lost {
        match &rule.fallback_mapping {
            Some(fallback) => {
                target = fallback;
                via = Via::FallbackMapping;
            }
            None => return decide(Err(NoUpdate::Throttled)),
        }
    }
    let release = target.release.ok_or_else(|| {
        EngineError::Internal(format!(
            "rule maps to `{}`, which is no release",
            target.name
        ))
    })?;
    match should_serve(site, site.release(release), q, &qv)? {
        Serve::No(why) => decide(Err(NoUpdate::NotServed { release, why })),
        Serve::Yes => decide(Ok(Served {
            release,
            via,
            unpinned: None,
        })),
        Serve::Maybe => {
            let pin = q
                .pin
                .as_deref()
                .and_then(PinVersion::parse)
                .map(|p| p.normalized())
                .unwrap_or_default();
            let row = site
                .config
                .pins
                .iter()
                .find(|p| p.product == q.product && p.channel == fallback && p.version == pin);
            let Some(row) = row else {
                // No pinnable release: Balrog fails open and serves the rule's choice.
                return decide(Ok(Served {
                    release,
                    via,
                    unpinned: None,
                }));
            };
            let pinned = row.mapping.release.ok_or_else(|| {
                EngineError::Internal(format!(
                    "pin `{}` maps to `{}`, which is no release",
                    row.version, row.mapping.name
                ))
            })?;
            match should_serve(site, site.release(pinned), q, &qv)? {
                Serve::No(why) => decide(Err(NoUpdate::PinNotServed {
                    release: pinned,
                    why,
                })),
                Serve::Yes | Serve::Maybe => decide(Ok(Served {
                    release: pinned,
                    via: Via::Pin,
                    unpinned: Some(release),
                })),
            }
        }
    }
}

/// One release in an answer, with the query it is rendered for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) release: ReleaseId,
    /// For a SuperBlob's parts, the product each part was evaluated or
    /// allowlisted as.
    pub(crate) product: String,
    /// The rule that chose this part (SuperBlob products), if any.
    pub(crate) rule: Option<RuleId>,
}

/// Everything that decides the response body.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    let decision = evaluate(site, q)?;
    let mut parts = Vec::new();
    let mut sub_decisions = Vec::new();
    if let Ok(served) = &decision.outcome {
        let release = site.release(served.release);
        match &release.blob {
            Blob::Super(SuperBlob::Products(products)) => {
                for product in products {
                    let mut sub = q.clone();
                    sub.product.clone_from(product);
                    let d = evaluate(site, &sub)?;
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
