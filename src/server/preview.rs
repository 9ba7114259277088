//! A small HTTP server for previewing a built tree: each request is routed
//! by the routing description (as every generated server configuration
//! routes it) and answered from the tree's files. One thread per
//! connection, one request per connection (`http.rs`); meant for previews
//! and tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::http;

use crate::routing::{Answer, Routing, Tree, XML};

/// What the server needs for every request.
pub(crate) struct Preview {
    pub(crate) routing: Routing,
    pub(crate) root: PathBuf,
    pub(crate) cache_control: String,
}

/// A response to write.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

/// A built tree on disk.
struct Disk<'a>(&'a Path);

impl Tree for Disk<'_> {
    fn has(&self, path: &str) -> bool {
        self.0.join(path).is_file()
    }
}

impl Preview {
    /// The answer for a request target (path and query string).
    pub(crate) fn answer(&self, target: &str, user_agent: Option<&str>) -> Reply {
        match self.routing.resolve(target, user_agent, &Disk(&self.root)) {
            Answer::File { path, content_type } => self.file(&path, content_type),
            Answer::NotFound { content_type } => Reply {
                status: 404,
                content_type,
                body: Vec::new(),
            },
            Answer::Empty => self.file(self.routing.empty_file, XML),
        }
    }

    fn file(&self, rel: &str, content_type: &'static str) -> Reply {
        match std::fs::read(self.root.join(rel)) {
            Ok(body) => Reply {
                status: 200,
                content_type,
                body,
            },
            Err(_) => Reply {
                status: 500,
                content_type: "text/plain",
                body: b"the tree is incomplete".to_vec(),
            },
        }
    }
}

/// Serves until the process ends (connections are handled by `http.rs`,
/// within its limits).
pub(crate) fn serve(preview: Preview, listener: &TcpListener) {
    let preview = Arc::new(preview);
    http::serve(listener, &http::Limits::default(), move |request| {
        let reply = preview.answer(&request.target, request.user_agent.as_deref());
        http::Response {
            status: reply.status,
            content_type: reply.content_type,
            cache_control: Some(preview.cache_control.clone()),
            body: reply.body,
        }
    });
}
