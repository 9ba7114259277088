//! What a valid path segment of the published tree is: the one rule that
//! the loader applies to every value that becomes a directory or file name
//! (products, versions, buildIDs, build targets, locales, channels,
//! distributions, route literals, release names, ...), and that the writer
//! applies again to every path it is asked to write, so that no value, however
//! it got there, can name a place outside the tree.

use std::fmt;

/// The most bytes a segment may have: the file-name limit of ext4, XFS,
/// APFS, NTFS (in UTF-16 units, which is more) and most object stores' keys.
pub(crate) const MAX_BYTES: usize = 255;

/// What a valid segment is, for messages.
pub(crate) const VALID: &str = "not empty, not `.` or `..`, without `/`, `\\`, NUL or control characters, and at most 255 bytes";

/// Why a value cannot be a path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    Empty,
    /// `.` or `..`.
    Dots,
    /// `/` or `\`.
    Separator(char),
    /// NUL, another C0 or C1 control character, or DEL.
    Control(char),
    TooLong(usize),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("it is empty"),
            Problem::Dots => f.write_str("`.` and `..` mean the directory itself and its parent"),
            Problem::Separator(c) => write!(f, "it contains `{c}`, which separates directories"),
            Problem::Control(c) => write!(
                f,
                "it contains the control character U+{:04X}",
                u32::from(*c)
            ),
            Problem::TooLong(n) => {
                write!(f, "it is {n} bytes long, over the {MAX_BYTES}-byte limit")
            }
        }
    }
}

/// Checks that `value` can be one path segment: a single directory or file
/// name strictly inside its parent.
pub(crate) fn check(value: &str) -> Result<(), Problem> {
    if value.is_empty() {
        return Err(Problem::Empty);
    }
    if value == "." || value == ".." {
        return Err(Problem::Dots);
    }
    if let Some(c) = value.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(Problem::Separator(c));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Problem::Control(c));
    }
    if value.len() > MAX_BYTES {
        return Err(Problem::TooLong(value.len()));
    }
    Ok(())
}

pub(crate) fn is_valid(value: &str) -> bool {
    check(value).is_ok()
}

/// Checks a relative `/`-separated path: every segment valid, so that the
/// path names a place strictly inside the directory it is relative to.
/// The error names the offending segment.
pub(crate) fn check_path(path: &str) -> Result<(), (String, Problem)> {
    for part in path.split('/') {
        check(part).map_err(|p| (part.to_owned(), p))?;
    }
    Ok(())
}

/// `value` shown in a message: as written when printable, escaped otherwise,
/// and cut short when long.
pub(crate) fn shown(value: &str) -> String {
    const MAX_SHOWN: usize = 80;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX_SHOWN {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_that_stay_inside_their_parent_pass() {
        for ok in [
            "Firefox",
            "131.0",
            "20260831094200",
            "WINNT_x86_64-msvc-x64",
            "ja-JP-mac",
            "release-cck-acme",
            "_",
            "a b",
            "ünïcödé",
            "...",
            ".hidden",
            &"x".repeat(MAX_BYTES),
        ] {
            assert_eq!(check(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn segments_that_could_leave_their_parent_fail() {
        assert_eq!(check(""), Err(Problem::Empty));
        assert_eq!(check("."), Err(Problem::Dots));
        assert_eq!(check(".."), Err(Problem::Dots));
        assert_eq!(check("../x"), Err(Problem::Separator('/')));
        assert_eq!(check("a\\b"), Err(Problem::Separator('\\')));
        assert_eq!(check("a\0b"), Err(Problem::Control('\0')));
        assert_eq!(check("a\nb"), Err(Problem::Control('\n')));
        assert_eq!(check("a\u{7f}"), Err(Problem::Control('\u{7f}')));
        assert_eq!(check("a\u{85}"), Err(Problem::Control('\u{85}')));
        assert_eq!(
            check(&"é".repeat(128)),
            Err(Problem::TooLong(256)),
            "bytes, not characters"
        );
    }

    #[test]
    fn paths_are_checked_segment_by_segment() {
        assert_eq!(check_path("update/6/Firefox/update.xml"), Ok(()));
        assert_eq!(
            check_path("update/../../etc/passwd"),
            Err(("..".to_owned(), Problem::Dots))
        );
        assert_eq!(
            check_path("/etc/passwd"),
            Err((String::new(), Problem::Empty))
        );
        assert_eq!(check_path("a//b"), Err((String::new(), Problem::Empty)));
        assert_eq!(check_path("a/b/"), Err((String::new(), Problem::Empty)));
    }

    #[test]
    fn values_are_shown_printable_and_short() {
        assert_eq!(shown("a\nb"), "a\\nb");
        assert_eq!(shown(&"x".repeat(100)).chars().count(), 81);
    }
}
