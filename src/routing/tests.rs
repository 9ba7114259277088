//! The routing description's two interpretations agree: walking its
//! directories over the planned tree's files (what `serve` and every web
//! server do) gives each request the answer `query` gives by walking them
//! over the parameter space; and every tree path reads back to itself.

use std::collections::HashMap;
use std::path::Path;

use crate::model::route::Param;
use crate::plan::{Plan, Quiet, plan};
use crate::response::respond;
use crate::space::Space;
use crate::testing::{TestSite, load_clean};

use super::{Answer, BuildChoice, DirPart, Miss, OsChoice, Routing, Tree, TreeAnswer};

struct Files<'p>(HashMap<&'p str, &'p [u8]>);

impl<'p> Files<'p> {
    fn of(plan: &'p Plan) -> Files<'p> {
        Files(
            plan.files
                .iter()
                .map(|(p, id)| (p.as_str(), &*plan.body(*id).bytes))
                .collect(),
        )
    }
}

impl Tree for Files<'_> {
    fn has(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }
}

/// The status and body the files give a request, as a web server serves them.
fn served(routing: &Routing, files: &Files<'_>, url: &str, ua: Option<&str>) -> (u16, String) {
    match routing.resolve(url, ua, files) {
        Answer::File { path, .. } => (
            200,
            String::from_utf8_lossy(files.0[path.as_str()]).into_owned(),
        ),
        Answer::NotFound { .. } => (404, String::new()),
        Answer::Empty => (200, crate::render::EMPTY.to_owned()),
    }
}

fn urls() -> Vec<String> {
    let mut out = Vec::new();
    let builds = [
        ("131.0", "20260831094200"),
        ("132.0", "20261027093000"),
        ("133.0", "20261117090000"),
        ("99.0", "1"),
    ];
    let os = [
        "Windows_NT%2010.0.0.0.19045.4651%20(x64)",
        "Windows_NT 6.1.7601",
        "Darwin 23",
        "%25",
        "x",
    ];
    let caps = [
        "ISET:SSE4_2,MEM:16252",
        "ISET:SSE3,MEM:16252",
        "ISET:SSE4_2,MEM:1024,JAWS:1",
        "SSE4_2,1024",
        "a,b,c",
    ];
    let queries = [
        "",
        "?force=1",
        "?force=-1",
        "?pin=131.",
        "?force=1&pin=0131.",
        "?mig64=1",
    ];
    for (v, b) in builds {
        for bt in ["WINNT_x86_64-msvc-x64", "Darwin_aarch64-gcc3", "SunOS"] {
            for c in ["release", "beta", "release-cck-acme", "nightly"] {
                for o in os {
                    for cap in caps {
                        for q in queries {
                            out.push(format!(
                                "/update/6/Ember/{v}/{b}/{bt}/de/{c}/{o}/{cap}/default/default/update.xml{q}"
                            ));
                        }
                    }
                }
            }
            for product in ["SystemAddons", "GMP", "Nope"] {
                out.push(format!(
                    "/update/3/{product}/{v}/{b}/{bt}/fr/release/Windows_NT%2010.0/default/default/update.xml"
                ));
            }
        }
    }
    out.extend(
        [
            "/",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/x/ISET:SSE4_2/default/update.xml",
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/../release/x/y/default/default/update.xml",
            "/update/6/Ember/_/_/WINNT_x86_64-msvc-x64/de/release/x/y/default/default/update.xml",
        ]
        .map(String::from),
    );
    out
}

#[test]
fn files_answer_every_request_as_query_does() {
    let loaded = load_clean(Path::new(env!("CARGO_MANIFEST_DIR")));
    let space = Space::new(&loaded.site, &[]);
    let routing = Routing::new(&space);
    let planned = plan(&space, &Quiet);
    let files = Files::of(&planned);
    let urls = urls();
    for url in &urls {
        let want = respond(&space, &routing, url, None);
        assert_eq!(
            served(&routing, &files, url, None),
            (want.status, want.body),
            "{url}"
        );
    }
    assert!(urls.len() > 5000);
}

#[test]
fn json_routes_answer_404_from_markers_and_misses() {
    let site = TestSite::clean(&[
        (
            "cinder.yml",
            "allowlist: {vpn.example: [Guardian]}\nchannels: [release]\nroutes:\n  - json/2/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/%OS_VERSION%/update.json\n",
        ),
        (
            "rules/r.yml",
            "- {priority: 10, product: Guardian, osVersion: Windows_NT 6.1}\n- {priority: 5, product: Guardian, mapping: g, backgroundRate: 0}\n",
        ),
        (
            "releases/g.yml",
            "schema_version: 10000\nversion: \"2.1.0\"\nrequired: false\nhashFunction: sha512\nplatforms:\n  WINNT: {fileUrl: \"https://vpn.example/2.1.0.msi\", hashValue: ab}\n",
        ),
    ]);
    let space = Space::new(&site.loaded.site, &[]);
    let routing = Routing::new(&space);
    let planned = plan(&space, &Quiet);
    let files = Files::of(&planned);
    assert!(planned.files.iter().any(|(p, _)| p.ends_with(".404")));
    let mut statuses = Vec::new();
    for v in ["2.1.0", "1.0"] {
        for bt in ["WINNT", "Linux"] {
            for os in ["Windows_NT 6.1", "Windows_NT 10.0"] {
                for q in ["", "?force=1", "?force=-1"] {
                    let url = format!("/json/2/Guardian/{v}/{bt}/release/{os}/update.json{q}");
                    let want = respond(&space, &routing, &url, None);
                    let got = served(&routing, &files, &url, None);
                    assert_eq!(got, (want.status, want.body), "{url}");
                    statuses.push(got.0);
                }
            }
        }
    }
    assert!(
        statuses.contains(&200) && statuses.contains(&404),
        "{statuses:?}"
    );
}

#[test]
fn every_tree_path_reads_back_to_its_own_file() {
    let loaded = load_clean(Path::new(env!("CARGO_MANIFEST_DIR")));
    let space = Space::new(&loaded.site, &[]);
    let routing = Routing::new(&space);
    let planned = plan(&space, &Quiet);
    let files = Files::of(&planned);
    for (path, _) in &planned.files {
        match routing.find_tree_path(path, &files) {
            TreeAnswer::Found(Answer::File { path: found, .. }) => assert_eq!(&found, path),
            TreeAnswer::OffRoute => assert!(!path.contains('/'), "{path}"),
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[test]
fn routes_are_described_segment_by_segment() {
    let site = TestSite::new(&[(
        "cinder.yml",
        "allowlist: {a.com: [b]}\nroutes:\n  - update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml\n  - update/4/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/%PLATFORM_VERSION%/update.xml\n  - {url: \"fork/%BUILD_TARGET%/%CHANNEL%\", product: b, locale: en-US}\n  - json/1/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/update.json\n",
    )]);
    let space = Space::new(&site.loaded.site, &[]);
    let routing = Routing::new(&space);
    let [stock, four, fork, json] = &routing.routes[..] else {
        panic!("four routes");
    };
    assert_eq!(
        stock.dir,
        vec![
            DirPart::Literal(0),
            DirPart::Literal(1),
            DirPart::Value(Param::Product),
            DirPart::Build(Param::Version),
            DirPart::Build(Param::BuildId),
            DirPart::Value(Param::BuildTarget),
            DirPart::Value(Param::Locale),
            DirPart::Value(Param::Channel),
            DirPart::OsClass,
            DirPart::CapsClass,
            DirPart::Value(Param::Distribution),
            DirPart::Value(Param::DistributionVersion),
        ]
    );
    assert_eq!(
        (stock.stem.as_str(), stock.ext.as_str()),
        ("update", ".xml")
    );
    assert_eq!(stock.builds, [BuildChoice::Client, BuildChoice::CatchAll]);
    assert_eq!(stock.os, [OsChoice::Own, OsChoice::Top, OsChoice::Zero]);
    assert_eq!(stock.flags.len(), 4);
    assert!(
        !four.dir.contains(&DirPart::Value(Param::PlatformVersion)),
        "ignored parameters are left out of paths"
    );
    assert_eq!(fork.builds, [BuildChoice::CatchAll]);
    assert!(fork.os.is_empty());
    assert_eq!(fork.file_name(".f1"), "index.f1.xml");
    assert_eq!(
        fork.fixed.get(&Param::Product).map(String::as_str),
        Some("b")
    );
    assert_eq!(json.miss, Miss::NotFound);
    assert!(json.markers);
    assert_eq!(json.flags.len(), 1, "JSON routes read force only");
    assert_eq!(json.content_type, super::JSON);
    assert_eq!(
        fork.parse_tree_path("fork/WINNT/release/index.f1.xml")
            .map(|t| t.suffix),
        Some(".f1".to_owned())
    );
    assert!(
        fork.parse_tree_path("fork/WINNT/release/update.xml")
            .is_none()
    );
    assert!(
        stock
            .parse_tree_path("fork/WINNT/release/index.xml")
            .is_none()
    );
}

/// Whether a tree view lacks a path.
type Hidden<'a> = dyn Fn(&str) -> bool + 'a;

/// The planned files, less those in the osVersion class directories
/// `hidden` says the tree lacks, recording which paths a resolution asks
/// for.
struct Asked<'p> {
    files: &'p Files<'p>,
    hidden: &'p Hidden<'p>,
    asked: std::cell::RefCell<Vec<String>>,
}

impl Tree for Asked<'_> {
    fn has(&self, path: &str) -> bool {
        self.asked.borrow_mut().push(path.to_owned());
        self.files.has(path) && !(self.hidden)(path)
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The order a publish replaces files in (`files.rs`) is the order requests
/// fall back in: for every request, each file asked for before the one that
/// answers (in a directory tried earlier, or its variant) has an earlier
/// place, and a miss's answer comes after everything it asked for. Checked
/// on the demo's tree, and on it without the osVersion classes only values
/// of their own reach (so requests fall back to their first condition's
/// class), and with the zero class alone.
#[test]
fn every_file_a_request_tries_first_has_an_earlier_place() {
    use super::Fallback;
    let loaded = load_clean(Path::new(env!("CARGO_MANIFEST_DIR")));
    let space = Space::new(&loaded.site, &[]);
    let routing = Routing::new(&space);
    let planned = plan(&space, &Quiet);
    let files = Files::of(&planned);
    // The osVersion class key of a tree path, and whether it is its
    // product's zero class or some condition's first class.
    let class = |path: &str| -> Option<(bool, bool)> {
        let (route, parsed) = routing
            .routes
            .iter()
            .find_map(|r| r.parse_tree_path(path).map(|p| (r, p)))?;
        let key = parsed.text(DirPart::OsClass)?;
        let product = parsed
            .text(DirPart::Value(Param::Product))
            .or_else(|| route.fixed.get(&Param::Product).map(String::as_str))?;
        let classes = routing.classes.products.get(product)?;
        Some((
            classes.os_classes[0].key == key,
            classes.os_top.iter().any(|(_, k)| k == key),
        ))
    };
    let whole = |_: &str| false;
    let no_own = |p: &str| class(p).is_some_and(|(zero, top)| !zero && !top);
    let zero_only = |p: &str| class(p).is_some_and(|(zero, _)| !zero);
    let views: [(&str, &Hidden<'_>); 3] = [
        ("the whole tree", &whole),
        ("without own classes", &no_own),
        ("with the zero class alone", &zero_only),
    ];
    for (view, hidden) in views {
        let tree = Asked {
            files: &files,
            hidden,
            asked: std::cell::RefCell::new(Vec::new()),
        };
        let (mut fell_back, mut compared) = (0, 0);
        for url in urls() {
            tree.asked.borrow_mut().clear();
            let answer = routing.resolve(&url, None, &tree);
            let asked = tree.asked.borrow().clone();
            let answering = match &answer {
                Answer::File { path, .. } => Some(path.clone()),
                // A marker found answers; else the miss.
                _ => asked
                    .iter()
                    .rfind(|p| files.has(p) && !hidden(p))
                    .filter(|p| p.ends_with(".404"))
                    .cloned(),
            };
            let place = |p: &str| routing.tree_file(p).fallback;
            let answered = answering.as_deref().map_or(Fallback::LastResort, place);
            if let Some(a) = &answering {
                assert_ne!(place(a), Fallback::OffRoute, "{url}: {a}");
                if dir_of(a) != dir_of(&asked[0]) {
                    fell_back += 1;
                }
            }
            let a_is_variant = matches!(answered, Fallback::Dir { plain: false, .. });
            for tried in &asked {
                if Some(tried) == answering.as_ref() {
                    break;
                }
                // Within the answering directory, the plain file is asked for
                // first only to see that the directory holds an answer.
                if answering
                    .as_deref()
                    .is_some_and(|a| dir_of(a) == dir_of(tried))
                    && a_is_variant
                {
                    continue;
                }
                compared += 1;
                assert!(
                    place(tried) < answered,
                    "{view}: {url}: `{tried}` ({:?}) is tried before the answer {answering:?} ({answered:?})",
                    place(tried)
                );
            }
        }
        assert!(
            fell_back > 100 && compared > 1000,
            "{view}: {fell_back} fell back, {compared} compared"
        );
    }
}
