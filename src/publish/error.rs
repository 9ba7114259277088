//! What stops a publish, each error naming the destination and the object
//! or file concerned.

/// Errors of `cinder publish` (exit 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// DEST is not a destination cinder knows, or its settings do not work.
    #[error("{0}")]
    Dest(String),
    /// A request to DEST failed, after its retries.
    #[error("cannot {action} `{key}` at `{dest}`: {source}")]
    Store {
        action: &'static str,
        key: String,
        dest: String,
        #[source]
        source: Box<object_store::Error>,
    },
    /// Deleting stale objects failed, after the retries.
    #[error("cannot delete stale objects at `{dest}`: {source}")]
    Delete {
        dest: String,
        #[source]
        source: Box<object_store::Error>,
    },
    /// Listing DEST failed, after its retries.
    #[error("cannot list `{dest}`: {source}")]
    List {
        dest: String,
        #[source]
        source: Box<object_store::Error>,
    },
    /// Another publish holds DEST's lease.
    #[error(
        "another publish to `{dest}` is under way ({holder}); wait for it to end, or pass `--wait 10m` to wait for it"
    )]
    Leased { dest: String, holder: String },
    /// This publish lost its lease (it could not renew it in time, or
    /// another publish took it over); it stopped before the manifest.
    #[error(
        "stopped publishing to `{dest}`: {reason}; nothing was deleted and `{dest}` still serves every request (the next publish finishes the job)"
    )]
    LeaseLost { dest: String, reason: String },
    /// DEST cannot make the conditional writes the lease needs.
    #[error(
        "`{dest}` does not take conditional writes (If-None-Match), which cinder needs to let one publish at a time write there: {source}"
    )]
    NoConditionalWrites {
        dest: String,
        #[source]
        source: Box<object_store::Error>,
    },
    /// One of cinder's state objects at DEST cannot be read.
    #[error(
        "`{key}` at `{dest}` is damaged ({reason}); delete it and publish with `--adopt`, which rewrites every object"
    )]
    State {
        dest: String,
        key: String,
        reason: String,
    },
    /// DEST holds objects, but no publish left a manifest there.
    #[error(
        "`{dest}` holds {objects} (`{example}`, ...) but no `{manifest}`, so cinder cannot tell what they are; publish to an empty place, or pass `--adopt` to make `{dest}` exactly the tree (objects the tree lacks are deleted)"
    )]
    Foreign {
        dest: String,
        /// How many, in words: `2 objects`.
        objects: String,
        example: String,
        manifest: &'static str,
    },
    /// The tree cannot be published as it is.
    #[error("{0}")]
    Tree(String),
    /// A local file could not be read or written.
    #[error(transparent)]
    Local(#[from] crate::error::Error),
    /// The runtime that drives the transfers could not start.
    #[error("cannot start the transfers: {0}")]
    Runtime(std::io::Error),
}

impl From<Error> for crate::error::Error {
    fn from(e: Error) -> crate::error::Error {
        match e {
            Error::Local(e) => e,
            e => crate::error::Error::Publish(Box::new(e)),
        }
    }
}
