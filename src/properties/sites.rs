//! Whole sites: loaders given mangled files and rules given arbitrary
//! conditions report or answer without a panic, and for generated sites
//! and requests the built tree, served as every host routes it, answers
//! what `query` answers.

use std::collections::HashMap;
use std::fmt::Write as _;

use proptest::prelude::*;

use crate::load::{Loaded, load_site};
use crate::plan::{Quiet, plan};
use crate::response::{exact, respond};
use crate::routing::{Answer, Routing, Tree};
use crate::space::EMPTY_FILE;
use crate::space::Space;

const PLATFORMS: [&str; 2] = ["WINNT_x86_64-msvc", "Linux_x86_64-gcc3"];
const LOCALES: [&str; 3] = ["de", "fr", "en-US"];
const RELEASES: [(&str, &str, &str); 3] = [
    ("r1", "1.0", "100"),
    ("r2", "2.0", "200"),
    ("r3", "3.0", "300"),
];

/// A release of schema 4 on the platforms and locales whose bits are set,
/// with a partial from r1 when `partial`.
fn release(i: usize, platforms: u8, locales: u8, partial: bool) -> String {
    let (name, version, build) = RELEASES[i];
    let mut out = format!(
        "name: {name}\nschema_version: 4\nappVersion: \"{version}\"\ndisplayVersion: \"{version}\"\nhashFunction: sha512\nfileUrls:\n  \"*\":\n    completes: {{\"*\": \"https://a.com/{name}/%LOCALE%\"}}\n    partials: {{r1: \"https://a.com/{name}/from-r1\"}}\nplatforms:\n"
    );
    for (p, platform) in PLATFORMS.iter().enumerate() {
        if platforms & (1 << p) == 0 {
            continue;
        }
        let _ = write!(
            out,
            "  {platform}:\n    buildID: \"{build}\"\n    OS_FTP: os\n    OS_BOUNCER: os\n    locales:\n"
        );
        for (l, locale) in LOCALES.iter().enumerate() {
            if locales & (1 << l) == 0 {
                continue;
            }
            let _ = writeln!(
                out,
                "      {locale}:\n        completes: [{{from: \"*\", filesize: 1, hashValue: h}}]"
            );
            if partial && i > 0 {
                let _ = writeln!(
                    out,
                    "        partials: [{{from: r1, filesize: 1, hashValue: h}}]"
                );
            }
        }
    }
    out
}

/// One rule of product b, in flow style, from generated choices.
fn rule() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(1u32), Just(2), Just(50), Just(100)],
        prop_oneof![
            Just(""),
            Just("release"),
            Just("beta"),
            Just("release*"),
            Just("nightly")
        ],
        prop_oneof![
            Just(""),
            Just("<2.0"),
            Just(">=2.0"),
            Just("1.0"),
            Just("<=3.0"),
            Just(">1.0,<3.0")
        ],
        prop_oneof![Just(""), Just("<150"), Just(">=200"), Just("100")],
        prop_oneof![Just(""), Just(PLATFORMS[0]), Just(PLATFORMS[1])],
        prop_oneof![Just(""), Just("de"), Just("de,fr")],
        prop_oneof![Just(""), Just("Windows_NT 10.0"), Just("Linux")],
        prop_oneof![Just(""), Just("acme")],
        (
            0usize..3,
            proptest::option::of((prop_oneof![Just(0u8), Just(50)], 0usize..3)),
        ),
    )
        .prop_map(
            |(priority, channel, version, build, target, locale, os, dist, (mapping, throttle))| {
                let mut r = format!(
                    "- {{priority: {priority}, product: b, mapping: {}",
                    RELEASES[mapping].0
                );
                for (field, value) in [
                    ("channel", channel),
                    ("version", version),
                    ("buildID", build),
                    ("buildTarget", target),
                    ("locale", locale),
                    ("osVersion", os),
                    ("distribution", dist),
                ] {
                    if !value.is_empty() {
                        let _ = write!(r, ", {field}: \"{value}\"");
                    }
                }
                if let Some((rate, fallback)) = throttle {
                    let _ = write!(
                        r,
                        ", backgroundRate: {rate}, fallbackMapping: {}",
                        RELEASES[fallback].0
                    );
                }
                r.push_str("}\n");
                r
            },
        )
}

/// A site: the three releases (platforms, locales, partials generated)
/// and one to six rules.
fn site() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        proptest::collection::vec((1u8..4, 1u8..8, any::<bool>()), 3),
        proptest::collection::vec(rule(), 1..7),
    )
        .prop_map(|(releases, rules)| {
            let mut files = vec![
                (
                    "cinder.yml".to_owned(),
                    "allowlist:\n  a.com: [b]\nchannels: [release, beta, release-cck-acme]\nvalues:\n  distribution: [default, acme]\n  osVersion: [\"Windows_NT 10.0\", \"Linux 6.1\"]\n".to_owned(),
                ),
                ("rules/r.yml".to_owned(), rules.concat()),
            ];
            for (i, (platforms, locales, partial)) in releases.into_iter().enumerate() {
                files.push((format!("releases/{}.yml", RELEASES[i].0), release(i, platforms, locales, partial)));
            }
            files
        })
}

/// Requests of the default `update/6` route with known and unknown values.
fn request() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("1.0"), Just("2.0"), Just("3.0"), Just("0.5"), Just("9.0")],
        prop_oneof![Just("100"), Just("200"), Just("300"), Just("150"), Just("999")],
        prop_oneof![Just(PLATFORMS[0]), Just(PLATFORMS[1]), Just("Darwin_x86_64-gcc3")],
        prop_oneof![Just("de"), Just("fr"), Just("en-US"), Just("ja")],
        prop_oneof![Just("release"), Just("beta"), Just("release-cck-acme"), Just("aurora")],
        prop_oneof![Just("Windows_NT%2010.0"), Just("Linux%206.1"), Just("Darwin%2023.1")],
        prop_oneof![Just("default"), Just("acme"), Just("other")],
        prop_oneof![Just(""), Just("?force=1"), Just("?mig64=1"), Just("?force=-1")],
    )
        .prop_map(|(version, build, target, locale, channel, os, dist, query)| {
            format!("/update/6/b/{version}/{build}/{target}/{locale}/{channel}/{os}/ISET:SSE4_2,MEM:8192/{dist}/default/update.xml{query}")
        })
}

fn load(files: &[(String, String)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let loaded = load_site(dir.path()).unwrap();
    (dir, loaded)
}

/// The planned tree, as a host sees it.
struct Planned(HashMap<String, Vec<u8>>);

impl Tree for Planned {
    fn has(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }
}

/// Inserts, deletes or replaces characters of a valid file.
fn mangled(text: &'static str) -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        0usize..4,
        prop_oneof![
            "[-:{}\\[\\]*&!|>\"'#%@`,?]",
            Just("\n".to_owned()),
            Just("  ".to_owned()),
            Just("\t".to_owned()),
            Just("*a".to_owned()),
            Just("&a ".to_owned()),
            Just("<<: ".to_owned()),
            Just("!!binary ".to_owned()),
            any::<char>().prop_map(String::from),
        ],
    );
    proptest::collection::vec(edit, 1..6).prop_map(move |edits| {
        let mut s: Vec<char> = text.chars().collect();
        for (at, delete, insert) in edits {
            let i = at.index(s.len() + 1);
            let end = (i + delete).min(s.len());
            s.splice(i..end, insert.chars());
        }
        s.into_iter().collect()
    })
}

const RULES: &str = "- {priority: 100, product: b, channel: release, version: \"<2.0\", mapping: r2}\n- alias: beta\n  priority: 50\n  product: b\n  channel: \"beta*\"\n  mapping: r1\n";

proptest! {
    #![proptest_config(super::config(48))]

    #[test]
    fn the_built_tree_answers_what_query_answers(
        files in site(),
        requests in proptest::collection::vec(request(), 1..24),
    ) {
        let (_dir, loaded) = load(&files);
        prop_assume!(loaded.diagnostics.errors() == 0);
        let space = Space::new(&loaded.site, &[]);
        let routing = Routing::new(&space);
        let planned = plan(&space, &Quiet);
        let tree = Planned(
            planned
                .files
                .iter()
                .map(|(p, id)| (p.clone(), planned.body(*id).bytes.to_vec()))
                .collect(),
        );
        for url in &requests {
            let query = respond(&space, &routing, url, None);
            let served = match routing.resolve(url, None, &tree) {
                Answer::File { path, .. } => (200, tree.0[&path].clone()),
                Answer::NotFound { .. } => (404, Vec::new()),
                Answer::Empty => (200, tree.0[EMPTY_FILE].clone()),
            };
            prop_assert_eq!(
                (query.status, query.body.clone()),
                (served.0, String::from_utf8_lossy(&served.1).into_owned()),
                "query (left) and the tree (right) differ for {}", url
            );
        }
    }
}

proptest! {
    #![proptest_config(super::config(200))]

    #[test]
    fn mangled_rules_and_releases_are_reported_not_a_panic(
        rules in mangled(RULES),
        release_text in mangled("name: r1\nschema_version: 4\nappVersion: \"1.0\"\nhashFunction: sha512\nfileUrls:\n  \"*\":\n    completes: {\"*\": \"https://a.com/%LOCALE%\"}\nplatforms:\n  p:\n    buildID: \"100\"\n    OS_FTP: os\n    locales:\n      de: {completes: [{from: \"*\", filesize: 1, hashValue: h}]}\n"),
        config in mangled("allowlist:\n  a.com: [b]\nchannels: [release, beta]\nroutes:\n  - update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml\n"),
    ) {
        let (_dir, loaded) = load(&[
            ("cinder.yml".to_owned(), config),
            ("rules/r.yml".to_owned(), rules),
            ("releases/r1.yml".to_owned(), release_text),
            ("releases/r2.yml".to_owned(), release(1, 1, 1, false)),
        ]);
        for d in loaded.diagnostics.iter() {
            let _ = crate::diag::render(d, &loaded.sources, crate::diag::Style::Plain);
        }
        let _ = exact(&loaded.site, "/update/6/b/1.0/100/p/de/release/os/default/default/default/update.xml", None);
    }

    #[test]
    fn rules_with_arbitrary_conditions_are_reported_or_evaluated(
        conditions in proptest::collection::vec(
            (prop_oneof![
                Just("version"), Just("buildID"), Just("channel"), Just("locale"),
                Just("osVersion"), Just("memory"), Just("instructionSet"),
                Just("distribution"), Just("buildTarget"), Just("systemCapabilities"),
            ], any::<String>()),
            1..4,
        ),
        requests in proptest::collection::vec(request(), 1..6),
    ) {
        let mut rule = "- priority: 1\n  product: b\n  mapping: r2\n".to_owned();
        for (field, value) in &conditions {
            let _ = writeln!(rule, "  {field}: {value:?}");
        }
        let (_dir, loaded) = load(&[
            ("cinder.yml".to_owned(), "allowlist:\n  a.com: [b]\n".to_owned()),
            ("rules/r.yml".to_owned(), rule),
            ("releases/r2.yml".to_owned(), release(1, 3, 7, false)),
        ]);
        for url in &requests {
            let _ = exact(&loaded.site, url, None);
        }
    }
}
