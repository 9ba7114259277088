//! Planning again only what a change touches. The previous build's record
//! (`record.rs`) says, per group, which rules its answers were decided
//! from and which files it answers. A group is planned again when it is
//! new, when a rule it read changed, moved in row order or went away (or a
//! release such a rule can lead to changed), or when a rule that is new
//! (or changed) is not ruled out by the values all its queries share;
//! every other group keeps its files. Anything else that differs (the
//! configuration, templates, the parameter space, cinder itself, the
//! scheduled changes in effect) plans everything, and says why.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::engine::shortlist::concerns;
use crate::model::RuleId;
use crate::space::{Space, Variant};

use super::groups::key;
use super::record::GroupRecord;
use super::{Content, Depends, GroupDone, Kept, Plan, Progress, Record};

/// What the previous build left: the record of its plan and its files.
pub(crate) struct Previous {
    pub(crate) record: Record,
    /// The published files, sorted by path: path, SHA-256 and size.
    pub(crate) files: Vec<(String, [u8; 32], u64)>,
    /// Where their bodies can be read back.
    pub(crate) store: Box<dyn Stored>,
}

/// The bodies of a published tree.
pub(crate) trait Stored: Sync {
    /// The body with this digest and size, when the store has it intact.
    fn body(&self, sha256: &[u8; 32], size: u64) -> Option<Content>;
}

/// How a build planned its tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Replanned {
    /// Every group, for this reason.
    Everything(String),
    /// Only the groups a change touched; the others kept their files.
    Touched {
        planned: usize,
        groups: usize,
        entries: u64,
    },
}

/// Plans the tree of `space`, keeping from `previous` what the change
/// since leaves as it was.
pub(crate) fn replan(
    space: &Space<'_>,
    depends: &Depends,
    previous: Option<Previous>,
    progress: &dyn Progress,
) -> (Plan, Replanned) {
    let everything = |why: &str| {
        (
            super::plan(space, progress),
            Replanned::Everything(why.to_owned()),
        )
    };
    let Some(previous) = previous else {
        return everything("no previous plan to start from");
    };
    if previous.record.global != depends.global {
        return everything(
            "something besides rules and releases changed (cinder.yml, templates, observed requests, the parameter space, scheduled changes or cinder itself)",
        );
    }
    if previous.record.files != previous.files.len() as u64 {
        return everything("the previous plan's record does not match the published tree");
    }
    let site = space.site;
    let entries = space.entries();
    let groups = super::grouped(&entries);

    // Each old rule that reads the same now, as the rule it is now.
    let now: HashMap<[u8; 32], RuleId> = site
        .rule_ids()
        .map(|id| (depends.keys[id.0 as usize], id))
        .collect();
    let same: Vec<Option<RuleId>> = previous
        .record
        .rules
        .iter()
        .map(|(key, deep)| {
            now.get(key)
                .copied()
                .filter(|id| depends.deep[id.0 as usize] == *deep)
        })
        .collect();
    let old_keys: std::collections::HashSet<&[u8; 32]> =
        previous.record.rules.iter().map(|(k, _)| k).collect();
    let new_rules: Vec<RuleId> = site
        .rule_ids()
        .filter(|id| !old_keys.contains(&depends.keys[id.0 as usize]))
        .collect();
    let old_groups: HashMap<&str, &GroupRecord> = previous
        .record
        .groups
        .iter()
        .map(|g| (g.key.as_str(), g))
        .collect();

    // Per group: the previous one it keeps the files of, if it is untouched.
    let kept_from: Vec<Option<(&GroupRecord, Vec<RuleId>)>> = groups
        .par_iter()
        .map(|chunk| {
            let first = chunk.first()?;
            let old = *old_groups.get(key(space, first).as_str())?;
            let rules: Vec<RuleId> = old
                .rules
                .iter()
                .map(|r| same[*r as usize])
                .collect::<Option<_>>()?;
            if rules.windows(2).any(|w| w[0] >= w[1]) {
                return None;
            }
            if !new_rules.is_empty() {
                let mut q = first.query(&Variant::default());
                for product in
                    std::iter::once(first.product).chain(old.products.iter().map(String::as_str))
                {
                    product.clone_into(&mut q.product);
                    if new_rules.iter().any(|id| concerns(site.rule(*id), &q)) {
                        return None;
                    }
                }
            }
            Some((old, rules))
        })
        .collect();

    // The kept files, in the previous tree's (sorted) order, and their bodies.
    let mut owner = vec![u32::MAX; previous.files.len()];
    let mut kept_groups = Vec::new();
    for (g, kept) in kept_from.iter().enumerate() {
        let Some((old, rules)) = kept else { continue };
        let g = u32::try_from(g).expect("fewer than 4 billion groups");
        for (start, len) in &old.files {
            for i in *start..*start + *len {
                owner[i as usize] = g;
            }
        }
        kept_groups.push((
            g,
            GroupDone {
                key: old.key.clone(),
                refused: old.refused,
                rules: rules.clone(),
                products: old.products.clone(),
            },
        ));
    }
    let mut body_of: HashMap<[u8; 32], u32> = HashMap::new();
    let mut wanted: Vec<([u8; 32], u64)> = Vec::new();
    let mut files = Vec::new();
    let store = previous.store;
    for ((path, sha, size), g) in previous.files.into_iter().zip(&owner) {
        if *g == u32::MAX {
            continue;
        }
        let body = *body_of.entry(sha).or_insert_with(|| {
            wanted.push((sha, size));
            u32::try_from(wanted.len() - 1).expect("fewer than 4 billion bodies")
        });
        files.push((path, body, *g));
    }
    let bodies: Option<Vec<Content>> = wanted
        .par_iter()
        .map(|(sha, size)| store.body(sha, *size))
        .collect();
    let Some(bodies) = bodies else {
        return everything("the store of published bodies lacks one the tree links to");
    };
    let todo: Vec<bool> = kept_from.iter().map(Option::is_none).collect();
    let planned = todo.iter().filter(|t| **t).count();
    let entries_planned = groups
        .iter()
        .zip(&todo)
        .filter(|(_, t)| **t)
        .map(|(g, _)| g.len() as u64)
        .sum();
    let fresh = super::plan_groups(space, &groups, &|g| todo[g], progress);
    let kept = Kept {
        files,
        bodies,
        groups: kept_groups,
    };
    let plan = super::finish(space, fresh, &groups, kept);
    (
        plan,
        Replanned::Touched {
            planned,
            groups: groups.len(),
            entries: entries_planned,
        },
    )
}
