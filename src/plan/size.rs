//! How large a planned tree is (files, and the directories that hold
//! them), and the hard limits above which `build` refuses to write it.

use crate::diag::thousands;

use super::Plan;

/// The files of a tree and the directories that hold them, counted as a
/// web server or a copy that follows links sees them (shared subtrees
/// count once per place they appear); the root is not counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TreeSize {
    pub(crate) files: u64,
    pub(crate) directories: u64,
}

impl Plan {
    /// The size of the tree this plan describes. Linear in the paths: a
    /// directory's files are contiguous among sorted paths, so each path
    /// adds the directories it does not share with the path before it.
    pub(crate) fn size(&self) -> TreeSize {
        let mut size = TreeSize::default();
        let mut previous = "";
        for (path, _) in &self.files {
            size.files += 1;
            let shared = common_directories(previous, path);
            size.directories += path[shared..].matches('/').count() as u64;
            previous = path;
        }
        size
    }
}

/// The length of the longest common prefix of `a` and `b` that ends just
/// after a `/` (the directories both paths are in).
fn common_directories(a: &str, b: &str) -> usize {
    let mut end = 0;
    for (i, (x, y)) in a.bytes().zip(b.bytes()).enumerate() {
        if x != y {
            break;
        }
        if x == b'/' {
            end = i + 1;
        }
    }
    end
}

/// The most files and directories a build may write, set by whoever runs
/// it (`build --max-files`, `--max-directories`), not by the site: a pull
/// request cannot raise them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HardLimits {
    pub(crate) files: u64,
    pub(crate) directories: u64,
}

impl HardLimits {
    /// About three times a synthetic Firefox at scale 1.0 (1.6 million
    /// files in 5.4 million directories, see BENCHMARKS.md).
    pub(crate) const FILES: u64 = 5_000_000;
    pub(crate) const DIRECTORIES: u64 = 15_000_000;

    /// Why `size` is over these limits, if it is.
    pub(crate) fn exceeded(&self, size: TreeSize) -> Option<String> {
        let over = |what: &str, n: u64, limit: u64, flag: &str| {
            (n > limit).then(|| {
                format!(
                    "the tree would hold {} {what}, over the limit of {} (`--{flag}`)",
                    thousands(n),
                    thousands(limit),
                )
            })
        };
        let reasons: Vec<String> = [
            over("files", size.files, self.files, "max-files"),
            over(
                "directories",
                size.directories,
                self.directories,
                "max-directories",
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }
}

impl Default for HardLimits {
    fn default() -> Self {
        HardLimits {
            files: HardLimits::FILES,
            directories: HardLimits::DIRECTORIES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(paths: &[&str]) -> Plan {
        let mut files: Vec<(String, u32)> = paths.iter().map(|p| ((*p).to_owned(), 0)).collect();
        files.sort();
        Plan {
            files,
            ..Plan::default()
        }
    }

    /// Every distinct directory of the paths, counted the slow way.
    fn directories(paths: &[&str]) -> u64 {
        let mut dirs = std::collections::BTreeSet::new();
        for p in paths {
            let mut at = 0;
            while let Some(i) = p[at..].find('/') {
                dirs.insert(&p[..at + i]);
                at += i + 1;
            }
        }
        dirs.len() as u64
    }

    #[test]
    fn directories_are_counted_once_each() {
        let paths = [
            "cinder-empty.xml",
            "update/6/A/1.0/x/update.xml",
            "update/6/A/1.0/y/update.xml",
            "update/6/A/1.0.1/x/update.xml",
            "update/6/A/1.0-x/update.xml",
            "update/6/A/1.00/update.xml",
            "update/3/B/update.xml",
            "update/6/A/1.0/x/sub/update.xml",
        ];
        let size = plan(&paths).size();
        assert_eq!(size.files, 8);
        assert_eq!(size.directories, directories(&paths));
        assert_eq!(size.directories, 13);
    }

    #[test]
    fn limits_name_what_is_over_and_the_flag_that_raises_it() {
        let limits = HardLimits {
            files: 10,
            directories: 1_000_000,
        };
        assert_eq!(
            limits.exceeded(TreeSize {
                files: 10,
                directories: 1_000_000
            }),
            None
        );
        assert_eq!(
            limits
                .exceeded(TreeSize {
                    files: 11,
                    directories: 1_000_001
                })
                .unwrap(),
            "the tree would hold 11 files, over the limit of 10 (`--max-files`); the tree would hold 1,000,001 directories, over the limit of 1,000,000 (`--max-directories`)"
        );
    }
}
