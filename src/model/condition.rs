//! A rule's conditions as Balrog writes them, parsed once when the site
//! loads: channel globs, version / buildID / memory comparisons, osVersion
//! AND/OR substring expressions and comma lists. How a query is tested
//! against them is the engine's (`engine::matchers`).

use std::cmp::Ordering;

use regex::Regex;

use super::version::{LooseVersion, MozVersion, python_int};

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
    /// Whether an ordering satisfies the operator.
    pub(crate) fn test(self, ord: Ordering) -> bool {
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

// channel

/// A rule's `channel`: exact, or a glob ending in `*` matched as Balrog's
/// regex (other regex metacharacters keep their meaning).
#[derive(Clone, Debug)]
pub(crate) struct ChannelPattern {
    pub(crate) raw: String,
    pub(crate) kind: ChannelKind,
}

#[derive(Clone, Debug)]
pub(crate) enum ChannelKind {
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
}

// version

/// One comma-separated part of a rule's `version`.
#[derive(Clone, Debug)]
pub(crate) struct VersionTerm {
    pub(crate) op: Op,
    pub(crate) operand: String,
    pub(crate) moz: Result<MozVersion, String>,
    pub(crate) loose: LooseVersion,
}

/// A rule's `version`: comma-separated terms, any of which may match.
#[derive(Clone, Debug)]
pub(crate) struct VersionCondition {
    pub(crate) raw: String,
    pub(crate) terms: Vec<Option<VersionTerm>>,
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
}

// buildID and memory

/// A rule's `buildID`: string equality or a lexicographic comparison.
#[derive(Clone, Debug)]
pub(crate) struct BuildIdCondition {
    pub(crate) raw: String,
    pub(crate) op: Option<(Op, String)>,
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
}

/// A rule's `memory`: an integer, or an operator and an integer (MB).
#[derive(Clone, Debug)]
pub(crate) struct MemoryCondition {
    pub(crate) raw: String,
    pub(crate) op: Option<(Op, Option<i128>)>,
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
}

// osVersion and comma lists

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
}
