//! Every file cinder reads, kept with its text so that diagnostics can quote it,
//! and the locations (`Loc`) that point into those files.

mod node;

use std::path::PathBuf;
use std::sync::Arc;

pub(crate) use node::{Key, Node, Value, parse_yaml};

/// Index of a file in `Sources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FileId(u32);

impl FileId {
    /// For values that come from no file (defaults, command-line input).
    pub(crate) const NONE: FileId = FileId(u32::MAX);
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
        let (line, column) = line_column(&file.text, loc.start as usize);
        format!("{}:{line}:{column}", file.display.display())
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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
    }
}
