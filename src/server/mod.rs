//! Serving a built tree: web-server configurations, and a preview server.

pub(crate) mod nginx;
pub(crate) mod policies;
pub(crate) mod preview;
