//! What the engine decided for one query, and why, recorded while it
//! decided: the shutoff that stopped it, each rule of the query's product and
//! how it fared, and how the winner's `backgroundRate` played out.
//! `explain` renders a trace; it decides nothing itself.

use crate::model::{RuleId, Site};

use super::error::EngineError;
use super::field::{Field, first_mismatch};
use super::matchers::QueryVersion;
use super::query::{Force, Query};

/// The steps of one evaluation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Trace {
    /// The emergency shutoff that stopped evaluation (its index in the
    /// site's shutoffs): no rule was consulted.
    pub(crate) shutoff: Option<usize>,
    /// Each rule of the query's product (or of any product), in row order,
    /// and how it fared.
    pub(crate) rules: Vec<(RuleId, Test)>,
    /// How the winning rule's `backgroundRate` played out, when it is below 100.
    pub(crate) throttle: Option<Throttle>,
}

/// How a rule fared against the query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Test {
    Matches,
    /// The first field, in Balrog's order, that the query does not match.
    Fails(Field),
    /// Balrog fails (400 or 500) while matching it.
    Error(EngineError),
}

/// What a throttled rule gives a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Throttle {
    /// `force=1`: the mapping, whatever the dice.
    ForcedMapping,
    /// `force=-1`: never the mapping.
    ForcedFallback,
    /// A background check, answered as when the dice win (a web server's
    /// percentage split).
    DiceWon,
    /// A background check, answered as when the dice lose.
    DiceLost,
}

impl Throttle {
    pub(crate) fn of(q: &Query) -> Throttle {
        match q.force {
            Some(Force::Main) => Throttle::ForcedMapping,
            Some(Force::Fallback) => Throttle::ForcedFallback,
            None if q.dice_won => Throttle::DiceWon,
            None => Throttle::DiceLost,
        }
    }

    /// Whether the request gets the rule's fallbackMapping (or nothing).
    pub(crate) fn takes_fallback(self) -> bool {
        matches!(self, Throttle::ForcedFallback | Throttle::DiceLost)
    }
}

impl Trace {
    /// Tests every rule against `q` in row order, recording each of the
    /// query's product; the rules `q` matches (or the errors raised), in row
    /// order, as the shortlists would give them.
    pub(crate) fn test_rules(
        &mut self,
        site: &Site,
        q: &Query,
        qv: &QueryVersion<'_>,
    ) -> Vec<Result<RuleId, EngineError>> {
        let mut matching = Vec::new();
        for id in site.rule_ids() {
            let test = match first_mismatch(site.rule(id), q, qv) {
                Ok(None) => Test::Matches,
                Ok(Some(field)) => Test::Fails(field),
                Err(e) => Test::Error(e),
            };
            match &test {
                Test::Matches => matching.push(Ok(id)),
                Test::Error(e) => matching.push(Err(e.clone())),
                Test::Fails(Field::Product) => continue,
                Test::Fails(_) => {}
            }
            self.rules.push((id, test));
        }
        matching
    }
}
