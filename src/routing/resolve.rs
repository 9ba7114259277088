//! The routing description interpreted: where a request lands (`locate`),
//! which directories and files answer it in which order, and the answer a
//! tree gives (`resolve`, for `serve` over files on disk and for `diff` over
//! a planned tree). `project` walks the same order over the parameter
//! space instead of files, which is how `query` answers what the tree
//! serves.

use std::collections::BTreeMap;

use crate::engine::query::split_url;
use crate::model::route::Param;
use crate::space::{CATCH_ALL_SEGMENT, Entry, Space, Variant, path_safe};

use super::Routing;
use super::route::{BuildChoice, DirPart, Miss, OsChoice, RouteRouting, TreePath};

/// What a tree answers for the request a tree path stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TreeAnswer {
    /// The path is on none of the routes (a file at the tree's root).
    OffRoute,
    /// No directory holds an answer: the route's miss answer.
    Miss,
    Found(Answer),
}

/// A request as the description reads it.
#[derive(Clone, Debug)]
pub(crate) struct Located<'r> {
    /// Its position among the routes.
    pub(crate) index: usize,
    pub(crate) route: &'r RouteRouting,
    /// The URL's values, decoded once.
    pub(crate) values: BTreeMap<Param, String>,
    /// The osVersion class keys to try, in order (none when the URL has no osVersion).
    pub(crate) os: Vec<(OsChoice, String)>,
    /// The systemCapabilities class key.
    pub(crate) caps: Option<String>,
    pub(crate) variant: Variant,
    /// The variant's file-name suffix (`""` for the plain answer).
    pub(crate) suffix: String,
}

/// Which files a tree holds.
pub(crate) trait Tree {
    fn has(&self, path: &str) -> bool;
}

/// What answers a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// This tree file, with status 200.
    File {
        path: String,
        content_type: &'static str,
    },
    /// 404 with an empty body (a JSON route without an update).
    NotFound { content_type: &'static str },
    /// The empty update document (the tree's `cinder-empty.xml`), with 200.
    Empty,
}

impl Routing {
    /// The route a URL's path fits, whatever its values.
    pub(crate) fn route_of(&self, url: &str) -> Option<&RouteRouting> {
        let split = split_url(url);
        self.routes
            .iter()
            .find(|r| r.match_path(&split.path).is_some())
    }

    /// Where a request lands: `None` when its path fits no route.
    pub(crate) fn locate(&self, url: &str, user_agent: Option<&str>) -> Option<Located<'_>> {
        let split = split_url(url);
        let (index, route, values) = self
            .routes
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.match_path(&split.path).map(|v| (i, r, v)))?;
        let values: BTreeMap<Param, String> =
            values.into_iter().map(|(p, v)| (p, v.to_owned())).collect();
        let get = |p: Param| {
            values
                .get(&p)
                .or_else(|| route.fixed.get(&p))
                .map_or("", String::as_str)
        };
        let product = get(Param::Product);
        let classes = self.classes.products.get(product);
        let os = match values.get(&Param::OsVersion) {
            Some(raw) => {
                let (own, top, zero) = match classes {
                    Some(c) => (
                        c.os_key(&self.classes, raw),
                        c.os_top_key(&self.classes, raw).to_owned(),
                        c.os_zero_key().to_owned(),
                    ),
                    None => ("o".to_owned(), "o".to_owned(), "o".to_owned()),
                };
                route
                    .os
                    .iter()
                    .map(|choice| {
                        let key = match choice {
                            OsChoice::Own => own.clone(),
                            OsChoice::Top => top.clone(),
                            OsChoice::Zero => zero.clone(),
                        };
                        (*choice, key)
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let caps = values
            .get(&Param::SystemCapabilities)
            .map(|raw| classes.map_or_else(|| "c".to_owned(), |c| c.caps_key(&self.classes, raw)));
        let variant = self.flags.read(
            &route.flags,
            &split.raw_query,
            user_agent,
            (product, get(Param::Channel), get(Param::BuildTarget)),
        );
        Some(Located {
            index,
            route,
            values,
            os,
            caps,
            suffix: variant.suffix(),
            variant,
        })
    }

    /// The answer a tree gives a request.
    pub(crate) fn resolve(&self, url: &str, user_agent: Option<&str>, tree: &dyn Tree) -> Answer {
        match self.locate(url, user_agent) {
            Some(located) => located.resolve(tree),
            None => Answer::Empty,
        }
    }

    /// The answer a tree gives the request a tree path (of this site or
    /// another version of it) stands for: its own file, its plain file, or
    /// its catch-all's; the path's class keys are taken as they are.
    pub(crate) fn find_tree_path(&self, path: &str, tree: &dyn Tree) -> TreeAnswer {
        let Some((index, route, parsed)) = self
            .routes
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.parse_tree_path(path).map(|p| (i, r, p)))
        else {
            return TreeAnswer::OffRoute;
        };
        match Located::of_tree_path(index, route, &parsed).find(tree) {
            Some(answer) => TreeAnswer::Found(answer),
            None => TreeAnswer::Miss,
        }
    }

    /// The entry of the parameter space (and its variant) whose file
    /// answers a request: the first directory, in the description's order,
    /// that the space has an entry for. `None`: the tree has nothing for
    /// the request (the route's miss answer).
    pub(crate) fn project<'s>(
        &self,
        space: &'s Space<'_>,
        url: &str,
        user_agent: Option<&str>,
    ) -> Option<(Entry<'s>, Variant)> {
        let located = self.locate(url, user_agent)?;
        located.dirs().into_iter().find_map(|(build, os)| {
            space
                .entry_at(
                    located.index,
                    &located.values,
                    build == BuildChoice::CatchAll,
                    os.as_deref(),
                    located.caps.as_deref(),
                )
                .map(|e| (e, located.variant.clone()))
        })
    }
}

impl<'r> Located<'r> {
    fn of_tree_path(index: usize, route: &'r RouteRouting, parsed: &TreePath) -> Located<'r> {
        let mut values = BTreeMap::new();
        let (mut os, mut caps) = (Vec::new(), None);
        for (part, text) in &parsed.texts {
            match part {
                DirPart::Value(p) | DirPart::Build(p) => {
                    values.insert(*p, text.clone());
                }
                DirPart::OsClass => os.push((OsChoice::Own, text.clone())),
                DirPart::CapsClass => caps = Some(text.clone()),
                DirPart::Literal(_) => {}
            }
        }
        Located {
            index,
            route,
            values,
            os,
            caps,
            variant: Variant::default(),
            suffix: parsed.suffix.clone(),
        }
    }

    /// The directories to try, in order: whose build, and which osVersion
    /// class key (when the route carries osVersion).
    pub(crate) fn dirs(&self) -> Vec<(BuildChoice, Option<String>)> {
        self.route
            .directories()
            .into_iter()
            .filter_map(|(build, os)| match os {
                None => Some((build, None)),
                // A class this request has a key for (a tree path has its own only).
                Some(choice) => self
                    .os
                    .iter()
                    .find(|(c, _)| *c == choice)
                    .map(|(_, key)| (build, Some(key.clone()))),
            })
            .collect()
    }

    /// A directory's path relative to the tree's root; `None` when a value
    /// of the URL cannot be a directory name (empty, `.`, `..`, `_`).
    pub(crate) fn dir_path(&self, build: BuildChoice, os: Option<&str>) -> Option<String> {
        let mut safe = true;
        let path = self.route.dir_path(|part| {
            let text = match part {
                DirPart::Value(p) => self.values.get(&p).cloned().unwrap_or_default(),
                DirPart::Build(p) => match build {
                    BuildChoice::Client => self.values.get(&p).cloned().unwrap_or_default(),
                    BuildChoice::CatchAll => return CATCH_ALL_SEGMENT.to_owned(),
                },
                DirPart::OsClass => os.unwrap_or_default().to_owned(),
                DirPart::CapsClass => self.caps.clone().unwrap_or_default(),
                DirPart::Literal(i) => return self.route.literal(i).to_owned(),
            };
            safe &= path_safe(&text);
            text
        });
        safe.then_some(path)
    }

    /// The answer a tree gives.
    pub(crate) fn resolve(&self, tree: &dyn Tree) -> Answer {
        self.find(tree).unwrap_or(match self.route.miss {
            Miss::Empty => Answer::Empty,
            Miss::NotFound => Answer::NotFound {
                content_type: self.route.content_type,
            },
        })
    }

    /// The answer of the first directory holding one, if any does.
    pub(crate) fn find(&self, tree: &dyn Tree) -> Option<Answer> {
        let content_type = self.route.content_type;
        for (build, os) in self.dirs() {
            let Some(dir) = self.dir_path(build, os.as_deref()) else {
                continue;
            };
            let plain = join(&dir, &self.route.file_name(""));
            let has_plain = tree.has(&plain);
            let has_marker = self.route.markers && !has_plain && tree.has(&format!("{plain}.404"));
            if !has_plain && !has_marker {
                continue;
            }
            if !self.suffix.is_empty() {
                let file = join(&dir, &self.route.file_name(&self.suffix));
                if tree.has(&file) {
                    return Some(Answer::File {
                        path: file,
                        content_type,
                    });
                }
            }
            if has_marker {
                return Some(Answer::NotFound { content_type });
            }
            return Some(Answer::File {
                path: plain,
                content_type,
            });
        }
        None
    }
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() {
        file.to_owned()
    } else {
        format!("{dir}/{file}")
    }
}
