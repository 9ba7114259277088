//! App updates: Debian's Firefox has no updater, so the harness applies the
//! rules of Firefox's UpdateService.sys.mjs (tests/firefox/
//! app-update-rules.sys.mjs, which cites the revision) to the update.xml
//! the tree serves each of the demo's clients, parsed by Firefox's own
//! XMLHttpRequest (as the updater reads it) and by its DOMParser.

use serde_json::{Value, json};

use super::output::AppUpdateCheck;
use super::site::Site;
use super::{served, session};

/// Firefox's app-update URL template (`[AppUpdate] URL` in
/// build/application.ini.in), without its scheme and host.
pub(crate) const TEMPLATE: &str = "update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml";

const WINDOWS_10: &str = "Windows_NT 10.0.0.0.19045.4651 (x64)";
const WINDOWS_7: &str = "Windows_NT 6.1.1.0.7601 (x64)";
const LINUX: &str = "Linux 6.5.0-14-generic (GTK 3.24.37,libpulse 16.1.0)";
const CAPABILITIES: &str = "ISET:SSE4_2,MEM:16252";

/// What the site means a client to be offered.
#[derive(Clone, Copy)]
pub(crate) enum Expect {
    /// This release, and the patch Firefox downloads first.
    Update(&'static str),
    /// This desupport notice.
    Unsupported(&'static str),
    /// Nothing.
    Nothing,
}

/// A client of the demo: the release it runs and how it asks.
#[derive(Clone, Copy)]
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    release: &'static str,
    target: &'static str,
    locale: &'static str,
    channel: &'static str,
    os: &'static str,
    /// A manual check ("Check for updates"), which sends force=1.
    force: bool,
    /// The AppUpdatePin policy.
    pin: Option<&'static str>,
    expect: Expect,
}

pub(crate) fn scenarios() -> Vec<Scenario> {
    let base = Scenario {
        name: "release",
        release: "Ember-131.0",
        target: "WINNT_x86_64-msvc-x64",
        locale: "en-US",
        channel: "release",
        os: WINDOWS_10,
        force: false,
        pin: None,
        // 132.0 rolls out to background checks by chance: a static answer
        // gives them the rollout's fallback.
        expect: Expect::Update("Ember-131.0.2"),
    };
    vec![
        base,
        Scenario {
            name: "forced",
            force: true,
            expect: Expect::Update("Ember-132.0"),
            ..base
        },
        Scenario {
            name: "pinned",
            force: true,
            pin: Some("131."),
            expect: Expect::Update("Ember-131.0.2"),
            ..base
        },
        Scenario {
            name: "beta",
            release: "Ember-133.0b3",
            target: "Linux_x86_64-gcc3",
            locale: "de",
            channel: "beta",
            os: LINUX,
            expect: Expect::Update("Ember-133.0b4"),
            ..base
        },
        Scenario {
            name: "desupported",
            os: WINDOWS_7,
            expect: Expect::Unsupported("Ember-desupport-win7"),
            ..base
        },
        Scenario {
            name: "up to date",
            release: "Ember-132.0",
            locale: "fr",
            force: true,
            expect: Expect::Nothing,
            ..base
        },
    ]
}

impl Scenario {
    /// The scenario as the harness takes it: the template's parameters
    /// (unencoded) and the running build.
    pub(crate) fn input(&self, site: &Site) -> Value {
        let version = site
            .field(self.release, "appVersion")
            .unwrap_or_else(|| panic!("{} has no appVersion", self.release));
        let build_id = site.build_id(self.release, self.target);
        json!({
            "name": self.name,
            "force": self.force,
            "pin": self.pin,
            "client": {"version": version, "buildID": build_id},
            "params": {
                "PRODUCT": site.field(self.release, "product").unwrap_or("Ember"),
                "VERSION": version,
                "BUILD_ID": build_id,
                "BUILD_TARGET": self.target,
                "LOCALE": self.locale,
                "CHANNEL": self.channel,
                "OS_VERSION": self.os,
                "SYSTEM_CAPABILITIES": CAPABILITIES,
                "DISTRIBUTION": "default",
                "DISTRIBUTION_VERSION": "default",
            },
        })
    }
}

/// Firefox read every `<update>` and `<patch>` served, with the same
/// attributes, and nothing in them stops the updater.
fn read_as_served(ctx: &str, check: &AppUpdateCheck) {
    let served = served::updates(&check.body).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let rules = &check.rules;
    assert_eq!(
        rules.skipped_updates, 0,
        "{ctx}: Firefox dropped an <update>"
    );
    assert_eq!(rules.updates.len(), served.len(), "{ctx}: updates read");
    for (firefox, served) in rules.updates.iter().zip(&served) {
        assert_eq!(
            firefox.attributes, served.attributes,
            "{ctx}: <update> attributes"
        );
        assert_eq!(
            firefox.skipped_patches, 0,
            "{ctx}: Firefox dropped a <patch>"
        );
        let patches: Vec<_> = firefox.patches.iter().map(|p| &p.attributes).collect();
        let served_patches: Vec<_> = served.patches.iter().collect();
        assert_eq!(patches, served_patches, "{ctx}: <patch> attributes");
        assert!(
            firefox.patches.iter().all(|p| p.size_is_whole_bytes),
            "{ctx}: a patch size the downloader cannot verify"
        );
        let problems = served::update_problems(served);
        assert!(problems.is_empty(), "{ctx}: {problems:?}");
    }
}

fn selection(ctx: &str, scenario: &Scenario, check: &AppUpdateCheck, site: &Site) -> String {
    let rules = &check.rules;
    let selected = rules.selected.map(|i| &rules.updates[i]);
    match (&scenario.expect, selected) {
        (Expect::Nothing, None) => "offered nothing".to_owned(),
        (Expect::Update(release), Some(update)) => {
            assert!(!update.unsupported, "{ctx}: an unsupported notice");
            assert_eq!(
                update.app_version.as_deref(),
                site.field(release, "appVersion"),
                "{ctx}: appVersion"
            );
            assert_eq!(
                update.build_id.as_deref(),
                Some(site.build_id(release, scenario.target)),
                "{ctx}: buildID"
            );
            assert_eq!(
                update.display_version.as_deref(),
                site.field(release, "displayVersion"),
                "{ctx}: displayVersion"
            );
            let patch = rules
                .patch
                .as_ref()
                .unwrap_or_else(|| panic!("{ctx}: no patch to download"));
            let (kind, file) =
                site.first_patch(release, scenario.target, scenario.locale, scenario.release);
            assert_eq!(
                patch.kind.as_deref(),
                Some(kind),
                "{ctx}: the patch downloaded first"
            );
            assert_eq!(patch.size, Some(file.size.to_string()), "{ctx}: patch size");
            assert_eq!(
                patch.attributes.get("hashValue"),
                Some(&file.hash_value),
                "{ctx}: hashValue"
            );
            assert_eq!(
                patch.attributes.get("hashFunction"),
                Some(&file.hash_function),
                "{ctx}: hashFunction"
            );
            format!(
                "selected {} (build {}), {} patch of {} bytes from {}",
                update.display_version.as_deref().unwrap_or("?"),
                update.build_id.as_deref().unwrap_or("?"),
                kind,
                file.size,
                patch.url.as_deref().unwrap_or("?")
            )
        }
        (Expect::Unsupported(release), Some(update)) => {
            assert!(update.unsupported, "{ctx}: not an unsupported notice");
            assert!(
                update.patches.is_empty(),
                "{ctx}: a desupport notice with patches"
            );
            assert_eq!(
                update.display_version.as_deref(),
                site.field(release, "displayVersion"),
                "{ctx}: displayVersion"
            );
            let details = update.details_url.as_deref().unwrap_or_default();
            assert!(!details.is_empty(), "{ctx}: no detailsURL to show");
            format!("selected the unsupported notice, linking {details}")
        }
        (_, got) => panic!(
            "{ctx}: Firefox would select {:?}, the site means {}",
            got.map(|u| (&u.display_version, &u.build_id, u.unsupported)),
            match scenario.expect {
                Expect::Update(r) => format!("an update to {r}"),
                Expect::Unsupported(r) => format!("the notice {r}"),
                Expect::Nothing => "nothing".to_owned(),
            }
        ),
    }
}

#[test]
fn firefox_update_rules_accept_what_cinder_serves_and_select_what_the_site_means() {
    let s = session();
    let checks = s.out.app_updates.as_ref().expect("app update results");
    let scenarios = scenarios();
    assert_eq!(checks.len(), scenarios.len());
    for (scenario, check) in scenarios.iter().zip(checks) {
        assert_eq!(check.name, scenario.name);
        let ctx = format!("{} client ({})", scenario.name, s.target(&check.url));
        assert_eq!(check.status, 200, "{ctx}");
        assert_eq!(
            check.body,
            s.query(&check.url),
            "{ctx}: nginx served other bytes than `cinder query` answers"
        );
        assert!(
            check.rules.check_succeeded,
            "{ctx}: Firefox would fail the check: {:?}",
            check.rules.error
        );
        assert!(
            check.dom_parser_agrees,
            "{ctx}: DOMParser read the answer differently"
        );
        read_as_served(&ctx, check);
        let saw = selection(&ctx, scenario, check, &s.site);
        eprintln!(
            "app update, {} client on {}: {} <update> served; Firefox's rules {saw}",
            scenario.name,
            scenario.release,
            check.rules.updates.len()
        );
    }
}
