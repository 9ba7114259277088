//! `cinder diff` between git revisions and directories, and `cinder explain`.

use std::path::Path;
use std::process::Command;

use crate::support::{Scratch, copy_demo};

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn diff_reports_changed_answers_between_two_git_revisions() {
    let s = Scratch::new();
    let repo = s.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let site = copy_demo(&repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    // Finish the release rollout: every release client gets 132.0.
    let rules = site.join("rules/release.yml");
    let text = std::fs::read_to_string(&rules).unwrap();
    assert!(text.contains("backgroundRate: 25"));
    std::fs::write(
        &rules,
        text.replace("backgroundRate: 25", "backgroundRate: 100"),
    )
    .unwrap();
    git(&repo, &["commit", "-q", "-am", "second"]);

    let site_arg = site.to_str().unwrap();
    let changed = s
        .run(&["diff", "--site", site_arg, "HEAD~1", "HEAD"])
        .code(1);
    // Whole reports, as reviewed snapshots (tests/integration/snapshots/):
    // release clients change, beta ones do not.
    insta::assert_snapshot!("diff_text", changed.stdout);
    let md = s
        .run(&["diff", "--site", site_arg, "--format", "markdown", "HEAD~1"])
        .code(1);
    insta::assert_snapshot!("diff_markdown", md.stdout);

    s.run(&["diff", "--site", site_arg, "HEAD", "HEAD"]).code(0);
    let bad = s
        .run(&["diff", "--site", site_arg, "no-such-revision"])
        .code(2);
    assert!(
        bad.stderr
            .contains("neither a directory nor a git revision"),
        "{}",
        bad.stderr
    );
}

#[test]
fn diff_compares_directories() {
    let s = Scratch::new();
    let a = copy_demo(&s.path().join("a"));
    let b = copy_demo(&s.path().join("b"));
    s.run(&["diff", "--site", b.to_str().unwrap(), a.to_str().unwrap()])
        .code(0);
    // Release clients get the web-compatibility add-on 1.1 too.
    let rules = b.join("rules/addons.yml");
    let text = std::fs::read_to_string(&rules).unwrap();
    std::fs::write(
        &rules,
        text.replace("mapping: webcompat-1.0}", "mapping: webcompat-1.1}"),
    )
    .unwrap();
    let r = s
        .run(&["diff", "--site", b.to_str().unwrap(), a.to_str().unwrap()])
        .code(1);
    let report = r.stdout.replace(s.path().to_str().unwrap(), "[SCRATCH]");
    insta::assert_snapshot!("diff_directories", report);
}

#[test]
fn explain_names_the_winning_rule_the_losers_and_the_patches() {
    let s = Scratch::new();
    let repo = crate::support::repo();
    let out = s
        .run(&[
            "explain",
            "--site",
            repo.to_str().unwrap(),
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%2010.0.0.0.19045.4651%20(x64)/ISET:SSE4_2,MEM:16252/default/default/update.xml",
        ])
        .code(0);
    // The whole explanation, checked as a reviewed snapshot
    // (tests/integration/snapshots/): the query as the tree answers it, each
    // rule and why it fails, the throttle, and the patches.
    insta::assert_snapshot!("explain_throttled", out.stdout);
    let forced = s
        .run(&[
            "explain",
            "--site",
            repo.to_str().unwrap(),
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%2010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml?force=1",
        ])
        .code(0);
    insta::assert_snapshot!("explain_forced", forced.stdout);
    let off_routes = s
        .run(&[
            "explain",
            "--site",
            repo.to_str().unwrap(),
            "/update/6/Firefox/120.0/20231116134553/WINNT_x86_64-msvc-x64/en-US/release/Windows_NT%2010.0/SSE4_2/default/default/update.xml",
        ])
        .code(0);
    insta::assert_snapshot!("explain_off_routes", off_routes.stdout);
}
