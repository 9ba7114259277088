//! Edge functions: the routing description shipped to a CDN's edge as
//! JavaScript (a CloudFront Function, a Cloudflare Worker), with the index
//! of the tree's files, which an edge consults where a web server would test
//! for a file. The tables (`tables.rs`) are the description as data; the
//! interpreter (`router.js`) walks them as `Routing::resolve` does.

pub(crate) mod cloudflare;
pub(crate) mod cloudfront;
pub(crate) mod index;
pub(crate) mod script;
pub(crate) mod tables;
