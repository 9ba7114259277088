//! Version ordering exactly as Balrog implements it: `MozillaVersion` (with its
//! Ancient / Modern / PostModern / Glob shapes), distutils' `LooseVersion` for
//! the VPN products, and the `AppUpdatePin` form `N.` / `N.M.`.
//!
//! Pure; no I/O. Numbers are parsed saturating at `u64::MAX`: every comparison
//! has one side from validated site data, so saturation never changes a result.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

/// A parsed `MozillaVersion` (`60.0a1`, `3.6.13`, `1.5.0.12`, `4.0b12`) or a
/// version glob (`70.*`, `80.0.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MozVersion {
    Strict(StrictVersion),
    Glob(GlobVersion),
}

/// `(major, minor, patch)` plus an optional pre-release `(letter, number)`;
/// only the first letter of a pre-release tag is kept, as in Balrog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct StrictVersion {
    pub(crate) numbers: [u64; 3],
    pub(crate) pre: Option<(u8, u64)>,
}

/// `N.*` or `N.M.*`; matches by prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GlobVersion {
    prefix: Vec<u64>,
    /// The pattern without its final `*`, e.g. `80.0.`.
    stem: String,
}

/// The version string could not be parsed; Balrog answers 400 with this text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InvalidVersion(pub(crate) String);

impl fmt::Display for InvalidVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version number {} is invalid.", self.0)
    }
}

impl MozVersion {
    /// Balrog's `MozillaVersion(v)` factory.
    pub(crate) fn parse(v: &str) -> Result<Self, InvalidVersion> {
        let invalid = || InvalidVersion(v.to_owned());
        let dots = v.matches('.').count();
        if dots == 1 || dots == 2 {
            let first = v.split('.').next().unwrap_or_default();
            let major = python_int(first).ok_or_else(invalid)?;
            if major > 4 {
                if v.ends_with(".*") {
                    return GlobVersion::parse(v)
                        .map(MozVersion::Glob)
                        .ok_or_else(invalid);
                }
                return parse_post_modern(v)
                    .map(MozVersion::Strict)
                    .ok_or_else(invalid);
            }
            return parse_modern(v).map(MozVersion::Strict).ok_or_else(invalid);
        }
        parse_ancient(v).map(MozVersion::Strict).ok_or_else(invalid)
    }

    /// Parses a version that must not be a glob (a release's `appVersion`,
    /// an operand of `<`, `>=` and friends, a client's version).
    pub(crate) fn parse_strict(v: &str) -> Result<StrictVersion, InvalidVersion> {
        match Self::parse(v)? {
            MozVersion::Strict(s) => Ok(s),
            // A glob compared with an operator: Balrog's comparison raises; treat
            // the string as invalid so the caller reports it.
            MozVersion::Glob(_) => Err(InvalidVersion(v.to_owned())),
        }
    }

    /// Balrog's `either_eq`: `a == b or b == a`, where globs compare by prefix.
    pub(crate) fn either_eq(&self, other: &MozVersion) -> bool {
        match (self, other) {
            (MozVersion::Strict(a), MozVersion::Strict(b)) => a == b,
            (MozVersion::Strict(s), MozVersion::Glob(g))
            | (MozVersion::Glob(g), MozVersion::Strict(s)) => g.matches(s),
            (MozVersion::Glob(a), MozVersion::Glob(b)) => a.stem == b.stem,
        }
    }
}

impl StrictVersion {
    /// `str()` of a StrictVersion: the patch is dropped when it is 0 and the
    /// pre-release keeps its single letter (`3.6.3plugin1` → `3.6.3p1`).
    pub(crate) fn python_str(&self) -> String {
        let [major, minor, patch] = self.numbers;
        let mut s = if patch == 0 {
            format!("{major}.{minor}")
        } else {
            format!("{major}.{minor}.{patch}")
        };
        if let Some((letter, n)) = self.pre {
            s.push(char::from(letter));
            s.push_str(&n.to_string());
        }
        s
    }
}

impl Ord for StrictVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers
            .cmp(&other.numbers)
            .then_with(|| match (self.pre, other.pre) {
                (None, None) => Ordering::Equal,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(&b),
            })
    }
}

impl PartialOrd for StrictVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl GlobVersion {
    fn parse(v: &str) -> Option<Self> {
        // ^(\d+)\.(\d+\.\*|\*)$
        let body = strip_dollar(v);
        let (major, rest) = body.split_once('.')?;
        let major = digits(major)?;
        let prefix = if rest == "*" {
            vec![major]
        } else {
            let minor = rest.strip_suffix(".*")?;
            vec![major, digits(minor)?]
        };
        Some(GlobVersion {
            prefix,
            stem: body.trim_end_matches('*').to_owned(),
        })
    }

    /// `GlobVersion.__eq__(x)` (the string form of `x` starts with the stem) or
    /// StrictVersion's comparison against the glob tuple (every glob element
    /// equal, and no pre-release on the other side).
    fn matches(&self, v: &StrictVersion) -> bool {
        if v.python_str().starts_with(&self.stem) {
            return true;
        }
        v.pre.is_none() && self.prefix.iter().zip(v.numbers).all(|(g, n)| *g == n)
    }
}

/// distutils' `LooseVersion`, used for the `FirefoxVPN` and `Guardian` products.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LooseVersion(Vec<LoosePart>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum LoosePart {
    Num(u64),
    Text(String),
}

/// Comparing a number with text at the same position raises in Python (500).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Incomparable;

impl LooseVersion {
    pub(crate) fn parse(v: &str) -> Self {
        // re.split(r"(\d+|[a-z]+|\.)") keeping the separators, then dropping
        // empty strings and ".": runs of digits, runs of a-z, and whatever lies
        // between them as one piece.
        let mut parts = Vec::new();
        let bytes = v.as_bytes();
        let mut i = 0;
        let mut other_start = 0;
        let flush = |parts: &mut Vec<LoosePart>, from: usize, to: usize| {
            if from < to {
                parts.push(LoosePart::Text(v[from..to].to_owned()));
            }
        };
        while i < bytes.len() {
            let b = bytes[i];
            let run = if b.is_ascii_digit() {
                Some(bytes[i..].iter().take_while(|c| c.is_ascii_digit()).count())
            } else if b.is_ascii_lowercase() {
                Some(
                    bytes[i..]
                        .iter()
                        .take_while(|c| c.is_ascii_lowercase())
                        .count(),
                )
            } else if b == b'.' {
                Some(1)
            } else {
                None
            };
            match run {
                Some(n) => {
                    flush(&mut parts, other_start, i);
                    let piece = &v[i..i + n];
                    if b.is_ascii_digit() {
                        parts.push(LoosePart::Num(saturating_u64(piece)));
                    } else if b != b'.' {
                        parts.push(LoosePart::Text(piece.to_owned()));
                    }
                    i += n;
                    other_start = i;
                }
                None => i += v[i..].chars().next().map_or(1, char::len_utf8),
            }
        }
        flush(&mut parts, other_start, v.len());
        LooseVersion(parts)
    }

    /// Python list ordering; a number against text at the first difference is
    /// a `TypeError`.
    pub(crate) fn compare(&self, other: &Self) -> Result<Ordering, Incomparable> {
        for (a, b) in self.0.iter().zip(&other.0) {
            if a == b {
                continue;
            }
            return match (a, b) {
                (LoosePart::Num(x), LoosePart::Num(y)) => Ok(x.cmp(y)),
                (LoosePart::Text(x), LoosePart::Text(y)) => Ok(x.cmp(y)),
                _ => Err(Incomparable),
            };
        }
        Ok(self.0.len().cmp(&other.0.len()))
    }
}

/// An `AppUpdatePin` value: `N.` or `N.M.`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PinVersion(Vec<u64>);

impl PinVersion {
    /// `^(\d+)\.((\d+)\.)?$`; `None` is Balrog's "Version Pin String ... is invalid".
    pub(crate) fn parse(pin: &str) -> Option<Self> {
        let body = strip_dollar(pin).strip_suffix('.')?;
        match body.split_once('.') {
            None => Some(PinVersion(vec![digits(body)?])),
            Some((major, minor)) => Some(PinVersion(vec![digits(major)?, digits(minor)?])),
        }
    }

    /// The normalised form used to look up pinnable releases (`0102.` → `102.`).
    pub(crate) fn normalized(&self) -> String {
        self.0.iter().fold(String::new(), |mut s, n| {
            let _ = write!(s, "{n}.");
            s
        })
    }

    /// True when `release` lies beyond the pin: the pin tuple is less than the
    /// release's numbers cut to the pin's length.
    pub(crate) fn exceeded_by(&self, release: &StrictVersion) -> bool {
        self.0.as_slice() < &release.numbers[..self.0.len()]
    }
}

fn parse_post_modern(v: &str) -> Option<StrictVersion> {
    // ^(\d+)\.(\d+)(\.(\d+))?(a(\d+))?$
    let body = strip_dollar(v);
    let (numbers, rest) = leading_numbers(body)?;
    let pre = match rest {
        "" => None,
        _ => Some((b'a', digits(rest.strip_prefix('a')?)?)),
    };
    Some(StrictVersion { numbers, pre })
}

fn parse_modern(v: &str) -> Option<StrictVersion> {
    // ^(\d+)\.(\d+)(\.(\d+))?([a-zA-Z]+(\d+))?$
    let body = strip_dollar(v);
    let (numbers, rest) = leading_numbers(body)?;
    let pre = if rest.is_empty() {
        None
    } else {
        let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters == 0 {
            return None;
        }
        Some((rest.as_bytes()[0], digits(&rest[letters..])?))
    };
    Some(StrictVersion { numbers, pre })
}

fn parse_ancient(v: &str) -> Option<StrictVersion> {
    // ^(\d+)\.(\d+)\.\d(\.(\d+))([a-zA-Z]+(\d+))?$ ; the single digit y is dropped.
    let body = strip_dollar(v);
    let mut it = body.splitn(4, '.');
    let major = digits(it.next()?)?;
    let minor = digits(it.next()?)?;
    let y = it.next()?;
    if y.len() != 1 || !y.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let rest = it.next()?;
    let patch_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let patch = digits(&rest[..patch_len])?;
    let tail = &rest[patch_len..];
    let pre = if tail.is_empty() {
        None
    } else {
        let letters = tail.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters == 0 {
            return None;
        }
        Some((tail.as_bytes()[0], digits(&tail[letters..])?))
    };
    Some(StrictVersion {
        numbers: [major, minor, patch],
        pre,
    })
}

/// `N.M` or `N.M.P` at the start of `s`, and what follows it.
fn leading_numbers(s: &str) -> Option<([u64; 3], &str)> {
    let (major, rest) = take_digits(s)?;
    let rest = rest.strip_prefix('.')?;
    let (minor, mut rest) = take_digits(rest)?;
    let mut patch = 0;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let (p, r) = take_digits(after_dot)?;
        patch = p;
        rest = r;
    }
    Some(([major, minor, patch], rest))
}

fn take_digits(s: &str) -> Option<(u64, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    Some((digits(&s[..n])?, &s[n..]))
}

/// A non-empty run of ASCII digits, saturating.
fn digits(s: &str) -> Option<u64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| saturating_u64(s))
}

fn saturating_u64(s: &str) -> u64 {
    s.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    })
}

/// Python's `$` also matches before one final newline.
fn strip_dollar(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

/// Python's `int(s)` for deciding a version's class: surrounding whitespace, a
/// sign and single underscores between digits are accepted.
pub(crate) fn python_int(s: &str) -> Option<i128> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    let mut n: i128 = 0;
    for c in body.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(10)?;
        n = n.saturating_mul(10).saturating_add(i128::from(d));
    }
    Some(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(v: &str) -> StrictVersion {
        MozVersion::parse_strict(v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn invalid(v: &str) -> bool {
        MozVersion::parse(v).is_err()
    }

    #[test]
    fn reference_strings_parse_as_documented() {
        assert_eq!(
            strict("60.0a1"),
            StrictVersion {
                numbers: [60, 0, 0],
                pre: Some((b'a', 1))
            }
        );
        assert_eq!(
            strict("115.5.0"),
            StrictVersion {
                numbers: [115, 5, 0],
                pre: None
            }
        );
        assert!(invalid("115.5.0esr"));
        assert_eq!(
            strict("3.6.13"),
            StrictVersion {
                numbers: [3, 6, 13],
                pre: None
            }
        );
        assert!(invalid("120.0b9"));
        assert!(invalid("1.0pre"));
        assert_eq!(
            strict("4.0b12"),
            StrictVersion {
                numbers: [4, 0, 0],
                pre: Some((b'b', 12))
            }
        );
        assert_eq!(
            strict("1.5.0.12"),
            StrictVersion {
                numbers: [1, 5, 12],
                pre: None
            }
        );
    }

    #[test]
    fn other_invalid_forms() {
        for v in [
            "10",
            "60.0a",
            "60.0.10.1",
            "",
            "1.5.00.12",
            " 60.0",
            "+5.0",
            "1_0.0",
            "a.b",
        ] {
            assert!(invalid(v), "{v:?} should be invalid");
        }
        assert!(!invalid("3.6.3plugin1"));
        assert!(!invalid("1.0rc1"));
        assert!(
            !invalid("60.0\n"),
            "Python's $ matches before a final newline"
        );
    }

    #[test]
    fn ordering_matches_balrog() {
        let lt = |a: &str, b: &str| assert!(strict(a) < strict(b), "{a} < {b}");
        lt("60.0a1", "60.0");
        lt("60.0a1", "60.0a2");
        lt("3.6b3", "3.6");
        lt("3.6.3plugin1", "3.6.3");
        lt("3.6.3b2", "3.6.3plugin1");
        lt("4.0b2", "4.0b12");
        lt("3.6.13", "4.0");
        assert_eq!(strict("60.0"), strict("60.0.0"));
        assert_eq!(strict("3.6.3plugin1"), strict("3.6.3p1"));
    }

    #[test]
    fn python_str_drops_zero_patch_and_keeps_one_letter() {
        assert_eq!(strict("115.5.0").python_str(), "115.5");
        assert_eq!(strict("3.6.3plugin1").python_str(), "3.6.3p1");
        assert_eq!(strict("1.5.0.12").python_str(), "1.5.12");
        assert_eq!(strict("060.01").python_str(), "60.1");
    }

    #[test]
    fn globs_match_by_major_or_major_minor() {
        let glob = |g: &str, v: &str| {
            MozVersion::parse(g)
                .unwrap()
                .either_eq(&MozVersion::parse(v).unwrap())
        };
        assert!(glob("70.*", "70.0a1"));
        assert!(glob("70.*", "70.3.1"));
        assert!(!glob("70.*", "71.0"));
        assert!(glob("80.0.*", "80.0"));
        assert!(glob("80.0.*", "80.0.5"));
        assert!(!glob("80.0.*", "80.1"));
        assert!(
            !glob("80.0.*", "80.0a1"),
            "neither the string prefix nor the tuple side matches"
        );
        assert!(glob("99.8.*", "99.8.1"));
        assert!(!glob("99.8.*", "99.9.0"));
        assert!(invalid("3.*"), "globs need a major version above 4");
        assert!(invalid("70.1.2.*"));
    }

    #[test]
    fn python_int_tolerance() {
        assert_eq!(python_int(" 60 "), Some(60));
        assert_eq!(python_int("+5"), Some(5));
        assert_eq!(python_int("1_0"), Some(10));
        assert_eq!(python_int("-3"), Some(-3));
        assert_eq!(python_int("1__0"), None);
        assert_eq!(python_int("_1"), None);
        assert_eq!(python_int("8.1023"), None);
        assert_eq!(python_int(""), None);
    }

    #[test]
    fn loose_versions_compare_like_lists() {
        let cmp = |a: &str, b: &str| LooseVersion::parse(a).compare(&LooseVersion::parse(b));
        assert_eq!(cmp("0.5.0.0", "0.4.0.0-beta"), Ok(Ordering::Greater));
        assert_eq!(cmp("0.4.0.0", "0.4.0.0-beta"), Ok(Ordering::Less));
        assert_eq!(cmp("1.10", "1.9"), Ok(Ordering::Greater));
        assert_eq!(cmp("1.0", "1.0"), Ok(Ordering::Equal));
        assert_eq!(cmp("1.a", "1.2"), Err(Incomparable));
        assert_eq!(
            LooseVersion::parse("0.4.0.0-beta").0,
            vec![
                LoosePart::Num(0),
                LoosePart::Num(4),
                LoosePart::Num(0),
                LoosePart::Num(0),
                LoosePart::Text("-".into()),
                LoosePart::Text("beta".into())
            ]
        );
    }

    #[test]
    fn pins_parse_normalise_and_bound_releases() {
        let pin = PinVersion::parse("0102.").unwrap();
        assert_eq!(pin.normalized(), "102.");
        assert!(PinVersion::parse("102").is_none());
        assert!(PinVersion::parse("2").is_none());
        assert!(PinVersion::parse("").is_none());
        assert!(PinVersion::parse("1.2.3.").is_none());
        let p102 = PinVersion::parse("102.").unwrap();
        let p1021 = PinVersion::parse("102.1.").unwrap();
        assert!(!p102.exceeded_by(&strict("102.5.0")));
        assert!(p102.exceeded_by(&strict("103.0")));
        assert!(p1021.exceeded_by(&strict("102.2.0")));
        assert!(!p1021.exceeded_by(&strict("102.1.5")));
    }
}
