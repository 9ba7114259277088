//! Lints of the rules against each other: rules that can never win, and
//! rules of equal priority that overlap with different answers; and of each
//! rule alone: throttles without a fallback, channel globs that match no
//! declared channel.
//!
//! Rules are indexed so that the work grows with the number of rules, not
//! its square: a rule covers another only when every condition it sets is
//! one the other sets too, so the rules that could shadow a rule are looked
//! up by the set of conditions they write (`Covers`), and overlapping rules
//! are looked for only among rules of the same priority and product.

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::engine::field::Field;
use crate::model::Site;
use crate::model::condition::ChannelPattern;
use crate::model::rule::Rule;

/// A rule's value of each field (`Field::ALL` order), borrowed.
type Values<'s> = [Option<&'s str>; 14];

const CHANNEL: usize = 4;
const PRODUCT: usize = 0;

fn values(rule: &Rule) -> Values<'_> {
    Field::ALL.map(|f| f.value(rule))
}

/// Whether rule `b`'s channel condition holds for every channel `a`'s does.
fn channel_covers(b: &ChannelPattern, a: &ChannelPattern) -> bool {
    b.raw == a.raw || (b.is_glob() && !a.is_glob() && b.matches(&a.raw).unwrap_or(false))
}

/// Whether `b` matches every request `a` matches (judged by what is written:
/// each condition of `b` is also a condition of `a`).
fn covers(b: (&Rule, &Values<'_>), a: (&Rule, &Values<'_>)) -> bool {
    (0..Field::ALL.len()).all(|f| match (b.1[f], a.1[f]) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) if f == CHANNEL => {
            x == y
                || matches!((&b.0.channel, &a.0.channel), (Some(bc), Some(ac)) if channel_covers(bc, ac))
        }
        (Some(x), Some(y)) => x == y,
    })
}

fn csv_disjoint(x: &str, y: &str) -> bool {
    !y.split(',')
        .map(str::trim)
        .any(|v| x.split(',').map(str::trim).any(|w| w == v))
}

/// Whether no request can match both rules (judged conservatively: only
/// conditions that plainly exclude each other count).
fn disjoint(a: (&Rule, &Values<'_>), b: (&Rule, &Values<'_>)) -> bool {
    Field::ALL.iter().enumerate().any(|(i, f)| {
        let (Some(left), Some(right)) = (a.1[i], b.1[i]) else {
            return false;
        };
        if left == right {
            return false;
        }
        match f {
            Field::Product
            | Field::BuildTarget
            | Field::HeaderArchitecture
            | Field::DistVersion
            | Field::Mig64
            | Field::Jaws => true,
            Field::Channel => match (&a.0.channel, &b.0.channel) {
                (Some(ac), Some(bc)) => match (ac.stem(), bc.stem()) {
                    (Some(s), Some(t)) => !s.starts_with(t) && !t.starts_with(s),
                    (Some(_), None) => !ac.matches(&bc.raw).unwrap_or(false),
                    (None, Some(_)) => !bc.matches(&ac.raw).unwrap_or(false),
                    (None, None) => true,
                },
                _ => false,
            },
            Field::Locale | Field::Distribution | Field::InstructionSet => {
                csv_disjoint(left, right)
            }
            Field::Version | Field::BuildId | Field::Memory | Field::OsVersion => false,
        }
    })
}

fn outcome(rule: &Rule) -> (Option<&str>, Option<&str>, u8) {
    (
        rule.mapping.as_ref().map(|t| t.name.as_str()),
        rule.fallback_mapping.as_ref().map(|t| t.name.as_str()),
        rule.background_rate,
    )
}

/// The rules that write one set of conditions, in row order, with the
/// highest priority among each prefix (to find the first that wins over a
/// rule by binary search).
#[derive(Default)]
struct Written {
    rules: Vec<usize>,
    priorities: Vec<i64>,
    prefix_max: Vec<i64>,
}

impl Written {
    fn push(&mut self, rule: usize, priority: i64) {
        let max = self
            .prefix_max
            .last()
            .map_or(priority, |m| (*m).max(priority));
        self.rules.push(rule);
        self.priorities.push(priority);
        self.prefix_max.push(max);
    }

    /// The first rule (in row order) that wins over rule `i` of `priority`:
    /// a higher priority, or the same one and earlier in row order.
    fn first_winner(&self, i: usize, priority: i64) -> Option<usize> {
        let k = self.prefix_max.partition_point(|m| *m < priority);
        let j = *self.rules.get(k)?;
        if self.priorities[k] > priority || j < i {
            return Some(j);
        }
        // Rule k ties and comes later: so do all later ties; the first
        // higher priority wins.
        let k = self.prefix_max.partition_point(|m| *m <= priority);
        self.rules.get(k).copied()
    }
}

/// The rules by the set of conditions they write.
struct Covers<'s> {
    by_conditions: HashMap<Vec<(usize, &'s str)>, Written>,
    /// The sets of fields some rule writes (few in a real site).
    shapes: Vec<u16>,
    /// Channel globs some rule writes.
    globs: Vec<&'s ChannelPattern>,
}

fn shape(v: &Values<'_>) -> u16 {
    v.iter()
        .enumerate()
        .filter(|(_, x)| x.is_some())
        .fold(0, |m, (i, _)| m | (1 << i))
}

impl<'s> Covers<'s> {
    fn new(site: &'s Site, values: &[Values<'s>]) -> Covers<'s> {
        let mut by_conditions: HashMap<Vec<(usize, &str)>, Written> = HashMap::new();
        let mut shapes = Vec::new();
        let mut globs: Vec<&ChannelPattern> = Vec::new();
        for (j, (rule, v)) in site.rules.iter().zip(values).enumerate() {
            let key: Vec<(usize, &str)> = v
                .iter()
                .enumerate()
                .filter_map(|(f, x)| x.map(|x| (f, x)))
                .collect();
            by_conditions.entry(key).or_default().push(j, rule.priority);
            if !shapes.contains(&shape(v)) {
                shapes.push(shape(v));
            }
            if let Some(c) = &rule.channel
                && c.is_glob()
                && !globs.iter().any(|g| g.raw == c.raw)
            {
                globs.push(c);
            }
        }
        Covers {
            by_conditions,
            shapes,
            globs,
        }
    }

    /// The first rule (in row order) that wins over rule `i` and matches
    /// every request it matches.
    fn first_cover(&self, i: usize, rule: &Rule, v: &Values<'s>) -> Option<usize> {
        let mine = shape(v);
        // A glob covers an exact channel it matches.
        let mut channels: Vec<&str> = v[CHANNEL].into_iter().collect();
        if let Some(c) = &rule.channel
            && !c.is_glob()
        {
            channels.extend(
                self.globs
                    .iter()
                    .filter(|g| g.matches(&c.raw).unwrap_or(false))
                    .map(|g| g.raw.as_str()),
            );
        }
        let mut best: Option<usize> = None;
        for &s in self.shapes.iter().filter(|s| **s & !mine == 0) {
            let mut key: Vec<(usize, &str)> = (0..Field::ALL.len())
                .filter(|f| s & (1 << f) != 0)
                .map(|f| (f, v[f].unwrap_or_default()))
                .collect();
            let channel_at = key.iter().position(|(f, _)| *f == CHANNEL);
            let alternatives: &[&str] = if channel_at.is_some() {
                &channels
            } else {
                &[""]
            };
            for channel in alternatives {
                if let Some(at) = channel_at {
                    key[at].1 = channel;
                }
                if let Some(j) = self
                    .by_conditions
                    .get(&key)
                    .and_then(|w| w.first_winner(i, rule.priority))
                {
                    best = Some(best.map_or(j, |b| b.min(j)));
                }
            }
        }
        best
    }
}

pub(crate) fn check(site: &Site, diags: &mut Diagnostics) {
    let values: Vec<Values<'_>> = site.rules.iter().map(values).collect();
    let covers_index = Covers::new(site, &values);
    for (i, (a, v)) in site.rules.iter().zip(&values).enumerate() {
        alone(site, i, a, diags);
        if let Some(j) = covers_index.first_cover(i, a, v) {
            let b = &site.rules[j];
            diags.push_with(Severity::Warning, Code::ShadowedRule, || {
                Diagnostic::warning(
                    Code::ShadowedRule,
                    format!(
                        "rule {} can never win: rule {} matches every request it matches and wins over it",
                        site.rule_names[i], site.rule_names[j]
                    ),
                )
                .at(a.origin.loc, "never chosen")
                .note(b.origin.loc, format!("rule {} is here", site.rule_names[j]))
                .help("give it a higher priority or a narrower rule above it, or remove it")
            });
        }
    }
    overlaps(site, &values, diags);
}

/// The lints of one rule by itself.
fn alone(site: &Site, i: usize, a: &Rule, diags: &mut Diagnostics) {
    let a_name = &site.rule_names[i];
    if a.is_throttled() && a.fallback_mapping.is_none() && a.mapping.is_some() {
        diags.push(
            Diagnostic::warning(
                Code::ThrottledWithoutFallback,
                format!(
                    "rule {a_name} is throttled to {}% with no fallbackMapping: the other background checks get no update at all",
                    a.background_rate
                ),
            )
            .at(a.origin.field("backgroundRate"), "throttled")
            .help("add `fallbackMapping` (usually the release clients had before), or set `backgroundRate: 100`"),
        );
    }
    if let Some(c) = &a.channel
        && c.is_glob()
        && !site.config.channels.is_empty()
        && !site
            .config
            .channels
            .iter()
            .any(|ch| c.matches(ch).unwrap_or(false))
    {
        diags.push(
            Diagnostic::warning(
                Code::ChannelMatchesNothing,
                format!("channel `{}` of rule {a_name} matches none of the channels declared in cinder.yml", c.raw),
            )
            .at(a.origin.field("channel"), "matches no declared channel")
            .help(format!(
                "declared: {}; fix the pattern or declare the channel under `channels:`",
                crate::diag::and_ticked(&site.config.channels)
            )),
        );
    }
}

/// Rules of the same priority, with different answers, that can match the
/// same request: row order decides between them. Each rule is reported
/// once, with the first rule before it that it ties with that way (with
/// 20,000 rules of one priority there are 200 million such pairs). Only
/// rules of one priority and product (or without one) are compared.
fn overlaps(site: &Site, values: &[Values<'_>], diags: &mut Diagnostics) {
    // priority -> product (None: any) -> rules in row order
    let mut groups: HashMap<i64, HashMap<Option<&str>, Vec<usize>>> = HashMap::new();
    for (j, v) in values.iter().enumerate() {
        groups
            .entry(site.rules[j].priority)
            .or_default()
            .entry(v[PRODUCT])
            .or_default()
            .push(j);
    }
    // The rules a rule of each priority and product can tie with, in row
    // order: those of its product and those of none; for a rule of no
    // product, all of its priority.
    let mut candidates: HashMap<(i64, Option<&str>), Vec<usize>> = HashMap::new();
    for (priority, by_product) in &groups {
        let any = by_product.get(&None).map_or(&[][..], Vec::as_slice);
        for (product, rules) in by_product {
            let mut list: Vec<usize> = match product {
                None => by_product.values().flatten().copied().collect(),
                Some(_) => rules.iter().chain(any).copied().collect(),
            };
            list.sort_unstable();
            candidates.insert((*priority, *product), list);
        }
    }
    for (j, (b, vb)) in site.rules.iter().zip(values).enumerate() {
        let list = &candidates[&(b.priority, vb[PRODUCT])];
        let before = &list[..list.partition_point(|i| *i < j)];
        let first = before.iter().copied().find(|&i| {
            let (a, va) = (&site.rules[i], &values[i]);
            outcome(a) != outcome(b) && !covers((a, va), (b, vb)) && !disjoint((a, va), (b, vb))
        });
        let Some(i) = first else { continue };
        let a = &site.rules[i];
        diags.push_with(Severity::Warning, Code::EqualPriorityOverlap, || {
            let a_name = &site.rule_names[i];
            Diagnostic::warning(
                Code::EqualPriorityOverlap,
                format!(
                    "rules {a_name} and {} have the same priority ({}) and can match the same requests, with different answers: row order decides",
                    site.rule_names[j],
                    a.priority
                ),
            )
            .at(b.origin.field("priority"), format!("rule {a_name} wins where both match"))
            .note(a.origin.field("priority"), format!("rule {a_name} is here"))
            .help("give one of them a higher priority, or make their conditions exclusive")
        });
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::testing::TestSite;

    /// Rules drawn from a few values per field, so that many cover,
    /// shadow and tie with each other.
    fn rules(seed: u64, n: usize) -> String {
        let mut x = seed;
        let mut pick = |k: usize| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(x >> 33).unwrap() % k
        };
        let mut out = String::new();
        for _ in 0..n {
            let mut fields = vec![format!("priority: {}", pick(3))];
            for (name, options) in [
                ("product", &["b", "c"][..]),
                (
                    "channel",
                    &["release", "\"release*\"", "beta", "\"rel*\""][..],
                ),
                ("locale", &["de", "\"de,fr\"", "fr"][..]),
                ("buildTarget", &["x", "y"][..]),
                ("osVersion", &["Linux"][..]),
            ] {
                let i = pick(options.len() + 1);
                if i < options.len() {
                    fields.push(format!("{name}: {}", options[i]));
                }
            }
            fields.push(format!("mapping: {}", ["r", "s"][pick(2)]));
            let _ = writeln!(out, "- {{{}}}", fields.join(", "));
        }
        out
    }

    const RELEASE: &str = "schema_version: 4\nappVersion: \"2.0\"\nplatforms: {}\n";

    // The index must find what comparing every pair finds.
    #[test]
    fn the_index_finds_the_first_shadowing_rule_as_comparing_every_pair_does() {
        for seed in 0..20 {
            let rules = rules(seed, 60);
            let s = TestSite::new(&[
                ("rules/r.yml", &rules),
                ("releases/r.yml", RELEASE),
                ("releases/s.yml", RELEASE),
            ]);
            let site = &s.loaded.site;
            let values: Vec<Values<'_>> = site.rules.iter().map(values).collect();
            let index = Covers::new(site, &values);
            for (i, a) in site.rules.iter().enumerate() {
                let naive = (0..site.rules.len()).find(|&j| {
                    let b = &site.rules[j];
                    j != i
                        && (b.priority > a.priority || (b.priority == a.priority && j < i))
                        && covers((b, &values[j]), (a, &values[i]))
                });
                assert_eq!(
                    index.first_cover(i, a, &values[i]),
                    naive,
                    "seed {seed}, rule {i}:\n{rules}"
                );
            }
        }
    }
}
