//! What a plan remembers of each group (the entries of one build or
//! catch-all on one route and channel): its name, which files it answers,
//! and what its answers were decided from.

use crate::engine::shortlist::Reads;
use crate::model::RuleId;
use crate::space::{Entry, Space};

/// One group, as planned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GroupDone {
    /// Names the group across builds: route, product, version, buildID,
    /// build target, locale and channel.
    pub(crate) key: String,
    /// Entries Balrog would refuse or fail on.
    pub(crate) refused: u64,
    /// The rules not ruled out for any of its queries, in row order.
    pub(crate) rules: Vec<RuleId>,
    /// The products those rules were listed for (its own, and a SuperBlob's).
    pub(crate) products: Vec<String>,
}

impl GroupDone {
    pub(super) fn new(
        space: &Space<'_>,
        entries: &[Entry<'_>],
        reads: Reads,
        refused: u64,
    ) -> GroupDone {
        GroupDone {
            key: entries.first().map(|e| key(space, e)).unwrap_or_default(),
            refused,
            rules: reads.rules,
            products: reads.products,
        }
    }
}

/// The groups of a plan.
#[derive(Clone, Debug, Default)]
pub(crate) struct Groups {
    /// In the order of the space's entries.
    pub(crate) list: Vec<GroupDone>,
    /// Per file of the plan (same order): the index of its group in `list`,
    /// or `u32::MAX` for the tree's own files.
    pub(crate) owners: Vec<u32>,
}

/// The key of the group of `entry`. Its parts are path segments (no `/`,
/// no control characters), so `/` separates them unambiguously.
pub(super) fn key(space: &Space<'_>, entry: &Entry<'_>) -> String {
    let route = space
        .routes
        .iter()
        .position(|r| std::ptr::eq(r, entry.route))
        .unwrap_or(usize::MAX);
    // A catch-all has an empty version, which no build has.
    let (version, build_id) = entry
        .build
        .map_or(("", ""), |b| (b.version.as_str(), b.build_id.as_str()));
    format!(
        "{route}/{}/{version}/{build_id}/{}/{}/{}",
        entry.product, entry.build_target, entry.locale, entry.channel
    )
}
