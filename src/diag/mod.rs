//! Problems found in a site: values collected rather than thrown, so that
//! `cinder check` reports every one, each with its place, a stable code and
//! what would be valid.

mod code;
mod excerpt;
mod render;

pub(crate) use code::Code;
pub(crate) use render::{Style, render};

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

/// The diagnostics found so far.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub(crate) fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub(crate) fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
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
