//! Regular expressions that cinder both evaluates (to answer `query` and
//! `serve`) and writes into web-server configs, so that a server routes each
//! request to the file `query` says it gets. Written in the subset that
//! PCRE (nginx, Apache), fancy-regex (cinder itself) and JavaScript share:
//! lookarounds, `[\s\S]` for any character and `(?![\s\S])` for the end
//! of the text (JavaScript has no `(?s)` and no `\z`), `\xNN` for every
//! character a config file or a regex might read otherwise, no
//! backreferences. Patterns without lookarounds (for Go's RE2, which Caddy
//! uses) are made of the same pieces.

use std::fmt;
use std::fmt::Write as _;

/// Any character, line breaks included.
pub(crate) const ANY: &str = r"[\s\S]";
/// The end of the text (PCRE's `$` also matches before a final line break).
pub(crate) const END: &str = r"(?![\s\S])";

#[derive(Clone)]
pub(crate) struct Pattern {
    source: String,
    re: fancy_regex::Regex,
}

impl Pattern {
    pub(crate) fn new(source: String) -> Pattern {
        let re = fancy_regex::Regex::new(&source)
            .unwrap_or_else(|e| panic!("cinder wrote an invalid pattern {source:?}: {e}"));
        Pattern { source, re }
    }

    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        // Backtracking limits are far above what these patterns need.
        self.re.is_match(text).unwrap_or(false)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// Escapes text to match literally: letters, digits, `_` and non-ASCII
/// characters stand for themselves, `.` is `\.`, and every other character
/// is written `\xNN`, which every dialect reads alike and no config file
/// quotes, comments or interpolates (`"`, `#`, `$`, `%`, `{`, space).
pub(crate) fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii() {
            out.push(c);
        } else if c == '.' {
            out.push_str("\\.");
        } else {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
    }
    out
}

/// A pattern matching the integers in `[lo, hi]` (either end open when
/// `None`) as Python's `int()` reads them: optional surrounding ASCII
/// whitespace, a sign, leading zeros, and single underscores between digits.
pub(crate) fn int_in(lo: Option<i128>, hi: Option<i128>) -> String {
    let mut alternatives = Vec::new();
    // Negative numbers: [lo, min(hi, -1)], as magnitudes.
    let neg_hi = hi.map_or(-1, |h| h.min(-1));
    if lo.is_none_or(|l| l <= neg_hi) {
        alternatives.push(format!("-{}", magnitude(-neg_hi, lo.map(|l| -l))));
    }
    // Zero, with any sign.
    if lo.is_none_or(|l| l <= 0) && hi.is_none_or(|h| h >= 0) {
        alternatives.push("[+-]?(?:0_?)*0".to_owned());
    }
    // Positive numbers: [max(1, lo), hi].
    let pos_min = lo.map_or(1, |l| l.max(1));
    if hi.is_none_or(|h| h >= pos_min) {
        alternatives.push(format!("\\+?{}", magnitude(pos_min, hi)));
    }
    if alternatives.is_empty() {
        return "(?!)".to_owned();
    }
    format!(
        "[\\x20\\t\\n\\r\\x0b\\x0c]*(?:{})[\\x20\\t\\n\\r\\x0b\\x0c]*",
        alternatives.join("|")
    )
}

/// Positive integers in `[lo, hi]` (lo ≥ 1), with leading zeros and
/// underscores allowed.
fn magnitude(lo: i128, hi: Option<i128>) -> String {
    let ranges = digit_ranges(lo, hi);
    let body: Vec<String> = ranges
        .iter()
        .map(|atoms| {
            let mut joined = String::new();
            for (i, atom) in atoms.iter().enumerate() {
                // A repeated tail carries its own separator.
                if i > 0 && !atom.starts_with("(?:_?") {
                    joined.push_str("_?");
                }
                joined.push_str(atom);
            }
            joined
        })
        .collect();
    format!("(?:0_?)*(?:{})", body.join("|"))
}

/// Canonical digit strings (no leading zero) of the numbers in `[lo, hi]`,
/// as sequences of per-digit classes; an open `hi` ends in a repeated class.
fn digit_ranges(lo: i128, hi: Option<i128>) -> Vec<Vec<String>> {
    let lo_digits = lo.to_string();
    let mut out = Vec::new();
    match hi {
        Some(hi) => {
            let hi_digits = hi.to_string();
            for len in lo_digits.len()..=hi_digits.len() {
                let from = if len == lo_digits.len() {
                    lo_digits.clone()
                } else {
                    format!("1{}", "0".repeat(len - 1))
                };
                let to = if len == hi_digits.len() {
                    hi_digits.clone()
                } else {
                    "9".repeat(len)
                };
                same_length(from.as_bytes(), to.as_bytes(), &mut Vec::new(), &mut out);
            }
        }
        None => {
            let len = lo_digits.len();
            same_length(
                lo_digits.as_bytes(),
                "9".repeat(len).as_bytes(),
                &mut Vec::new(),
                &mut out,
            );
            out.push(vec!["[1-9]".to_owned(), format!("(?:_?[0-9]){{{len},}}")]);
        }
    }
    out
}

/// Patterns for the digit strings between `from` and `to` (same length).
fn same_length(from: &[u8], to: &[u8], prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if from.is_empty() {
        out.push(prefix.clone());
        return;
    }
    let (f, t) = (from[0], to[0]);
    let rest = from.len() - 1;
    let all_low = from[1..].iter().all(|&b| b == b'0');
    let all_high = to[1..].iter().all(|&b| b == b'9');
    if f == t {
        prefix.push((f as char).to_string());
        same_length(&from[1..], &to[1..], prefix, out);
        prefix.pop();
        return;
    }
    // The first digit f, the rest from `from[1..]` up.
    let mut lo_first = f;
    if !all_low {
        prefix.push((f as char).to_string());
        same_length(&from[1..], "9".repeat(rest).as_bytes(), prefix, out);
        prefix.pop();
        lo_first = f + 1;
    }
    let mut hi_last = t;
    let tail_high = !all_high;
    if tail_high {
        hi_last = t - 1;
    }
    if lo_first <= hi_last {
        let mut atoms = prefix.clone();
        atoms.push(class(lo_first, hi_last));
        atoms.extend(std::iter::repeat_n("[0-9]".to_owned(), rest));
        out.push(atoms);
    }
    if tail_high {
        prefix.push((t as char).to_string());
        same_length("0".repeat(rest).as_bytes(), &to[1..], prefix, out);
        prefix.pop();
    }
}

fn class(lo: u8, hi: u8) -> String {
    if lo == hi {
        (lo as char).to_string()
    } else {
        format!("[{}-{}]", lo as char, hi as char)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::version::python_int;

    fn check(lo: Option<i128>, hi: Option<i128>) {
        let p = Pattern::new(format!("^(?:{}){END}", int_in(lo, hi)));
        let mut samples: Vec<String> = (-130..=130).map(|n: i32| n.to_string()).collect();
        for n in [
            999, 1000, 1001, 7999, 8000, 8001, 9999, 10000, 10001, 16252, 65535, 100_000, 1_000_000,
        ] {
            samples.push(n.to_string());
            samples.push(format!("-{n}"));
        }
        samples.extend(
            [
                "+8000", "008000", "0_8000", "8_000", " 8000 ", "8__000", "_8000", "8000_", "",
                "-", "+", "1e3", "8.0", "0x10", "-0", "+0", "00", "0_0", " ", "80 00",
            ]
            .map(String::from),
        );
        for s in samples {
            let expected = python_int(&s)
                .is_some_and(|n| lo.is_none_or(|l| n >= l) && hi.is_none_or(|h| n <= h));
            assert_eq!(
                p.is_match(&s),
                expected,
                "{s:?} in [{lo:?}, {hi:?}] with {}",
                p.source()
            );
        }
    }

    #[test]
    fn integer_ranges_match_exactly_what_python_reads_in_them() {
        for (lo, hi) in [
            (Some(0), Some(0)),
            (Some(8000), Some(8000)),
            (None, Some(7999)),
            (None, Some(8000)),
            (Some(8001), None),
            (Some(8000), None),
            (Some(1), None),
            (None, Some(-1)),
            (Some(-5), Some(5)),
            (Some(10), Some(99)),
            (Some(95), Some(1005)),
            (None, None),
            (Some(100), Some(10)),
        ] {
            check(lo, hi);
        }
    }

    #[test]
    fn literals_escape_what_regexes_read() {
        let text = "Windows_NT 6.1 (x64)*?[]{}|^$\\\"'#%/,:-~ü";
        let p = Pattern::new(format!("^{}{END}", literal(text)));
        assert!(p.is_match(text));
        assert!(!p.is_match("Windows_NT 6x1 (x64)*?[]{}|^$\\\"'#%/,:-~ü"));
        // Go's RE2 (Caddy) reads the same escapes; the regex crate is its dialect.
        let re2 = regex::Regex::new(&format!("^{}$", literal(text))).unwrap();
        assert!(re2.is_match(text));
        assert!(!literal(text).contains([' ', '"', '#', '$', '%', '{', '\'']));
    }
}
