//! What edge functions (a CloudFront Function, a Cloudflare Worker) ship
//! besides the routing description: the index of the tree's files, which
//! they consult where a web server would test for a file.

pub(crate) mod index;
