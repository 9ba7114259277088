//! Balrog's rule-field matchers: channel globs with the `-cck-` fallback,
//! version / buildID / memory comparisons, osVersion AND/OR substring
//! expressions, comma lists and tri-state booleans. Patterns are parsed once,
//! when the site loads; matching is pure.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::fmt;

use regex::Regex;

use super::version::{LooseVersion, MozVersion, python_int};

/// Why Balrog would not answer 200: bad client input (400) or data it cannot
/// handle (500).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EngineError {
    BadRequest(String),
    Internal(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::BadRequest(m) => write!(f, "Balrog answers 400: {m}"),
            EngineError::Internal(m) => write!(f, "Balrog answers 500: {m}"),
        }
    }
}

/// A comparison operator as Balrog's `get_op` reads it off a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A pattern ending in `*`: equality tested both ways (globs).
    EitherEq,
    /// A pattern starting with a word character.
    Eq,
    Ge,
    Gt,
    Lt,
    Le,
}

impl Op {
    fn test(self, ord: Ordering) -> bool {
        match self {
            Op::EitherEq | Op::Eq => ord == Ordering::Equal,
            Op::Ge => ord != Ordering::Less,
            Op::Gt => ord == Ordering::Greater,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
        }
    }
}

/// `get_op(pattern)`: the operator and its operand, or `None` when Balrog
/// would fail to unpack it (a 500).
pub(crate) fn get_op(pattern: &str) -> Option<(Op, &str)> {
    if pattern.ends_with('*') {
        return Some((Op::EitherEq, pattern));
    }
    if pattern.chars().next().is_some_and(is_word_char) {
        return Some((Op::Eq, pattern));
    }
    for (text, op) in [(">=", Op::Ge), (">", Op::Gt), ("<", Op::Lt), ("<=", Op::Le)] {
        if let Some(rest) = pattern.strip_prefix(text) {
            let len: usize = rest
                .chars()
                .take_while(|c| *c == '.' || is_word_char(*c))
                .map(char::len_utf8)
                .sum();
            if len > 0 {
                return Some((op, &rest[..len]));
            }
        }
    }
    None
}

/// Python's `\w` (Unicode letters, digits and `_`).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

// ---------------------------------------------------------------------------
// channel

/// A rule's `channel`: exact, or a glob ending in `*` matched as Balrog's
/// regex (other regex metacharacters keep their meaning).
#[derive(Clone, Debug)]
pub(crate) struct ChannelPattern {
    pub(crate) raw: String,
    kind: ChannelKind,
}

#[derive(Clone, Debug)]
enum ChannelKind {
    Exact,
    /// `*` alone or `x*`: Balrog never matches these.
    Never,
    Prefix(String),
    Regex(Regex),
    /// Python could not compile the regex: every request reaching it is a 500.
    Broken(String),
}

impl ChannelPattern {
    pub(crate) fn parse(raw: &str) -> ChannelPattern {
        let kind = if !raw.ends_with('*') {
            ChannelKind::Exact
        } else if raw.chars().count() < 3 {
            ChannelKind::Never
        } else {
            let body = &raw[..raw.len() - 1];
            if body
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.*".contains(c))
            {
                // Only `.` and `*` are escaped by Balrog; with no other
                // metacharacter the glob is a plain prefix.
                ChannelKind::Prefix(body.to_owned())
            } else {
                let mut pattern = String::from("^");
                for c in body.chars() {
                    match c {
                        '.' => pattern.push_str(r"\."),
                        '*' => pattern.push_str(r"\*"),
                        c => pattern.push(c),
                    }
                }
                pattern.push_str(".*\n?\\z");
                match Regex::new(&pattern) {
                    Ok(re) => ChannelKind::Regex(re),
                    Err(e) => ChannelKind::Broken(e.to_string()),
                }
            }
        };
        ChannelPattern {
            raw: raw.to_owned(),
            kind,
        }
    }

    /// Why this pattern makes Balrog fail, if it does.
    pub(crate) fn broken(&self) -> Option<&str> {
        match &self.kind {
            ChannelKind::Broken(e) => Some(e),
            _ => None,
        }
    }

    /// True for globs that can never match (`*`, `x*`).
    pub(crate) fn never_matches(&self) -> bool {
        matches!(self.kind, ChannelKind::Never)
    }

    /// The text before a plain prefix glob's `*` (`release` for `release*`).
    pub(crate) fn stem(&self) -> Option<&str> {
        match &self.kind {
            ChannelKind::Prefix(p) if !p.contains('*') => Some(p),
            _ => None,
        }
    }

    pub(crate) fn is_glob(&self) -> bool {
        !matches!(self.kind, ChannelKind::Exact)
    }

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

// ---------------------------------------------------------------------------
// version

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

/// One comma-separated part of a rule's `version`.
#[derive(Clone, Debug)]
struct VersionTerm {
    op: Op,
    operand: String,
    moz: Result<MozVersion, String>,
    loose: LooseVersion,
}

/// A rule's `version`: comma-separated terms, any of which may match.
#[derive(Clone, Debug)]
pub(crate) struct VersionCondition {
    pub(crate) raw: String,
    terms: Vec<Option<VersionTerm>>,
}

impl VersionCondition {
    pub(crate) fn parse(raw: &str) -> VersionCondition {
        let terms = raw
            .split(',')
            .map(|part| {
                let (op, operand) = get_op(part)?;
                Some(VersionTerm {
                    op,
                    operand: operand.to_owned(),
                    moz: MozVersion::parse(operand).map_err(|e| e.to_string()),
                    loose: LooseVersion::parse(operand),
                })
            })
            .collect();
        VersionCondition {
            raw: raw.to_owned(),
            terms,
        }
    }

    /// Problems that make every comparison against this condition fail:
    /// (term, message) pairs.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (term, part) in self.terms.iter().zip(self.raw.split(',')) {
            match term {
                None => out.push(format!(
                    "`{part}` is not a version, an operator and a version, or a glob"
                )),
                Some(t) => {
                    if let Err(e) = &t.moz {
                        out.push(e.clone());
                    } else if !matches!(t.op, Op::Eq | Op::EitherEq)
                        && matches!(t.moz, Ok(MozVersion::Glob(_)))
                    {
                        out.push(format!("`{part}` combines an operator with a glob"));
                    }
                }
            }
        }
        out
    }

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

// ---------------------------------------------------------------------------
// buildID and memory

/// A rule's `buildID`: string equality or a lexicographic comparison.
#[derive(Clone, Debug)]
pub(crate) struct BuildIdCondition {
    pub(crate) raw: String,
    op: Option<(Op, String)>,
}

impl BuildIdCondition {
    pub(crate) fn parse(raw: &str) -> BuildIdCondition {
        let op = get_op(raw).map(|(op, operand)| (op, operand.to_owned()));
        BuildIdCondition {
            raw: raw.to_owned(),
            op,
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.op.is_some()
    }

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

/// A rule's `memory`: an integer, or an operator and an integer (MB).
#[derive(Clone, Debug)]
pub(crate) struct MemoryCondition {
    pub(crate) raw: String,
    op: Option<(Op, Option<i128>)>,
}

impl MemoryCondition {
    pub(crate) fn parse(raw: &str) -> MemoryCondition {
        let op = get_op(raw).map(|(op, operand)| (op, python_int(operand)));
        MemoryCondition {
            raw: raw.to_owned(),
            op,
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        matches!(self.op, Some((_, Some(_))))
    }

    pub(crate) fn threshold(&self) -> Option<(Op, i128)> {
        match self.op {
            Some((op, Some(n))) => Some((op, n)),
            _ => None,
        }
    }

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

// ---------------------------------------------------------------------------
// osVersion, comma lists, booleans

/// A rule's `osVersion`: comma-separated alternatives of `&&`-joined
/// substrings (each stripped); an empty term matches everything.
#[derive(Clone, Debug)]
pub(crate) struct SimpleExpression {
    pub(crate) raw: String,
    pub(crate) alternatives: Vec<Vec<String>>,
}

impl SimpleExpression {
    pub(crate) fn parse(raw: &str) -> SimpleExpression {
        let alternatives = raw
            .split(',')
            .map(|alt| {
                alt.split("&&")
                    .map(|t| python_strip(t).to_owned())
                    .collect()
            })
            .collect();
        SimpleExpression {
            raw: raw.to_owned(),
            alternatives,
        }
    }

    pub(crate) fn matches(&self, value: &str) -> bool {
        self.alternatives
            .iter()
            .any(|terms| terms.iter().all(|t| value.contains(t.as_str())))
    }
}

/// Python's `str.strip()` (Unicode whitespace).
fn python_strip(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}

/// A comma list matched exactly against any part (parts are not stripped).
#[derive(Clone, Debug)]
pub(crate) struct Csv {
    pub(crate) raw: String,
    pub(crate) parts: Vec<String>,
}

impl Csv {
    pub(crate) fn parse(raw: &str) -> Csv {
        Csv {
            raw: raw.to_owned(),
            parts: raw.split(',').map(str::to_owned).collect(),
        }
    }

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
    fn get_op_reads_operators_like_balrog() {
        assert_eq!(get_op("60.0"), Some((Op::Eq, "60.0")));
        assert_eq!(get_op("70.*"), Some((Op::EitherEq, "70.*")));
        assert_eq!(get_op(">=60.0"), Some((Op::Ge, "60.0")));
        assert_eq!(get_op(">60.0"), Some((Op::Gt, "60.0")));
        assert_eq!(get_op("<60.0"), Some((Op::Lt, "60.0")));
        assert_eq!(get_op("<=60.0"), Some((Op::Le, "60.0")));
        assert_eq!(
            get_op(">=60.0 junk"),
            Some((Op::Ge, "60.0")),
            "trailing junk is ignored"
        );
        assert_eq!(get_op("!60"), None);
        assert_eq!(get_op(">"), None);
    }

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
