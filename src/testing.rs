//! Test helpers: sites written from inline files, and one-call answers.

use std::path::Path;

use crate::load::{Loaded, load_site};
use crate::response::{Response, exact};

/// A site in a temporary directory.
pub(crate) struct TestSite {
    /// Kept for the site's lifetime: dropping it deletes the files.
    _dir: tempfile::TempDir,
    pub(crate) loaded: Loaded,
}

impl TestSite {
    /// Writes `files` (path, text) and loads the site; `cinder.yml` is added
    /// when missing.
    pub(crate) fn new(files: &[(&str, &str)]) -> TestSite {
        let dir = tempfile::tempdir().expect("temporary directory");
        write_files(dir.path(), files);
        if !dir.path().join("cinder.yml").exists() {
            std::fs::write(
                dir.path().join("cinder.yml"),
                "allowlist:\n  a.com: [b, c]\n",
            )
            .expect("write cinder.yml");
        }
        let loaded = load_site(dir.path()).expect("a site");
        TestSite { _dir: dir, loaded }
    }

    /// Like `new`, but fails the test when the site has errors.
    pub(crate) fn clean(files: &[(&str, &str)]) -> TestSite {
        let site = TestSite::new(files);
        assert_no_errors(&site.loaded);
        site
    }

    /// Balrog's answer (whatever the tree would hold).
    pub(crate) fn get(&self, url: &str) -> Response {
        exact(&self.loaded.site, url, None)
    }

    /// The body for `url`.
    pub(crate) fn body(&self, url: &str) -> String {
        self.get(url).body
    }

    /// The codes of all diagnostics, in order.
    pub(crate) fn codes(&self) -> Vec<&'static str> {
        self.loaded
            .diagnostics
            .iter()
            .filter(|d| !d.code.is_lint())
            .map(|d| d.code.name())
            .collect()
    }
}

/// Fails the test when the loaded site has errors, listing them.
pub(crate) fn assert_no_errors(loaded: &Loaded) {
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code.name(), d.message))
        .collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
}

/// Loads the site at `dir`, failing the test when it has errors.
pub(crate) fn load_clean(dir: &Path) -> Loaded {
    let loaded = load_site(dir).expect("a site");
    assert_no_errors(&loaded);
    loaded
}

pub(crate) fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&path, text).expect("write file");
    }
}

/// The lines of an XML body, without the declaration and `<updates>` wrapper.
pub(crate) fn inner(body: &str) -> Vec<&str> {
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.first(), Some(&"<?xml version=\"1.0\"?>"), "{body}");
    assert_eq!(lines.get(1), Some(&"<updates>"), "{body}");
    assert_eq!(lines.last(), Some(&"</updates>"), "{body}");
    lines[2..lines.len() - 1].to_vec()
}

/// A route of `template` serving every product (as `cinder.yml` would give it).
pub(crate) fn route_space(template: &str) -> crate::space::RouteSpace {
    use crate::model::route::{Route, parse_template, recognise};
    let segments = parse_template(template).expect("a valid template");
    crate::space::RouteSpace {
        route: Route {
            template: template.to_owned(),
            balrog: recognise(&segments),
            segments,
            products: Vec::new(),
            fixed: std::collections::BTreeMap::new(),
            loc: crate::source::Loc::NONE,
        },
        products: Vec::new(),
    }
}

/// The routing description of routes of `templates` serving every product,
/// for a site without conditions or variants (as `cinder.yml` would give it).
pub(crate) fn routing(templates: &[&str], cache_control: &str) -> crate::routing::Routing {
    use crate::routing::{Flags, RouteRouting, Routing};
    let routes: Vec<RouteRouting> = templates
        .iter()
        .map(|t| RouteRouting::new(&route_space(t)))
        .collect();
    Routing {
        not_found_file: routes
            .iter()
            .any(|r| r.markers)
            .then_some(crate::space::NOT_FOUND_FILE),
        routes,
        classes: crate::space::Conditions::default(),
        flags: Flags::default(),
        throttle_rates: Vec::new(),
        empty_file: crate::space::EMPTY_FILE,
        cache_control: cache_control.to_owned(),
    }
}
