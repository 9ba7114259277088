//! Finding and parsing a site's files: `cinder.yml`, `rules/*.yml`,
//! `releases/**/*.{yml,yaml,json}` and `templates/*.yml`, in path order,
//! parsed in parallel. Nothing is skipped in silence: a directory or file
//! that cannot be read is an `io` error. Symbolic links are followed when
//! they lead to a file or directory inside the site, and are an `io` error
//! otherwise (a site comes from pull requests; a link to `/etc/shadow` or
//! to a CI secret must not become a release).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Loc, Node, Sources, SyntaxError, parse_yaml};

/// The kinds of files a site holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Config,
    Rules,
    Release,
    Template,
}

/// A parsed file.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub(crate) id: FileId,
    pub(crate) kind: Kind,
    /// Path relative to the site root.
    pub(crate) rel: PathBuf,
    pub(crate) root: Option<Node>,
}

/// Reads and parses every file of the site at `dir`. Files that cannot be
/// read or parsed are reported and left out.
pub(crate) fn read_site(dir: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Vec<Parsed> {
    let site = Site::new(dir);
    let mut walk = Walk {
        site: &site,
        found: Vec::new(),
        problems: Vec::new(),
        read: HashSet::new(),
    };
    walk.found.push((Kind::Config, PathBuf::from("cinder.yml")));
    walk.list(Kind::Rules, "rules", false, &["yml", "yaml"]);
    walk.list(Kind::Release, "releases", true, &["yml", "yaml", "json"]);
    walk.list(Kind::Template, "templates", false, &["yml", "yaml"]);
    for (rel, problem) in walk.problems {
        let id = sources.add(rel.clone(), "");
        diags.push(
            Diagnostic::error(Code::Io, format!("`{}` {problem}", rel.display()))
                .at(Loc::file_start(id), "not read"),
        );
    }

    let texts: Vec<(Kind, PathBuf, Result<String, String>)> = walk
        .found
        .into_par_iter()
        .map(|(kind, rel)| {
            let text = site.read(&rel);
            (kind, rel, text)
        })
        .collect();

    let mut pending = Vec::with_capacity(texts.len());
    for (kind, rel, text) in texts {
        match text {
            Ok(text) => {
                let id = sources.add(rel.clone(), text);
                pending.push((id, kind, rel));
            }
            Err(e) => {
                let id = sources.add(rel.clone(), "");
                diags.push(
                    Diagnostic::error(Code::Io, format!("`{}` {e}", rel.display()))
                        .at(Loc::file_start(id), "this file"),
                );
            }
        }
    }
    let results: Vec<(Parsed, Option<Box<SyntaxError>>)> = pending
        .into_par_iter()
        .map(|(id, kind, rel)| {
            let text = sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
            match parse_yaml(id, &text) {
                Ok(root) => (
                    Parsed {
                        id,
                        kind,
                        rel,
                        root: Some(root),
                    },
                    None,
                ),
                Err(d) => (
                    Parsed {
                        id,
                        kind,
                        rel,
                        root: None,
                    },
                    Some(d),
                ),
            }
        })
        .collect();
    results
        .into_iter()
        .map(|(parsed, err)| {
            if let Some(e) = err {
                diags.push(Diagnostic::error(Code::YamlSyntax, e.message).at(e.loc, "here"));
            }
            parsed
        })
        .collect()
}

/// The most bytes cinder reads of one file (the largest real release
/// blobs are a few MB; this bounds what a hostile one can cost).
const MAX_FILE_BYTES: u64 = 256 << 20;

/// A site directory and its real place, for telling what is inside it.
pub(crate) struct Site {
    dir: PathBuf,
    real: PathBuf,
}

impl Site {
    pub(crate) fn new(dir: &Path) -> Site {
        Site {
            dir: dir.to_path_buf(),
            real: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
        }
    }

    /// Where `rel` really is when it is inside the site (following symbolic
    /// links, which may lead anywhere inside it), or why it cannot be read.
    fn resolve(&self, rel: &Path) -> Result<PathBuf, String> {
        let path = self.dir.join(rel);
        let real = std::fs::canonicalize(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) =>
            {
                "is a symbolic link to nothing".to_owned()
            }
            _ => format!("cannot be read: {e}"),
        })?;
        if !real.starts_with(&self.real) {
            return Err(format!(
                "is a symbolic link to `{}`, outside the site; cinder reads only files inside the site",
                real.display()
            ));
        }
        Ok(real)
    }

    /// The text of the site's file `rel`, if it is a readable file inside
    /// the site; else why not.
    pub(crate) fn read(&self, rel: &Path) -> Result<String, String> {
        String::from_utf8(self.read_bytes(rel)?)
            .map_err(|_| "cannot be read: it is not UTF-8 text".to_owned())
    }

    /// The bytes of the site's file `rel`, as `read`.
    pub(crate) fn read_bytes(&self, rel: &Path) -> Result<Vec<u8>, String> {
        let real = self.resolve(rel)?;
        let meta = std::fs::metadata(&real).map_err(|e| format!("cannot be read: {e}"))?;
        if !meta.is_file() {
            return Err("is not a regular file".to_owned());
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "is {} MiB, more than cinder reads of one file ({} MiB)",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ));
        }
        std::fs::read(&real).map_err(|e| format!("cannot be read: {e}"))
    }
}

/// Listing a site's files, with every problem on the way.
struct Walk<'s> {
    site: &'s Site,
    found: Vec<(Kind, PathBuf)>,
    /// (path relative to the site, what is wrong with it)
    problems: Vec<(PathBuf, String)>,
    /// Directories listed, by real place: a link back to one is a loop.
    read: HashSet<PathBuf>,
}

impl Walk<'_> {
    /// Adds the files with one of `exts` under `sub`, in path order.
    fn list(&mut self, kind: Kind, sub: &str, recursive: bool, exts: &[&str]) {
        let rel = PathBuf::from(sub);
        match std::fs::symlink_metadata(self.site.dir.join(&rel)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => {
                self.problems.push((rel, format!("cannot be read: {e}")));
                return;
            }
            Ok(_) => {}
        }
        let mut files = Vec::new();
        match self.site.resolve(&rel) {
            Ok(real) if real.is_dir() => self.dir(&rel, real, recursive, exts, &mut files),
            Ok(_) => self.problems.push((rel, "is not a directory".to_owned())),
            Err(e) => self.problems.push((rel, e)),
        }
        files.sort();
        self.found.extend(files.into_iter().map(|f| (kind, f)));
    }

    fn dir(
        &mut self,
        rel: &Path,
        real: PathBuf,
        recursive: bool,
        exts: &[&str],
        files: &mut Vec<PathBuf>,
    ) {
        if !self.read.insert(real) {
            self.problems.push((
                rel.to_path_buf(),
                "is a symbolic link to a directory read already (a loop, or a second way to the same files)"
                    .to_owned(),
            ));
            return;
        }
        let entries = match std::fs::read_dir(self.site.dir.join(rel)) {
            Ok(entries) => entries,
            Err(e) => {
                self.problems
                    .push((rel.to_path_buf(), format!("cannot be read: {e}")));
                return;
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => names.push(e.file_name()),
                Err(e) => {
                    self.problems
                        .push((rel.to_path_buf(), format!("cannot be read: {e}")));
                    return;
                }
            }
        }
        names.sort();
        for name in names {
            let path = rel.join(&name);
            let wanted = !name.to_string_lossy().starts_with('.')
                && path
                    .extension()
                    .is_some_and(|x| exts.iter().any(|e| x == *e));
            let meta = match std::fs::symlink_metadata(self.site.dir.join(&path)) {
                Ok(m) => m,
                Err(e) => {
                    self.problems.push((path, format!("cannot be read: {e}")));
                    continue;
                }
            };
            let (real, is_dir, is_file) = if meta.file_type().is_symlink() {
                let to_dir = std::fs::metadata(self.site.dir.join(&path)).is_ok_and(|m| m.is_dir());
                if !(wanted || recursive && to_dir) {
                    continue;
                }
                match self.site.resolve(&path) {
                    Ok(real) => {
                        let (d, f) = (real.is_dir(), real.is_file());
                        (real, d, f)
                    }
                    Err(e) => {
                        self.problems.push((path, e));
                        continue;
                    }
                }
            } else {
                (self.site.dir.join(&path), meta.is_dir(), meta.is_file())
            };
            if is_dir {
                if recursive {
                    let real = std::fs::canonicalize(&real).unwrap_or(real);
                    self.dir(&path, real, recursive, exts, files);
                }
            } else if wanted {
                if is_file {
                    files.push(path);
                } else {
                    self.problems
                        .push((path, "is not a regular file".to_owned()));
                }
            }
        }
    }
}

/// The file name without extension: a release's or template's default name.
pub(crate) fn stem(rel: &Path) -> String {
    rel.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
