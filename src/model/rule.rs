//! A rule: which requests it matches (Balrog's rule columns, parsed) and
//! which release answers them.

use super::condition::{
    BuildIdCondition, ChannelPattern, Csv, MemoryCondition, SimpleExpression, VersionCondition,
};
use crate::source::Loc;

use super::ReleaseId;

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) rule_id: Option<i64>,
    pub(crate) alias: Option<String>,
    pub(crate) priority: i64,
    pub(crate) mapping: Option<Target>,
    pub(crate) fallback_mapping: Option<Target>,
    /// 0..=100; below 100 the rule is throttled.
    pub(crate) background_rate: u8,
    pub(crate) update_type: String,
    pub(crate) product: Option<String>,
    pub(crate) version: Option<VersionCondition>,
    pub(crate) channel: Option<ChannelPattern>,
    pub(crate) build_target: Option<String>,
    pub(crate) build_id: Option<BuildIdCondition>,
    pub(crate) locale: Option<Csv>,
    pub(crate) os_version: Option<SimpleExpression>,
    pub(crate) memory: Option<MemoryCondition>,
    pub(crate) instruction_set: Option<Csv>,
    pub(crate) jaws: Option<bool>,
    pub(crate) mig64: Option<bool>,
    pub(crate) distribution: Option<Csv>,
    pub(crate) dist_version: Option<String>,
    pub(crate) header_architecture: Option<String>,
    /// Why the rule exists, for people (`explain` shows it).
    pub(crate) comment: Option<String>,
    pub(crate) origin: Origin,
}

/// A release named by a rule or pin, resolved when the site loads.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) name: String,
    pub(crate) loc: Loc,
    /// `None` when no release has this name (Balrog answers 500).
    pub(crate) release: Option<ReleaseId>,
}

impl Target {
    pub(crate) fn new(name: String, loc: Loc) -> Target {
        Target {
            name,
            loc,
            release: None,
        }
    }
}

/// Where a rule was written.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    /// 1-based position in its file.
    pub(crate) index: usize,
    pub(crate) loc: Loc,
    /// Position among all rules of the site (files in path order).
    pub(crate) order: usize,
    /// The key of each field written, for pointing at it.
    pub(crate) fields: Vec<(&'static str, Loc)>,
}

impl Origin {
    pub(crate) fn field(&self, name: &str) -> Loc {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(self.loc, |(_, l)| *l)
    }
}

impl Rule {
    /// How the rule is named in answers and reports: its `rule_id`, else its
    /// `alias`, else `file#n`.
    pub(crate) fn display_id(&self, file_name: &str) -> String {
        if let Some(id) = self.rule_id {
            return id.to_string();
        }
        if let Some(alias) = &self.alias {
            return alias.clone();
        }
        format!("{file_name}#{}", self.origin.index)
    }

    /// The tie-break among rules of equal priority: lower rule ids first
    /// (Balrog's row order), then rules without an id in site order.
    pub(crate) fn tie_key(&self) -> (bool, i64, usize) {
        (
            self.rule_id.is_none(),
            self.rule_id.unwrap_or(0),
            self.origin.order,
        )
    }

    pub(crate) fn is_throttled(&self) -> bool {
        self.background_rate < 100
    }
}
