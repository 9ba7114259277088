//! A site is untrusted input: it comes from pull requests, and CI builds it
//! with write access to a machine. One regression test per finding of the
//! hostile-input review (issue 10), each named after what it guards.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::{Run, Scratch};

/// A site made by `cinder init` in `site/`.
fn site() -> Scratch {
    let s = Scratch::new();
    s.run(&["init", "site"]).code(0);
    s
}

/// Replaces `from` by `to` in a file of the scratch directory (`from` must occur).
fn edit(s: &Scratch, path: &str, from: &str, to: &str) {
    let p = s.path().join(path);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{path} lacks {from:?}");
    std::fs::write(&p, text.replace(from, to)).unwrap();
}

fn append(s: &Scratch, path: &str, more: &str) {
    let p = s.path().join(path);
    let mut text = std::fs::read_to_string(&p).unwrap_or_default();
    text.push_str(more);
    std::fs::write(&p, text).unwrap();
}

/// Every path under `dir`, relative, without following symbolic links.
fn all_paths(dir: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_path_buf())
        .collect()
}

/// `check` and `build` both refuse the site with an error naming `place`
/// (file:line:column) and saying `message`; the build writes nothing at all.
#[track_caller]
fn refused(s: &Scratch, place: &str, message: &str) -> Run {
    let before = all_paths(s.path());
    let check = s.run(&["check", "--site", "site"]).code(1);
    assert!(check.stderr.contains(place), "{}", check.stderr);
    assert!(check.stderr.contains(message), "{}", check.stderr);
    let build = s.run(&["build", "--site", "site"]).code(1);
    assert!(build.stderr.contains(message), "{}", build.stderr);
    assert!(build.stderr.contains("not building"), "{}", build.stderr);
    assert_eq!(all_paths(s.path()), before, "the build wrote something");
    check
}

const CLIMB: &str = "../../../../../../../../../../../../escaped";

// Item 1: no value of a site can make cinder write outside the tree.

#[test]
fn a_rule_product_cannot_climb_out_of_the_tree() {
    let s = site();
    edit(
        &s,
        "site/rules/release.yml",
        "  product: MyBrowser\n  channel: release\n",
        &format!("  product: \"{CLIMB}\"\n  channel: release\n"),
    );
    let check = refused(
        &s,
        "rules/release.yml:8:12",
        &format!("product `{CLIMB}` cannot be"),
    );
    assert!(check.stderr.contains("it contains `/`"), "{}", check.stderr);
    assert!(
        check.stderr.contains("at most 255 bytes"),
        "{}",
        check.stderr
    );
}

#[test]
fn products_that_are_dots_or_hold_a_slash_are_refused() {
    for product in [".", "..", "a/b", "a\\\\b"] {
        let s = site();
        edit(
            &s,
            "site/rules/release.yml",
            "  product: MyBrowser\n  channel: release\n",
            &format!("  product: \"{product}\"\n  channel: release\n"),
        );
        refused(
            &s,
            "rules/release.yml:8:12",
            "cannot be a directory name in the tree",
        );
    }
}

#[test]
fn a_route_product_cannot_climb_out_of_the_tree() {
    let s = site();
    append(
        &s,
        "site/cinder.yml",
        &format!(
            "routes:\n  - url: update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/update.xml\n    products: [\"{CLIMB}\"]\n"
        ),
    );
    refused(
        &s,
        "cinder.yml:23:16",
        &format!("product `{CLIMB}` cannot be"),
    );
}

#[test]
fn a_route_url_cannot_climb_out_of_the_tree() {
    let s = site();
    append(
        &s,
        "site/cinder.yml",
        "routes:\n  - ../../../../../../escaped/%PRODUCT%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/update.xml\n",
    );
    let check = refused(
        &s,
        "cinder.yml:22:5",
        "cannot be a directory name in the tree",
    );
    assert!(
        check.stderr.contains("update.xml`: `..`"),
        "{}",
        check.stderr
    );
}

#[test]
fn route_literals_are_plain_url_text() {
    for literal in ["up date", "a\\\\b", "$document_root", "x;y", "{x}"] {
        let s = site();
        append(
            &s,
            "site/cinder.yml",
            &format!(
                "routes:\n  - \"{literal}/%PRODUCT%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/update.xml\"\n"
            ),
        );
        let out = s.run(&["check", "--site", "site"]).code(1);
        assert!(
            out.stderr.contains("invalid-route"),
            "{literal}: {}",
            out.stderr
        );
    }
}

#[test]
fn the_output_and_observed_requests_stay_inside_the_site() {
    let s = site();
    append(&s, "site/cinder.yml", "output: ../escaped\n");
    refused(
        &s,
        "cinder.yml:21:9",
        "`output` `../escaped` is not a path inside the site: its segment `..`",
    );
    let s = site();
    append(&s, "site/cinder.yml", "observed-requests: /etc/passwd\n");
    let check = refused(
        &s,
        "cinder.yml:21:20",
        "`observed-requests` `/etc/passwd` is not a path inside the site: it is absolute",
    );
    assert!(check.stderr.contains("--requests FILE"), "{}", check.stderr);
    // `--out` on the command line may name any place.
    let s = site();
    s.run(&["build", "--site", "site", "--out", "elsewhere/public"])
        .code(0);
    assert!(s.path().join("elsewhere/public/cinder-empty.xml").is_file());
}

#[test]
fn an_imported_rule_product_that_climbs_out_is_refused() {
    let s = Scratch::new()
        .file(
            "export/rules.json",
            &format!(
                r#"[{{"rule_id": 1, "priority": 90, "mapping": "b-1.0", "backgroundRate": 100, "product": "{CLIMB}", "channel": "release"}}]"#
            ),
        )
        .file(
            "export/releases/one.json",
            r#"{"name": "b-1.0", "product": "b", "data": {"name": "b-1.0", "schema_version": 1, "appv": "1.0", "extv": "1.0",
                "hashFunction": "sha512", "platforms": {"p": {"buildID": "2", "locales": {"de": {"complete":
                {"filesize": "3", "from": "*", "hashValue": "4", "fileUrl": "http://a.com/z"}}}}}}}"#,
        )
        .file("export/config.json", r#"{"allowlisted_domains": {"a.com": ["b"]}}"#);
    let import = s
        .run(&["import", "balrog", "export", "--out", "site"])
        .code(0);
    assert!(
        import
            .stderr
            .contains(&format!("product `{CLIMB}` cannot be")),
        "{}",
        import.stderr
    );
    refused(&s, "rules/balrog.yml:4:12", "cannot be a directory name");
}

// Item 2: cinder deletes only what it made, and never through a symbolic link.

/// A directory with files of its own, and a listing of them.
fn victim(s: &Scratch) -> (PathBuf, BTreeSet<PathBuf>) {
    let v = s.path().join("victim");
    for f in [
        "blobs/important.txt",
        "trees/precious/a",
        "gen-3/data",
        "lock",
        "inputs",
    ] {
        std::fs::create_dir_all(v.join(f).parent().unwrap()).unwrap();
        std::fs::write(v.join(f), "keep").unwrap();
    }
    let listing = all_paths(&v);
    (v, listing)
}

#[test]
fn a_symlinked_state_directory_is_refused_not_emptied() {
    let s = site();
    let (v, listing) = victim(&s);
    std::os::unix::fs::symlink(&v, s.path().join("site/.public.cinder")).unwrap();
    let out = s.run(&["build", "--site", "site"]).code(2);
    assert!(
        out.stderr
            .contains("site/.public.cinder` is a symbolic link"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Remove the link"), "{}", out.stderr);
    assert_eq!(all_paths(&v), listing, "the victim changed");
    assert_eq!(std::fs::read_to_string(v.join("lock")).unwrap(), "keep");
}

#[test]
fn a_state_directory_cinder_did_not_make_is_refused_not_emptied() {
    let s = site();
    let (v, listing) = victim(&s);
    std::fs::rename(&v, s.path().join("site/.public.cinder")).unwrap();
    let out = s.run(&["build", "--site", "site"]).code(2);
    assert!(
        out.stderr.contains("was not made by cinder here"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Move it away or delete it"),
        "{}",
        out.stderr
    );
    assert_eq!(all_paths(&s.path().join("site/.public.cinder")), listing);
}

#[test]
fn a_committed_state_directory_with_a_copied_marker_is_refused() {
    // A state directory and published link as a site's repository could
    // hold them: the marker copied from a real build, a forged record
    // of inputs, and a subtree linking out of the site.
    let s = site();
    s.run(&["build", "--site", "site"]).code(0);
    let site_dir = s.path().join("site");
    let copy = s.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for name in ["cinder.yml", "rules", "releases", "templates"] {
        std::process::Command::new("cp")
            .arg("-r")
            .arg(site_dir.join(name))
            .arg(&copy)
            .status()
            .unwrap();
    }
    std::process::Command::new("cp")
        .args(["-rP"])
        .arg(site_dir.join(".public.cinder"))
        .arg(site_dir.join("public"))
        .arg(&copy)
        .status()
        .unwrap();
    let tree = copy.join(".public.cinder/trees");
    let entry = std::fs::read_dir(&tree)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::remove_dir_all(&entry).unwrap();
    std::os::unix::fs::symlink("/etc", &entry).unwrap();
    let out = s.run(&["build", "--site", "copy"]).code(2);
    assert!(
        out.stderr.contains("made for another directory"),
        "{}",
        out.stderr
    );
    assert!(
        std::fs::symlink_metadata(&entry)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::path::Path::new("/etc").is_dir());
}

// Item 3: nothing a site holds is left out in silence.

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn an_unreadable_directory_is_an_error_not_left_out() {
    use std::os::unix::fs::PermissionsExt;
    let s = site();
    let releases = s.path().join("site/releases");
    std::fs::create_dir(releases.join("more")).unwrap();
    std::fs::rename(
        releases.join("MyBrowser-1.1.yml"),
        releases.join("more/MyBrowser-1.1.yml"),
    )
    .unwrap();
    let mode =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    mode(s.path(), 0o755);
    mode(&releases.join("more"), 0o000);
    // Permissions do not stop root: then check as another user.
    let mut cmd = if is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(crate::support::cinder());
        c
    } else {
        std::process::Command::new(crate::support::cinder())
    };
    let out = cmd
        .args(["check", "--site"])
        .arg(s.path().join("site"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    mode(&releases.join("more"), 0o755);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`releases/more` cannot be read: Permission denied"),
        "{stderr}"
    );
}

#[test]
fn symbolic_links_are_followed_inside_the_site_only() {
    let s = site();
    let site_dir = s.path().join("site");
    // Inside: followed, as if the file were there.
    std::fs::create_dir(site_dir.join("archive")).unwrap();
    std::fs::rename(
        site_dir.join("releases/MyBrowser-1.0.yml"),
        site_dir.join("archive/MyBrowser-1.0.yml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../archive/MyBrowser-1.0.yml",
        site_dir.join("releases/MyBrowser-1.0.yml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../archive", site_dir.join("releases/old")).unwrap();
    std::fs::write(site_dir.join("archive/notes.txt"), "not a release").unwrap();
    let out = s.run(&["check", "--site", "site"]).code(1);
    assert!(
        out.stderr
            .contains("two releases are named `MyBrowser-1.0`"),
        "the linked directory is read too: {}",
        out.stderr
    );
    std::fs::remove_file(site_dir.join("releases/old")).unwrap();
    s.run(&["check", "--deny-warnings", "--site", "site"])
        .code(0);

    // Outside, to nothing, or round in a loop: errors, nothing read.
    let secret = s.path().join("secret.yml");
    std::fs::write(&secret, "schema_version: 4\n").unwrap();
    std::os::unix::fs::symlink(&secret, site_dir.join("releases/secret.yml")).unwrap();
    std::os::unix::fs::symlink("missing.yml", site_dir.join("releases/gone.yml")).unwrap();
    std::os::unix::fs::symlink(".", site_dir.join("releases/loop")).unwrap();
    let out = s.run(&["check", "--site", "site"]).code(1);
    for expected in [
        "`releases/secret.yml` is a symbolic link to",
        "outside the site;",
        "`releases/gone.yml` is a symbolic link to nothing",
        "`releases/loop` is a symbolic link to a directory read already (a loop",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("release `secret`"), "{}", out.stderr);
}

#[test]
fn a_symlinked_config_outside_the_site_is_not_read() {
    let s = site();
    let site_dir = s.path().join("site");
    std::fs::rename(site_dir.join("cinder.yml"), s.path().join("cinder.yml")).unwrap();
    std::os::unix::fs::symlink(s.path().join("cinder.yml"), site_dir.join("cinder.yml")).unwrap();
    let out = s.run(&["check", "--site", "site"]).code(1);
    assert!(
        out.stderr.contains("`cinder.yml` is a symbolic link to"),
        "{}",
        out.stderr
    );
}

#[test]
fn values_that_cannot_be_directory_names_are_check_errors() {
    let cases: [(&str, &str, &str, &str); 6] = [
        (
            "site/releases/MyBrowser-1.0.yml",
            "      en-US:\n        completes:\n          - {from: \"*\", filesize: 60000000",
            "      \"x/y\":\n        completes:\n          - {from: \"*\", filesize: 60000000",
            "locale `x/y`",
        ),
        (
            "site/releases/MyBrowser-1.0.yml",
            "  WINNT_x86_64-msvc-x64:\n    buildID: \"20260101000000\"",
            "  WINNT_x86_64-msvc-x64:\n    buildID: \"..\"",
            "buildID `..`",
        ),
        (
            "site/releases/MyBrowser-1.0.yml",
            "  WINNT_x86_64-msvc-x64:\n    buildID: \"20260101000000\"",
            "  WINNT_x86_64-msvc-x64:\n    buildID: \"_\"",
            "buildID `_` is reserved",
        ),
        (
            "site/rules/release.yml",
            "channel: beta",
            "channel: \"a/b\"",
            "channel `a/b`",
        ),
        (
            "site/cinder.yml",
            "channels: [release, beta]",
            "channels: [release, beta]\nvalues: {distribution: [\"a\\0b\"]}",
            "distribution `a\\0b`",
        ),
        (
            "site/cinder.yml",
            "channels: [release, beta]",
            &format!("channels: [release, beta, {}]", "x".repeat(256)),
            "over the 255-byte limit",
        ),
    ];
    for (file, from, to, message) in cases {
        let s = site();
        edit(&s, file, from, to);
        let out = s.run(&["check", "--site", "site"]).code(1);
        assert!(out.stderr.contains(message), "{message}: {}", out.stderr);
        s.run(&["build", "--site", "site"]).code(1);
    }
}

#[test]
fn values_differing_only_by_case_warn() {
    let s = site();
    edit(
        &s,
        "site/cinder.yml",
        "channels: [release, beta]",
        "channels: [release, beta, Release]",
    );
    let out = s.run(&["check", "--site", "site"]).code(0);
    assert!(out.stderr.contains("case-collision"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("channel `release` and `Release` differ only by case"),
        "{}",
        out.stderr
    );
    s.run(&["check", "--deny-warnings", "--site", "site"])
        .code(1);
}

// Item 4: diagnostics on long lines neither panic nor reprint the line.

/// A one-line JSON release of about `locales` x 190 bytes, with an unknown
/// field at its end.
fn one_line_release(locales: usize) -> String {
    let locale = r#"{"buildID": "20260101000000", "completes": [{"from": "*", "filesize": 1, "hashValue": "ab"}]}"#;
    let locales: Vec<String> = (0..locales)
        .map(|i| format!("\"x-l{i:05}\": {locale}"))
        .collect();
    format!(
        r#"{{"name": "Big-1.0", "product": "MyBrowser", "schema_version": 9, "hashFunction": "sha512", "appVersion": "1.0", "platforms": {{"WINNT_x86_64-msvc-x64": {{"OS_FTP": "w", "OS_BOUNCER": "w", "locales": {{{}}}}}}}, "bogusField": 1}}"#,
        locales.join(", ")
    )
}

#[test]
fn a_diagnostic_past_column_65535_does_not_panic() {
    let s = site();
    let text = one_line_release(800);
    assert!(text.len() > 70_000);
    std::fs::write(s.path().join("site/releases/Big-1.0.json"), &text).unwrap();
    let out = s.run(&["check", "--site", "site"]).code(1);
    let column = text.find("\"bogusField\"").unwrap() + 1;
    assert!(
        out.stderr
            .contains(&format!("releases/Big-1.0.json:1:{column}]")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("unknown field `bogusField`"),
        "{}",
        out.stderr
    );
    s.run(&["build", "--site", "site"]).code(1);
}

#[test]
fn diagnostics_on_a_long_line_show_a_part_of_it() {
    let s = site();
    let text = one_line_release(300).replace(
        r#""appVersion": "1.0""#,
        r#""appVersion": "1.0", "bogusA": 1, "bogusB": 2"#,
    );
    std::fs::write(s.path().join("site/releases/Big-1.0.json"), &text).unwrap();
    let out = s.run(&["check", "--site", "site"]).code(1);
    assert_eq!(
        out.stderr.matches("unknown-field").count(),
        3,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.len() < 6_000,
        "{} bytes for three diagnostics on a {}-byte line",
        out.stderr.len(),
        text.len()
    );
}

// Item 5: `serve` is bounded (src/server/http.rs has the tests of its
// limits); what the site puts in a header cannot add one.

#[test]
fn cache_control_cannot_inject_a_header() {
    let s = site();
    append(
        &s,
        "site/cinder.yml",
        "cache-control: \"public\\r\\nSet-Cookie: a=b\"\n",
    );
    refused(&s, "cinder.yml:21:16", "`cache-control` contains `\\r`");
}

// Item 6: many rules are checked in time that grows with their number, and
// repeated warnings are summarised.

/// `n` rules of one priority, product and channel whose answers alternate:
/// every pair of them overlaps, and every one is shadowed by `release`.
fn overlapping_rules(n: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for i in 0..n {
        let _ = write!(
            out,
            "- priority: 5\n  product: MyBrowser\n  channel: release\n  version: \"<1.{i}\"\n  mapping: MyBrowser-1.{}\n",
            i % 2
        );
    }
    out
}

/// How many diagnostics of `code` a report holds.
fn code_lines(stderr: &str, code: &str) -> usize {
    stderr.lines().filter(|l| *l == code).count()
}

#[test]
fn twenty_thousand_overlapping_rules_are_summarised() {
    let s = site();
    std::fs::write(
        s.path().join("site/rules/many.yml"),
        overlapping_rules(20_000),
    )
    .unwrap();
    let out = s.run(&["check", "--site", "site"]).code(0);
    assert!(
        out.stderr.len() < 300_000,
        "{} bytes of warnings",
        out.stderr.len()
    );
    assert_eq!(code_lines(&out.stderr, "equal-priority-overlap"), 100);
    for expected in [
        "note: 19900 more `shadowed-rule` warnings not shown (the first 100 of each code are); `cinder check --all` shows every one",
        "note: 19899 more `equal-priority-overlap` warnings not shown",
        "ok: 20002 rules, 2 releases; 0 errors, 39999 warnings",
    ] {
        assert!(out.stderr.contains(expected), "{expected}");
    }
}

#[test]
fn check_all_shows_every_warning() {
    let s = site();
    std::fs::write(s.path().join("site/rules/many.yml"), overlapping_rules(150)).unwrap();
    let out = s.run(&["check", "--all", "--site", "site"]).code(0);
    assert_eq!(code_lines(&out.stderr, "shadowed-rule"), 150);
    assert_eq!(code_lines(&out.stderr, "equal-priority-overlap"), 149);
    assert!(!out.stderr.contains("not shown"), "{}", out.stderr);
}

// Item 7: every URL that can reach a client is linted.

#[test]
fn file_urls_outside_the_allowlist_or_not_web_addresses_are_linted() {
    for (url, expected) in [
        ("javascript:alert(1)", "url-scheme"),
        ("file:///etc/passwd", "url-scheme"),
        ("https://evil.example/x.mar", "url-outside-allowlist"),
        (
            "javascript://download.example.org/%0aalert(1)",
            "url-scheme",
        ),
    ] {
        let s = site();
        edit(
            &s,
            "site/releases/MyBrowser-1.0.yml",
            "\"https://download.example.org/1.0/%OS_FTP%/%LOCALE%/mybrowser-1.0.complete.mar\"",
            &format!("\"{url}\""),
        );
        let out = s.run(&["check", "--site", "site"]).code(0);
        assert!(
            code_lines(&out.stderr, expected) >= 1,
            "{url}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains("releases/MyBrowser-1.0.yml:11:"),
            "{}",
            out.stderr
        );
        s.run(&["check", "--deny-warnings", "--site", "site"])
            .code(1);
    }
}

#[test]
fn an_unknown_hash_function_is_linted() {
    let s = site();
    edit(
        &s,
        "site/templates/mybrowser.yml",
        "hashFunction: sha512",
        "hashFunction: sha-3",
    );
    let out = s.run(&["check", "--site", "site"]).code(0);
    assert_eq!(
        code_lines(&out.stderr, "unknown-hash-function"),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("`hashFunction` `sha-3` is not a hash function clients check"),
        "{}",
        out.stderr
    );
}

#[test]
fn links_clients_open_are_web_addresses() {
    let s = site();
    edit(
        &s,
        "site/templates/mybrowser.yml",
        "detailsURL: \"https://www.example.org/%LOCALE%/releasenotes/\"",
        "detailsURL: \"javascript:alert(document.cookie)\"",
    );
    let out = s.run(&["check", "--site", "site"]).code(0);
    assert!(code_lines(&out.stderr, "url-scheme") >= 1, "{}", out.stderr);
}

// Item 8: `import balrog --force` and `init --force` agree: they replace the
// site and keep everything else in the directory.

/// A directory holding a repository, a README, and a site with an extra rule.
fn a_repository_with_a_site(s: &Scratch) {
    for (path, text) in [
        ("site/.git/HEAD", "ref: refs/heads/main\n"),
        ("site/.git/config", "[core]\n"),
        ("site/README.md", "mine\n"),
        ("site/.gitignore", "/mine\n"),
        ("site/cinder.yml", "channels: [release]\n"),
        (
            "site/rules/old.yml",
            "- {priority: 1, product: Old, mapping: gone}\n",
        ),
        ("site/releases/gone.yml", "schema_version: 4\n"),
    ] {
        let p = s.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[track_caller]
fn kept_the_repository_and_replaced_the_site(s: &Scratch) {
    let site = s.path().join("site");
    assert_eq!(
        std::fs::read_to_string(site.join(".git/HEAD")).unwrap(),
        "ref: refs/heads/main\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("README.md")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.join(".gitignore")).unwrap(),
        "/mine\n"
    );
    assert!(
        !site.join("rules/old.yml").exists(),
        "the old rules are gone"
    );
    assert!(
        !site.join("releases/gone.yml").exists(),
        "the old releases are gone"
    );
}

#[test]
fn import_force_keeps_the_repository() {
    let s = Scratch::new()
        .file(
            "export/rules.json",
            r#"[{"rule_id": 1, "priority": 90, "mapping": "b-1.0", "backgroundRate": 100, "product": "b", "channel": "release"}]"#,
        )
        .file("export/releases/one.json", r#"{"name": "b-1.0", "product": "b", "data": {"name": "b-1.0", "schema_version": 1, "appv": "1.0", "extv": "1.0", "hashFunction": "sha512", "platforms": {}}}"#)
        .file("export/config.json", r#"{"allowlisted_domains": {"a.com": ["b"]}}"#);
    a_repository_with_a_site(&s);
    let out = s
        .run(&["import", "balrog", "export", "--out", "site"])
        .code(2);
    assert!(out.stderr.contains("pass --force"), "{}", out.stderr);
    s.run(&["import", "balrog", "export", "--out", "site", "--force"])
        .code(0);
    kept_the_repository_and_replaced_the_site(&s);
    assert!(s.path().join("site/rules/balrog.yml").is_file());
}

#[test]
fn init_force_keeps_the_repository_and_replaces_the_site() {
    let s = Scratch::new();
    a_repository_with_a_site(&s);
    s.run(&["init", "site"]).code(2);
    s.run(&["init", "--force", "site"]).code(0);
    kept_the_repository_and_replaced_the_site(&s);
    s.run(&["check", "--deny-warnings", "--site", "site"])
        .code(0);
}

// Should fix: one release cannot grow the tree by orders of magnitude
// unnoticed (5,000 locales made a million directories).

/// MyBrowser 1.0 with `n` more locales (`x-{prefix}0000`, ...) on each of
/// its two platforms.
fn with_locales(s: &Scratch, n: usize, prefix: &str) {
    use std::fmt::Write as _;
    let locale = "        completes:\n          - {from: \"*\", filesize: 60000000, hashValue: 1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f5302860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75}\n";
    let mut more = String::new();
    for i in 0..n {
        let _ = write!(more, "      x-{prefix}{i:04}:\n{locale}");
    }
    edit(
        s,
        "site/releases/MyBrowser-1.0.yml",
        "\n      en-US:\n",
        &format!("\n{more}      en-US:\n"),
    );
}

/// A report's words, one space apart, without the frame of the diagnostics
/// (so that messages can be matched however they were wrapped).
fn words(stderr: &str) -> String {
    stderr
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_release_over_the_budget_of_builds_warns() {
    let s = site();
    with_locales(&s, 5, "a");
    append(&s, "site/cinder.yml", "limits: {builds-per-release: 11}\n");
    let out = s.run(&["check", "--site", "site"]).code(0);
    assert_eq!(
        code_lines(&out.stderr, "large-release"),
        1,
        "{}",
        out.stderr
    );
    for expected in [
        "release `MyBrowser-1.0` lists 12 builds (a platform and a locale each), over the site's budget of 11 per release",
        "releases/MyBrowser-1.0.yml:",
        "alone has 6 locales",
        "`limits: {builds-per-release: 12}`",
    ] {
        assert!(
            words(&out.stderr).contains(expected),
            "{expected}\n{}",
            out.stderr
        );
    }
    s.run(&["check", "--deny-warnings", "--site", "site"])
        .code(1);
    edit(
        &s,
        "site/cinder.yml",
        "builds-per-release: 11",
        "builds-per-release: 12",
    );
    let out = s
        .run(&["check", "--deny-warnings", "--site", "site"])
        .code(0);
    assert!(!out.stderr.contains("large-release"), "{}", out.stderr);
}

#[test]
fn the_default_budget_of_builds_is_three_thousand() {
    let s = site();
    with_locales(&s, 1_499, "a");
    let out = s
        .run(&["check", "--deny-warnings", "--site", "site"])
        .code(0);
    assert!(!out.stderr.contains("large-release"), "{}", out.stderr);
    with_locales(&s, 1, "b");
    let out = s.run(&["check", "--site", "site"]).code(0);
    assert!(
        words(&out.stderr).contains("lists 3,002 builds (a platform and a locale each), over the site's budget of 3,000 per release"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_budget_of_builds_is_a_positive_number() {
    let s = site();
    append(&s, "site/cinder.yml", "limits: {builds-per-release: 0}\n");
    refused(&s, "cinder.yml:", "`builds-per-release` is 0");
    edit(&s, "site/cinder.yml", "builds-per-release: 0", "builds: 10");
    refused(&s, "cinder.yml:", "unknown field `builds` in limits");
}

#[test]
fn a_tree_over_the_hard_limits_is_not_written() {
    let s = site();
    with_locales(&s, 3, "a");
    let before = all_paths(s.path());
    for (flag, n, message) in [
        (
            "--max-directories",
            "100",
            "directories, over the limit of 100 (`--max-directories`)",
        ),
        (
            "--max-files",
            "10",
            "files, over the limit of 10 (`--max-files`)",
        ),
    ] {
        let out = s.run(&["build", flag, n, "--site", "site"]).code(1);
        assert!(
            out.stderr
                .contains("error: not building: the tree would hold"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains(message), "{}", out.stderr);
        assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
        assert_eq!(all_paths(s.path()), before, "the build wrote something");
    }
    let out = s.run(&["build", "--site", "site"]).code(0);
    assert!(out.stderr.contains("built "), "{}", out.stderr);
}
