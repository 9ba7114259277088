//! One route of the routing description: the URL clients request, the tree
//! directory and file their values lead to, the order in which directories
//! are tried, which variants the route reads, and what answers a request no
//! directory holds an answer for.

use std::collections::BTreeMap;

use crate::model::route::{BalrogRoute, Param, Segment};
use crate::space::{CATCH_ALL_SEGMENT, RouteSpace, match_segments};

use super::flags::FlagKind;

/// The Content-Type of XML answers (and of the empty answer).
pub(crate) const XML: &str = "text/xml; charset=utf-8";
/// The Content-Type of JSON answers (and of their 404s).
pub(crate) const JSON: &str = "application/json";

/// A `/`-separated piece of the tree path, from the request's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DirPart {
    /// The URL's literal segment at this position.
    Literal(usize),
    /// The parameter's value as the URL gives it (decoded once); the tree
    /// has a directory for each value it serves.
    Value(Param),
    /// `%VERSION%` or `%BUILD_ID%`: the client's value, or `_` in the
    /// catch-all directory that answers builds the tree does not list.
    Build(Param),
    /// The osVersion value's class key (`o101`).
    OsClass,
    /// The systemCapabilities value's class key (`c10`).
    CapsClass,
}

/// Whose build a directory answers for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BuildChoice {
    /// The client's own version and buildID.
    Client,
    /// `_`: builds the tree does not list (answered as older than every known one).
    CatchAll,
}

/// Which class an osVersion value is answered as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OsChoice {
    /// Its own class: which of the product's conditions it satisfies.
    Own,
    /// When the tree lacks its own class: the class of the first condition
    /// (by rule priority) it satisfies.
    Top,
    /// The class satisfying none of them.
    Zero,
}

/// What answers a request no directory holds an answer for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// Status 200 with the empty update document (Firefox: no update).
    Empty,
    /// Status 404 with an empty body (Balrog's "no update" on JSON routes).
    NotFound,
}

#[derive(Clone, Debug)]
pub(crate) struct RouteRouting {
    /// As written in the site, without a leading `/`.
    pub(crate) template: String,
    /// The URL path's `/`-separated pieces: literal text, or any non-empty
    /// text without `/` that is a parameter's value.
    pub(crate) url: Vec<Segment>,
    /// The products it serves.
    pub(crate) products: Vec<String>,
    /// Values of parameters the URL does not carry.
    pub(crate) fixed: BTreeMap<Param, String>,
    /// The directory holding the answer.
    pub(crate) dir: Vec<DirPart>,
    /// The file in it: `{stem}{variant suffix}{ext}` (`update.f1.xml`).
    pub(crate) stem: String,
    pub(crate) ext: String,
    /// Directories are tried for each build choice in order, and within
    /// it, for each osVersion class in order (none when the URL carries no
    /// osVersion).
    pub(crate) builds: Vec<BuildChoice>,
    pub(crate) os: Vec<OsChoice>,
    /// The variants it reads, in suffix order.
    pub(crate) flags: Vec<FlagKind>,
    /// Whether a directory may hold a `.404` marker beside the plain file's
    /// name instead of the file: the answer is then 404 with an empty body.
    pub(crate) markers: bool,
    pub(crate) miss: Miss,
    pub(crate) content_type: &'static str,
}

impl RouteRouting {
    pub(crate) fn new(rs: &RouteSpace) -> RouteRouting {
        let r = &rs.route;
        let json = r.is_json();
        let last = r.segments.len() - 1;
        let mut dir = Vec::new();
        let (mut stem, mut ext) = ("index".to_owned(), ".xml".to_owned());
        for (i, seg) in r.segments.iter().enumerate() {
            match seg {
                Segment::Literal(l) => {
                    if i == last {
                        (stem, ext) = l
                            .rsplit_once('.')
                            .map_or((l.clone(), String::new()), |(s, e)| {
                                (s.to_owned(), format!(".{e}"))
                            });
                    } else {
                        dir.push(DirPart::Literal(i));
                    }
                }
                Segment::Param(p) => match p {
                    _ if p.is_ignored() => {}
                    Param::Version | Param::BuildId => dir.push(DirPart::Build(*p)),
                    Param::OsVersion => dir.push(DirPart::OsClass),
                    Param::SystemCapabilities => dir.push(DirPart::CapsClass),
                    _ => dir.push(DirPart::Value(*p)),
                },
            }
        }
        let flags = if json {
            vec![FlagKind::Force]
        } else if r.balrog == Some(BalrogRoute::Update(2)) {
            vec![FlagKind::Force, FlagKind::Mig64, FlagKind::Ppc]
        } else {
            FlagKind::ALL.to_vec()
        };
        RouteRouting {
            template: r.template.clone(),
            url: r.segments.clone(),
            products: rs.products.clone(),
            fixed: r.fixed.clone(),
            dir,
            stem,
            ext,
            builds: if r.carries(Param::Version) {
                vec![BuildChoice::Client, BuildChoice::CatchAll]
            } else {
                vec![BuildChoice::CatchAll]
            },
            os: if r.carries(Param::OsVersion) {
                vec![OsChoice::Own, OsChoice::Top, OsChoice::Zero]
            } else {
                Vec::new()
            },
            flags,
            markers: json,
            miss: if json { Miss::NotFound } else { Miss::Empty },
            content_type: if json { JSON } else { XML },
        }
    }

    /// The directories to try, in order: whose build, and which osVersion
    /// class (`None` when the URL carries no osVersion).
    pub(crate) fn directories(&self) -> Vec<(BuildChoice, Option<OsChoice>)> {
        let os: Vec<Option<OsChoice>> = if self.os.is_empty() {
            vec![None]
        } else {
            self.os.iter().copied().map(Some).collect()
        };
        self.builds
            .iter()
            .flat_map(|b| os.iter().map(move |o| (*b, *o)))
            .collect()
    }

    pub(crate) fn carries(&self, p: Param) -> bool {
        self.url.contains(&Segment::Param(p))
    }

    /// The text of a literal URL segment.
    pub(crate) fn literal(&self, i: usize) -> &str {
        match &self.url[i] {
            Segment::Literal(l) => l,
            Segment::Param(_) => "",
        }
    }

    /// The parameter values of a decoded URL path, if it takes this route.
    pub(crate) fn match_path<'p>(&self, path: &'p str) -> Option<BTreeMap<Param, &'p str>> {
        match_segments(&self.url, path)
    }

    /// The directory (relative to the tree's root, no trailing `/`) for
    /// the text each part takes (`self.literal(i)` for literal parts, as
    /// the caller quotes it).
    pub(crate) fn dir_path(&self, text: impl FnMut(DirPart) -> String) -> String {
        self.dir
            .iter()
            .copied()
            .map(text)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The file name for a variant suffix (`""` for the plain answer).
    pub(crate) fn file_name(&self, suffix: &str) -> String {
        format!("{}{suffix}{}", self.stem, self.ext)
    }

    /// A tree path read back (for `diff`): the text of each directory
    /// part, the variant suffix, and whether it is a `.404` marker.
    pub(crate) fn parse_tree_path(&self, path: &str) -> Option<TreePath> {
        let (dir, file) = path.rsplit_once('/')?;
        let parts: Vec<&str> = dir.split('/').collect();
        if parts.len() != self.dir.len() {
            return None;
        }
        let mut texts = Vec::with_capacity(parts.len());
        for (text, part) in parts.iter().zip(&self.dir) {
            if let DirPart::Literal(i) = part
                && self.literal(*i) != *text
            {
                return None;
            }
            texts.push((*part, (*text).to_owned()));
        }
        let (file, marker) = match file.strip_suffix(".404") {
            Some(f) if self.markers => (f, true),
            _ => (file, false),
        };
        let suffix = file
            .strip_prefix(self.stem.as_str())?
            .strip_suffix(self.ext.as_str())?;
        if !(suffix.is_empty() || suffix.starts_with('.')) {
            return None;
        }
        Some(TreePath {
            texts,
            suffix: suffix.to_owned(),
            marker,
        })
    }
}

/// A tree path read back by its route.
#[derive(Clone, Debug)]
pub(crate) struct TreePath {
    pub(crate) texts: Vec<(DirPart, String)>,
    pub(crate) suffix: String,
    pub(crate) marker: bool,
}

impl TreePath {
    pub(crate) fn text(&self, part: DirPart) -> Option<&str> {
        self.texts
            .iter()
            .find(|(p, _)| *p == part)
            .map(|(_, t)| t.as_str())
    }

    /// Whether it is a catch-all path (`_` for the build).
    pub(crate) fn is_catch_all(&self) -> bool {
        self.texts
            .iter()
            .any(|(p, t)| matches!(p, DirPart::Build(_)) && t == CATCH_ALL_SEGMENT)
    }
}
