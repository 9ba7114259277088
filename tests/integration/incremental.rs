//! Rebuilds after a change plan only the groups the change touches, and
//! publish byte for byte the tree a full build of the changed site
//! publishes: for every kind of change, on the demo site and on a
//! synthetic Firefox-shaped one. Changes outside rules and releases plan
//! everything, and say why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{build, cinder, copy_demo};

/// Every file of the tree at `out` (symbolic links followed), by path.
fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out).follow_links(true) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(out).unwrap();
            found.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    found
}

/// How a build planned, from its report.
#[derive(Debug, PartialEq)]
enum Planned {
    /// `planned N of M groups`.
    Touched(u64, u64),
    Everything(String),
}

fn planned(stderr: &str) -> Planned {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("planned "))
        .unwrap_or_else(|| panic!("no planning line in:\n{stderr}"));
    // Without the seconds at the end.
    let line = line.rsplit_once(" (").map_or(line, |(l, _)| l);
    if line == "planned every group (--full)" {
        return Planned::Everything("(--full)".to_owned());
    }
    if let Some(why) = line.strip_prefix("planned every group: ") {
        return Planned::Everything(why.to_owned());
    }
    let number = |s: &str| s.replace(',', "").parse::<u64>().unwrap();
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!((words[2], words[4]), ("of", "groups"), "{line}");
    Planned::Touched(number(words[1]), number(words[3]))
}

/// A site and its tree, rebuilt after each change and compared with a
/// full build of the changed site.
struct Rebuilds {
    dir: tempfile::TempDir,
    site: PathBuf,
    extra: Vec<String>,
    fresh: u32,
}

impl Rebuilds {
    fn new(dir: tempfile::TempDir, site: PathBuf) -> Rebuilds {
        let r = Rebuilds {
            dir,
            site,
            // Trees that live for one test need no flush to the disk.
            extra: vec!["--no-fsync".to_owned()],
            fresh: 0,
        };
        assert_eq!(
            r.build(&r.out(), &[]),
            Planned::Everything("no previous plan to start from".to_owned())
        );
        r
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out/public")
    }

    fn build(&self, out: &Path, more: &[&str]) -> Planned {
        let mut args: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        args.extend(more);
        let b = build(&self.site, out, &args);
        let stderr = String::from_utf8_lossy(&b.stderr).into_owned();
        assert!(b.status.success(), "build: {stderr}");
        planned(&stderr)
    }

    /// Rewrites `file` of the site; the change must apply.
    fn edit(&self, file: &str, change: impl FnOnce(&str) -> String) {
        let path = self.site.join(file);
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        let after = change(&before);
        assert_ne!(before, after, "{file}: the change did not apply");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, after).unwrap();
    }

    /// Rebuilds the tree incrementally and the changed site in full
    /// elsewhere; both must hold the same files with the same bytes.
    fn rebuild(&mut self, what: &str) -> Planned {
        let planned = self.build(&self.out(), &[]);
        self.fresh += 1;
        let fresh = self.dir.path().join(format!("fresh-{}/public", self.fresh));
        assert_eq!(
            self.build(&fresh, &["--full"]),
            Planned::Everything("(--full)".to_owned())
        );
        let (mine, full) = (files(&self.out()), files(&fresh));
        assert_eq!(
            mine.keys().collect::<Vec<_>>(),
            full.keys().collect::<Vec<_>>(),
            "{what}: not the same files"
        );
        for (path, bytes) in &mine {
            assert!(bytes == &full[path], "{what}: {path} differs");
        }
        std::fs::remove_dir_all(fresh.parent().unwrap()).unwrap();
        planned
    }
}

fn assert_touched(p: &Planned, what: &str) {
    match p {
        Planned::Touched(n, of) => assert!(n < of, "{what}: planned {n} of {of}"),
        Planned::Everything(why) => panic!("{what}: planned everything: {why}"),
    }
}

fn assert_everything(p: &Planned, what: &str) {
    assert!(matches!(p, Planned::Everything(_)), "{what}: {p:?}");
}

#[test]
fn every_kind_of_change_to_the_demo_site_rebuilds_to_the_full_builds_tree() {
    let dir = tempfile::tempdir().unwrap();
    let site = copy_demo(dir.path());
    let mut r = Rebuilds::new(dir, site);
    let rules = "rules/release.yml";

    r.edit(rules, |t| {
        t.replace(
            "  channel: beta\n  mapping: Ember-133.0b4",
            "  channel: beta\n  mapping: Ember-133.0b3",
        )
    });
    let p = r.rebuild("a rule's mapping changed");
    assert_touched(&p, "a rule's mapping changed");

    r.edit(rules, |t| {
        format!("{t}\n- {{rule_id: 40, alias: beta-de-hold, priority: 200, product: Ember, channel: beta, locale: de, mapping: Ember-133.0b4}}\n")
    });
    assert_touched(&r.rebuild("a rule added"), "a rule added");

    // The beta rule now wins over the hold just added.
    r.edit(rules, |t| {
        t.replace(
            "  alias: beta\n  priority: 100",
            "  alias: beta\n  priority: 300",
        )
    });
    assert_touched(
        &r.rebuild("a rule reordered by priority"),
        "a rule reordered",
    );

    r.edit(rules, |t| {
        t.replace("\n- {rule_id: 40, alias: beta-de-hold, priority: 200, product: Ember, channel: beta, locale: de, mapping: Ember-133.0b4}\n", "\n")
    });
    assert_touched(&r.rebuild("a rule removed"), "a rule removed");

    let b4 = "releases/ember/Ember-133.0b4.yml";
    r.edit(b4, |t| {
        t.replacen("filesize: 71274057", "filesize: 71274058", 1)
    });
    assert_touched(&r.rebuild("a release changed"), "a release changed");

    let text = std::fs::read_to_string(r.site.join(b4)).unwrap();
    r.edit("releases/ember/Ember-133.0b5.yml", |_| {
        text.replace("133.0b4", "133.0b5")
            .replace("Beta 4", "Beta 5")
            .replace("202611170900", "202611240900")
    });
    assert_touched(&r.rebuild("a release added"), "a release added");
    r.edit(rules, |t| {
        t.replace(
            "  channel: beta\n  mapping: Ember-133.0b3",
            "  channel: beta\n  mapping: Ember-133.0b5",
        )
    });
    assert_touched(
        &r.rebuild("the beta rule on the new release"),
        "the beta rule on the new release",
    );

    r.edit(rules, |t| {
        t.replace(
            "  channel: beta\n  mapping: Ember-133.0b5",
            "  channel: beta\n  mapping: Ember-133.0b4",
        )
    });
    r.rebuild("the beta rule back");
    std::fs::remove_file(r.site.join("releases/ember/Ember-133.0b5.yml")).unwrap();
    assert_touched(&r.rebuild("a release removed"), "a release removed");

    r.edit("templates/ember.yml", |t| {
        t.replace("/releasenotes/", "/notes/")
    });
    assert_everything(&r.rebuild("a template changed"), "a template changed");

    r.edit("cinder.yml", |t| {
        t.replace(
            "channels: [release, beta]",
            "channels: [release, beta, aurora]",
        )
    });
    assert_everything(&r.rebuild("cinder.yml changed"), "cinder.yml changed");
    // Nothing changed since: the build has nothing to do.
    let b = build(&r.site, &r.out(), &[]);
    assert!(String::from_utf8_lossy(&b.stderr).contains("nothing changed"));

    // The security policy's scheduled change comes due.
    r.extra
        .extend(["--at".to_owned(), "2027-01-16T00:00:00Z".to_owned()]);
    let p = r.rebuild("a scheduled change came due");
    assert!(
        matches!(&p, Planned::Everything(why) if why.contains("scheduled changes")),
        "{p:?}"
    );
    // Unchanged but for a comment: everything kept, nothing written.
    r.edit(rules, |t| format!("# a comment\n{t}"));
    let p = r.rebuild("a comment added");
    assert!(matches!(p, Planned::Touched(0, n) if n > 0), "{p:?}");
}

#[test]
fn a_hotfix_a_new_hash_and_a_new_nightly_rebuild_to_the_full_builds_tree_on_a_synthetic_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let synth = Command::new(cinder())
        .args(["synth", "--scale", "0.01", "--seed", "3", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let mut r = Rebuilds::new(dir, site);
    let rules = "rules/firefox.yml";

    r.edit(rules, |t| {
        t.lines()
            .map(|l| {
                if l.contains("alias: release-aarch64-hold,") {
                    l.replace("Firefox-146.0-build1", "Firefox-145.0.2-build1")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    assert_touched(&r.rebuild("the one-rule hotfix"), "the one-rule hotfix");

    let release = "releases/firefox/release/Firefox-146.0.1-build1.yml";
    r.edit(release, |t| {
        let at = t.find("hashValue: ").unwrap() + "hashValue: ".len();
        let mut t = t.to_owned();
        let c = if &t[at..=at] == "0" { "1" } else { "0" };
        t.replace_range(at..=at, c);
        t
    });
    assert_touched(
        &r.rebuild("one locale's complete has a new hash"),
        "a new hash",
    );

    let nightly = "releases/firefox/nightly";
    let latest = std::fs::read_dir(r.site.join(nightly))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .max()
        .unwrap();
    let id = latest
        .trim_start_matches("Firefox-mozilla-central-nightly-")
        .trim_end_matches(".yml")
        .to_owned();
    let next = (id.parse::<u64>().unwrap() + 1_000_000).to_string();
    let text = std::fs::read_to_string(r.site.join(nightly).join(&latest)).unwrap();
    r.edit(
        &format!("{nightly}/Firefox-mozilla-central-nightly-{next}.yml"),
        |_| text.replace(&id, &next),
    );
    r.edit(rules, |t| {
        t.replace(
            &format!("alias: nightly, priority: 100, product: Firefox, channel: \"nightly\", mapping: \"Firefox-mozilla-central-nightly-{id}\""),
            &format!("alias: nightly, priority: 100, product: Firefox, channel: \"nightly\", mapping: \"Firefox-mozilla-central-nightly-{next}\""),
        )
    });
    assert_touched(&r.rebuild("a new nightly"), "a new nightly");
}
