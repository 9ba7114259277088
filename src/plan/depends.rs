//! What a plan depends on, as digests a later build compares with its own:
//! one for everything but the rules and releases (the site's other files,
//! the parameter space, the build's own inputs), and per rule one for the
//! rule and one for the rule with every release it can serve or point at.

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use crate::model::rule::{Origin, Rule};
use crate::model::{RuleId, Site};
use crate::source::{Loc, Sources};
use crate::space::Space;

/// The digests of one build's inputs.
#[derive(Clone, Debug)]
pub(crate) struct Depends {
    /// Everything but the rules and releases: when it differs from the
    /// previous plan's, every group is planned again.
    pub(crate) global: [u8; 32],
    /// Per rule (by `RuleId`): what it says and its name.
    pub(crate) keys: Vec<[u8; 32]>,
    /// Per rule: its key and the releases it can lead to, by name, each
    /// with the digest of the file that defines it.
    pub(crate) deep: Vec<[u8; 32]>,
}

impl Depends {
    /// `context`: the digest of what the build is made with besides the
    /// site's files (cinder itself, scheduled changes in effect, observed
    /// requests, options); `digests`: each source file's SHA-256, by file.
    pub(crate) fn new(
        site: &Site,
        sources: &Sources,
        digests: &[[u8; 32]],
        space: &Space<'_>,
        context: &[u8; 32],
    ) -> Depends {
        let digest_of = |loc: Loc| digests.get(loc.file.index()).copied();
        let rule_files: BTreeSet<usize> = site
            .rules
            .iter()
            .map(|r| r.origin.loc.file.index())
            .collect();
        let release_files: BTreeSet<usize> =
            site.releases.iter().map(|r| r.loc.file.index()).collect();

        let mut h = Sha256::new();
        h.update(b"cinder plan depends 1\0");
        h.update(context);
        for (i, file) in sources.iter().enumerate() {
            if rule_files.contains(&i) || release_files.contains(&i) {
                continue;
            }
            let path = file.display.to_string_lossy();
            h.update((path.len() as u64).to_le_bytes());
            h.update(path.as_bytes());
            h.update(digests.get(i).copied().unwrap_or_default());
        }
        // The pins' releases are read for every group with a pin variant.
        for pin in &site.config.pins {
            h.update(pin.mapping.name.as_bytes());
            h.update([0]);
            let file = pin.mapping.release.map(|id| site.release(id).loc);
            h.update(file.and_then(digest_of).unwrap_or_default());
        }
        h.update(space.signature().as_bytes());
        let global = h.finalize().into();

        let release_digest: HashMap<&str, [u8; 32]> = site
            .releases
            .iter()
            .map(|r| (r.name.as_str(), digest_of(r.loc).unwrap_or_default()))
            .collect();
        let keys: Vec<[u8; 32]> = site.rule_ids().map(|id| rule_key(site, id)).collect();
        let deep = site
            .rule_ids()
            .map(|id| {
                let mut h = Sha256::new();
                h.update(keys[id.0 as usize]);
                for name in reachable(site, site.rule(id)) {
                    h.update(name.as_bytes());
                    match release_digest.get(name) {
                        Some(d) => {
                            h.update([1]);
                            h.update(d);
                        }
                        None => h.update([0]),
                    }
                }
                h.finalize().into()
            })
            .collect();
        Depends { global, keys, deep }
    }
}

/// A rule's digest: its name and every field, but not where it is written
/// (moving a rule in its file does not change what it says) nor the
/// numbering of the releases it names.
fn rule_key(site: &Site, id: RuleId) -> [u8; 32] {
    let mut rule: Rule = site.rule(id).clone();
    rule.origin = Origin {
        index: 0,
        loc: Loc::NONE,
        order: 0,
        fields: Vec::new(),
    };
    for target in [&mut rule.mapping, &mut rule.fallback_mapping]
        .into_iter()
        .flatten()
    {
        target.loc = Loc::NONE;
        target.release = None;
    }
    let mut h = Sha256::new();
    h.update(b"rule\0");
    h.update(site.rule_name(id).as_bytes());
    h.update([0]);
    h.update(format!("{rule:?}").as_bytes());
    h.finalize().into()
}

/// The names of the releases a rule can lead to: its mapping and fallback,
/// and every release their data points at, and so on; sorted.
fn reachable<'s>(site: &'s Site, rule: &'s Rule) -> BTreeSet<&'s str> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = [&rule.mapping, &rule.fallback_mapping]
        .into_iter()
        .flatten()
        .map(|t| t.name.as_str())
        .collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(id) = site.release_index.get(name) {
            todo.extend(site.release(*id).names_pointed_at());
        }
    }
    seen
}
