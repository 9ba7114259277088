//! The plan holds, for every entry and variant, exactly the answer `query`
//! gives it: the shortcuts of `group.rs` (shortlists, shared evaluations,
//! shared renderings) change nothing.

use std::collections::HashMap;
use std::path::Path;

use crate::engine::evaluate::{answer, answer_traced};
use crate::engine::trace::Test;
use crate::model::Site;
use crate::response::answer_entry;
use crate::space::{Space, Variant};

use super::{Quiet, plan};

/// Every planned file against `answer_entry`, and every entry's variants
/// without a file of their own against the plain answer. Returns the
/// number of answers checked.
fn plan_matches_query(site: &Site) -> usize {
    let space = Space::new(site, &[]);
    let plan = plan(&space, &Quiet);
    let files: HashMap<&str, &[u8]> = plan
        .files
        .iter()
        .map(|(p, id)| (p.as_str(), &*plan.body(*id).bytes))
        .collect();
    let mut checked = 0;
    for entry in space.entries() {
        let plain_path = entry.path(&Variant::default());
        for variant in space.variants_of(&entry) {
            let r = answer_entry(&space, &entry, &variant);
            let path = entry.path(&variant);
            if r.status != 200 {
                if variant.is_plain() {
                    let marker = format!("{path}.404");
                    assert!(files.contains_key(marker.as_str()), "{marker} missing");
                }
                continue;
            }
            let held = files
                .get(path.as_str())
                .or_else(|| files.get(plain_path.as_str()))
                .unwrap_or_else(|| panic!("no file for {path}"));
            assert_eq!(
                String::from_utf8_lossy(held),
                r.body,
                "{path}: the plan differs from query"
            );
            checked += 1;
        }
    }
    checked
}

/// For every entry and variant, the traced evaluation (`explain`'s)
/// decides as the shortlisted one (`query`'s and `build`'s), and its trace
/// names the winner: the matching rule of highest priority, earliest row.
/// Returns the number of queries checked.
fn traces_agree_with_answers(site: &Site) -> usize {
    let space = Space::new(site, &[]);
    let mut checked = 0;
    for entry in space.entries() {
        for variant in space.variants_of(&entry) {
            let q = entry.query(&variant);
            let (traced, trace) = answer_traced(site, &q);
            assert_eq!(traced, answer(site, &q), "{}", entry.path(&variant));
            let best = trace
                .rules
                .iter()
                .filter(|(_, t)| *t == Test::Matches)
                .min_by_key(|(id, _)| std::cmp::Reverse(site.rule(*id).priority))
                .map(|(id, _)| *id);
            if let Ok(a) = &traced
                && trace.shutoff.is_none()
            {
                assert_eq!(a.decision.rule, best, "{}", entry.path(&variant));
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn explain_decides_as_query_on_the_demo_and_a_synthetic_site() {
    let site = loaded(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(traces_agree_with_answers(&site) > 1000);
    let dir = tempfile::tempdir().unwrap();
    crate::synth::write(dir.path(), &crate::synth::site(0.01, 5)).unwrap();
    assert!(traces_agree_with_answers(&loaded(dir.path())) > 10_000);
}

fn loaded(dir: &Path) -> Site {
    crate::testing::load_clean(dir).site
}

#[test]
fn the_demo_plan_is_what_query_answers() {
    let site = loaded(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(plan_matches_query(&site) > 1000);
}

#[test]
fn a_synthetic_firefox_plan_is_what_query_answers() {
    let dir = tempfile::tempdir().unwrap();
    crate::synth::write(dir.path(), &crate::synth::site(0.01, 5)).unwrap();
    let site = loaded(dir.path());
    assert!(plan_matches_query(&site) > 10_000);
}

/// Rules that read what differs within a group (osVersion, memory,
/// instructionSet, distribution, jaws, mig64) at several priorities, one
/// erroring only for some classes, throttles and pins, so that groups mix
/// shared and per-entry evaluations.
#[test]
fn rules_reading_varying_values_plan_as_query_answers() {
    let release = |name: &str, version: &str, build: &str| {
        format!(
            "name: {name}\nschema_version: 4\nappVersion: \"{version}\"\ndisplayVersion: \"{version}\"\nplatformVersion: \"{version}\"\nhashFunction: sha512\nfileUrls:\n  \"*\":\n    completes: {{\"*\": \"http://a.com/{name}-%LOCALE%\"}}\n    partials: {{r1: \"http://a.com/{name}-from-r1\"}}\nplatforms:\n  WINNT_x86_64-msvc:\n    buildID: \"{build}\"\n    OS_FTP: win64\n    OS_BOUNCER: win64\n    locales:\n      de:\n        completes: [{{from: \"*\", filesize: 1, hashValue: h}}]\n        partials: [{{from: r1, filesize: 1, hashValue: h}}]\n      fr:\n        completes: [{{from: \"*\", filesize: 1, hashValue: h}}]\n"
        )
    };
    let (r1, r2, r3) = (
        release("r1", "1.0", "100"),
        release("r2", "2.0", "200"),
        release("r3", "3.0", "300"),
    );
    let rules = "\
- {rule_id: 1, priority: 100, product: b, channel: release, mapping: r3, fallbackMapping: r2, backgroundRate: 50}
- {rule_id: 2, priority: 200, product: b, channel: release, osVersion: \"Windows_NT 6.1\", mapping: r2}
- {rule_id: 3, priority: 50, product: b, channel: release, memory: \"<2048\", mapping: r1}
- {rule_id: 4, priority: 300, product: b, channel: release, memory: \"<1024\", version: \"<2.0\", mapping: r2}
- {rule_id: 5, priority: 150, product: b, channel: release, instructionSet: SSE2, mapping: r2}
- {rule_id: 6, priority: 400, product: b, channel: beta, distribution: acme, mapping: r1}
- {rule_id: 7, priority: 100, product: b, channel: beta, mapping: r3}
- {rule_id: 8, priority: 500, product: b, channel: beta, jaws: true, mapping: r1}
- {rule_id: 9, priority: 600, product: b, channel: release, mig64: true, mapping: r3}
";
    let config = "allowlist:\n  a.com: [b]\nchannels: [release, beta]\nvalues:\n  distribution: [default, acme]\n  osVersion: [\"Windows_NT 6.1\", \"Windows_NT 10.0\"]\npins:\n  - {product: b, channel: release, version: \"2.\", mapping: r2}\n";
    let dir = tempfile::tempdir().unwrap();
    crate::testing::write_files(
        dir.path(),
        &[
            ("cinder.yml", config),
            ("rules/r.yml", rules),
            ("releases/r1.yml", &r1),
            ("releases/r2.yml", &r2),
            ("releases/r3.yml", &r3),
        ],
    );
    let site = loaded(dir.path());
    assert!(plan_matches_query(&site) > 100);
}
