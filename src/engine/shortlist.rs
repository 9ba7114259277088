//! The rules that can match a group of queries sharing product, build
//! target, channel, version, buildID and locale, and differing only in what
//! the parameter space varies within a build (osVersion, systemCapabilities,
//! distribution, query variants). Each rule's test of the shared values is
//! made once for the group; per query, only rules that read a varying value
//! are tested again. The decision is exactly that of testing every rule,
//! Balrog's errors and their order included.

use crate::model::rule::Rule;
use crate::model::{RuleId, Site};

use super::error::EngineError;
use super::field::{Field, first_mismatch};
use super::matchers::QueryVersion;
use super::query::Query;

/// The query values a shortlist (or anything else cached per group) was
/// made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Anchor {
    json: bool,
    product: String,
    build_target: String,
    header_architecture: Option<&'static str>,
    channel: String,
    version: String,
    build_id: Option<String>,
    locale: Option<String>,
}

impl Anchor {
    pub(crate) fn of(q: &Query) -> Anchor {
        Anchor {
            json: q.json,
            product: q.product.clone(),
            build_target: q.build_target.clone(),
            header_architecture: q.header_architecture,
            channel: q.channel.clone(),
            version: q.version.clone(),
            build_id: q.build_id.clone(),
            locale: q.locale.clone(),
        }
    }

    /// Whether `q` has exactly these values.
    pub(crate) fn fits(&self, q: &Query) -> bool {
        self.json == q.json
            && self.product == q.product
            && self.build_target == q.build_target
            && self.header_architecture == q.header_architecture
            && self.channel == q.channel
            && self.version == q.version
            && self.build_id == q.build_id
            && self.locale == q.locale
    }
}

/// Whether a field's value can differ between queries of one group.
fn varies(field: Field) -> bool {
    matches!(
        field,
        Field::DistVersion
            | Field::Memory
            | Field::OsVersion
            | Field::InstructionSet
            | Field::Distribution
            | Field::Mig64
            | Field::Jaws
    )
}

/// What the shared values say about one rule.
#[derive(Clone, Debug)]
enum Verdict {
    /// Matches every query of the group: it sets no varying field.
    Matches,
    /// Passes the shared fields Balrog tests before its first varying one:
    /// each query is tested in full.
    Test,
    /// Testing it raises this error for every query of the group.
    Fails(EngineError),
}

/// The rules (in row order) that are not ruled out for a group of queries.
#[derive(Clone, Debug)]
pub(crate) struct Shortlist {
    anchor: Anchor,
    rules: Vec<(RuleId, Verdict)>,
}

impl Shortlist {
    /// The shortlist for the group of `q`.
    pub(crate) fn new(site: &Site, q: &Query) -> Shortlist {
        let qv = QueryVersion::new(&q.version);
        let rules = site
            .rule_ids()
            .filter_map(|id| verdict(site.rule(id), q, &qv).map(|v| (id, v)))
            .collect();
        Shortlist {
            anchor: Anchor::of(q),
            rules,
        }
    }

    pub(crate) fn fits(&self, q: &Query) -> bool {
        self.anchor.fits(q)
    }

    /// Whether a rule is left that reads a value varying within the group.
    fn tests(&self) -> bool {
        self.rules.iter().any(|(_, v)| matches!(v, Verdict::Test))
    }

    /// The rules `q` matches, in row order; `q` must fit the shortlist.
    pub(crate) fn matching<'a>(
        &'a self,
        site: &'a Site,
        q: &'a Query,
        qv: &'a QueryVersion<'_>,
    ) -> impl Iterator<Item = Result<RuleId, EngineError>> + 'a {
        debug_assert!(self.fits(q), "a query outside the shortlist's group");
        self.rules
            .iter()
            .filter_map(move |(id, verdict)| match verdict {
                Verdict::Matches => Some(Ok(*id)),
                Verdict::Fails(e) => Some(Err(e.clone())),
                Verdict::Test => match first_mismatch(site.rule(*id), q, qv) {
                    Ok(None) => Some(Ok(*id)),
                    Ok(Some(_)) => None,
                    Err(e) => Some(Err(e)),
                },
            })
    }
}

/// Tests the fields Balrog reaches before the rule's first varying one;
/// `None` when one of them rules the rule out for the whole group.
fn verdict(rule: &Rule, q: &Query, qv: &QueryVersion<'_>) -> Option<Verdict> {
    let first_varying = Field::ALL
        .iter()
        .position(|f| varies(*f) && f.is_set(rule))
        .unwrap_or(Field::ALL.len());
    // The varying fields before that one are unset, so they pass every query.
    for field in &Field::ALL[..first_varying] {
        match field.rejects(rule, q, qv) {
            Ok(false) => {}
            Ok(true) => return None,
            Err(e) => return Some(Verdict::Fails(e)),
        }
    }
    Some(if first_varying == Field::ALL.len() {
        Verdict::Matches
    } else {
        Verdict::Test
    })
}

/// Whether `rule` can take part in the answer to some query of `q`'s
/// group, in any query variant: false only when a value all of them share
/// rules it out (the header architecture counts as varying, since query
/// variants set it).
pub(crate) fn concerns(rule: &Rule, q: &Query) -> bool {
    let qv = QueryVersion::new(&q.version);
    let first_varying = Field::ALL
        .iter()
        .position(|f| (varies(*f) || *f == Field::HeaderArchitecture) && f.is_set(rule))
        .unwrap_or(Field::ALL.len());
    for field in &Field::ALL[..first_varying] {
        match field.rejects(rule, q, &qv) {
            Ok(false) => {}
            Ok(true) => return false,
            Err(_) => return true,
        }
    }
    true
}

/// Shortlists for the groups a worker meets, most recent first; a query
/// outside every one gets a new one.
#[derive(Debug, Default)]
pub(crate) struct Shortlists {
    lists: Vec<Shortlist>,
    /// A list was dropped to make room for another.
    dropped: bool,
    /// How many lists were made.
    made: u64,
    /// Every rule on a list made so far, and the products of those lists:
    /// all a group's answers can depend on of the rules.
    read: Reads,
}

/// The rules a group's answers were decided from: those not ruled out by
/// any query of the group (its own product's, and the products of the
/// SuperBlobs it was served).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// In row order, without repeats.
    pub(crate) rules: Vec<RuleId>,
    /// The products of the lists made, sorted, without repeats.
    pub(crate) products: Vec<String>,
}

impl Reads {
    fn add(&mut self, list: &Shortlist) {
        for (id, _) in &list.rules {
            if let Err(at) = self.rules.binary_search(id) {
                self.rules.insert(at, *id);
            }
        }
        if let Err(at) = self.products.binary_search(&list.anchor.product) {
            self.products.insert(at, list.anchor.product.clone());
        }
    }
}

impl Shortlists {
    /// How many groups are remembered (a SuperBlob's products each make one).
    const KEEP: usize = 8;

    pub(crate) fn for_query(&mut self, site: &Site, q: &Query) -> &Shortlist {
        match self.lists.iter().position(|s| s.fits(q)) {
            Some(0) => {}
            Some(i) => self.lists[..=i].rotate_right(1),
            None => {
                if self.lists.len() == Self::KEEP {
                    self.lists.pop();
                    self.dropped = true;
                }
                let list = Shortlist::new(site, q);
                self.read.add(&list);
                self.lists.insert(0, list);
                self.made += 1;
            }
        }
        &self.lists[0]
    }

    /// What decides `q`'s answer besides its shared values and query
    /// variant: how each rule its list tests per query judges it (two bits
    /// per rule). Two queries of one group and variant with the same
    /// outcomes get the same decision. `None` when that cannot be told from
    /// the lists: `q` has none yet, another list (a SuperBlob's product)
    /// tests per query too, a list was dropped, or too many rules are tested.
    /// How many lists were made so far: while it stays the same, so do the
    /// outcomes of a query.
    pub(crate) fn made(&self) -> u64 {
        self.made
    }

    /// The rules and products of every list made so far.
    pub(crate) fn reads(&self) -> &Reads {
        &self.read
    }

    pub(crate) fn outcomes(&self, site: &Site, q: &Query) -> Option<u128> {
        if self.dropped {
            return None;
        }
        let mut own = None;
        for list in &self.lists {
            if list.fits(q) {
                own = Some(list);
            } else if list.tests() {
                return None;
            }
        }
        let list = own?;
        let qv = QueryVersion::new(&q.version);
        let mut bits: u128 = 0;
        let mut tested = 0;
        for (id, verdict) in &list.rules {
            if !matches!(verdict, Verdict::Test) {
                continue;
            }
            if tested == 64 {
                return None;
            }
            let outcome: u128 = match first_mismatch(site.rule(*id), q, &qv) {
                Ok(None) => 1,
                Ok(Some(_)) => 2,
                Err(_) => 3,
            };
            bits |= outcome << (2 * tested);
            tested += 1;
        }
        Some(bits)
    }
}
