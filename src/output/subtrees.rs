//! Content-addressed subtrees that generations share.
//!
//! A plan's tree is cut at one directory depth `d`, chosen from the plan so
//! that the subtrees hold a few hundred files and directories each. Every
//! directory at depth `d` is stored once, in `.NAME.cinder/trees/KEY`, where
//! KEY names the SHA-256 of its files' relative paths and bodies; in a
//! generation that directory is a relative symlink to it. Identical subtrees
//! (in one tree or across generations) are one store entry, so a rebuild
//! makes only the subtrees that changed, plus the generation's top part.
//!
//! A subtree is made under a temporary name inside the store and renamed into
//! place, so an entry that exists is complete. Each generation lists the
//! entries it uses (`cinder-trees.txt`), which is how unused ones are found.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::plan::Plan;

use super::blobs::Blobs;
use super::durable::Syncs;
use super::{Counter, make_dirs, remove_tree, symlink};

/// The store's directory, in the state directory.
pub(super) const STORE: &str = "trees";
/// The list of store entries a generation uses, at its root.
pub(super) const LIST: &str = "cinder-trees.txt";
const LIST_HEADER: &str = "# cinder: the subtrees (in ../trees) this generation links to";

/// The average subtree size (files and directories) the cut aims below.
const SUBTREE_INODES: u64 = 512;

/// One directory at the cut depth: a run of the plan's files.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Subtree {
    /// The files, as a range of `plan.files`.
    pub(super) start: usize,
    pub(super) end: usize,
    /// Bytes of the directory's path in the files' paths (before its `/`).
    pub(super) prefix: usize,
    /// Digest of the files' paths below the directory and their bodies.
    pub(super) hash: [u8; 32],
}

/// How a plan's files split between a generation's top part and subtrees.
#[derive(Debug)]
pub(super) struct Layout {
    /// The depth (directories from the root) of the subtrees; 0 for none.
    pub(super) depth: usize,
    /// The files above the cut (indices into `plan.files`), in order.
    pub(super) top: Vec<usize>,
    /// In path order.
    pub(super) subtrees: Vec<Subtree>,
}

/// The number of distinct directories at each depth (index 0: depth 1).
fn directories_per_depth(plan: &Plan) -> Vec<u64> {
    let mut counts: Vec<u64> = Vec::new();
    let mut previous: Vec<&str> = Vec::new();
    // Sorted paths keep each directory's files together, so a directory is
    // new exactly where a path's directories part from the previous path's.
    for (path, _) in &plan.files {
        let dirs: Vec<&str> = match path.rsplit_once('/') {
            Some((dir, _)) => dir.split('/').collect(),
            None => Vec::new(),
        };
        let common = previous
            .iter()
            .zip(&dirs)
            .take_while(|(a, b)| a == b)
            .count();
        if counts.len() < dirs.len() {
            counts.resize(dirs.len(), 0);
        }
        for count in &mut counts[common..dirs.len()] {
            *count += 1;
        }
        previous = dirs;
    }
    counts
}

/// The shallowest depth whose directories average at most
/// `SUBTREE_INODES` files and directories of the whole tree; when none
/// does, the depth with the most directories; 0 when there are none.
fn cut_depth(files: u64, per_depth: &[u64]) -> usize {
    let inodes = files + per_depth.iter().sum::<u64>();
    if let Some(i) = per_depth
        .iter()
        .position(|&n| n > 0 && inodes <= SUBTREE_INODES * n)
    {
        return i + 1;
    }
    let most = per_depth.iter().copied().max().unwrap_or(0);
    per_depth
        .iter()
        .position(|&n| n == most && n > 0)
        .map_or(0, |i| i + 1)
}

/// Where a path's first `depth` components end, if it has more.
fn prefix_end(path: &str, depth: usize) -> Option<usize> {
    if depth == 0 {
        return None;
    }
    path.match_indices('/').nth(depth - 1).map(|(i, _)| i)
}

impl Layout {
    pub(super) fn of(plan: &Plan) -> Layout {
        let depth = cut_depth(plan.files.len() as u64, &directories_per_depth(plan));
        Layout::at(plan, depth)
    }

    pub(super) fn at(plan: &Plan, depth: usize) -> Layout {
        let mut top = Vec::new();
        let mut subtrees: Vec<Subtree> = Vec::new();
        for (i, (path, _)) in plan.files.iter().enumerate() {
            let Some(end) = prefix_end(path, depth) else {
                top.push(i);
                continue;
            };
            match subtrees.last_mut() {
                Some(last)
                    if last.prefix == end
                        && plan.files[last.start].0.as_bytes()[..end] == path.as_bytes()[..end] =>
                {
                    last.end = i + 1;
                }
                _ => subtrees.push(Subtree {
                    start: i,
                    end: i + 1,
                    prefix: end,
                    hash: [0; 32],
                }),
            }
        }
        subtrees.par_iter_mut().for_each(|s| {
            let mut h = Sha256::new();
            h.update(b"cinder subtree 1\0");
            for (path, body) in s.files(plan) {
                h.update(&path.as_bytes()[s.prefix + 1..]);
                h.update([0]);
                h.update(plan.body(*body).sha256);
            }
            s.hash = h.finalize().into();
        });
        Layout {
            depth,
            top,
            subtrees,
        }
    }

    /// The distinct store entries, sorted.
    pub(super) fn entries(&self) -> Vec<String> {
        let mut hashes: Vec<[u8; 32]> = self.subtrees.iter().map(|s| s.hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes.iter().map(name).collect()
    }
}

impl Subtree {
    pub(super) fn files<'p>(&self, plan: &'p Plan) -> &'p [(String, u32)] {
        &plan.files[self.start..self.end]
    }

    /// The directory's path in the tree.
    pub(super) fn path<'p>(&self, plan: &'p Plan) -> &'p str {
        &plan.files[self.start].0[..self.prefix]
    }
}

/// Makes the subtrees the store lacks (each distinct one once); returns how
/// many it made.
pub(super) fn fill_store(
    store: &Path,
    plan: &Plan,
    layout: &Layout,
    blobs: &Blobs<'_>,
    counter: &Counter<'_>,
    syncs: &Syncs,
) -> Result<u64, Error> {
    // One subtree per distinct hash, with how many files it stands for.
    let mut order: Vec<usize> = (0..layout.subtrees.len()).collect();
    order.sort_by_key(|&i| (layout.subtrees[i].hash, i));
    let mut distinct: Vec<(&Subtree, u64)> = Vec::new();
    for i in order {
        let s = &layout.subtrees[i];
        let files = (s.end - s.start) as u64;
        match distinct.last_mut() {
            Some((first, n)) if first.hash == s.hash => *n += files,
            _ => distinct.push((s, files)),
        }
    }
    let made: Vec<bool> = distinct
        .par_iter()
        .map(|(s, files)| {
            let made = make_subtree(store, plan, s, blobs, syncs)?;
            counter.add(*files);
            Ok::<bool, Error>(made)
        })
        .collect::<Result<_, _>>()?;
    syncs.dir(store)?;
    Ok(made.iter().filter(|m| **m).count() as u64)
}

/// Makes one store entry unless it exists; returns whether it made it.
fn make_subtree(
    store: &Path,
    plan: &Plan,
    s: &Subtree,
    blobs: &Blobs<'_>,
    syncs: &Syncs,
) -> Result<bool, Error> {
    let name = name(&s.hash);
    let entry = store.join(&name);
    match std::fs::symlink_metadata(&entry) {
        Ok(m) if m.is_dir() => return Ok(false),
        // Not a subtree cinder made (a symbolic link would publish what it
        // points at): replace it.
        Ok(_) => std::fs::remove_file(&entry).map_err(|e| Error::write(&entry, e))?,
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(Error::read(&entry, e)),
    }
    let tmp = store.join(format!("tmp-{}-{name}", std::process::id()));
    if let Err(e) = std::fs::create_dir(&tmp) {
        if e.kind() != ErrorKind::AlreadyExists {
            return Err(Error::write(&tmp, e));
        }
        remove_tree(&tmp).map_err(|e| Error::write(&tmp, e))?;
        std::fs::create_dir(&tmp).map_err(|e| Error::write(&tmp, e))?;
    }
    let files = s.files(plan);
    let dirs = make_dirs(&tmp, files.iter().map(|(p, _)| &p[s.prefix + 1..]))?;
    files
        .par_iter()
        .with_min_len(64)
        .try_for_each(|(path, body)| blobs.link(*body, &tmp.join(&path[s.prefix + 1..])))?;
    syncs.dirs(&tmp, dirs)?;
    if let Err(e) = std::fs::rename(&tmp, &entry) {
        // Only an entry that appeared meanwhile (it is complete) is fine.
        if std::fs::symlink_metadata(&entry).is_err() {
            return Err(Error::write(&entry, e));
        }
        remove_tree(&tmp).map_err(|e| Error::write(&tmp, e))?;
        return Ok(false);
    }
    Ok(true)
}

/// A store entry's name: the first 160 bits of its digest in lowercase
/// base32, 32 characters. Short, so that the symlinks to it (some ten
/// `../` and this) fit in the inode itself on ext4 (under 60 bytes) and
/// cost no data block each; long enough that no two subtrees share one.
pub(super) fn name(hash: &[u8; 32]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(32);
    for chunk in hash[..20].chunks(5) {
        let bits = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        for i in (0..8).rev() {
            out.push(char::from(ALPHABET[((bits >> (5 * i)) & 31) as usize]));
        }
    }
    out
}

/// The symlink target of a subtree at `depth`, relative to its directory in
/// a generation: up to the state directory, then into the store.
fn link_target(depth: usize, hash: &[u8; 32]) -> PathBuf {
    let mut target = PathBuf::new();
    for _ in 0..depth {
        target.push("..");
    }
    target.push(STORE);
    target.push(name(hash));
    target
}

/// Links every subtree of `layout` into the generation at `root` (whose
/// directories above the cut exist).
pub(super) fn link_into(root: &Path, plan: &Plan, layout: &Layout) -> Result<(), Error> {
    layout
        .subtrees
        .par_iter()
        .with_min_len(64)
        .try_for_each(|s| {
            let link = root.join(s.path(plan));
            symlink(&link_target(layout.depth, &s.hash), &link).map_err(|e| Error::write(&link, e))
        })
}

/// Writes the list of the store entries a generation uses.
pub(super) fn write_list(path: &Path, entries: &[String]) -> Result<(), Error> {
    let write = || {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(out, "{LIST_HEADER}")?;
        for e in entries {
            writeln!(out, "{e}")?;
        }
        out.flush()
    };
    write().map_err(|e| Error::write(path, e))
}

fn read_list(path: &Path) -> std::io::Result<Vec<String>> {
    let reader = BufReader::new(std::fs::File::open(path)?);
    reader
        .lines()
        .filter(|l| !l.as_ref().is_ok_and(|l| l.starts_with('#')))
        .collect()
}

/// Removes the store entries none of the `kept` generations uses. A kept
/// generation without a readable list (one published before subtrees, or
/// damaged) may use any entry: then nothing is removed.
pub(super) fn collect(store: &Path, kept: &[PathBuf]) -> Result<u64, Error> {
    let mut used: HashSet<String> = HashSet::new();
    for generation in kept {
        match read_list(&generation.join(LIST)) {
            Ok(entries) => used.extend(entries),
            Err(_) => return Ok(0),
        }
    }
    let unused: Vec<PathBuf> = std::fs::read_dir(store)
        .map_err(|e| Error::read(store, e))?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with("tmp-") && !used.contains(name.as_ref())
        })
        .map(|e| e.path())
        .collect();
    // Renamed first, so that a build killed meanwhile leaves no partial
    // entry under a name a later build would trust.
    unused.par_iter().try_for_each(|p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        let doomed = store.join(format!("tmp-{}-gc-{name}", std::process::id()));
        std::fs::rename(p, &doomed).map_err(|e| Error::write(p, e))?;
        remove_tree(&doomed).map_err(|e| Error::write(&doomed, e))
    })?;
    Ok(unused.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tests::plan;

    #[test]
    fn counts_directories_per_depth() {
        let p = plan(&[
            ("top.xml", "t"),
            ("a/b/c/x.xml", "1"),
            ("a/b/c/y.xml", "1"),
            ("a/b/d/x.xml", "1"),
            ("a/b.xml", "1"),
            ("a/e/x.xml", "2"),
            ("f/x.xml", "2"),
        ]);
        // Depth 1: a, f; depth 2: a/b, a/e; depth 3: a/b/c, a/b/d.
        assert_eq!(directories_per_depth(&p), vec![2, 2, 2]);
    }

    #[test]
    fn the_cut_is_the_shallowest_depth_with_small_enough_subtrees() {
        // 10,000 files and 1 + 10 + 100 + 1,000 directories: 11,111 inodes.
        assert_eq!(cut_depth(10_000, &[1, 10, 100, 1000]), 3);
        assert_eq!(cut_depth(100, &[1, 10, 100]), 1);
        // No depth is fine enough: the one with the most directories.
        assert_eq!(cut_depth(100_000, &[1, 10, 5]), 2);
        assert_eq!(cut_depth(3, &[]), 0);
    }

    #[test]
    fn identical_subtrees_share_one_hash_and_shallow_files_stay_on_top() {
        let p = plan(&[
            ("cinder-empty.xml", "e"),
            ("u/de/x/update.xml", "none"),
            ("u/de/y/update.xml", "none"),
            ("u/en/x/update.xml", "none"),
            ("u/en/y/update.xml", "none"),
            ("u/fr/x/update.xml", "new"),
            ("u/fr/y/update.xml", "none"),
            ("u/top.xml", "t"),
        ]);
        let layout = Layout::at(&p, 2);
        let tops: Vec<&str> = layout.top.iter().map(|&i| p.files[i].0.as_str()).collect();
        assert_eq!(tops, ["cinder-empty.xml", "u/top.xml"]);
        let paths: Vec<&str> = layout.subtrees.iter().map(|s| s.path(&p)).collect();
        assert_eq!(paths, ["u/de", "u/en", "u/fr"]);
        let [de, en, fr] = &layout.subtrees[..] else {
            panic!()
        };
        assert_eq!(de.hash, en.hash);
        assert_ne!(de.hash, fr.hash);
        assert_eq!(layout.entries().len(), 2);
        assert_eq!(
            link_target(2, &de.hash),
            Path::new("../../trees").join(name(&de.hash))
        );
    }

    #[test]
    fn a_prefix_that_is_also_a_longer_name_is_its_own_subtree() {
        // `a/b` and `a/b-c` share bytes but not a directory (and `-` sorts before `/`).
        let p = plan(&[("a/b/x", "1"), ("a/b-c/x", "1"), ("a/bc/x", "2")]);
        let layout = Layout::at(&p, 2);
        let paths: Vec<&str> = layout.subtrees.iter().map(|s| s.path(&p)).collect();
        assert_eq!(paths, ["a/b-c", "a/b", "a/bc"]);
        assert_eq!(layout.subtrees[0].hash, layout.subtrees[1].hash);
    }

    #[test]
    fn store_names_are_32_characters_of_base32_and_links_to_them_fit_in_an_inode() {
        assert_eq!(name(&[0; 32]), "a".repeat(32));
        assert_eq!(name(&[0xff; 32]), "7".repeat(32));
        let mut h = [0u8; 32];
        h[0] = 0b0000_1000; // the first character's lowest bit
        assert_eq!(&name(&h)[..2], "ba");
        h[0] = 0;
        h[1] = 0b0100_0000; // the second character's lowest bit
        assert_eq!(&name(&h)[..2], "ab");
        h[19] = 1; // the last of the 160 bits
        assert!(name(&h).ends_with('b'));
        h[20] = 1; // beyond them
        assert_eq!(
            name(&h),
            name(&{
                let mut g = h;
                g[20] = 0;
                g
            })
        );
        // The default route's subtrees are at depth 7.
        assert!(link_target(7, &[9; 32]).as_os_str().len() < 60);
    }
}
