//! Values that become path segments of the tree (products, versions,
//! buildIDs, build targets, locales, channels, distributions): each is
//! checked where it is read, with an error at its place when it cannot be a
//! directory name, and collected with where it was written.

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
}
