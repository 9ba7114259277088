//! Values that become path segments of the tree (products, versions,
//! buildIDs, build targets, locales, channels, distributions): each is
//! checked where it is read, with an error at its place when it cannot be a
//! directory name, and collected so that values differing only by case,
//! which are one directory on case-insensitive file systems, are reported.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::route::Param;
use crate::segment;
use crate::source::Loc;

/// The segment values read so far, with where each was written.
#[derive(Debug, Default)]
pub(crate) struct Segments {
    seen: Vec<(Param, String, Loc)>,
}

/// An error at `loc` when `value` cannot be a path segment; `what` names
/// the field ("locale", "release name").
pub(crate) fn check(value: &str, what: &str, loc: Loc, diags: &mut Diagnostics) -> bool {
    let Err(problem) = segment::check(value) else {
        return true;
    };
    diags.push(
        Diagnostic::error(
            Code::InvalidValue,
            format!(
                "{what} `{}` cannot be a directory name in the tree: {problem}",
                segment::shown(value)
            ),
        )
        .at(loc, "not a valid path segment")
        .help(format!(
            "values that become directory names must be {}",
            segment::VALID
        )),
    );
    false
}

impl Segments {
    /// Checks a value of parameter `param` and remembers it.
    pub(crate) fn check(
        &mut self,
        param: Param,
        value: &str,
        loc: Loc,
        diags: &mut Diagnostics,
    ) -> bool {
        let mut ok = check(value, param.key(), loc, diags);
        if ok
            && matches!(param, Param::Version | Param::BuildId)
            && value == crate::space::CATCH_ALL_SEGMENT
        {
            diags.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("{} `{value}` is reserved", param.key()),
                )
                .at(loc, "the tree's directory for builds it does not know")
                .help(format!(
                    "use the {} the build reports; `{value}` answers every build older than the known ones",
                    param.key()
                )),
            );
            ok = false;
        }
        if ok {
            self.seen.push((param, value.to_owned(), loc));
        }
        ok
    }

    pub(crate) fn extend(&mut self, other: Segments) {
        self.seen.extend(other.seen);
    }

    /// Warns of values of one parameter that differ only by case: on
    /// case-insensitive file systems (macOS, Windows checkouts, some CDNs'
    /// object keys) their directories are one, and one answer overwrites
    /// the other. One warning per group, at the first place of each
    /// spelling after the first.
    pub(crate) fn case_collisions(&self, diags: &mut Diagnostics) {
        // (param, lowercase) -> spelling -> first place written
        let mut groups: BTreeMap<(Param, String), BTreeMap<&str, Loc>> = BTreeMap::new();
        for (param, value, loc) in &self.seen {
            let lower = value.to_lowercase();
            if lower == *value && value.to_uppercase() == *value {
                // No letters with case: nothing can collide with it but itself.
                continue;
            }
            groups
                .entry((*param, lower))
                .or_default()
                .entry(value.as_str())
                .or_insert(*loc);
        }
        for ((param, _), spellings) in groups {
            if spellings.len() < 2 {
                continue;
            }
            let mut places: Vec<(&str, Loc)> = spellings.into_iter().collect();
            places.sort_by_key(|(v, loc)| (loc.file, loc.start, *v));
            let (first, first_loc) = places[0];
            let names: Vec<&str> = places.iter().map(|(v, _)| *v).collect();
            for (value, loc) in &places[1..] {
                diags.push(
                    Diagnostic::warning(
                        Code::CaseCollision,
                        format!(
                            "{} {} differ only by case: on a case-insensitive file system (macOS, Windows, some CDNs' object keys) they are one directory, and one answer overwrites the other",
                            param.key(),
                            crate::diag::and_ticked(&names)
                        ),
                    )
                    .at(*loc, format!("`{value}` here"))
                    .note(first_loc, format!("`{first}` here"))
                    .help("spell the value the same everywhere (clients send one spelling)"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn at(start: u32) -> Loc {
        Loc {
            file: FileId::NONE,
            start,
            len: 1,
        }
    }

    #[test]
    fn invalid_values_are_errors_at_their_place() {
        let mut segs = Segments::default();
        let mut diags = Diagnostics::default();
        assert!(!segs.check(Param::Locale, "../de", at(7), &mut diags));
        assert!(segs.check(Param::Locale, "de", at(9), &mut diags));
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::InvalidValue);
        assert_eq!(
            d.message,
            "locale `../de` cannot be a directory name in the tree: it contains `/`, which separates directories"
        );
        assert_eq!(d.primary.as_ref().unwrap().loc, at(7));
        assert!(d.help.as_deref().unwrap().contains("at most 255 bytes"));
    }

    #[test]
    fn values_differing_only_by_case_warn_once_per_spelling() {
        let mut segs = Segments::default();
        let mut diags = Diagnostics::default();
        for (v, start) in [("de", 1), ("DE", 2), ("De", 3), ("de", 4), ("fr", 5)] {
            segs.check(Param::Locale, v, at(start), &mut diags);
        }
        // The same spelling of another parameter does not collide.
        segs.check(Param::Channel, "DE", at(6), &mut diags);
        segs.check(Param::Channel, "20260101", at(7), &mut diags);
        segs.case_collisions(&mut diags);
        let warnings: Vec<&Diagnostic> = diags.iter().collect();
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings.iter().all(|d| d.code == Code::CaseCollision));
        assert!(
            warnings[0]
                .message
                .starts_with("locale `de`, `DE` and `De` differ only by case")
        );
        assert_eq!(warnings[0].primary.as_ref().unwrap().loc, at(2));
        assert_eq!(warnings[1].primary.as_ref().unwrap().loc, at(3));
    }
}
