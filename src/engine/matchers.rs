//! Balrog's rule-field matchers: how a query's values are tested against a
//! rule's parsed conditions (`model::condition`): channel globs with the
//! `-cck-` fallback, version / buildID / memory comparisons, osVersion
//! AND/OR substring expressions, comma lists and tri-state booleans. Pure.

use std::cell::OnceCell;

use crate::model::condition::{
    BuildIdCondition, ChannelKind, ChannelPattern, Csv, MemoryCondition, Op, SimpleExpression,
    VersionCondition,
};
use crate::model::version::{LooseVersion, MozVersion};

use super::error::EngineError;

impl ChannelPattern {
    /// Balrog's `matchRegex(rule, value)`.
    pub(crate) fn matches(&self, value: &str) -> Result<bool, EngineError> {
        Ok(match &self.kind {
            ChannelKind::Exact => self.raw == value,
            ChannelKind::Never => false,
            ChannelKind::Prefix(p) => value.strip_prefix(p.as_str()).is_some_and(|rest| {
                let rest = rest.strip_suffix('\n').unwrap_or(rest);
                !rest.contains('\n')
            }),
            ChannelKind::Regex(re) => re.is_match(value),
            ChannelKind::Broken(e) => {
                return Err(EngineError::Internal(format!(
                    "channel pattern `{}`: {e}",
                    self.raw
                )));
            }
        })
    }

    /// `matchChannel`: the channel itself or its `-cck-` fallback.
    pub(crate) fn matches_channel(
        &self,
        channel: &str,
        fallback: &str,
    ) -> Result<bool, EngineError> {
        Ok(self.matches(channel)? || self.matches(fallback)?)
    }
}

/// Which version class a product's versions use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VersionClass {
    Mozilla,
    Loose,
}

impl VersionClass {
    /// `get_version_class(product)`
    pub(crate) fn for_product(product: &str) -> VersionClass {
        if product == "FirefoxVPN" || product == "Guardian" {
            VersionClass::Loose
        } else {
            VersionClass::Mozilla
        }
    }
}

/// A client version, parsed on first use (Balrog only parses it when some
/// rule or release compares against it; an invalid one is then a 400).
#[derive(Debug)]
pub(crate) struct QueryVersion<'a> {
    pub(crate) raw: &'a str,
    moz: OnceCell<Result<MozVersion, EngineError>>,
    loose: OnceCell<LooseVersion>,
}

impl<'a> QueryVersion<'a> {
    pub(crate) fn new(raw: &'a str) -> Self {
        QueryVersion {
            raw,
            moz: OnceCell::new(),
            loose: OnceCell::new(),
        }
    }

    pub(crate) fn moz(&self) -> Result<&MozVersion, EngineError> {
        self.moz
            .get_or_init(|| {
                MozVersion::parse(self.raw).map_err(|e| EngineError::BadRequest(e.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn loose(&self) -> &LooseVersion {
        self.loose.get_or_init(|| LooseVersion::parse(self.raw))
    }
}

impl VersionCondition {
    /// `matchVersion(rule.version, q.version, cls)`.
    pub(crate) fn matches(
        &self,
        q: &QueryVersion<'_>,
        class: VersionClass,
    ) -> Result<bool, EngineError> {
        for term in &self.terms {
            let Some(term) = term else {
                return Err(EngineError::Internal(format!(
                    "version pattern `{}` has no operator Balrog reads",
                    self.raw
                )));
            };
            let hit = match class {
                VersionClass::Mozilla => {
                    let qv = q.moz()?;
                    let rv = term
                        .moz
                        .as_ref()
                        .map_err(|e| EngineError::BadRequest(e.clone()))?;
                    match term.op {
                        Op::EitherEq | Op::Eq => qv.either_eq(rv),
                        op => match (qv, rv) {
                            (MozVersion::Strict(a), MozVersion::Strict(b)) => op.test(a.cmp(b)),
                            _ => {
                                return Err(EngineError::Internal(format!(
                                    "cannot order `{}` against the glob `{}`",
                                    q.raw, term.operand
                                )));
                            }
                        },
                    }
                }
                VersionClass::Loose => match term.op {
                    Op::EitherEq | Op::Eq => *q.loose() == term.loose,
                    op => {
                        let ord = q.loose().compare(&term.loose).map_err(|_| {
                            EngineError::Internal(format!(
                                "cannot compare versions `{}` and `{}`",
                                q.raw, term.operand
                            ))
                        })?;
                        op.test(ord)
                    }
                },
            };
            if hit {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

impl BuildIdCondition {
    /// `string_compare(query, rule)`
    pub(crate) fn matches(&self, build_id: &str) -> Result<bool, EngineError> {
        let (op, operand) = self.op.as_ref().ok_or_else(|| {
            EngineError::Internal(format!(
                "buildID pattern `{}` has no operator Balrog reads",
                self.raw
            ))
        })?;
        Ok(op.test(build_id.cmp(operand.as_str())))
    }
}

impl MemoryCondition {
    /// `matchMemory`: a client that sent no (integer) memory matches.
    pub(crate) fn matches(&self, memory: Option<i128>) -> Result<bool, EngineError> {
        let Some(memory) = memory else {
            return Ok(true);
        };
        match self.op {
            Some((op, Some(n))) => Ok(op.test(memory.cmp(&n))),
            _ => Err(EngineError::Internal(format!(
                "memory pattern `{}` is not an integer comparison",
                self.raw
            ))),
        }
    }
}

impl SimpleExpression {
    pub(crate) fn matches(&self, value: &str) -> bool {
        self.alternatives
            .iter()
            .any(|terms| terms.iter().all(|t| value.contains(t.as_str())))
    }
}

impl Csv {
    /// `matchCsv(rule, q)`: a query value of `None` matches no list.
    pub(crate) fn matches(&self, value: Option<&str>) -> bool {
        value.is_some_and(|v| self.parts.iter().any(|p| p == v))
    }
}

/// `matchBoolean(rule, q)`: a rule value matches only a query that sent the same.
pub(crate) fn match_boolean(rule: Option<bool>, query: Option<bool>) -> bool {
    match rule {
        None => true,
        Some(r) => query == Some(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_globs() {
        let m = |rule: &str, v: &str| ChannelPattern::parse(rule).matches(v).unwrap();
        assert!(m("release*", "release"));
        assert!(m("release*", "releasetest"));
        assert!(m("release*", "release-cck-foo"));
        assert!(!m("nightly-*", "nightly"));
        assert!(!m("*", "release"));
        assert!(!m("a*", "a"));
        assert!(!m("release", "RELEASE"));
        assert!(
            m("beta+*", "betaaa"),
            "other regex metacharacters keep their meaning"
        );
        assert!(m("a*b*", "a*bcd"), "a non-final star is literal");
        assert!(!m("a*b*", "aXbcd"));
        assert!(m("rel.*", "rel.x") && !m("rel.*", "relx"));
        assert!(ChannelPattern::parse("beta(*").broken().is_some());
        let p = ChannelPattern::parse("release");
        assert!(p.matches_channel("release-cck-foo", "release").unwrap());
    }

    #[test]
    fn versions_use_version_equality_and_operators() {
        let m = |rule: &str, v: &str| {
            VersionCondition::parse(rule).matches(&QueryVersion::new(v), VersionClass::Mozilla)
        };
        assert_eq!(m("60.0", "60.0.0"), Ok(true));
        assert_eq!(m("<3.6.8", "3.6.7"), Ok(true));
        assert_eq!(m("<=3.6.8", "3.6.8"), Ok(true));
        assert_eq!(m(">3.6.9", "3.6.10"), Ok(true));
        assert_eq!(m(">=3.6.11", "3.6.10"), Ok(false));
        assert_eq!(m("56.0,57.0", "57.0"), Ok(true));
        assert_eq!(m("70.*", "70.0a1"), Ok(true));
        assert!(matches!(
            m("<60.0", "120.0b9"),
            Err(EngineError::BadRequest(_))
        ));
        assert!(matches!(m("!60", "60.0"), Err(EngineError::Internal(_))));
        let loose = VersionCondition::parse("<0.5.0.0")
            .matches(&QueryVersion::new("0.4.0.0-beta"), VersionClass::Loose);
        assert_eq!(loose, Ok(true));
    }

    #[test]
    fn build_ids_compare_as_strings() {
        let m = |rule: &str, v: &str| BuildIdCondition::parse(rule).matches(v).unwrap();
        assert!(m(">=20200101000000", "9"), "lexicographic: '9' > '2'");
        assert!(m("<2020", ""));
        assert!(
            !m("2019*", "20190101"),
            "a trailing star is not a glob for buildIDs"
        );
        assert!(m("2019*", "2019*"));
    }

    #[test]
    fn memory_thresholds() {
        let m = |rule: &str, v: Option<i128>| MemoryCondition::parse(rule).matches(v).unwrap();
        assert!(m("<=8000", Some(8000)));
        assert!(!m("9000", Some(8999)));
        assert!(m(">10000", Some(11000)));
        assert!(m("9000", None), "no memory sent matches every rule");
        assert!(!MemoryCondition::parse("lots").is_valid());
    }

    #[test]
    fn os_version_expressions() {
        let m = |rule: &str, v: &str| SimpleExpression::parse(rule).matches(v);
        assert!(m("Windows_NT 5.0", "Windows_NT 5.0.1"));
        assert!(m("Windows && (websense-", "Windows_NT 6.1 (websense-123)"));
        assert!(!m("Windows && (websense-", "Windows_NT 6.1"));
        assert!(
            m("Darwin 6,Darwin 7,", "anything"),
            "a trailing comma matches everything"
        );
        assert!(m("Darwin 6,Darwin 7,", ""));
        assert!(!m("Darwin 6", ""));
    }

    #[test]
    fn csv_and_booleans() {
        let csv = Csv::parse("en-US, de");
        assert!(csv.matches(Some("en-US")));
        assert!(!csv.matches(Some("de")), "parts are not stripped");
        assert!(csv.matches(Some(" de")));
        assert!(Csv::parse("SSE,").matches(Some("")));
        assert!(!Csv::parse("SSE").matches(None));
        assert!(match_boolean(None, None));
        assert!(match_boolean(Some(false), Some(false)));
        assert!(!match_boolean(Some(false), None));
        assert!(!match_boolean(Some(true), Some(false)));
    }
}
