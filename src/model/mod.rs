//! The site as typed, validated data: configuration, rules and releases, with
//! every reference between them resolved. Engine and renderer read only this.

pub(crate) mod column;
pub(crate) mod condition;
pub(crate) mod config;
pub(crate) mod release;
pub(crate) mod request;
pub(crate) mod route;
pub(crate) mod rule;
pub(crate) mod scalar;
pub(crate) mod version;

use std::collections::{BTreeSet, HashMap};

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

    /// Channels that clients are known to use: declared ones, those named
    /// exactly by rules, shutoffs and pins, and the stem of each rule glob
    /// (`release` for `release*`).
    pub(crate) fn known_channels(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self.config.channels.iter().cloned().collect();
        for rule in &self.rules {
            if let Some(c) = &rule.channel {
                if !c.is_glob() {
                    out.insert(c.raw.clone());
                } else if let Some(stem) = c.stem()
                    && !stem.ends_with(['-', '.', '_'])
                {
                    out.insert(stem.to_owned());
                }
            }
        }
        out.extend(self.config.shutoffs.iter().map(|s| s.channel.clone()));
        out.extend(self.config.pins.iter().map(|p| p.channel.clone()));
        out
    }
}
