//! System add-ons, GMP plugins and optional features: Firefox's
//! ProductAddonChecker, GMPInstallManager and system add-on updater against
//! what the tree serves, and against answers broken on purpose.

use std::fmt::Write as _;

use super::output::{AddonList, FirefoxAddon, Settled};
use super::served::{self, ServedAddon};
use super::{Session, session, template_pattern};

/// The attributes Firefox's parser reads from an `<addon>`.
const READ: [&str; 6] = ["id", "URL", "hashFunction", "hashValue", "version", "size"];

/// Firefox's parser returned exactly the served add-ons, each one Firefox
/// can install and each the file the site lists at its URL.
fn same_addons(ctx: &str, s: &Session, firefox: &[&FirefoxAddon], served: &[ServedAddon]) {
    assert_eq!(firefox.len(), served.len(), "{ctx}: number of add-ons");
    for (fx, sv) in firefox.iter().zip(served) {
        let id = sv.get("id").unwrap_or("?");
        let ctx = format!("{ctx}, add-on {id}");
        assert_eq!(fx.id.as_deref(), sv.get("id"), "{ctx}: id");
        assert_eq!(fx.url.as_deref(), sv.get("URL"), "{ctx}: URL");
        assert_eq!(
            fx.hash_function.as_deref(),
            sv.get("hashFunction"),
            "{ctx}: hashFunction"
        );
        assert_eq!(
            fx.hash_value.as_deref(),
            sv.get("hashValue"),
            "{ctx}: hashValue"
        );
        assert_eq!(fx.version.as_deref(), sv.get("version"), "{ctx}: version");
        assert_eq!(
            fx.size,
            sv.get("size").and_then(|v| v.parse::<u64>().ok()),
            "{ctx}: size"
        );
        assert_eq!(fx.mirror_urls, sv.mirrors, "{ctx}: mirrors");
        let problems = served::addon_problems(sv);
        assert!(
            problems.is_empty(),
            "{ctx}: Firefox could not install it: {problems:?}"
        );
        let url = sv.get("URL").unwrap_or_default();
        let file = s
            .site
            .file_at(url)
            .unwrap_or_else(|| panic!("{ctx}: no release of the site lists {url}"));
        assert_eq!(
            sv.get("size"),
            Some(file.size.to_string().as_str()),
            "{ctx}: size against the site"
        );
        assert_eq!(
            sv.get("hashFunction"),
            Some(file.hash_function.as_str()),
            "{ctx}: hashFunction against the site"
        );
        assert_eq!(
            sv.get("hashValue"),
            Some(file.hash_value.as_str()),
            "{ctx}: hashValue against the site"
        );
    }
}

/// One line per add-on, for the report.
fn describe(addons: &[ServedAddon]) -> String {
    let mut out = String::new();
    for a in addons {
        let ignored: Vec<&str> = a
            .attributes
            .keys()
            .map(String::as_str)
            .filter(|k| !READ.contains(k))
            .collect();
        let _ = write!(
            out,
            "\n    {} {} ({} bytes, {} {}…) from {}",
            a.get("id").unwrap_or("?"),
            a.get("version").unwrap_or("?"),
            a.get("size").unwrap_or("?"),
            a.get("hashFunction").unwrap_or("?"),
            a.get("hashValue").unwrap_or("?").get(..16).unwrap_or("?"),
            a.get("URL").unwrap_or("?"),
        );
        if !ignored.is_empty() {
            let _ = write!(
                out,
                " [served, not read by Firefox: {}]",
                ignored.join(", ")
            );
        }
    }
    out
}

/// The served answer, as `cinder query` gives it for the URL Firefox built
/// from its own template (with only the host changed).
#[track_caller]
fn served_as_queried(ctx: &str, s: &Session, template: &str, url: &str, status: u16, body: &str) {
    assert!(
        template.starts_with("https://") && template_pattern(template, &s.server).is_match(url),
        "{ctx}: {url} is not Firefox's template {template} on the local server"
    );
    assert_eq!(status, 200, "{ctx}");
    assert_eq!(
        body,
        s.query(url),
        "{ctx}: nginx served other bytes than `cinder query` answers"
    );
}

fn list_addons<'a>(ctx: &str, list: &'a Settled<AddonList>) -> Option<Vec<&'a FirefoxAddon>> {
    assert!(
        list.resolved,
        "{ctx}: Firefox refused the list: {:?}",
        list.error
    );
    list.value.as_ref().map(|l| {
        assert!(!l.used_fallback, "{ctx}: Firefox used its fallback");
        l.addons.iter().collect()
    })
}

#[test]
fn firefox_gmp_check_returns_what_cinder_serves() {
    let s = session();
    let gmp = s.out.gmp.as_ref().expect("GMP results");
    let ctx = format!("GMP on {}", gmp.channel);
    served_as_queried(&ctx, s, &gmp.template, &gmp.url, gmp.status, &gmp.body);
    let served = served::addons(&gmp.body)
        .unwrap_or_else(|e| panic!("{ctx}: {e}"))
        .unwrap_or_default();
    assert!(
        !served.is_empty(),
        "{ctx}: the demo serves no plugin; nothing was tested"
    );
    assert_eq!(
        gmp.check_requested,
        std::slice::from_ref(&gmp.url),
        "{ctx}: what checkForAddons asked"
    );
    assert!(
        gmp.check.resolved,
        "{ctx}: checkForAddons failed: {:?}",
        gmp.check.error
    );
    let addons = &gmp.check.value.as_ref().expect("addons").addons;
    for a in addons {
        assert!(a.is_valid, "{ctx}: GMPAddon {:?} is not valid", a.addon.id);
        assert!(
            !a.used_fallback,
            "{ctx}: {:?} came from Firefox's fallback",
            a.addon.id
        );
    }
    same_addons(
        &ctx,
        s,
        &addons.iter().map(|a| &a.addon).collect::<Vec<_>>(),
        &served,
    );
    // Installing downloads each plugin from its URL (and fails: no network).
    assert_eq!(gmp.installs.len(), served.len());
    for (install, a) in gmp.installs.iter().zip(&served) {
        assert!(
            !install.result.resolved,
            "{ctx}: {} installed without a network",
            install.id
        );
        assert_eq!(
            install.requested.first().map(String::as_str),
            a.get("URL"),
            "{ctx}: what installAddon downloaded"
        );
    }
    eprintln!(
        "GMP: checkForAddons on {} returned {} plugin(s) as served:{}\n  installAddon requested {:?} and failed: {}",
        s.target(&gmp.url),
        addons.len(),
        describe(&served),
        gmp.installs
            .iter()
            .flat_map(|i| &i.requested)
            .collect::<Vec<_>>(),
        gmp.installs
            .first()
            .and_then(|i| i.result.error.as_deref())
            .unwrap_or("")
    );
}

#[test]
fn firefox_system_addon_updater_accepts_the_served_set_and_downloads_it() {
    let s = session();
    let checks = s.out.system_addons.as_ref().expect("system add-on results");
    let mut sets = 0;
    for check in checks {
        let ctx = format!("system add-ons on {}", check.channel);
        served_as_queried(
            &ctx,
            s,
            &check.template,
            &check.url,
            check.status,
            &check.body,
        );
        let served = served::addons(&check.body).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let firefox = list_addons(&ctx, &check.list);
        assert_eq!(
            check.requested.first(),
            Some(&check.url),
            "{ctx}: the updater's request"
        );
        let downloads = &check.requested[1..];
        match (served, firefox) {
            (None, None) => {
                // No <addons>: the updater keeps what is installed.
                assert!(check.updater.resolved, "{ctx}: {:?}", check.updater.error);
                assert!(downloads.is_empty(), "{ctx}: downloaded {downloads:?}");
                eprintln!(
                    "system add-ons, {}: served no <addons>; the updater changed nothing and downloaded nothing",
                    check.channel
                );
            }
            (Some(served), Some(firefox)) => {
                same_addons(&ctx, s, &firefox, &served);
                sets += usize::from(!served.is_empty());
                // Accepted: it downloads every add-on of the set (and, with
                // no network, rejects the set as not downloaded).
                let mut wanted: Vec<&str> = served.iter().filter_map(|a| a.get("URL")).collect();
                let mut got: Vec<&str> = downloads.iter().map(String::as_str).collect();
                wanted.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, wanted, "{ctx}: the downloads the updater started");
                let error = check.updater.error.as_deref().unwrap_or_default();
                assert!(
                    !check.updater.resolved
                        && error.starts_with("Rejecting updated system add-on set"),
                    "{ctx}: the updater should fail only for want of the files: {error:?}"
                );
                eprintln!(
                    "system add-ons, {}: getProductAddonList returned the {} served:{}\n  updateSystemAddons downloaded {got:?}, then: {error}",
                    check.channel,
                    served.len(),
                    describe(&served)
                );
            }
            (served, firefox) => panic!("{ctx}: served {served:?}, Firefox read {firefox:?}"),
        }
    }
    assert!(
        sets >= 2,
        "the release and beta channels serve add-on sets; {sets} were checked"
    );
}

#[test]
fn firefox_reads_the_optional_features_cinder_serves() {
    let s = session();
    let checks = s.out.features.as_ref().expect("feature results");
    assert!(!checks.is_empty());
    for check in checks {
        let ctx = format!("features for {}", check.locale);
        served_as_queried(
            &ctx,
            s,
            &check.template,
            &check.url,
            check.status,
            &check.body,
        );
        assert!(
            check.url.contains(&format!("/{}/", check.locale)),
            "{ctx}: {} does not ask for its locale",
            check.url
        );
        let served = served::addons(&check.body)
            .unwrap_or_else(|e| panic!("{ctx}: {e}"))
            .unwrap_or_default();
        assert!(!served.is_empty(), "{ctx}: nothing served, nothing tested");
        let firefox = list_addons(&ctx, &check.list).unwrap_or_default();
        same_addons(&ctx, s, &firefox, &served);
        eprintln!(
            "features, {}: getProductAddonList returned the {} served:{}",
            check.locale,
            served.len(),
            describe(&served)
        );
    }
}

#[test]
fn firefox_refuses_broken_answers() {
    let s = session();
    let broken = s
        .out
        .broken_answers
        .as_ref()
        .expect("broken-answer results");
    let addon_body = &s
        .out
        .system_addons
        .iter()
        .flatten()
        .find(|c| c.list.value.is_some())
        .expect("a served add-on list")
        .body;
    let app_body = &s
        .out
        .app_updates
        .iter()
        .flatten()
        .find(|c| c.rules.selected.is_some())
        .expect("a served update")
        .body;
    let mut seen = Vec::new();
    for answer in broken {
        let ctx = format!("{} answer, {}", answer.kind, answer.name);
        let source = if answer.kind == "addons" {
            addon_body
        } else {
            app_body
        };
        let expected = match answer.name.as_str() {
            "truncated" => source[..source.len() / 2].to_owned(),
            "wrong root element" => source.replacen("<updates>", "<response>", 1).replacen(
                "</updates>",
                "</response>",
                1,
            ),
            other => panic!("unknown broken answer {other}"),
        };
        assert_eq!(answer.body, expected, "{ctx}: what Firefox was given");
        assert!(
            served::addons(&answer.body).is_err(),
            "{ctx}: this answer is not broken"
        );
        if answer.kind == "addons" {
            let list = answer.list.as_ref().expect("list");
            assert!(!list.resolved, "{ctx}: ProductAddonChecker accepted it");
            assert_eq!(
                list.addon_checker_err.as_deref(),
                Some("XMLParseError"),
                "{ctx}"
            );
            let gmp = answer.gmp_check.as_ref().expect("GMP check");
            let fallback = &gmp.value.as_ref().expect("GMP's fallback").addons;
            assert!(
                !fallback.is_empty() && fallback.iter().all(|a| a.used_fallback),
                "{ctx}: GMPInstallManager did not fall back to its built-in list: {fallback:?}"
            );
            eprintln!(
                "broken {ctx}: getProductAddonList rejected it ({}); checkForAddons fell back to Firefox's built-in {:?}",
                list.error.as_deref().unwrap_or(""),
                fallback
                    .iter()
                    .map(|a| (&a.addon.id, &a.addon.version))
                    .collect::<Vec<_>>()
            );
        } else {
            let rules = answer.rules.as_ref().expect("rules");
            assert!(!rules.check_succeeded, "{ctx}: the updater would accept it");
            eprintln!(
                "broken {ctx}: the update check fails ({})",
                rules.error.as_deref().unwrap_or("")
            );
        }
        seen.push((answer.kind.as_str(), answer.name.as_str()));
    }
    seen.sort_unstable();
    assert_eq!(
        seen,
        [
            ("addons", "truncated"),
            ("addons", "wrong root element"),
            ("app update", "truncated"),
            ("app update", "wrong root element"),
        ]
    );
}
