//! `cinder schema`, `completions` and `man`, and the CI workflow example.

use crate::support::{Scratch, repo};

/// The subcommands `cinder --help` lists.
fn subcommands() -> Vec<String> {
    let help = Scratch::new().run(&["--help"]).code(0).stdout;
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_bash_completion_knows_every_subcommand() {
    let commands = subcommands();
    for expected in ["check", "build", "init", "schema", "completions", "man"] {
        assert!(commands.iter().any(|c| c == expected), "{commands:?}");
    }
    let script = Scratch::new().run(&["completions", "bash"]).code(0).stdout;
    assert!(script.contains("complete -F _cinder"), "{script}");
    for c in &commands {
        assert!(
            script.contains(c.as_str()),
            "no `{c}` in the bash completion"
        );
    }
}

#[test]
fn every_shell_gets_a_completion_script() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = Scratch::new().run(&["completions", shell]).code(0);
        assert!(out.stdout.contains("cinder"), "{shell}: {}", out.stdout);
    }
    Scratch::new().run(&["completions", "tcsh"]).code(2);
}

#[test]
fn the_man_page_has_a_name_section() {
    let out = Scratch::new().run(&["man"]).code(0);
    assert!(out.stdout.contains(".SH NAME"), "{}", out.stdout);
    assert!(out.stdout.contains("cinder"), "{}", out.stdout);
    assert!(out.stdout.contains(".SH SUBCOMMANDS"), "{}", out.stdout);
}

#[test]
fn man_out_writes_a_page_per_subcommand() {
    let s = Scratch::new();
    s.run(&["man", "--out", "man"]).code(0);
    for page in [
        "cinder.1",
        "cinder-check.1",
        "cinder-init.1",
        "cinder-schema.1",
    ] {
        let text = std::fs::read_to_string(s.path().join("man").join(page)).unwrap();
        assert!(text.contains(".SH NAME"), "{page}");
    }
}

#[test]
fn schema_writes_four_draft_07_schemas() {
    let s = Scratch::new();
    s.run(&["schema"]).code(0);
    s.run(&["schema", "--out", "elsewhere"]).code(0);
    for dir in ["schemas", "elsewhere"] {
        for file in [
            "cinder.schema.json",
            "rules.schema.json",
            "release.schema.json",
            "template.schema.json",
        ] {
            let text = std::fs::read_to_string(s.path().join(dir).join(file)).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(value["$schema"], "http://json-schema.org/draft-07/schema#");
        }
    }
}

#[test]
fn the_ci_workflow_is_well_formed() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/cinder.yml")).unwrap();
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    let workflow: serde_json::Value = serde_saphyr::from_str_with_options(&text, options).unwrap();
    let on = &workflow["on"];
    assert!(on.get("pull_request").is_some(), "{on}");
    assert_eq!(on["push"]["branches"][0], "main");
    assert!(on["schedule"][0]["cron"].is_string(), "{on}");
    let runs: Vec<&str> = workflow["jobs"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_array().unwrap())
        .filter_map(|step| step["run"].as_str())
        .collect();
    let all = runs.join("\n");
    for expected in [
        "cinder check --deny-warnings",
        "cinder check --horizon 30d",
        "--format markdown > diff.md || test $? -eq 1",
        "--body-file diff.md",
        "cinder build",
        "cinder publish --wait 15m \"s3://$CINDER_BUCKET\"",
        "cinder publish --verify \"s3://$CINDER_BUCKET\"",
        "cinder next-change",
    ] {
        assert!(all.contains(expected), "no `{expected}` in:\n{all}");
    }
    // Publishing is cinder's: no sync that re-uploads everything and deletes first.
    assert!(!all.contains("aws s3 sync"), "{all}");
    // The jobs that publish only read the repository.
    for job in ["publish", "scheduled"] {
        assert_eq!(
            workflow["jobs"][job]["permissions"],
            serde_json::json!({"contents": "read"}),
            "{job}"
        );
    }
    assert_eq!(
        workflow["jobs"]["check"]["steps"][0]["with"]["fetch-depth"],
        0
    );
}
