//! A rule's conditions (the columns of `model::column` that a query is
//! matched against) and how each one tests a query, in the order Balrog
//! tests them: the SQL pre-filter (plain equality or a NULL column), then
//! the Python matchers.

use crate::model::column::Column;
use crate::model::rule::Rule;

use super::error::EngineError;
use super::matchers::{QueryVersion, VersionClass, match_boolean};
use super::query::Query;

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
        self.value(rule).map(str::to_owned)
    }

    /// `of`, borrowed from the rule.
    pub(crate) fn value(self, rule: &Rule) -> Option<&str> {
        let boolean = |b: bool| if b { "true" } else { "false" };
        match self {
            Field::Product => rule.product.as_deref(),
            Field::BuildTarget => rule.build_target.as_deref(),
            Field::HeaderArchitecture => rule.header_architecture.as_deref(),
            Field::DistVersion => rule.dist_version.as_deref(),
            Field::Channel => rule.channel.as_ref().map(|c| c.raw.as_str()),
            Field::Version => rule.version.as_ref().map(|v| v.raw.as_str()),
            Field::BuildId => rule.build_id.as_ref().map(|b| b.raw.as_str()),
            Field::Memory => rule.memory.as_ref().map(|m| m.raw.as_str()),
            Field::OsVersion => rule.os_version.as_ref().map(|o| o.raw.as_str()),
            Field::InstructionSet => rule.instruction_set.as_ref().map(|c| c.raw.as_str()),
            Field::Distribution => rule.distribution.as_ref().map(|c| c.raw.as_str()),
            Field::Locale => rule.locale.as_ref().map(|c| c.raw.as_str()),
            Field::Mig64 => rule.mig64.map(boolean),
            Field::Jaws => rule.jaws.map(boolean),
        }
    }

    /// Whether the rule sets this field (a field it leaves empty matches
    /// every query).
    pub(crate) fn is_set(self, rule: &Rule) -> bool {
        match self {
            Field::Product => rule.product.is_some(),
            Field::BuildTarget => rule.build_target.is_some(),
            Field::HeaderArchitecture => rule.header_architecture.is_some(),
            Field::DistVersion => rule.dist_version.is_some(),
            Field::Channel => rule.channel.is_some(),
            Field::Version => rule.version.is_some(),
            Field::BuildId => rule.build_id.is_some(),
            Field::Memory => rule.memory.is_some(),
            Field::OsVersion => rule.os_version.is_some(),
            Field::InstructionSet => rule.instruction_set.is_some(),
            Field::Distribution => rule.distribution.is_some(),
            Field::Locale => rule.locale.is_some(),
            Field::Mig64 => rule.mig64.is_some(),
            Field::Jaws => rule.jaws.is_some(),
        }
    }

    /// The rule column this field is.
    pub(crate) fn column(self) -> Column {
        match self {
            Field::Product => Column::Product,
            Field::BuildTarget => Column::BuildTarget,
            Field::HeaderArchitecture => Column::HeaderArchitecture,
            Field::DistVersion => Column::DistVersion,
            Field::Channel => Column::Channel,
            Field::Version => Column::Version,
            Field::BuildId => Column::BuildId,
            Field::Memory => Column::Memory,
            Field::OsVersion => Column::OsVersion,
            Field::InstructionSet => Column::InstructionSet,
            Field::Distribution => Column::Distribution,
            Field::Locale => Column::Locale,
            Field::Mig64 => Column::Mig64,
            Field::Jaws => Column::Jaws,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        self.column().name()
    }

    /// The query's value of this field, if it sends one.
    pub(crate) fn query_value(self, q: &Query) -> Option<String> {
        match self {
            Field::Product => Some(q.product.clone()),
            Field::BuildTarget => Some(q.build_target.clone()),
            Field::HeaderArchitecture => q.header_architecture.map(str::to_owned),
            Field::DistVersion => q.dist_version.clone(),
            Field::Channel => Some(q.channel.clone()),
            Field::Version => Some(q.version.clone()),
            Field::BuildId => q.build_id.clone(),
            Field::Memory => q.memory().map(|m| m.to_string()),
            Field::OsVersion => q.os_version.clone(),
            Field::InstructionSet => q.instruction_set().map(str::to_owned),
            Field::Distribution => q.distribution.clone(),
            Field::Locale => q.locale.clone(),
            Field::Mig64 => q.mig64.map(|b| b.to_string()),
            Field::Jaws => q.jaws().map(|b| b.to_string()),
        }
    }

    /// Whether `q` fails this field of `rule`. Errors are Balrog's 400s and
    /// 500s raised while matching.
    pub(crate) fn rejects(
        self,
        rule: &Rule,
        q: &Query,
        qv: &QueryVersion<'_>,
    ) -> Result<bool, EngineError> {
        Ok(match self {
            Field::Product => rule.product.as_ref().is_some_and(|p| *p != q.product),
            Field::BuildTarget => rule
                .build_target
                .as_ref()
                .is_some_and(|b| *b != q.build_target),
            Field::HeaderArchitecture => rule
                .header_architecture
                .as_ref()
                .is_some_and(|h| q.header_architecture != Some(h.as_str())),
            Field::DistVersion => rule
                .dist_version
                .as_ref()
                .is_some_and(|d| q.dist_version.as_deref() != Some(d.as_str())),
            Field::Channel => match &rule.channel {
                Some(c) => !c.matches_channel(&q.channel, q.fallback_channel())?,
                None => false,
            },
            Field::Version => match &rule.version {
                Some(v) => !v.matches(qv, VersionClass::for_product(&q.product))?,
                None => false,
            },
            Field::BuildId => match &rule.build_id {
                Some(b) => !b.matches(q.build_id_or_empty())?,
                None => false,
            },
            Field::Memory => match &rule.memory {
                Some(m) => !m.matches(q.memory())?,
                None => false,
            },
            Field::OsVersion => rule
                .os_version
                .as_ref()
                .is_some_and(|o| !o.matches(q.os_version_or_empty())),
            Field::InstructionSet => rule
                .instruction_set
                .as_ref()
                .is_some_and(|i| !i.matches(q.instruction_set())),
            Field::Distribution => rule
                .distribution
                .as_ref()
                .is_some_and(|d| !d.matches(Some(q.distribution_or_empty()))),
            Field::Locale => rule
                .locale
                .as_ref()
                .is_some_and(|l| !l.matches(Some(q.locale_or_empty()))),
            Field::Mig64 => !match_boolean(rule.mig64, q.mig64),
            Field::Jaws => !match_boolean(rule.jaws, q.jaws()),
        })
    }
}

/// The first field of `rule` that `q` does not match, or `None` when the
/// rule matches. Errors are Balrog's 400s and 500s raised while matching.
pub(crate) fn first_mismatch(
    rule: &Rule,
    q: &Query,
    qv: &QueryVersion<'_>,
) -> Result<Option<Field>, EngineError> {
    for field in Field::ALL {
        if field.rejects(rule, q, qv)? {
            return Ok(Some(field));
        }
    }
    Ok(None)
}
