//! The built tree being published: the files its manifest lists (path, size,
//! SHA-256; nothing else in the tree's directory is published), read through
//! the tree's symlinks, and how each is served (Content-Type, Cache-Control,
//! place in the fallback order), as the site's routing description says.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Error as AppError;
use crate::output::manifest::{self, Line};
use crate::routing::{Routing, TreeFile};

use super::error::Error;
use super::state;

/// A built tree, as published.
pub(crate) struct Tree {
    /// The generation directory the tree's path pointed at when it was read,
    /// so that a build publishing meanwhile does not mix two trees.
    pub(crate) root: PathBuf,
    /// Every file, sorted by path.
    pub(crate) files: Vec<Line>,
    /// How the site it was built from is served: each file's Content-Type
    /// and place in the fallback order, and the Cache-Control of all.
    routing: Routing,
}

impl Tree {
    /// Reads the tree at `out` (a directory `cinder build` published).
    pub(crate) fn read(out: &Path, routing: Routing) -> Result<Tree, Error> {
        let manifest_path = out.join(manifest::NAME);
        if !manifest_path.is_file() {
            return Err(Error::Tree(format!(
                "`{}` holds no built tree (no `{}`); run `cinder build` first",
                out.display(),
                manifest::NAME
            )));
        }
        let root = std::fs::canonicalize(out).map_err(|e| AppError::read(out, e))?;
        let path = root.join(manifest::NAME);
        let mut files: Vec<Line> = Vec::new();
        for line in manifest::read(&path).map_err(|e| AppError::read(&path, e))? {
            let line = line.map_err(|e| AppError::read(&path, e))?;
            if files.last().is_some_and(|last| last.path >= line.path) {
                return Err(Error::Tree(format!(
                    "`{}` is not sorted by path at `{}`: it was not written by `cinder build`; rebuild the tree",
                    path.display(),
                    line.path
                )));
            }
            if state::is_state(&line.path) {
                return Err(Error::Tree(format!(
                    "the tree has a file `{}`, but names starting with `{}` at the top are cinder's own at a destination; rename the route that makes it",
                    line.path,
                    state::RESERVED
                )));
            }
            files.push(line);
        }
        Ok(Tree {
            root,
            files,
            routing,
        })
    }

    /// How the file at `path` is served.
    pub(crate) fn served(&self, path: &str) -> TreeFile {
        self.routing.tree_file(path)
    }

    /// The site's Cache-Control, which every object carries.
    pub(crate) fn cache_control(&self) -> &str {
        &self.routing.cache_control
    }

    /// The bytes of file `i`, checked against the manifest.
    pub(crate) fn bytes(&self, i: usize) -> Result<Vec<u8>, Error> {
        let line = &self.files[i];
        let path = self.root.join(&line.path);
        let bytes = std::fs::read(&path).map_err(|e| AppError::read(&path, e))?;
        let sha256: [u8; 32] = Sha256::digest(&bytes).into();
        if bytes.len() as u64 != line.size || sha256 != line.sha256 {
            return Err(Error::Tree(format!(
                "`{}` is not what the tree's manifest says (size {}, sha256 {}); the tree was changed after it was built: build it again",
                path.display(),
                line.size,
                manifest::hex(&line.sha256)
            )));
        }
        Ok(bytes)
    }

    /// The manifest file itself.
    pub(crate) fn manifest_path(&self) -> PathBuf {
        self.root.join(manifest::NAME)
    }
}
