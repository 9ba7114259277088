//! A file of a built tree as the routing description serves it, read back
//! from its path: the Content-Type every host sends with it, and its place
//! in the order requests fall back through the tree's files.
//!
//! A request tries directories in its route's order (the client's build,
//! then the catch-all; within each, the osVersion value's own class, then
//! its first condition's, then the zero class) and, in the first directory
//! holding an answer, its variant's file before the plain one; the answers
//! at the root end every miss. Whoever replaces files one at a time (a
//! publish to object storage) writes them in that order, so that no request
//! falls back to a newer answer than the file it should have found.

use crate::model::route::Param;

use super::route::{BuildChoice, DirPart, OsChoice, RouteRouting, TreePath};
use super::{JSON, Routing, XML};

/// A file's place in the fallback order: a smaller place is tried first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Fallback {
    /// A file on no route (nothing falls back to it).
    OffRoute,
    /// A directory's file: the position of the directory's build choice in
    /// the route's order, then of its osVersion class (a class that is some
    /// condition's first class comes after the classes only values of their
    /// own reach, the zero class last), then whether it is the plain answer
    /// (a `.404` marker counts as one), which a directory's variants fall
    /// back to.
    Dir {
        build: usize,
        os: usize,
        plain: bool,
    },
    /// The answers at the root that every miss ends at.
    LastResort,
}

/// A tree file, as hosts serve it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TreeFile {
    pub(crate) fallback: Fallback,
    pub(crate) content_type: &'static str,
}

impl Routing {
    /// How the file at `path` (relative, `/`-separated) is served: as a
    /// file of the first route that reads the path back. Files on no route
    /// get the servers' default type, XML.
    pub(crate) fn tree_file(&self, path: &str) -> TreeFile {
        if path == self.empty_file {
            return TreeFile {
                fallback: Fallback::LastResort,
                content_type: XML,
            };
        }
        if Some(path) == self.not_found_file {
            return TreeFile {
                fallback: Fallback::LastResort,
                content_type: JSON,
            };
        }
        self.routes
            .iter()
            .find_map(|route| {
                route.parse_tree_path(path).map(|parsed| TreeFile {
                    fallback: self.place(route, &parsed),
                    content_type: route.content_type,
                })
            })
            .unwrap_or(TreeFile {
                fallback: Fallback::OffRoute,
                content_type: XML,
            })
    }

    fn place(&self, route: &RouteRouting, parsed: &TreePath) -> Fallback {
        let choice = if parsed.is_catch_all() {
            BuildChoice::CatchAll
        } else {
            BuildChoice::Client
        };
        let build = route
            .builds
            .iter()
            .position(|b| *b == choice)
            .unwrap_or_default();
        let os = parsed
            .text(DirPart::OsClass)
            .and_then(|key| {
                let choice = self.os_choice(route, parsed, key);
                route.os.iter().position(|c| *c == choice)
            })
            .unwrap_or_default();
        Fallback::Dir {
            build,
            os,
            plain: parsed.suffix.is_empty(),
        }
    }

    /// The latest choice an osVersion class directory can be tried as.
    fn os_choice(&self, route: &RouteRouting, parsed: &TreePath, key: &str) -> OsChoice {
        let product = parsed
            .text(DirPart::Value(Param::Product))
            .or_else(|| route.fixed.get(&Param::Product).map(String::as_str));
        let Some(classes) = product.and_then(|p| self.classes.products.get(p)) else {
            return OsChoice::Own;
        };
        if classes.os_classes.first().is_some_and(|c| c.key == key) {
            OsChoice::Zero
        } else if classes.os_top.iter().any(|(_, top)| top == key) {
            OsChoice::Top
        } else {
            OsChoice::Own
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::route::{BalrogRoute, balrog_template};
    use crate::space::{EMPTY_FILE, NOT_FOUND_FILE};
    use crate::testing::routing;

    #[track_caller]
    fn check(r: &Routing, path: &str, fallback: Fallback, content_type: &str) {
        assert_eq!(
            r.tree_file(path),
            TreeFile {
                fallback,
                content_type: match content_type {
                    "xml" => XML,
                    _ => JSON,
                }
            },
            "{path}"
        );
    }

    const fn dir(build: usize, plain: bool) -> Fallback {
        Fallback::Dir {
            build,
            os: 0,
            plain,
        }
    }

    #[test]
    fn files_read_back_with_their_routes_content_type_and_place() {
        let r = routing(
            &[
                balrog_template(BalrogRoute::Update(6)),
                balrog_template(BalrogRoute::Json(1)),
                "corp/%PRODUCT%/%CHANNEL%",
            ],
            "",
        );
        let known = "update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/o1/c0/default/default";
        let any = "update/6/Ember/_/_/WINNT_x86_64-msvc-x64/de/release/o1/c0/default/default";
        check(
            &r,
            &format!("{known}/update.f1.p131.xml"),
            dir(0, false),
            "xml",
        );
        check(&r, &format!("{known}/update.xml"), dir(0, true), "xml");
        check(&r, &format!("{any}/update.w25.xml"), dir(1, false), "xml");
        check(&r, &format!("{any}/update.xml"), dir(1, true), "xml");
        let guardian = "json/1/Guardian";
        check(
            &r,
            &format!("{guardian}/1.0/WINNT/release/update.json"),
            dir(0, true),
            "json",
        );
        check(
            &r,
            &format!("{guardian}/_/WINNT/release/update.json.404"),
            dir(1, true),
            "json",
        );
        check(
            &r,
            &format!("{guardian}/_/WINNT/release/update.f1.json"),
            dir(1, false),
            "json",
        );
        // A route without a version has only the catch-all build.
        check(&r, "corp/Ember/release/index.xml", dir(0, true), "xml");
        check(&r, EMPTY_FILE, Fallback::LastResort, "xml");
        check(&r, NOT_FOUND_FILE, Fallback::LastResort, "json");
        // Files no route makes: another name, a missing segment, a marker on an XML route.
        check(
            &r,
            &format!("{known}/updates.xml"),
            Fallback::OffRoute,
            "xml",
        );
        check(&r, "update/6/Ember/update.xml", Fallback::OffRoute, "xml");
        check(
            &r,
            &format!("{known}/update.xml.404"),
            Fallback::OffRoute,
            "xml",
        );
        check(
            &r,
            &format!("{guardian}/1.0/WINNT/release/update.jsonx"),
            Fallback::OffRoute,
            "xml",
        );
        // Without a JSON route there is no 404 file.
        let xml_only = routing(&["corp/%PRODUCT%/%CHANNEL%"], "");
        check(&xml_only, NOT_FOUND_FILE, Fallback::OffRoute, "xml");
    }
}
