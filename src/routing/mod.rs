//! The routing description: which tree file answers a request, as one typed
//! value built from the site's parameter space. `query`, `serve` and `diff`
//! interpret it (`resolve.rs`); every web-server configuration is a
//! rendering of it (the `server` module); what a host cannot express is a
//! property of the host (`hosts.rs`), never a second implementation.
//!
//! A request is answered in these steps:
//!
//! 1. **Route.** The first route whose URL the decoded path fits, segment
//!    for segment (`route.rs`). None: the empty update document, 200.
//! 2. **Directory.** Each URL segment gives a path segment: literal text
//!    stays; a parameter's value is copied; version and buildID are the
//!    client's or `_`; osVersion and systemCapabilities become their class
//!    keys. A key is `o` (or `c`) and one bit per condition of the product's
//!    rules, in the product's order (`classes`): `1` when the raw value
//!    satisfies it. Each condition is a pattern over the raw value.
//! 3. **Variant.** The query string (and User-Agent) select a file-name
//!    suffix (`.f1.p131`), per the flags the route reads (`flags.rs`).
//! 4. **Fallback.** Directories are tried for the client's build, then the
//!    catch-all; within each, for the osVersion value's own class, then its
//!    first condition's class, then the zero class. The first directory
//!    holding an answer (its plain file, or on JSON routes a `.404` marker
//!    in its place) answers: with the variant's file when the tree has one
//!    (it has one only where the answer differs), else 404 for a marker,
//!    else the plain file.
//! 5. **Miss.** No directory: the route's miss answer (the empty document,
//!    or 404 with an empty body on JSON routes).
//!
//! Every answer carries the route's Content-Type and the site's
//! Cache-Control.
//!
//! A server may also split background checks of throttled rules by their
//! backgroundRate, as Balrog's dice do (`split_rates`): a request
//! without `force` rolls once, 0 to 99, and in each directory tries first
//! the file of every rate above the roll (`update.w25.xml`, the answer when
//! the dice win), which the tree has only where that answer differs.
//!
//! Everything here is data: patterns are strings in the portable dialect
//! of `space::pattern`, so that a renderer for a JavaScript edge function
//! can ship the same tables as JSON beside a small interpreter.

pub(crate) mod files;
pub(crate) mod flags;
pub(crate) mod hosts;
mod resolve;
pub(crate) mod route;
#[cfg(test)]
mod tests;

use crate::space::{Conditions, EMPTY_FILE, NOT_FOUND_FILE, Space, Variant};

pub(crate) use files::{Fallback, TreeFile};
pub(crate) use flags::Flags;
pub(crate) use resolve::{Answer, Tree, TreeAnswer};
pub(crate) use route::{BuildChoice, DirPart, JSON, Miss, OsChoice, RouteRouting, XML};

/// How a site's tree is served.
#[derive(Clone, Debug)]
pub(crate) struct Routing {
    /// In the order they are tried.
    pub(crate) routes: Vec<RouteRouting>,
    /// The osVersion and systemCapabilities conditions, and each product's
    /// classes.
    pub(crate) classes: Conditions,
    pub(crate) flags: Flags,
    /// The backgroundRates of throttled rules: servers that split
    /// background checks by percentage try `.w{rate}` files first.
    pub(crate) throttle_rates: Vec<u8>,
    /// The file holding the empty update document, at the tree's root.
    pub(crate) empty_file: &'static str,
    /// An empty file at the tree's root, for servers that answer a JSON
    /// route's 404 with a file.
    pub(crate) not_found_file: Option<&'static str>,
    pub(crate) cache_control: String,
}

impl Routing {
    pub(crate) fn new(space: &Space<'_>) -> Routing {
        let routes: Vec<RouteRouting> = space.routes.iter().map(RouteRouting::new).collect();
        let throttle_rates: Vec<u8> = space
            .site
            .rules
            .iter()
            .filter(|r| r.is_throttled())
            .map(|r| r.background_rate)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Routing {
            not_found_file: routes.iter().any(|r| r.markers).then_some(NOT_FOUND_FILE),
            routes,
            classes: space.conditions.clone(),
            flags: Flags::new(&space.dims),
            throttle_rates,
            empty_file: EMPTY_FILE,
            cache_control: space.site.config.cache_control.clone(),
        }
    }
}

impl Routing {
    /// For servers splitting throttled rules by percentage: each
    /// backgroundRate, ascending, with the suffix of the file holding the
    /// answer when the dice win (`.w25`). A request without `force` rolls
    /// 0 to 99 and, in each directory, tries first the file of every rate
    /// above its roll, its variant's suffix followed by this one.
    pub(crate) fn split_rates(&self) -> Vec<(u8, String)> {
        self.throttle_rates
            .iter()
            .map(|rate| {
                let won = Variant {
                    won: Some(*rate),
                    ..Variant::default()
                };
                (*rate, won.suffix())
            })
            .collect()
    }
}
