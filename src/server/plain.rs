//! Plain hosts: files served as they are, no rewriting. There is no
//! configuration to generate; what there is to say is which routes such a
//! host serves and what it answers differently (the routing description
//! read against the host's lack of rewriting, `routing::hosts`), and the
//! page that makes its misses read as "no update".

use std::fmt::Write as _;

use crate::routing::hosts::{RouteReport, plain_extras, table};

/// What a plain host serves of each route, every differing request named.
pub(crate) fn report(routes: &[RouteReport]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# What a host without rewriting serves of this site (`cinder server-config plain`)."
    );
    let _ = writeln!(
        out,
        "# Publish the tree as it is; each route below says what such a host gets right and wrong."
    );
    out.push('\n');
    for r in routes {
        out.push_str(&r.text(true));
    }
    out.push('\n');
    out.push_str(&plain_extras());
    out.push_str("\nHow the kinds of host compare:\n\n");
    out.push_str(&table());
    out
}

/// A 404 page holding the empty update document (the bytes of the tree's
/// `cinder-empty.xml`).
pub(crate) fn not_found_page() -> &'static str {
    crate::render::EMPTY
}
