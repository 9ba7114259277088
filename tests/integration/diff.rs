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
    assert!(
        changed.stdout.contains("Ember on release"),
        "{}",
        changed.stdout
    );
    assert!(
        changed
            .stdout
            .contains("update to 131.0.2 (20260915153000) + partial → update to 132.0"),
        "{}",
        changed.stdout
    );
    assert!(
        !changed.stdout.contains("on beta"),
        "beta is untouched: {}",
        changed.stdout
    );

    let md = s
        .run(&["diff", "--site", site_arg, "--format", "markdown", "HEAD~1"])
        .code(1);
    assert!(
        md.stdout
            .starts_with("### cinder diff: `HEAD~1` → `the working tree`"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("| Ember | release | 131.0.2 | no update | update to 132.0"),
        "{}",
        md.stdout
    );

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
    assert!(r.stdout.contains("SystemAddons on release"), "{}", r.stdout);
    assert!(!r.stdout.contains("SystemAddons on beta"), "{}", r.stdout);
    assert!(
        r.stdout.contains("→ add-ons webcompat@ember.example@1.1"),
        "{}",
        r.stdout
    );
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
    let t = &out.stdout;
    for expected in [
        "MATCHES and wins",
        "no: channel `beta` does not match `release`",
        "no: memory `<2048` does not match `16252`",
        "backgroundRate 25",
        "through the rule's fallbackMapping",
        "partial  from `Ember-131.0`",
        "OFFERED",
        "<patch type=\"partial\"",
    ] {
        assert!(t.contains(expected), "lacks {expected:?}:\n{t}");
    }
    let forced = s
        .run(&[
            "explain",
            "--site",
            repo.to_str().unwrap(),
            "/update/6/Ember/131.0/20260831094200/WINNT_x86_64-msvc-x64/de/release/Windows_NT%2010.0/ISET:SSE4_2,MEM:16252/default/default/update.xml?force=1",
        ])
        .code(0);
    assert!(
        forced.stdout.contains("force=1 gets the mapping"),
        "{}",
        forced.stdout
    );
    assert!(
        forced
            .stdout
            .contains("serves `Ember-132.0`, through the rule's mapping"),
        "{}",
        forced.stdout
    );
}
