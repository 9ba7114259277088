//! Rendering of every release kind, on small sites written for each case.

use crate::testing::{TestSite, inner};

const RULE_B: &str = "- {rule_id: 1, priority: 100, product: b, mapping: r, update_type: minor}\n";

fn one_release(release: &str) -> TestSite {
    with_releases(release, &[])
}

fn with_releases(release: &str, others: &[(&str, &str)]) -> TestSite {
    let mut files = vec![
        (
            "cinder.yml",
            "allowlist:\n  a.com: [b]\n  dl.a.com: [b]\n  download.mozilla.org: [b]\nspecial-force-hosts: [http://download.mozilla.org]\n",
        ),
        ("rules/r.yml", RULE_B),
        ("releases/r.yml", release),
    ];
    files.extend_from_slice(others);
    TestSite::clean(&files)
}

const V1_366: &str = r#"
schema_version: 1
appv: "3.6.13"
extv: "3.6.13"
hashFunction: sha512
oldVersionSpecialCases: true
detailsUrl: "http://a.com/d/%LOCALE%"
licenseUrl: "http://a.com/l/%locale%"
platforms:
  p:
    buildID: "300"
    locales:
      de:
        complete: {from: "*", filesize: 9, hashValue: c9, fileUrl: "http://a.com/c"}
"#;

#[test]
fn v1_old_version_special_cases_follow_the_client_version() {
    let rule = "- {rule_id: 1, priority: 100, product: b, mapping: r, update_type: major}\n";
    let site = TestSite::clean(&[("rules/r.yml", rule), ("releases/r.yml", V1_366)]);
    let line = |v: &str| {
        inner(&site.body(&format!("/update/3/b/{v}/1/p/de/c/o/d/v/update.xml")))[0].to_owned()
    };
    assert_eq!(
        line("3.6.12"),
        r#"    <update type="major" version="3.6.13" extensionVersion="3.6.12" buildID="300" detailsURL="http://a.com/d/de" licenseURL="http://a.com/l/de">"#
    );
    assert_eq!(
        line("3.5.16"),
        r#"    <update type="major" version="3.6.13" buildID="300" detailsURL="http://a.com/d/de" licenseURL="http://a.com/l/de">"#
    );
    assert_eq!(
        line("2.0.0.20"),
        r#"    <update type="major" version="2.0.0.20" buildID="300" detailsURL="http://a.com/d/de" licenseURL="http://a.com/l/de">"#
    );
    assert!(line("3.0").contains(r#"version="3.0" buildID"#));
}

#[test]
fn v2_uses_per_channel_urls_with_the_cck_fallback_and_single_patches() {
    let site = TestSite::clean(&[
        ("cinder.yml", "allowlist:\n  dl.a.com: [b]\n"),
        ("rules/r.yml", RULE_B),
        (
            "releases/r.yml",
            r#"
schema_version: 2
appVersion: "3.1"
displayVersion: "3.1"
platformVersion: "1.9.1"
notificationURL: "http://a.com/n/%LOCALE%"
alertURL: "http://a.com/alert/%LOCALE%"
hashFunction: sha512
fileUrls:
  release: "http://dl.a.com/?product=%PRODUCT%&os=%OS_BOUNCER%&lang=%LOCALE%"
bouncerProducts: {complete: f-3.1-complete, partial: f-3.1-partial-3.0}
platforms:
  P:
    buildID: "200"
    OS_BOUNCER: bncP
    OS_FTP: ftpP
    locales:
      de:
        complete: {from: "*", filesize: 9, hashValue: c9}
        partial: {from: f-3.0, filesize: 5, hashValue: p5}
"#,
        ),
        (
            "releases/f-3.0.yml",
            "schema_version: 2\nappVersion: \"3.0\"\nplatforms:\n  P:\n    buildID: \"100\"\n    locales: {de: {}}\n",
        ),
    ]);
    let body = site.body("/update/3/b/3.0/100/P/de/release-cck-x/o/d/v/update.xml");
    assert_eq!(
        inner(&body),
        [
            r#"    <update type="minor" displayVersion="3.1" appVersion="3.1" platformVersion="1.9.1" buildID="200" notificationURL="http://a.com/n/de" alertURL="http://a.com/alert/de">"#,
            r#"        <patch type="complete" URL="http://dl.a.com/?product=f-3.1-complete&amp;os=bncP&amp;lang=de" hashFunction="sha512" hashValue="c9" size="9"/>"#,
            r#"        <patch type="partial" URL="http://dl.a.com/?product=f-3.1-partial-3.0&amp;os=bncP&amp;lang=de" hashFunction="sha512" hashValue="p5" size="5"/>"#,
            "    </update>",
        ]
    );
    // A client on another build gets no partial.
    assert_eq!(
        inner(&site.body("/update/3/b/3.0/99/P/de/release/o/d/v/update.xml")).len(),
        3
    );
    // A channel with no fileUrls entry is a 500 in Balrog.
    let failing = site.get("/update/3/b/3.0/100/P/de/betatest/o/d/v/update.xml");
    assert_eq!(
        (failing.status, failing.balrog.map(|b| b.0)),
        (200, Some(500)),
        "cinder answers the empty document"
    );
}

#[test]
fn v3_file_names_by_from_release_and_missing_products_become_empty() {
    let site = with_releases(
        r#"
schema_version: 3
appVersion: "3.1"
displayVersion: "3.1"
platformVersion: "1.9.1"
hashFunction: sha512
fileUrls:
  c: "http://a.com/%OS_FTP%/%LOCALE%/%FILENAME%?p=%PRODUCT%"
ftpFilenames:
  completes: {"*": f-3.1.complete.mar}
  partials: {f-3.0: f-3.0-3.1.partial.mar}
bouncerProducts:
  completes: {"*": f-3.1-complete}
platforms:
  P:
    buildID: "200"
    OS_FTP: ftpP
    OS_BOUNCER: bncP
    locales:
      de:
        completes: [{from: "*", filesize: 9, hashValue: c9}]
        partials: [{from: f-3.0, filesize: 5, hashValue: p5}]
"#,
        &[(
            "releases/f-3.0.yml",
            "schema_version: 3\nappVersion: \"3.0\"\nplatforms:\n  P: {buildID: \"100\", locales: {de: {}}}\n",
        )],
    );
    let lines = inner(&site.body("/update/3/b/3.0/100/P/de/c/o/d/v/update.xml"))
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        lines[1],
        r#"        <patch type="complete" URL="http://a.com/ftpP/de/f-3.1.complete.mar?p=f-3.1-complete" hashFunction="sha512" hashValue="c9" size="9"/>"#
    );
    assert_eq!(
        lines[2],
        r#"        <patch type="partial" URL="http://a.com/ftpP/de/f-3.0-3.1.partial.mar?p=" hashFunction="sha512" hashValue="p5" size="5"/>"#
    );
}

const V4: &str = r#"
schema_version: 4
appVersion: "1.1"
displayVersion: "1.1 Beta"
platformVersion: "1.1"
detailsUrl: "http://example.org/%LOCALE%/details"
licenseUrl: "http://example.org/%LOCALE%/lic"
billboardURL: "http://bb/%LOCALE%"
showPrompt: true
showNeverForVersion: false
actions: silent showURL
openURL: "http://example.org/%LOCALE%/open?a=1&b=2"
hashFunction: sha512
fileUrls:
  "*":
    completes: {"*": "http://download.mozilla.org/?product=f-1.1-complete&os=%OS_BOUNCER%&lang=%LOCALE%"}
    partials: {f-1.0: "http://download.mozilla.org/?product=f-1.1-partial-1.0&os=%OS_BOUNCER%&lang=%LOCALE%"}
  beta:
    completes: {"*": "http://a.com/beta-complete"}
platforms:
  p:
    buildID: "200"
    OS_BOUNCER: pb
    OS_FTP: pf
    locales:
      de:
        isOSUpdate: true
        completes: [{from: "*", filesize: 9, hashValue: c9}]
        partials: [{from: f-1.0, filesize: 5, hashValue: p5}]
"#;

fn v4_site() -> TestSite {
    with_releases(
        V4,
        &[(
            "releases/f-1.0.yml",
            "schema_version: 4\nappVersion: \"1.0\"\nplatforms:\n  p: {buildID: \"100\", locales: {de: {}}}\n",
        )],
    )
}

#[test]
fn v4_renders_every_optional_attribute_in_order() {
    let site = v4_site();
    let body = site.body("/update/3/b/1.0/100/p/de/release/o/d/v/update.xml");
    assert_eq!(
        inner(&body),
        [
            r#"    <update type="minor" displayVersion="1.1 Beta" appVersion="1.1" platformVersion="1.1" buildID="200" detailsURL="http://example.org/de/details" licenseURL="http://example.org/de/lic" isOSUpdate="true" billboardURL="http://bb/de" showPrompt="true" showNeverForVersion="false" actions="silent showURL" openURL="http://example.org/de/open?a=1&amp;b=2">"#,
            r#"        <patch type="complete" URL="http://download.mozilla.org/?product=f-1.1-complete&amp;os=pb&amp;lang=de" hashFunction="sha512" hashValue="c9" size="9"/>"#,
            r#"        <patch type="partial" URL="http://download.mozilla.org/?product=f-1.1-partial-1.0&amp;os=pb&amp;lang=de" hashFunction="sha512" hashValue="p5" size="5"/>"#,
            "    </update>",
        ]
    );
}

#[test]
fn v4_the_first_non_empty_channel_block_wins() {
    let site = v4_site();
    // beta's block has completes only: the partial is dropped, not looked up in `*`.
    let beta = site.body("/update/3/b/1.0/100/p/de/beta/o/d/v/update.xml");
    assert_eq!(
        inner(&beta)[1],
        r#"        <patch type="complete" URL="http://a.com/beta-complete" hashFunction="sha512" hashValue="c9" size="9"/>"#
    );
    assert_eq!(inner(&beta).len(), 3);
    // release-cck-foo has neither its own nor a release block: `*` answers.
    assert_eq!(
        inner(&site.body("/update/3/b/1.0/100/p/de/release-cck-foo/o/d/v/update.xml")).len(),
        4
    );
}

#[test]
fn force_is_passed_to_special_hosts_only() {
    let site = v4_site();
    let forced = site.body("/update/3/b/1.0/100/p/de/release/o/d/v/update.xml?force=1");
    assert!(forced.contains("lang=de&amp;force=1\""), "{forced}");
    let fallback = site.body("/update/3/b/1.0/100/p/de/release/o/d/v/update.xml?force=-1");
    assert!(
        fallback.contains("lang=de&amp;force=-1\""),
        "rate 100 still serves the mapping: {fallback}"
    );
    let beta = site.body("/update/3/b/1.0/100/p/de/beta/o/d/v/update.xml?force=1");
    assert!(
        beta.contains("URL=\"http://a.com/beta-complete\""),
        "{beta}"
    );
}

#[test]
fn v5_keeps_python_float_text() {
    let site = one_release(
        r#"
schema_version: 5
appVersion: "20.0"
displayVersion: "20.0"
platformVersion: "20.0"
showPrompt: false
actions: silent
promptWaitTime: 600.0
hashFunction: sha512
platforms:
  p: {buildID: "200", locales: {de: {completes: [{from: "*", filesize: 9, hashValue: c9, fileUrl: "http://a.com/c"}]}}}
"#,
    );
    assert_eq!(
        inner(&site.body("/update/3/b/19.0/1/p/de/c/o/d/v/update.xml"))[0],
        r#"    <update type="minor" displayVersion="20.0" appVersion="20.0" platformVersion="20.0" buildID="200" showPrompt="false" actions="silent" promptWaitTime="600.0">"#
    );
}

#[test]
fn v6_and_v8_leave_out_missing_values() {
    let v6 = r#"
schema_version: 6
appVersion: "31.0"
displayVersion: "31.0"
detailsUrl: "http://example.org/details/%LOCALE%"
showPrompt: false
showNeverForVersion: true
actions: silent
openURL: "http://example.org/url/%LOCALE%"
notificationURL: "http://example.org/notification/%LOCALE%"
alertURL: "http://example.org/alert/%LOCALE%"
promptWaitTime: 12345
hashFunction: sha512
platforms:
  p: {buildID: "50", locales: {l: {completes: [{from: "*", filesize: 40, hashValue: "41", fileUrl: "http://a.com/complete-catchall"}]}}}
"#;
    let site = one_release(v6);
    assert_eq!(
        inner(&site.body("/update/3/b/30.0/1/p/l/c/o/d/v/update.xml"))[0],
        r#"    <update type="minor" displayVersion="31.0" appVersion="31.0" buildID="50" detailsURL="http://example.org/details/l" showPrompt="false" showNeverForVersion="true" actions="silent" openURL="http://example.org/url/l" notificationURL="http://example.org/notification/l" alertURL="http://example.org/alert/l" promptWaitTime="12345">"#,
        "Balrog writes platformVersion=\"None\" here; cinder leaves it out"
    );
    let v8 = v6
        .replace("schema_version: 6", "schema_version: 8\nbinTransMerkleRoot: merkle_root\nbinTransCertificate: cert\nbinTransSCTList: sct_list")
        .replace("fileUrl: \"http://a.com/complete-catchall\"", "fileUrl: \"http://a.com/complete-catchall\", binTransInclusionProof: PROOF-C");
    let site = one_release(&v8);
    let lines = inner(&site.body("/update/3/b/30.0/1/p/l/c/o/d/v/update.xml"))
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>();
    assert!(lines[0].ends_with(r#" promptWaitTime="12345" binTransMerkleRoot="merkle_root" binTransCertificate="cert" binTransSCTList="sct_list">"#), "{}", lines[0]);
    assert!(
        lines[1].ends_with(r#" size="40" binTransInclusionProof="PROOF-C"/>"#),
        "{}",
        lines[1]
    );
}

#[test]
fn v9_update_line_groups_apply_in_order_with_sorted_attributes() {
    let release = r#"
schema_version: 9
appVersion: "57.0"
displayVersion: "57.0 Quantum"
hashFunction: sha512
updateLine:
  - for: {}
    fields: {detailsURL: "http://a.com/%LOCALE%/notes", type: minor}
  - for: {locales: [de, fr], versions: ["<57.0"]}
    fields: {actions: showURL, openURL: "http://a.com/%LOCALE%/wnp?old=%OLD_VERSION%&x=1"}
  - for: {channels: ["beta*"]}
    fields: {showPrompt: true, promptWaitTime: 86400, disableBITS: true, disableBackgroundUpdates: true}
  - for: {buildIDs: [">=100"], channels: [release]}
    fields: {type: major, notificationURL: "http://a.com/n", alertURL: "http://a.com/a/%LOCALE%", showNeverForVersion: false}
platforms:
  p: {buildID: "200", locales: {de: {completes: [{from: "*", filesize: 9, hashValue: c9, fileUrl: "http://a.com/c-de"}]}}}
"#;
    let site = one_release(release);
    assert_eq!(
        inner(&site.body("/update/3/b/56.0/100/p/de/release/o/d/v/update.xml"))[0],
        r#"    <update actions="showURL" alertURL="http://a.com/a/de" appVersion="57.0" buildID="200" detailsURL="http://a.com/de/notes" displayVersion="57.0 Quantum" notificationURL="http://a.com/n" openURL="http://a.com/de/wnp?old=%OLD_VERSION%&amp;x=1" showNeverForVersion="false" type="major">"#
    );
    assert_eq!(
        inner(&site.body("/update/3/b/56.0/100/p/de/beta/o/d/v/update.xml"))[0],
        r#"    <update actions="showURL" appVersion="57.0" buildID="200" detailsURL="http://a.com/de/notes" disableBITS="true" disableBackgroundUpdates="true" displayVersion="57.0 Quantum" openURL="http://a.com/de/wnp?old=%OLD_VERSION%&amp;x=1" promptWaitTime="86400" showPrompt="true" type="minor">"#
    );
}

#[test]
fn same_version_clients_need_an_older_build_id() {
    let site = v4_site();
    assert!(
        site.body("/update/3/b/1.1/199/p/de/release/o/d/v/update.xml")
            .contains("<update ")
    );
    assert_eq!(
        inner(&site.body("/update/3/b/1.1/200/p/de/release/o/d/v/update.xml")).len(),
        0
    );
    assert_eq!(
        inner(&site.body("/update/3/b/1.1/99/p/de/release/o/d/v/update.xml")).len(),
        0,
        "'99' >= '200' as strings"
    );
    assert_eq!(
        inner(&site.body("/update/3/b/1.2/1/p/de/release/o/d/v/update.xml")).len(),
        0,
        "no downgrades"
    );
}

#[test]
fn missing_locales_and_platforms_follow_balrog() {
    let site = v4_site();
    let r = site.get("/update/3/b/1.0/100/p/zz/release/o/d/v/update.xml");
    assert_eq!(
        (r.status, r.balrog.map(|b| b.0)),
        (200, Some(400)),
        "Balrog answers 400; cinder the empty document"
    );
    assert_eq!(inner(&r.body).len(), 0);
    let older_missing_platform = site.get("/update/3/b/1.0/100/q/de/release/o/d/v/update.xml");
    assert_eq!(
        (older_missing_platform.status, older_missing_platform.balrog),
        (200, None)
    );
}

#[test]
fn desupport_substitutes_locale_version_and_os() {
    let site = TestSite::clean(&[
        (
            "rules/r.yml",
            "- {priority: 1, product: b, mapping: d, update_type: major}\n",
        ),
        (
            "releases/d.yml",
            "schema_version: 50\ndetailsUrl: \"http://a.com/%LOCALE%/%OS%/%VERSION%/unsupported?x=1&y=2\"\ndisplayVersion: 52.9.0esr\n",
        ),
    ]);
    assert_eq!(
        site.body("/update/3/b/20.0/1/WINNT_x86-msvc/de/c/o/d/v/update.xml"),
        "<?xml version=\"1.0\"?>\n<updates>\n\n    <update type=\"major\" unsupported=\"true\" detailsURL=\"http://a.com/de/WINNT/20.0/unsupported?x=1&amp;y=2\" displayVersion=\"52.9.0esr\">\n</update>\n</updates>"
    );
}

#[test]
fn gmp_vendors_defaults_aliases_and_mirrors() {
    let site = TestSite::clean(&[
        ("cinder.yml", "allowlist:\n  a.com: [GMP]\n"),
        ("rules/r.yml", "- {priority: 1, product: GMP, mapping: g}\n"),
        (
            "releases/g.yml",
            r#"
schema_version: 1000
hashFunction: sha512
vendors:
  gmp-b:
    version: "1.5"
    platforms:
      P: {fileUrl: "http://a.com/b-P.zip", hashValue: h1, filesize: 10, mirrorUrls: ["http://a.com/m1?x=1&y=2", "http://evil.com/m2"]}
      Q: {alias: P}
  gmp-a:
    version: "16"
    platforms:
      default: {fileUrl: "http://a.com/a-default.zip", hashValue: h2, filesize: 20}
  gmp-c:
    version: "2"
    platforms:
      P: {fileUrl: "http://evil.com/c.zip", hashValue: h3, filesize: 30}
"#,
        ),
    ]);
    assert_eq!(
        site.body("/update/3/GMP/60.0/1/P/de/c/o/d/v/update.xml"),
        "<?xml version=\"1.0\"?>\n<updates>\n    <addons>\n        <addon id=\"gmp-a\" URL=\"http://a.com/a-default.zip\" hashFunction=\"sha512\" hashValue=\"h2\" size=\"20\" version=\"16\"/>\n        <addon id=\"gmp-b\" URL=\"http://a.com/b-P.zip\" hashFunction=\"sha512\" hashValue=\"h1\" size=\"10\" version=\"1.5\">\n            <mirror URL=\"http://a.com/m1?x=1&amp;y=2\"/>\n        </addon>\n    </addons>\n</updates>"
    );
    assert!(
        site.body("/update/3/GMP/60.0/1/Q/de/c/o/d/v/update.xml")
            .contains("b-P.zip"),
        "one level of alias"
    );
    assert_eq!(
        inner(&site.body("/update/3/GMP/60.0/1/Z/de/c/o/d/v/update.xml")),
        [
            "    <addons>",
            r#"        <addon id="gmp-a" URL="http://a.com/a-default.zip" hashFunction="sha512" hashValue="h2" size="20" version="16"/>"#,
            "    </addons>"
        ]
    );
}

#[test]
fn system_addons_list_uninstall_or_leave_alone() {
    let addons = r#"
schema_version: 5000
hashFunction: sha512
addons:
  z@mozilla.org: {version: "1.0", platforms: {default: {fileUrl: "http://a.com/z.xpi", hashValue: hz, filesize: 1}}}
  a@mozilla.org: {version: "2.0", platforms: {p: {fileUrl: "http://a.com/a.xpi", hashValue: ha, filesize: 2}}}
"#;
    let site = TestSite::clean(&[
        ("cinder.yml", "allowlist:\n  a.com: [SystemAddons]\n"),
        (
            "rules/r.yml",
            "- {priority: 1, product: SystemAddons, channel: release, mapping: sa}\n- {priority: 1, product: SystemAddons, channel: nightly, mapping: un}\n- {priority: 1, product: SystemAddons, channel: aurora, mapping: none}\n",
        ),
        ("releases/sa.yml", addons),
        ("releases/un.yml", "schema_version: 5000\nuninstall: true\n"),
        (
            "releases/none.yml",
            "schema_version: 5000\nhashFunction: sha512\naddons:\n  x@y: {version: \"1\", platforms: {p: {fileUrl: \"http://evil.com/x.xpi\", hashValue: h, filesize: 1}}}\n",
        ),
    ]);
    let url = |c: &str| format!("/update/3/SystemAddons/60.0/1/p/de/{c}/o/d/v/update.xml");
    assert_eq!(
        inner(&site.body(&url("release"))),
        [
            "    <addons>",
            r#"        <addon id="a@mozilla.org" URL="http://a.com/a.xpi" hashFunction="sha512" hashValue="ha" size="2" version="2.0"/>"#,
            r#"        <addon id="z@mozilla.org" URL="http://a.com/z.xpi" hashFunction="sha512" hashValue="hz" size="1" version="1.0"/>"#,
            "    </addons>",
        ]
    );
    assert_eq!(
        site.body(&url("nightly")),
        "<?xml version=\"1.0\"?>\n<updates>\n    <addons>\n    </addons>\n</updates>",
        "an empty list removes every update"
    );
    assert_eq!(
        site.body(&url("aurora")),
        "<?xml version=\"1.0\"?>\n<updates>\n\n\n</updates>",
        "no <addons> element: no change"
    );
}

#[test]
fn superblobs_evaluate_products_and_merge_blobs() {
    let site = TestSite::clean(&[
        (
            "cinder.yml",
            "allowlist:\n  a.com: [OpenH264, CDM, SA1]\nshutoffs:\n  - {product: OpenH264, channel: nightly}\n",
        ),
        (
            "rules/r.yml",
            "- {priority: 10, product: GMP, mapping: gmp-super}\n- {priority: 10, product: OpenH264, mapping: h264}\n- {priority: 10, product: CDM, channel: release, mapping: cdm}\n- {priority: 10, product: SystemAddons, mapping: sa-super}\n",
        ),
        (
            "releases/gmp-super.yml",
            "schema_version: 4000\nproducts: [OpenH264, CDM, Nope]\n",
        ),
        (
            "releases/h264.yml",
            "schema_version: 1000\nhashFunction: sha512\nvendors:\n  gmp-h264: {version: \"1.5\", platforms: {default: {fileUrl: \"http://a.com/h.zip\", hashValue: hh, filesize: 6}}}\n",
        ),
        (
            "releases/cdm.yml",
            "schema_version: 1000\nhashFunction: sha512\nvendors:\n  gmp-eme: {version: \"16\", platforms: {default: {fileUrl: \"http://a.com/cdm.zip\", hashValue: hc, filesize: 5}}}\n",
        ),
        (
            "releases/sa-super.yml",
            "schema_version: 4000\nblobs: [sa-2, sa-1]\n",
        ),
        (
            "releases/sa-1.yml",
            "product: SA1\nschema_version: 5000\nhashFunction: sha512\naddons:\n  one@x: {version: \"1\", platforms: {default: {fileUrl: \"http://a.com/1.xpi\", hashValue: h1, filesize: 1}}}\n",
        ),
        (
            "releases/sa-2.yml",
            "product: SA2\nschema_version: 5000\nhashFunction: sha512\naddons:\n  two@x: {version: \"2\", platforms: {default: {fileUrl: \"http://a.com/2.xpi\", hashValue: h2, filesize: 2}}}\n",
        ),
    ]);
    let gmp = |c: &str| site.body(&format!("/update/3/GMP/60.0/1/p/de/{c}/o/d/v/update.xml"));
    assert_eq!(
        inner(&gmp("release")),
        [
            "    <addons>",
            r#"        <addon id="gmp-h264" URL="http://a.com/h.zip" hashFunction="sha512" hashValue="hh" size="6" version="1.5"/>"#,
            r#"        <addon id="gmp-eme" URL="http://a.com/cdm.zip" hashFunction="sha512" hashValue="hc" size="5" version="16"/>"#,
            "    </addons>",
        ]
    );
    assert_eq!(
        inner(&gmp("beta")).len(),
        3,
        "CDM's rule is for release only"
    );
    assert!(
        !gmp("nightly").contains("gmp-h264"),
        "OpenH264 is shut off on nightly"
    );
    let sa = inner(&site.body("/update/3/SystemAddons/60.0/1/p/de/release/o/d/v/update.xml"))
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>();
    assert_eq!(
        sa.len(),
        3,
        "sa-2's product SA2 is not allowlisted on a.com: {sa:?}"
    );
    assert!(sa[1].contains("one@x"));
}

#[test]
fn guardian_answers_json_on_json_routes() {
    let site = TestSite::clean(&[
        ("cinder.yml", "allowlist:\n  good.com: [Guardian]\n"),
        (
            "rules/r.yml",
            "- {priority: 1, product: Guardian, mapping: g}\n",
        ),
        (
            "releases/g.yml",
            "schema_version: 10000\nversion: 0.5.0.0\nrequired: true\nhashFunction: sha512\nplatforms:\n  WINNT_x86_64: {fileUrl: \"https://good.com/0.5.msi\", hashValue: abc}\n  Darwin: {fileUrl: \"https://bad.com/0.5.pkg\", hashValue: def}\n",
        ),
    ]);
    let r = site.get("/json/1/Guardian/0.4.0.0/WINNT_x86_64/release/update.json");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        r#"{"version": "0.5.0.0", "url": "https://good.com/0.5.msi", "required": true, "hashFunction": "sha512", "hashValue": "abc"}"#
    );
    assert_eq!(
        site.body("/json/2/Guardian/0.4.0.0/Darwin/release/win/update.json"),
        "{}",
        "forbidden URL"
    );
    let current = site.get("/json/1/Guardian/0.5.0.0/WINNT_x86_64/release/update.json");
    assert_eq!((current.status, current.body.as_str()), (404, ""));
}

#[test]
fn settings_list_each_policy_with_its_version() {
    let site = TestSite::clean(&[
        ("rules/r.yml", "- {priority: 1, product: b, mapping: s}\n"),
        (
            "releases/s.yml",
            "schema_version: 2000\nsettings:\n  security: {version: \"3\", last_modified: 1500000000000}\n  onecrl: {version: \"12\", last_modified: \"1440000000000\"}\n",
        ),
    ]);
    assert_eq!(
        site.body("/update/3/b/60.0/1/p/de/c/o/d/v/update.xml"),
        "<?xml version=\"1.0\"?>\n<updates>\n    <settings>\n        <setting id=\"onecrl\" lastModified=\"1440000000000\" version=\"12\"/>\n        <setting id=\"security\" lastModified=\"1500000000000\" version=\"3\"/>\n    </settings>\n</updates>"
    );
}

#[test]
fn optional_features_follow_platform_locale_and_opt_in() {
    let site = TestSite::clean(&[
        ("cinder.yml", "allowlist:\n  a.com: [b]\n"),
        ("rules/r.yml", "- {priority: 1, product: b, mapping: f}\n"),
        (
            "releases/f.yml",
            r#"
schema_version: 6000
hashFunction: sha512
packages:
  - {id: hyph-de@x, version: "1.0", fileUrl: "http://a.com/hyph-de.xpi", hashValue: h1, filesize: 11, locales: [de]}
  - {id: hyph-fr@x, version: "1.0", fileUrl: "http://a.com/hyph-fr.xpi", hashValue: h2, filesize: 12, locales: [fr]}
  - {id: devtools@x, version: "2.1", fileUrl: "http://a.com/dt.xpi", hashValue: h3, filesize: 13, platforms: [p], optIn: true}
"#,
        ),
    ]);
    assert_eq!(
        inner(&site.body("/update/3/b/60.0/1/p/de/c/o/d/v/update.xml")),
        [
            "    <addons>",
            r#"        <addon id="hyph-de@x" URL="http://a.com/hyph-de.xpi" hashFunction="sha512" hashValue="h1" size="11" version="1.0"/>"#,
            r#"        <addon id="devtools@x" URL="http://a.com/dt.xpi" hashFunction="sha512" hashValue="h3" size="13" version="2.1" optIn="true"/>"#,
            "    </addons>",
        ]
    );
    assert_eq!(
        inner(&site.body("/update/3/b/60.0/1/q/fr/c/o/d/v/update.xml")),
        [
            "    <addons>",
            r#"        <addon id="hyph-fr@x" URL="http://a.com/hyph-fr.xpi" hashFunction="sha512" hashValue="h2" size="12" version="1.0"/>"#,
            "    </addons>"
        ]
    );
}
