//! The errors that stop a command (exit 2): a file that cannot be read or
//! written, a directory that is not a site, a bad argument. Problems in a
//! site's files are not errors but diagnostics (`diag`). At the bottom of the
//! crate: every layer may return these, and this file imports none of them.

use std::io;
use std::path::PathBuf;

/// Errors that stop a command: exit 2.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error("cannot read `{}`: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write `{}`: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(transparent)]
    NotASite(#[from] NotASite),
    /// What stops `cinder publish` (a `publish::Error`, which converts into
    /// this; boxed so that this file imports nothing above it).
    #[error(transparent)]
    Publish(Box<dyn std::error::Error + Send + Sync>),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub(crate) fn read(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Read {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn write(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Write {
            path: path.into(),
            source,
        }
    }
}

/// The directory is not a site at all.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NotASite {
    #[error("`{}` does not exist", .0.display())]
    Missing(PathBuf),
    #[error("`{}` is not a cinder site: it has no `cinder.yml`", .0.display())]
    NoConfig(PathBuf),
}
