//! Serving a built tree: web-server configurations rendered from the
//! routing description, what a plain host serves, and a preview server.

pub(crate) mod apache;
pub(crate) mod caddy;
pub(crate) mod edge;
mod http;
pub(crate) mod nginx;
pub(crate) mod plain;
pub(crate) mod policies;
pub(crate) mod preview;
