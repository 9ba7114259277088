//! Problems found in a site: values collected rather than thrown, so that
//! `cinder check` reports every one, each with its place, a stable code and
//! what would be valid.

mod code;
mod excerpt;
mod render;

pub(crate) use code::Code;
pub(crate) use render::{Style, render};

use std::collections::{BTreeMap, HashMap};

use crate::source::Loc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Severity {
    Warning,
    Error,
}

/// A place in a file and what to say about it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Label {
    pub(crate) loc: Loc,
    pub(crate) text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Diagnostic {
    pub(crate) severity: Severity,
    pub(crate) code: Code,
    pub(crate) message: String,
    /// Where the problem is.
    pub(crate) primary: Option<Label>,
    /// Other places that explain it (the rule that shadows, the template
    /// a value came from); they may be in other files.
    pub(crate) notes: Vec<Label>,
    pub(crate) help: Option<String>,
}

impl Diagnostic {
    pub(crate) fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub(crate) fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    /// A diagnostic with the code's own severity.
    pub(crate) fn new(severity: Severity, code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            primary: None,
            notes: Vec::new(),
            help: None,
        }
    }

    #[must_use]
    pub(crate) fn at(mut self, loc: Loc, text: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            loc,
            text: text.into(),
        });
        self
    }

    #[must_use]
    pub(crate) fn note(mut self, loc: Loc, text: impl Into<String>) -> Diagnostic {
        if !loc.is_none() {
            self.notes.push(Label {
                loc,
                text: text.into(),
            });
        }
        self
    }

    #[must_use]
    pub(crate) fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How many diagnostics of one code are kept by default; the others are
/// counted. A site with 20,000 overlapping rules has 200 million overlaps:
/// each one in full would be gigabytes of output.
pub(crate) const KEPT_PER_CODE: usize = 100;

/// The diagnostics found so far: at most `cap` of each code (the first ones
/// found), and how many more of each were found.
#[derive(Debug)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
    cap: Option<usize>,
    kept: HashMap<Code, usize>,
    /// Per code: errors and warnings found beyond the cap.
    left_out: BTreeMap<Code, (usize, usize)>,
}

impl Default for Diagnostics {
    fn default() -> Self {
        Diagnostics::capped(Some(KEPT_PER_CODE))
    }
}

impl Diagnostics {
    /// Keeping at most `cap` diagnostics of each code (`None`: all).
    pub(crate) fn capped(cap: Option<usize>) -> Diagnostics {
        Diagnostics {
            items: Vec::new(),
            cap,
            kept: HashMap::new(),
            left_out: BTreeMap::new(),
        }
    }

    /// An empty list keeping as many as this one does.
    pub(crate) fn like(&self) -> Diagnostics {
        Diagnostics::capped(self.cap)
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        let (severity, code) = (d.severity, d.code);
        self.push_with(severity, code, || d);
    }

    /// Pushes the diagnostic `make` makes, or only counts it when this code
    /// has all it keeps (so that lints do not build messages no one sees).
    pub(crate) fn push_with(
        &mut self,
        severity: Severity,
        code: Code,
        make: impl FnOnce() -> Diagnostic,
    ) {
        let kept = self.kept.entry(code).or_default();
        if self.cap.is_some_and(|cap| *kept >= cap) {
            let counts = self.left_out.entry(code).or_default();
            match severity {
                Severity::Error => counts.0 += 1,
                Severity::Warning => counts.1 += 1,
            }
            return;
        }
        *kept += 1;
        self.items.push(make());
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
        for (code, (e, w)) in other.left_out {
            let counts = self.left_out.entry(code).or_default();
            counts.0 += e;
            counts.1 += w;
        }
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error) || self.left_out.values().any(|(e, _)| *e > 0)
    }

    /// Errors found, those left out included.
    pub(crate) fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
            + self.left_out.values().map(|(e, _)| e).sum::<usize>()
    }

    /// Warnings found, those left out included.
    pub(crate) fn warnings(&self) -> usize {
        self.items.iter().filter(|d| !d.is_error()).count()
            + self.left_out.values().map(|(_, w)| w).sum::<usize>()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty() && self.left_out.is_empty()
    }

    /// The diagnostics kept.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Per code, the errors and warnings found but not kept.
    pub(crate) fn left_out(&self) -> impl Iterator<Item = (Code, usize, usize)> + '_ {
        self.left_out.iter().map(|(c, (e, w))| (*c, *e, *w))
    }

    /// Sorted by file and position so that output does not depend on the
    /// order in which parallel work finished.
    pub(crate) fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.primary.as_ref().map(|l| (l.loc.file, l.loc.start));
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup();
    }
}

/// Edit distance counting insertions, deletions, substitutions and swaps of
/// neighbouring characters (optimal string alignment), for "did you mean".
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The closest candidate to `name`, if it is close enough to be a typo
/// (case-insensitive equality always counts).
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let d = if c.to_ascii_lowercase() == lower {
                0
            } else {
                edit_distance(name, c)
            };
            (d, c)
        })
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "`a`, `b` or `c`"
pub(crate) fn or_ticked<S: AsRef<str>>(items: &[S]) -> String {
    join_ticked(items, "or")
}

/// "`a`, `b` and `c`"
pub(crate) fn and_ticked<S: AsRef<str>>(items: &[S]) -> String {
    join_ticked(items, "and")
}

fn join_ticked<S: AsRef<str>>(items: &[S], word: &str) -> String {
    let ticked: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match ticked.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// 12345678 as "12,345,678".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_and_case_slips() {
        let fields = [
            "fallbackMapping",
            "mapping",
            "backgroundRate",
            "buildTarget",
        ];
        assert_eq!(suggest("fallbackmapping", fields), Some("fallbackMapping"));
        assert_eq!(suggest("maping", fields), Some("mapping"));
        assert_eq!(suggest("backgroundrate", fields), Some("backgroundRate"));
        assert_eq!(suggest("zzz", fields), None);
        assert_eq!(
            suggest("bsae", ["base"]),
            Some("base"),
            "a swap is one edit"
        );
    }

    #[test]
    fn ticked_lists_read_naturally() {
        assert_eq!(or_ticked(&["a"]), "`a`");
        assert_eq!(or_ticked(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(and_ticked(&["a", "b"]), "`a` and `b`");
    }
}
