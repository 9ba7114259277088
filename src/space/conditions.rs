//! Reducing unbounded client values to the classes a product's rules can tell
//! apart. `osVersion` is free text matched by substrings; a value's class is
//! which of the product's osVersion conditions it satisfies. A
//! `systemCapabilities` value's class is which of the product's
//! instructionSet, memory and JAWS conditions it satisfies. Each condition is
//! also a pattern over the raw value, which a web server evaluates the same
//! way, and, for servers whose regexes have no lookarounds (Caddy's RE2), a
//! field to read off the value and a pattern over what is read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::Site;
use crate::model::condition::{Csv, MemoryCondition, Op, SimpleExpression};
use crate::model::release::{Blob, SuperBlob};
use crate::model::rule::Rule;

use super::pattern::{ANY, END, Pattern, int_in, literal};

/// An osVersion condition of some rule.
#[derive(Clone, Debug)]
pub(crate) struct OsCondition {
    pub(crate) expr: SimpleExpression,
    /// The pattern's body, `(?:...)`, to be anchored where it is used.
    pub(crate) body: String,
    /// Matches the raw values that satisfy the condition.
    pub(crate) pattern: Pattern,
}

/// An instructionSet, memory or JAWS condition of some rule.
#[derive(Clone, Debug)]
pub(crate) struct CapsCondition {
    pub(crate) kind: CapsKind,
    /// Matches the raw values for which the condition's answer is `when`.
    pub(crate) pattern: Pattern,
    pub(crate) when: bool,
    /// The part of the value the condition reads, and a pattern (to match
    /// whole) over that part's text: `pattern` is "the field is there and
    /// its text matches `value`".
    pub(crate) field: CapsField,
    pub(crate) value: String,
}

/// The part of a systemCapabilities value a condition reads. A new-style
/// value (`ISET:SSE4_2,MEM:16252,JAWS:1`) gives each field by its key, the
/// last part with that key winning; an old-style one (`SSE4_2,16252`, at
/// most two parts) gives the instruction set and the memory by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CapsField {
    InstructionSet,
    Memory,
    Jaws,
}

impl CapsField {
    pub(crate) const ALL: [CapsField; 3] = [
        CapsField::InstructionSet,
        CapsField::Memory,
        CapsField::Jaws,
    ];

    /// Its key in a new-style value.
    pub(crate) fn key(self) -> &'static str {
        match self {
            CapsField::InstructionSet => "ISET",
            CapsField::Memory => "MEM",
            CapsField::Jaws => "JAWS",
        }
    }

    /// A pattern over a whole raw value: the field is there and its text
    /// matches `value` (a pattern body) entirely.
    pub(crate) fn lookaround(self, value: &str) -> String {
        let key = self.key();
        let new_style =
            format!("(?=ISET:)(?:{ANY}*,)?{key}:(?:{value})(?:,(?!(?:{ANY}*,)?{key}:){ANY}*)?");
        let old_style = match self {
            CapsField::InstructionSet => Some(format!("(?!ISET:)(?:{value})(?:,[^,]*)?")),
            CapsField::Memory => Some(format!("(?!ISET:)[^,]*,(?:{value})")),
            CapsField::Jaws => None,
        };
        match old_style {
            Some(old) => format!("^(?:{new_style}|{old}){END}"),
            None => format!("^(?:{new_style}){END}"),
        }
    }

    /// How a server whose regexes have no lookarounds reads the field: the
    /// patterns (RE2 syntax) are tried in order on the raw value, and the
    /// first that matches gives the field's text as its first group, or,
    /// when it has no group, says the value has no such field. No match:
    /// no such field either.
    pub(crate) fn extractors(self) -> Vec<String> {
        match self {
            CapsField::InstructionSet => vec![
                format!("^ISET:(?:{ANY}*,ISET:)?([^,]*)"),
                "^([^,]*)(?:,[^,]*)?$".to_owned(),
            ],
            CapsField::Memory => vec![
                format!("^ISET:{ANY}*,MEM:([^,]*)"),
                "^ISET:".to_owned(),
                "^[^,]*,([^,]*)$".to_owned(),
            ],
            CapsField::Jaws => vec![format!("^ISET:{ANY}*,JAWS:([^,]*)")],
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum CapsKind {
    InstructionSet(Csv),
    Memory(MemoryCondition),
    Jaws(bool),
}

#[cfg(test)]
impl CapsKind {
    /// Balrog's answer for a raw systemCapabilities value.
    fn holds(&self, raw: &str) -> bool {
        let caps = crate::engine::query::system_capabilities(raw);
        match self {
            CapsKind::InstructionSet(csv) => csv.matches(caps.instruction_set.as_deref()),
            CapsKind::Memory(m) => m.matches(caps.memory).unwrap_or(true),
            CapsKind::Jaws(j) => crate::engine::matchers::match_boolean(Some(*j), caps.jaws),
        }
    }
}

/// A class: its key (a path segment) and a raw value that belongs to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Class {
    pub(crate) key: String,
    pub(crate) representative: String,
}

/// What one product's rules tell apart.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProductClasses {
    /// Indexes into `Conditions::os`, highest-priority rule first.
    pub(crate) os: Vec<usize>,
    pub(crate) caps: Vec<usize>,
    /// The zero class (no condition holds) first.
    pub(crate) os_classes: Vec<Class>,
    pub(crate) caps_classes: Vec<Class>,
    /// For values whose own class is not in the tree: the class of the
    /// first condition (by priority) they satisfy.
    pub(crate) os_top: Vec<(usize, String)>,
}

impl ProductClasses {
    /// An osVersion class key: `o`, then for each of the product's
    /// conditions in order its bit (`bit(i)` for condition `i`; a server
    /// config passes the variable holding it).
    pub(crate) fn os_key_with(&self, bit: impl Fn(usize) -> String) -> String {
        std::iter::once("o".to_owned())
            .chain(self.os.iter().map(|i| bit(*i)))
            .collect()
    }

    /// A systemCapabilities class key: `c`, then each condition's bit.
    pub(crate) fn caps_key_with(&self, bit: impl Fn(usize) -> String) -> String {
        std::iter::once("c".to_owned())
            .chain(self.caps.iter().map(|i| bit(*i)))
            .collect()
    }

    /// The class key of a raw osVersion value: `1` for each condition it satisfies.
    pub(crate) fn os_key(&self, conditions: &Conditions, raw: &str) -> String {
        self.os_key_with(|i| bit(conditions.os[i].pattern.is_match(raw)))
    }

    /// The class key of a raw systemCapabilities value: `1` for each
    /// condition that holds for it.
    pub(crate) fn caps_key(&self, conditions: &Conditions, raw: &str) -> String {
        self.caps_key_with(|i| {
            let c = &conditions.caps[i];
            bit(c.pattern.is_match(raw) == c.when)
        })
    }

    /// The key of the class satisfying none of the product's osVersion
    /// conditions (the last class tried).
    pub(crate) fn os_zero_key(&self) -> &str {
        &self.os_classes[0].key
    }

    /// The key of the class a raw osVersion value is answered as when the
    /// tree lacks its own: that of the first condition (by priority) it
    /// satisfies, else the zero class's.
    pub(crate) fn os_top_key(&self, conditions: &Conditions, raw: &str) -> &str {
        self.os_top
            .iter()
            .find(|(i, _)| conditions.os[*i].pattern.is_match(raw))
            .map_or(self.os_zero_key(), |(_, key)| key.as_str())
    }
}

fn bit(b: bool) -> String {
    if b { "1" } else { "0" }.to_owned()
}

/// Every distinct condition in the site, and each product's classes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Conditions {
    pub(crate) os: Vec<OsCondition>,
    pub(crate) caps: Vec<CapsCondition>,
    pub(crate) products: BTreeMap<String, ProductClasses>,
}

impl Conditions {
    /// `os_values`: declared and observed raw osVersion values, whose classes
    /// the tree gets besides the conditions' own.
    pub(crate) fn new<'a>(
        site: &Site,
        products: impl IntoIterator<Item = &'a str>,
        os_values: &[String],
    ) -> Conditions {
        let mut all = Conditions::default();
        let mut os_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut caps_index: BTreeMap<String, usize> = BTreeMap::new();
        for product in products {
            let rules = related_rules(site, product);
            let mut classes = ProductClasses::default();
            for rule in &rules {
                if let Some(expr) = &rule.os_version {
                    let i = *os_index.entry(expr.raw.clone()).or_insert_with(|| {
                        let body = os_body(expr);
                        let pattern = Pattern::new(format!("^{body}"));
                        all.os.push(OsCondition {
                            expr: expr.clone(),
                            body,
                            pattern,
                        });
                        all.os.len() - 1
                    });
                    if !classes.os.contains(&i) {
                        classes.os.push(i);
                    }
                }
                for kind in caps_kinds(rule) {
                    let id = format!("{kind:?}");
                    let i = *caps_index.entry(id).or_insert_with(|| {
                        all.caps.push(caps_condition(kind));
                        all.caps.len() - 1
                    });
                    if !classes.caps.contains(&i) {
                        classes.caps.push(i);
                    }
                }
            }
            classes.os_classes = os_classes(&all, &classes, os_values);
            classes.os_top = classes
                .os
                .iter()
                .map(|&i| {
                    let rep = os_representatives(&all.os[i].expr)
                        .into_iter()
                        .next()
                        .unwrap_or_default();
                    (i, classes.os_key(&all, &rep))
                })
                .collect();
            classes.caps_classes = caps_classes(&all, &classes);
            all.products.insert(product.to_owned(), classes);
        }
        all
    }

    pub(crate) fn product(&self, product: &str) -> &ProductClasses {
        self.products
            .get(product)
            .unwrap_or_else(|| panic!("no classes for product {product}"))
    }
}

/// The rules that can decide a product's answers: its own, those without a
/// product, and those of the products its SuperBlobs answer with. Sorted by
/// priority, highest first.
pub(crate) fn related_rules<'s>(site: &'s Site, product: &str) -> Vec<&'s Rule> {
    let mut products: BTreeSet<String> = BTreeSet::from([product.to_owned()]);
    loop {
        let before = products.len();
        for rule in &site.rules {
            if !rule.product.as_ref().is_none_or(|p| products.contains(p)) {
                continue;
            }
            for t in [&rule.mapping, &rule.fallback_mapping]
                .into_iter()
                .flatten()
            {
                if let Some(id) = t.release
                    && let Blob::Super(SuperBlob::Products(list)) = &site.release(id).blob
                {
                    products.extend(list.iter().cloned());
                }
            }
        }
        if products.len() == before {
            break;
        }
    }
    let mut rules: Vec<&Rule> = site
        .rules
        .iter()
        .filter(|r| r.product.as_ref().is_none_or(|p| products.contains(p)))
        .collect();
    rules.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.tie_key().cmp(&b.tie_key()))
    });
    rules
}

/// `(?:ALT|ALT...)`, each alternative a lookahead per term: every term
/// somewhere in the value.
fn os_body(expr: &SimpleExpression) -> String {
    let alternatives: Vec<String> = expr
        .alternatives
        .iter()
        .map(|terms| {
            terms
                .iter()
                .filter(|t| !t.is_empty())
                .fold(String::new(), |mut s, t| {
                    let _ = write!(s, "(?={ANY}*?{})", literal(t));
                    s
                })
        })
        .collect();
    format!("(?:{})", alternatives.join("|"))
}

/// Values that satisfy a condition: each alternative's terms, joined by a
/// character no term holds (so that no other term can span two of them).
fn os_representatives(expr: &SimpleExpression) -> Vec<String> {
    let sep = ['\u{1f}', '\u{1e}', '\u{1d}', '\u{1c}']
        .into_iter()
        .find(|c| !expr.raw.contains(*c))
        .unwrap_or('\u{1f}');
    expr.alternatives
        .iter()
        .map(|terms| {
            terms
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(&sep.to_string())
        })
        .collect()
}

fn os_classes(all: &Conditions, classes: &ProductClasses, values: &[String]) -> Vec<Class> {
    let mut out: Vec<Class> = Vec::new();
    let mut add = |raw: String| {
        let key = classes.os_key(all, &raw);
        if !out.iter().any(|c| c.key == key) {
            out.push(Class {
                key,
                representative: raw,
            });
        }
    };
    // The zero class first: a value satisfying none of the conditions.
    add(String::new());
    for &i in &classes.os {
        for rep in os_representatives(&all.os[i].expr) {
            add(rep);
        }
    }
    if !classes.os.is_empty() {
        for v in values {
            add(v.clone());
        }
    }
    // The empty string can satisfy conditions (an empty term matches
    // everything); keep a class whose every bit is 0 first if it exists.
    out
}

fn caps_kinds(rule: &Rule) -> Vec<CapsKind> {
    let mut out = Vec::new();
    if let Some(i) = &rule.instruction_set {
        out.push(CapsKind::InstructionSet(i.clone()));
    }
    if let Some(m) = &rule.memory {
        out.push(CapsKind::Memory(m.clone()));
    }
    if let Some(j) = rule.jaws {
        out.push(CapsKind::Jaws(j));
    }
    out
}

fn caps_condition(kind: CapsKind) -> CapsCondition {
    let (field, value, when) = match &kind {
        CapsKind::InstructionSet(csv) => {
            let parts: Vec<String> = csv.parts.iter().map(|p| literal(p)).collect();
            (CapsField::InstructionSet, parts.join("|"), true)
        }
        CapsKind::Memory(m) => {
            // The condition is false exactly when a memory size is read and
            // fails the comparison.
            let (op, n) = m.threshold().unwrap_or((Op::Eq, 0));
            let failing = match op {
                Op::Eq | Op::EitherEq => format!(
                    "{}|{}",
                    int_in(None, Some(n - 1)),
                    int_in(Some(n + 1), None)
                ),
                Op::Lt => int_in(Some(n), None),
                Op::Le => int_in(Some(n + 1), None),
                Op::Gt => int_in(None, Some(n)),
                Op::Ge => int_in(None, Some(n - 1)),
            };
            (CapsField::Memory, failing, false)
        }
        CapsKind::Jaws(j) => {
            let value = if *j {
                format!("{}|{}", int_in(None, Some(-1)), int_in(Some(1), None))
            } else {
                int_in(Some(0), Some(0))
            };
            (CapsField::Jaws, value, true)
        }
    };
    CapsCondition {
        pattern: Pattern::new(field.lookaround(&value)),
        kind,
        when,
        field,
        value,
    }
}

/// Values covering every combination of the product's caps conditions:
/// each instruction set named (and one named nowhere), memory on each side
/// of each threshold (and none), JAWS on, off and absent.
fn caps_classes(all: &Conditions, classes: &ProductClasses) -> Vec<Class> {
    let mut isets: Vec<String> = Vec::new();
    let mut mems: Vec<Option<i128>> = vec![None];
    let mut jaws: Vec<Option<u8>> = vec![None];
    for &i in &classes.caps {
        match &all.caps[i].kind {
            CapsKind::InstructionSet(csv) => isets.extend(csv.parts.iter().cloned()),
            CapsKind::Memory(m) => {
                if let Some((_, n)) = m.threshold() {
                    mems.extend([Some(n - 1), Some(n), Some(n + 1)]);
                }
            }
            CapsKind::Jaws(_) => jaws = vec![None, Some(0), Some(1)],
        }
    }
    let other = (1..=isets.len() + 1)
        .map(|n| "x".repeat(n))
        .find(|x| !isets.contains(x))
        .unwrap_or_default();
    isets.insert(0, other);
    isets.dedup();
    mems.sort_unstable();
    mems.dedup();
    let mut out: Vec<Class> = Vec::new();
    for iset in &isets {
        for mem in &mems {
            for j in &jaws {
                let mut raw = format!("ISET:{iset}");
                if let Some(m) = mem {
                    let _ = write!(raw, ",MEM:{m}");
                }
                if let Some(j) = j {
                    let _ = write!(raw, ",JAWS:{j}");
                }
                let key = classes.caps_key(all, &raw);
                if !out.iter().any(|c| c.key == key) {
                    out.push(Class {
                        key,
                        representative: raw,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(kind: CapsKind) -> CapsCondition {
        caps_condition(kind)
    }

    const SAMPLES: &[&str] = &[
        "ISET:SSE2,MEM:8000",
        "ISET:SSE2,MEM:8001",
        "ISET:SSE3,MEM:7999,JAWS:1",
        "ISET:SSE2,MEM:lots",
        "ISET:SSE2,MEM:8000,MEM:9000",
        "ISET:SSE2,MEM:9000,MEM:x",
        "ISET:SSE2,ISET:SSE3",
        "ISET:,MEM: 8_000 ",
        "ISET:SSE4_2,MEM:32768,(select*...)",
        "ISET:SSE2,MEM:+8000,JAWS:0",
        "ISET:SSE2,JAWS:00",
        "ISET:SSE2,JAWS:x",
        "ISET:SSE2,JAWS:-3",
        "SSE3",
        "SSE2,8095",
        "SSE2,9000",
        "SSE2,x",
        "a,b,c",
        "NA",
        "JAWS:1",
        "",
        "ISET:SSE2,MEM:8000,",
        "ISET:SSE2:x,MEM:1",
        "ISETX:SSE2",
    ];

    #[test]
    fn caps_patterns_agree_with_balrog_parsing() {
        let kinds = || {
            vec![
                CapsKind::InstructionSet(Csv::parse("SSE2")),
                CapsKind::InstructionSet(Csv::parse("SSE3,")),
                CapsKind::Memory(MemoryCondition::parse("<=8000")),
                CapsKind::Memory(MemoryCondition::parse("8000")),
                CapsKind::Memory(MemoryCondition::parse(">9000")),
                CapsKind::Memory(MemoryCondition::parse(">=8001")),
                CapsKind::Memory(MemoryCondition::parse("<8001")),
                CapsKind::Jaws(true),
                CapsKind::Jaws(false),
            ]
        };
        for kind in kinds() {
            let c = caps(kind);
            for s in SAMPLES {
                assert_eq!(
                    c.pattern.is_match(s) == c.when,
                    c.kind.holds(s),
                    "{:?} on {s:?}: {}",
                    c.kind,
                    c.pattern.source()
                );
            }
        }
    }

    /// What a server without lookarounds computes: the field read by the
    /// first extractor that matches, then tested with the value pattern.
    fn staged(c: &CapsCondition, raw: &str) -> bool {
        for extractor in c.field.extractors() {
            let re = regex::Regex::new(&extractor).unwrap();
            if let Some(caps) = re.captures(raw) {
                return caps.get(1).is_some_and(|text| {
                    regex::Regex::new(&format!("^(?:{})$", c.value))
                        .unwrap()
                        .is_match(text.as_str())
                });
            }
        }
        false
    }

    #[test]
    fn caps_fields_read_without_lookarounds_agree() {
        for kind in [
            CapsKind::InstructionSet(Csv::parse("SSE2,SSE3")),
            CapsKind::Memory(MemoryCondition::parse("<=8000")),
            CapsKind::Memory(MemoryCondition::parse("8000")),
            CapsKind::Jaws(true),
            CapsKind::Jaws(false),
        ] {
            let c = caps(kind);
            for s in SAMPLES
                .iter()
                .copied()
                .chain(["SSE3,x\n", "ISET:SSE2\n,MEM:1"])
            {
                assert_eq!(
                    staged(&c, s),
                    c.pattern.is_match(s),
                    "{:?} on {s:?}",
                    c.kind
                );
            }
        }
    }

    #[test]
    fn os_patterns_agree_with_substring_matching() {
        for raw in [
            "Windows_NT 6.1",
            "Windows && (websense-",
            "Darwin 6,Darwin 7,",
            "a.b&&c*d",
        ] {
            let expr = SimpleExpression::parse(raw);
            let pattern = Pattern::new(format!("^{}", os_body(&expr)));
            for s in [
                "Windows_NT 6.1.7601 (x64)",
                "Windows_NT 6.1 (websense-1)",
                "Darwin 7.1",
                "",
                "x a.bxc*d",
                "c*d a.b",
                "a.b",
                "Windows_NT%206.1",
            ] {
                assert_eq!(pattern.is_match(s), expr.matches(s), "{raw:?} on {s:?}");
            }
        }
    }
}
