//! What a publish has to move: the tree compared with what DEST holds, which
//! is its manifest, except for the keys an unfinished publish may have left
//! either way (its journal), which are rewritten or deleted whatever they
//! hold. Pure: no I/O.

use crate::output::manifest::Line;

use super::error::Error;

/// Why a file is uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    /// DEST does not have the key.
    New,
    /// DEST's key holds other bytes.
    Changed,
    /// The key's content is unknown: an unfinished publish may have changed
    /// it, or it was there before cinder (`--adopt`).
    Unsure,
}

/// A file of the tree to upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Upload {
    /// Index into the tree's files.
    pub(crate) file: usize,
    pub(crate) why: Why,
}

/// Everything a publish moves.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Changes {
    /// In path order.
    pub(crate) uploads: Vec<Upload>,
    /// Keys the tree does not have, sorted.
    pub(crate) deletions: Vec<String>,
    pub(crate) unchanged: u64,
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletions.is_empty()
    }
}

/// Compares the tree's `files` (sorted) with DEST's manifest lines
/// (`published`, which must be sorted: `unsorted` makes the error) and the
/// keys whose content is unknown (`unsure`, sorted).
pub(crate) fn compare(
    files: &[Line],
    published: impl Iterator<Item = Result<Line, Error>>,
    unsure: &[String],
    unsorted: impl Fn(&str) -> Error,
) -> Result<Changes, Error> {
    let mut changes = Changes::default();
    let is_unsure = |path: &str| unsure.binary_search_by(|k| k.as_str().cmp(path)).is_ok();
    // A key the manifest lacks but DEST may have is unsure rather than new.
    let upload = |changes: &mut Changes, file: usize, why: Why| {
        let why = if why == Why::New && is_unsure(&files[file].path) {
            Why::Unsure
        } else {
            why
        };
        changes.uploads.push(Upload { file, why });
    };
    let mut i = 0;
    let mut previous: Option<String> = None;
    for line in published {
        let line = line?;
        if previous.as_ref().is_some_and(|p| *p >= line.path) {
            return Err(unsorted(&line.path));
        }
        while i < files.len() && files[i].path < line.path {
            upload(&mut changes, i, Why::New);
            i += 1;
        }
        if i < files.len() && files[i].path == line.path {
            if files[i].sha256 != line.sha256 || files[i].size != line.size {
                upload(&mut changes, i, Why::Changed);
            } else if is_unsure(&line.path) {
                upload(&mut changes, i, Why::Unsure);
            } else {
                changes.unchanged += 1;
            }
            i += 1;
        } else {
            changes.deletions.push(line.path.clone());
        }
        previous = Some(line.path);
    }
    while i < files.len() {
        upload(&mut changes, i, Why::New);
        i += 1;
    }
    // Keys an unfinished publish may have written that the tree lacks.
    let in_tree = |k: &str| files.binary_search_by(|f| f.path.as_str().cmp(k)).is_ok();
    changes
        .deletions
        .extend(unsure.iter().filter(|k| !in_tree(k)).cloned());
    changes.deletions.sort_unstable();
    changes.deletions.dedup();
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(path: &str, body: u8) -> Line {
        Line {
            path: path.to_owned(),
            size: 1,
            sha256: [body; 32],
        }
    }

    fn run(files: &[Line], published: &[Line], unsure: &[&str]) -> Result<Changes, Error> {
        let unsure: Vec<String> = unsure.iter().map(|s| (*s).to_owned()).collect();
        compare(files, published.iter().cloned().map(Ok), &unsure, |p| {
            Error::Tree(format!("unsorted at {p}"))
        })
    }

    #[test]
    fn only_new_changed_and_unsure_files_move_and_stale_keys_go() {
        let files = [line("a", 1), line("b", 2), line("c", 3), line("e", 5)];
        let published = [line("a", 1), line("b", 9), line("d", 4), line("e", 5)];
        let c = run(&files, &published, &[]).unwrap();
        assert_eq!(
            c.uploads,
            [
                Upload {
                    file: 1,
                    why: Why::Changed
                },
                Upload {
                    file: 2,
                    why: Why::New
                }
            ]
        );
        assert_eq!(c.deletions, ["d"]);
        assert_eq!(c.unchanged, 2);

        // An unfinished publish may have changed `a` and written `z`.
        let c = run(&files, &published, &["a", "z"]).unwrap();
        assert_eq!(
            c.uploads[0],
            Upload {
                file: 0,
                why: Why::Unsure
            }
        );
        assert_eq!(c.uploads.len(), 3);
        assert_eq!(c.deletions, ["d", "z"]);
        assert_eq!(c.unchanged, 1);

        // Nothing published yet: everything is new.
        let c = run(&files, &[], &[]).unwrap();
        assert_eq!(c.uploads.len(), 4);
        assert!(c.uploads.iter().all(|u| u.why == Why::New));

        // The same tree: nothing to do.
        assert!(run(&files, &files, &[]).unwrap().is_empty());
    }

    #[test]
    fn an_unsorted_manifest_is_refused() {
        let files = [line("a", 1)];
        let published = [line("b", 1), line("a", 1)];
        let e = run(&files, &published, &[]).unwrap_err();
        assert_eq!(e.to_string(), "unsorted at a");
    }
}
