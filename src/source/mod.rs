//! Every file cinder reads, kept with its text so that diagnostics can quote it,
//! and the locations (`Loc`) that point into those files.

mod node;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub(crate) use node::{Key, Node, SyntaxError, Value, parse_yaml};

/// Index of a file in `Sources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FileId(u32);

impl FileId {
    /// For values that come from no file (defaults, command-line input).
    pub(crate) const NONE: FileId = FileId(u32::MAX);

    /// The file's position among the site's sources.
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Loc {
    pub(crate) file: FileId,
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Default for Loc {
    fn default() -> Self {
        Loc::NONE
    }
}

impl Loc {
    pub(crate) const NONE: Loc = Loc {
        file: FileId::NONE,
        start: 0,
        len: 0,
    };

    pub(crate) fn file_start(file: FileId) -> Loc {
        Loc {
            file,
            start: 0,
            len: 0,
        }
    }

    pub(crate) fn is_none(self) -> bool {
        self.file == FileId::NONE
    }
}

/// A file as read: its path as shown to users (relative to the site) and text.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub(crate) display: PathBuf,
    pub(crate) text: Arc<str>,
    /// The byte range of each line, made when first asked for.
    lines: OnceLock<Vec<(usize, usize)>>,
}

impl SourceFile {
    /// The byte range of each line (without its line break), in order.
    pub(crate) fn lines(&self) -> &[(usize, usize)] {
        self.lines.get_or_init(|| line_ranges(&self.text))
    }

    /// The line (0-based) holding byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.lines()
            .partition_point(|(start, _)| *start <= offset)
            .saturating_sub(1)
    }
}

/// The byte range of each line of `text`, without its `\n` or `\r\n`.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push((start, end));
            start = i + 1;
        }
    }
    out.push((start, text.len()));
    out
}

/// All files read so far.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub(crate) fn add(&mut self, display: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 4 billion files"));
        self.files.push(SourceFile {
            display: display.into(),
            text: text.into(),
            lines: OnceLock::new(),
        });
        id
    }

    /// Every file, in the order read.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    pub(crate) fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// `path:line:column` (1-based) of a location.
    pub(crate) fn position(&self, loc: Loc) -> String {
        let Some(file) = self.get(loc.file) else {
            return "<command line>".to_owned();
        };
        let offset = (loc.start as usize).min(file.text.len());
        let line = file.line_of(offset);
        let start = file.lines()[line].0;
        let column = file
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        format!("{}:{}:{}", file.display.display(), line + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let mut sources = Sources::default();
        let id = sources.add("rules/a.yml", "a: 1\nbb: 2\n");
        assert_eq!(
            sources.position(Loc {
                file: id,
                start: 5,
                len: 2
            }),
            "rules/a.yml:2:1"
        );
        assert_eq!(
            sources.position(Loc {
                file: id,
                start: 9,
                len: 1
            }),
            "rules/a.yml:2:5"
        );
        assert_eq!(sources.position(Loc::NONE), "<command line>");
        let id = sources.add("crlf.yml", "a\r\nbé: x\r\n");
        let file = sources.get(id).unwrap();
        assert_eq!(file.lines(), [(0, 1), (3, 9), (11, 11)]);
        assert_eq!(
            sources.position(Loc {
                file: id,
                start: 8,
                len: 1
            }),
            "crlf.yml:2:5"
        );
    }
}
