//! Loading a site: read the files, validate them into the typed model,
//! resolve references between them, and collect every problem found.

pub(crate) mod checks;
mod config;
pub(crate) mod expiry;
pub(crate) mod fields;
mod files;
mod lints;
mod refs;
pub(crate) mod releases;
mod route_checks;
mod rule_lints;
pub(crate) mod rules;
pub(crate) mod schedule;
mod segments;
mod templates;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::error::NotASite;
use crate::model::Site;
use crate::model::release::Release;
use crate::source::{Loc, Sources};
use crate::time::Timestamp;

use files::Kind;
use templates::Templates;

/// A site as loaded: the model, the files it came from (for diagnostics),
/// and the problems found.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) root: PathBuf,
    pub(crate) sources: Sources,
    pub(crate) site: Site,
    pub(crate) diagnostics: Diagnostics,
    /// The time the site was loaded as of.
    pub(crate) at: Timestamp,
    /// Every time a scheduled change takes effect, sorted, without repeats.
    pub(crate) schedule: Vec<Timestamp>,
}

/// Loads the site in `dir` as it is now. Problems in its files are
/// diagnostics; only a directory that is not a site at all is an error.
pub(crate) fn load_site(dir: &Path) -> Result<Loaded, NotASite> {
    load_site_at(dir, crate::time::now())
}

/// Loads the site in `dir` as of `at`: scheduled changes due by then applied.
/// Of each diagnostic code, the first `KEPT_PER_CODE` are kept, the others counted.
pub(crate) fn load_site_at(dir: &Path, at: Timestamp) -> Result<Loaded, NotASite> {
    load_site_with(dir, at, Some(crate::diag::KEPT_PER_CODE))
}

/// `load_site_at`, keeping at most `cap` diagnostics of each code (`None`: all).
pub(crate) fn load_site_with(
    dir: &Path,
    at: Timestamp,
    cap: Option<usize>,
) -> Result<Loaded, NotASite> {
    if !dir.is_dir() {
        return Err(NotASite::Missing(dir.to_path_buf()));
    }
    if !dir.join("cinder.yml").is_file() {
        return Err(NotASite::NoConfig(dir.to_path_buf()));
    }
    let mut sources = Sources::default();
    let mut loading = Loading {
        at,
        site: Site::default(),
        scheduled: schedule::Scheduled::default(),
        diags: Diagnostics::capped(cap),
        segs: segments::Segments::default(),
    };
    let parsed = files::read_site(dir, &mut sources, &mut loading.diags);
    loading.config(&parsed);
    let templates = loading.templates(&parsed);
    let failed = loading.releases(&parsed, &templates);
    loading.rules(&parsed);
    loading.observed_requests(dir);
    loading.check(&failed);
    Ok(loading.finish(dir, sources))
}

/// A site being loaded, phase by phase: the model so far, the scheduled
/// changes met, the problems found, and the values that become directories.
struct Loading {
    at: Timestamp,
    site: Site,
    scheduled: schedule::Scheduled,
    diags: Diagnostics,
    segs: segments::Segments,
}

impl Loading {
    /// `cinder.yml`.
    fn config(&mut self, parsed: &[files::Parsed]) {
        if let Some(root) = parsed
            .iter()
            .find(|p| p.kind == Kind::Config)
            .and_then(|p| p.root.as_ref())
        {
            self.site.config = config::load_config(
                root,
                self.at,
                &mut self.scheduled,
                &mut self.segs,
                &mut self.diags,
            );
        }
    }

    /// `templates/`, each resolved (its `extends` merged in).
    fn templates(&mut self, parsed: &[files::Parsed]) -> Templates {
        let mut templates = Templates::new();
        for p in parsed.iter().filter(|p| p.kind == Kind::Template) {
            if let Some(root) = &p.root {
                templates.add(
                    files::stem(&p.rel),
                    root.clone(),
                    Loc::file_start(p.id),
                    &mut self.diags,
                );
            }
        }
        templates.resolve_all(&mut self.diags);
        templates
    }

    /// `releases/`, in parallel. Returns the names of the releases that did
    /// not load: references to them are consequences of the errors already
    /// reported, not problems of their own.
    fn releases(&mut self, parsed: &[files::Parsed], templates: &Templates) -> HashSet<String> {
        let mut failed: HashSet<String> = HashSet::new();
        let release_files: Vec<_> = parsed.iter().filter(|p| p.kind == Kind::Release).collect();
        let loaded: Vec<LoadedRelease> = release_files
            .par_iter()
            .map(|p| load_release_file(p, templates, self.at, self.diags.like()))
            .collect();
        for l in loaded {
            self.diags.extend(l.diags);
            self.segs.extend(l.segs);
            self.scheduled.times.extend(l.scheduled.times);
            self.scheduled.releases.extend(l.scheduled.releases);
            match l.release {
                Ok(release) => add_release(&mut self.site, release, &mut self.diags),
                Err(name) => {
                    failed.insert(name);
                }
            }
        }
        failed
    }

    /// `rules/`, in Balrog's row order, each with the name answers give it.
    fn rules(&mut self, parsed: &[files::Parsed]) {
        let mut order = 0;
        let mut rule_files = Vec::new();
        for p in parsed.iter().filter(|p| p.kind == Kind::Rules) {
            if let Some(root) = &p.root {
                let rules = rules::load_rules_file(
                    root,
                    order,
                    self.at,
                    &mut self.scheduled,
                    &mut self.segs,
                    &mut self.diags,
                );
                order += rules.len();
                for r in rules {
                    rule_files.push(p.rel.display().to_string());
                    self.site.rules.push(r);
                }
            }
        }
        let mut paired: Vec<_> = self.site.rules.drain(..).zip(rule_files).collect();
        paired.sort_by_key(|(r, _)| r.tie_key());
        for (rule, file) in paired {
            self.site.rule_names.push(rule.display_id(&file));
            self.site.rules.push(rule);
        }
    }

    /// The files of observed requests `cinder.yml` names.
    fn observed_requests(&mut self, dir: &Path) {
        let files = files::Site::new(dir);
        for (rel, loc) in self.site.config.observed_requests.clone() {
            match files.read_bytes(&rel) {
                Ok(bytes) => {
                    match crate::model::request::parse_requests(&String::from_utf8_lossy(&bytes)) {
                        Ok(requests) => self.site.observed.extend(requests),
                        Err((line, e)) => self.diags.push(
                            Diagnostic::error(
                                Code::InvalidValue,
                                format!("`{}` line {line}: {e}", rel.display()),
                            )
                            .at(loc, "this file of observed requests"),
                        ),
                    }
                }
                Err(e) => self.diags.push(
                    Diagnostic::error(Code::Io, format!("`{}` {e}", rel.display()))
                        .at(loc, "named here"),
                ),
            }
        }
    }

    /// References resolved, then the checks across files, then the lints.
    fn check(&mut self, failed: &HashSet<String>) {
        refs::resolve(&mut self.site, failed, &mut self.diags);
        self.segs.case_collisions(&mut self.diags);
        checks::check(&self.site, &mut self.diags);
        route_checks::check(&self.site, &mut self.diags);
        // Lints on a site that did not load whole would mostly report what the
        // errors left out (a release no rule reaches because its rule failed).
        if !self.diags.has_errors() {
            lints::check(&self.site, &self.scheduled.releases, &mut self.diags);
        }
    }

    fn finish(mut self, dir: &Path, sources: Sources) -> Loaded {
        self.diags.sort();
        let mut times = self.scheduled.times;
        times.sort_unstable();
        times.dedup();
        Loaded {
            root: dir.to_path_buf(),
            sources,
            site: self.site,
            diagnostics: self.diags,
            at: self.at,
            schedule: times,
        }
    }
}

/// One release file as loaded: the release, or the name it would have had.
struct LoadedRelease {
    release: Result<Release, String>,
    diags: Diagnostics,
    segs: segments::Segments,
    scheduled: schedule::Scheduled,
}

fn load_release_file(
    p: &files::Parsed,
    templates: &Templates,
    at: Timestamp,
    mut diags: Diagnostics,
) -> LoadedRelease {
    let mut segs = segments::Segments::default();
    let mut scheduled = schedule::Scheduled::default();
    let stem = files::stem(&p.rel);
    // The name it was meant to have: its own `name`, else the file's.
    let name = p
        .root
        .as_ref()
        .and_then(|root| root.get("name"))
        .and_then(|n| n.as_str())
        .map_or_else(|| stem.clone(), str::to_owned);
    let release = p.root.clone().and_then(|root| {
        templates
            .expand(root, &mut diags)
            .and_then(|node| schedule::resolve(&node, at, &mut scheduled, &mut diags))
            .and_then(|mut node| {
                let expires = schedule::take_expiries(&mut node, &mut diags);
                let mut r = releases::load_release(&node, &stem, &mut segs, &mut diags)?;
                r.expires = expires;
                Some(r)
            })
    });
    LoadedRelease {
        release: release.ok_or(name),
        diags,
        segs,
        scheduled,
    }
}

fn add_release(site: &mut Site, release: Release, diags: &mut Diagnostics) {
    if let Some(&first) = site.release_index.get(&release.name) {
        diags.push(
            Diagnostic::error(
                Code::DuplicateName,
                format!("two releases are named `{}`", release.name),
            )
            .at(release.loc, "this release")
            .note(site.release(first).loc, "the other one")
            .help("give one of them a different `name` (or file name)"),
        );
        return;
    }
    let id = crate::model::ReleaseId(
        u32::try_from(site.releases.len()).expect("fewer than 4 billion releases"),
    );
    site.release_index.insert(release.name.clone(), id);
    site.releases.push(release);
}
