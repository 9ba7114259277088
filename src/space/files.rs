//! What a file of a built tree is, read back from its path (the inverse of
//! `Entry::path`): the route whose answers it holds, so the Content-Type a
//! server sends with it, and where it sits in the servers' fallback chain.
//!
//! The chain (the nginx configuration's `try_files`, the preview's
//! projection): a request is answered by its variant's file (`update.f1.xml`),
//! else its build's plain answer (`update.xml`), else the same two for the
//! catch-all build (`_` in place of version and buildID), else the answer of
//! last resort at the root (`cinder-empty.xml`, or `cinder-404.json` on JSON
//! routes). A file lower in the chain answers the requests that find nothing
//! higher up, so whoever replaces files one at a time (a publish to object
//! storage) writes them from the top of the chain down.

use crate::model::route::{JSON_CONTENT_TYPE, Param, Route, Segment, XML_CONTENT_TYPE};
use crate::plan::{EMPTY_FILE, NOT_FOUND_FILE};

use super::{CATCH_ALL_SEGMENT, RouteSpace};

/// A file's place in the fallback chain, from the top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Fallback {
    /// A variant's answer: no request falls back to it.
    Variant,
    /// A build's plain answer: its variants' requests fall back to it.
    Plain,
    /// A variant's answer for the catch-all build: requests from builds the
    /// tree does not list fall back to it.
    CatchAllVariant,
    /// The catch-all build's plain answer.
    CatchAllPlain,
    /// The answers at the root that every request can end at.
    LastResort,
}

/// A file of the tree, as servers treat it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TreeFile {
    pub(crate) fallback: Fallback,
    pub(crate) content_type: &'static str,
}

/// What the file at `path` (relative, `/`-separated) is, for a tree built
/// with `routes`: as a file of the first route whose files have this path's
/// shape (as the first matching location in nginx). Files no route names
/// are served as XML, nginx's default type for the tree.
pub(crate) fn tree_file(routes: &[RouteSpace], path: &str) -> TreeFile {
    if path == EMPTY_FILE || path == NOT_FOUND_FILE {
        return TreeFile {
            fallback: Fallback::LastResort,
            content_type: if path == NOT_FOUND_FILE {
                JSON_CONTENT_TYPE
            } else {
                XML_CONTENT_TYPE
            },
        };
    }
    let parts: Vec<&str> = path.split('/').collect();
    for rs in routes {
        if let Some(fallback) = shape(&rs.route, &parts) {
            return TreeFile {
                fallback,
                content_type: rs.route.content_type(),
            };
        }
    }
    TreeFile {
        fallback: Fallback::Plain,
        content_type: XML_CONTENT_TYPE,
    }
}

/// Where the file of `parts` sits, if the route makes files of that shape.
fn shape(route: &Route, parts: &[&str]) -> Option<Fallback> {
    let segments: Vec<&Segment> = route
        .segments
        .iter()
        .filter(|s| !matches!(s, Segment::Param(p) if p.is_ignored()))
        .collect();
    // A template ending in a parameter has a directory there, holding `index.xml`.
    let (dirs, stem, ext) = match segments.split_last()? {
        (Segment::Literal(file), dirs) => {
            let (stem, ext) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
            (dirs, stem, ext)
        }
        (Segment::Param(_), _) => (&segments[..], "index", "xml"),
    };
    let (file, dir_parts) = parts.split_last()?;
    if dir_parts.len() != dirs.len() {
        return None;
    }
    let mut catch_all = false;
    for (part, segment) in dir_parts.iter().zip(dirs) {
        match segment {
            Segment::Literal(l) if l == part => {}
            Segment::Literal(_) => return None,
            Segment::Param(_) if part.is_empty() => return None,
            Segment::Param(Param::Version | Param::BuildId) => {
                catch_all |= *part == CATCH_ALL_SEGMENT;
            }
            Segment::Param(_) => {}
        }
    }
    // `STEM[SUFFIX][.EXT][.404]`, where a variant's suffix is `.f1`, `.p131`, ...
    let file = file.strip_suffix(".404").unwrap_or(file);
    let rest = file.strip_prefix(stem)?;
    let suffix = if ext.is_empty() {
        rest
    } else {
        rest.strip_suffix(ext)?.strip_suffix('.')?
    };
    let variant = match suffix {
        "" => false,
        s if s.starts_with('.') && s.len() > 1 => true,
        _ => return None,
    };
    Some(match (catch_all, variant) {
        (false, true) => Fallback::Variant,
        (false, false) => Fallback::Plain,
        (true, true) => Fallback::CatchAllVariant,
        (true, false) => Fallback::CatchAllPlain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::route::balrog_template;
    use crate::space::{Entry, Variant};
    use crate::testing::route_space;

    fn routes() -> Vec<RouteSpace> {
        vec![
            route_space(balrog_template(crate::model::route::BalrogRoute::Update(6))),
            route_space(balrog_template(crate::model::route::BalrogRoute::Json(1))),
            route_space("corp/%PRODUCT%/%CHANNEL%"),
        ]
    }

    /// Checks a path's place, content type and route (the first whose shape it has).
    #[track_caller]
    fn check(path: &str, fallback: Fallback, content_type: &str, template: Option<&str>) {
        let routes = routes();
        let f = tree_file(&routes, path);
        let parts: Vec<&str> = path.split('/').collect();
        let route = routes
            .iter()
            .find(|rs| shape(&rs.route, &parts).is_some())
            .map(|rs| rs.route.template.as_str());
        assert_eq!(
            (f.fallback, f.content_type, route),
            (fallback, content_type, template),
            "{path}"
        );
    }

    #[test]
    fn files_are_placed_in_the_fallback_chain_with_their_routes_content_type() {
        let u6 = balrog_template(crate::model::route::BalrogRoute::Update(6));
        let j1 = balrog_template(crate::model::route::BalrogRoute::Json(1));
        let xml = XML_CONTENT_TYPE;
        let json = JSON_CONTENT_TYPE;
        let known = "update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/o1/c0/default/default";
        let any = "update/6/Ember/_/_/WINNT_x86_64-msvc-x64/de/release/o1/c0/default/default";
        check(
            &format!("{known}/update.xml"),
            Fallback::Plain,
            xml,
            Some(u6),
        );
        check(
            &format!("{known}/update.f1.p131.xml"),
            Fallback::Variant,
            xml,
            Some(u6),
        );
        check(
            &format!("{any}/update.w25.xml"),
            Fallback::CatchAllVariant,
            xml,
            Some(u6),
        );
        check(
            &format!("{any}/update.xml"),
            Fallback::CatchAllPlain,
            xml,
            Some(u6),
        );
        check(
            "json/1/Guardian/1.0/WINNT/release/update.json",
            Fallback::Plain,
            json,
            Some(j1),
        );
        check(
            "json/1/Guardian/_/WINNT/release/update.f1.json.404",
            Fallback::CatchAllVariant,
            json,
            Some(j1),
        );
        check(
            "corp/Ember/release/index.xml",
            Fallback::Plain,
            xml,
            Some("corp/%PRODUCT%/%CHANNEL%"),
        );
        check(EMPTY_FILE, Fallback::LastResort, xml, None);
        check(NOT_FOUND_FILE, Fallback::LastResort, json, None);
        // Not a file any route makes: a different file name, a missing segment.
        check(&format!("{known}/updates.xml"), Fallback::Plain, xml, None);
        check("update/6/Ember/update.xml", Fallback::Plain, xml, None);
        check(
            "json/1/Guardian/1.0/WINNT/release/update.jsonx",
            Fallback::Plain,
            xml,
            None,
        );
    }

    #[test]
    fn every_entry_path_reads_back_as_its_route_and_variant() {
        let routes = routes();
        let build = crate::space::Build {
            version: "131.0".into(),
            build_id: "20260831094200".into(),
            build_target: "Linux_x86_64-gcc3".into(),
            locale: "de".into(),
        };
        let os = crate::space::Class {
            key: "o1".into(),
            representative: "Windows_NT 10.0".into(),
        };
        let caps = crate::space::Class {
            key: "c0".into(),
            representative: "ISET:SSE4_2,MEM:16000".into(),
        };
        for rs in &routes {
            for b in [Some(&build), None] {
                let entry = Entry {
                    route: rs,
                    product: "Ember",
                    build: b,
                    build_target: "Linux_x86_64-gcc3",
                    locale: "de",
                    channel: "release",
                    os: Some(&os),
                    caps: Some(&caps),
                    distribution: Some("default"),
                    dist_version: Some("default"),
                };
                let forced = Variant {
                    force: Some(crate::engine::request::Force::Main),
                    ..Variant::default()
                };
                let catch_all = b.is_none() && rs.route.carries(Param::Version);
                for (variant, plain) in [(Variant::default(), true), (forced, false)] {
                    let path = entry.path(&variant);
                    let f = tree_file(&routes, &path);
                    assert_eq!(f.content_type, rs.route.content_type(), "{path}");
                    let expected = match (catch_all, plain) {
                        (false, false) => Fallback::Variant,
                        (false, true) => Fallback::Plain,
                        (true, false) => Fallback::CatchAllVariant,
                        (true, true) => Fallback::CatchAllPlain,
                    };
                    assert_eq!(f.fallback, expected, "{path}");
                }
            }
        }
    }
}
