//! `cinder init`: the scaffold is a clean site, and it never overwrites by accident.

use crate::support::Scratch;

#[test]
fn the_scaffold_passes_check_without_warnings() {
    let s = Scratch::new();
    let out = s.run(&["init", "site"]).code(0);
    assert!(out.stderr.contains("created a site"), "{}", out.stderr);
    for file in [
        "cinder.yml",
        "templates/mybrowser.yml",
        "releases/MyBrowser-1.0.yml",
        "releases/MyBrowser-1.1.yml",
        "rules/release.yml",
        "schemas/release.schema.json",
    ] {
        assert!(s.path().join("site").join(file).is_file(), "no {file}");
    }
    let gitignore = std::fs::read_to_string(s.path().join("site/.gitignore")).unwrap();
    assert_eq!(gitignore, "/public\n/.public.cinder\n");
    let out = s
        .run(&["check", "--deny-warnings", "--site", "site"])
        .code(0);
    assert!(
        out.stderr.contains("0 errors, 0 warnings"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_scaffold_builds_and_offers_the_partial_on_beta() {
    let s = Scratch::new();
    s.run(&["init", "site"]).code(0);
    s.run(&["build", "--site", "site"]).code(0);
    assert!(s.path().join("site/public").is_dir());
    let url = "/update/6/MyBrowser/1.0/20260101000000/Linux_x86_64-gcc3/en-US/beta/Linux%205.15/ISET:SSE4_2,MEM:16000/default/default/update.xml";
    let out = s.run(&["query", "--site", "site", url]).code(0);
    assert!(
        out.stdout.contains("mybrowser-1.0-1.1.partial.mar"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_directory_that_is_not_empty_is_refused_without_force() {
    let s = Scratch::new().file("site/notes.txt", "mine\n");
    let out = s.run(&["init", "site"]).code(2);
    assert!(out.stderr.contains("is not empty"), "{}", out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert!(!s.path().join("site/cinder.yml").exists());

    s.run(&["init", "--force", "site"]).code(0);
    assert_eq!(
        std::fs::read_to_string(s.path().join("site/notes.txt")).unwrap(),
        "mine\n"
    );
    s.run(&["check", "--deny-warnings", "--site", "site"])
        .code(0);
}

#[test]
fn the_current_directory_is_the_default() {
    let s = Scratch::new();
    s.run(&["init"]).code(0);
    s.run(&["check", "--deny-warnings"]).code(0);
}
