//! The site as typed, validated data: configuration, rules and releases, with
//! every reference between them resolved. Engine and renderer read only this.

pub(crate) mod config;
pub(crate) mod release;
pub(crate) mod request;
pub(crate) mod route;
pub(crate) mod rule;
pub(crate) mod scalar;

use std::collections::HashMap;

use config::Config;
use release::Release;
use rule::Rule;

/// Index of a release in `Site::releases`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ReleaseId(pub(crate) u32);

/// Index of a rule in `Site::rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct RuleId(pub(crate) u32);

#[derive(Debug, Default)]
pub(crate) struct Site {
    pub(crate) config: Config,
    /// In Balrog's row order: rule ids ascending, then rules without an id
    /// in the order they are written.
    pub(crate) rules: Vec<Rule>,
    /// How each rule is named in answers (`42`, an alias, `rules/a.yml#3`).
    pub(crate) rule_names: Vec<String>,
    pub(crate) releases: Vec<Release>,
    pub(crate) release_index: HashMap<String, ReleaseId>,
    /// Requests seen in the wild (`observed-requests` files): their values
    /// join the parameter space.
    pub(crate) observed: Vec<crate::model::request::Request>,
}

impl Site {
    pub(crate) fn release(&self, id: ReleaseId) -> &Release {
        &self.releases[id.0 as usize]
    }

    pub(crate) fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id.0 as usize]
    }

    pub(crate) fn rule_name(&self, id: RuleId) -> &str {
        &self.rule_names[id.0 as usize]
    }

    pub(crate) fn rule_ids(&self) -> impl Iterator<Item = RuleId> {
        (0..self.rules.len()).map(|i| RuleId(u32::try_from(i).expect("fewer than 4 billion rules")))
    }
}
