//! Finding and parsing a site's files: `cinder.yml`, `rules/*.yml`,
//! `releases/**/*.{yml,yaml,json}` and `templates/*.yml`, in path order,
//! parsed in parallel.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Loc, Node, Sources, parse_yaml};

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
    let mut found: Vec<(Kind, PathBuf)> = vec![(Kind::Config, PathBuf::from("cinder.yml"))];
    found.extend(
        list(dir, "rules", false, &["yml", "yaml"])
            .into_iter()
            .map(|p| (Kind::Rules, p)),
    );
    found.extend(
        list(dir, "releases", true, &["yml", "yaml", "json"])
            .into_iter()
            .map(|p| (Kind::Release, p)),
    );
    found.extend(
        list(dir, "templates", false, &["yml", "yaml"])
            .into_iter()
            .map(|p| (Kind::Template, p)),
    );

    let texts: Vec<(Kind, PathBuf, Result<String, String>)> = found
        .into_par_iter()
        .map(|(kind, rel)| {
            let text = std::fs::read_to_string(dir.join(&rel)).map_err(|e| e.to_string());
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
                    Diagnostic::error(Code::Io, format!("cannot read `{}`: {e}", rel.display()))
                        .at(Loc::file_start(id), "this file"),
                );
            }
        }
    }
    let results: Vec<(Parsed, Option<Box<Diagnostic>>)> = pending
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
            if let Some(d) = err {
                diags.push(*d);
            }
            parsed
        })
        .collect()
}

/// Files with one of `exts` under `dir/sub`, relative to `dir`, sorted.
fn list(dir: &Path, sub: &str, recursive: bool, exts: &[&str]) -> Vec<PathBuf> {
    let base = dir.join(sub);
    if !base.is_dir() {
        return Vec::new();
    }
    let walker = walkdir::WalkDir::new(&base)
        .max_depth(if recursive { usize::MAX } else { 1 })
        .sort_by_file_name();
    let mut out: Vec<PathBuf> = walker
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            !name.starts_with('.')
                && e.path()
                    .extension()
                    .is_some_and(|x| exts.iter().any(|e| x == *e))
        })
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect();
    out.sort();
    out
}

/// The file name without extension: a release's or template's default name.
pub(crate) fn stem(rel: &Path) -> String {
    rel.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
