//! `rules/*.yml`: each file is a list of rules written with Balrog's column
//! names; this turns them into checked `Rule`s.

use super::schedule;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::column::Column;
use crate::model::condition::{
    BuildIdCondition, ChannelPattern, Csv, MemoryCondition, SimpleExpression, VersionCondition,
};
use crate::model::rule::{Origin, Rule, Target};
use crate::source::{Node, Value};
use crate::time::Timestamp;

use super::fields::{self, Fields};
use super::segments::Segments;
use crate::model::route::Param;

/// Every field a rule may have: the rule columns.
pub(crate) const RULE_FIELDS: &[&str] = &Column::NAMES;

/// Reads one rules file. `first_order` is the site-wide position of its first rule.
pub(crate) fn load_rules_file(
    root: &Node,
    first_order: usize,
    at: Timestamp,
    scheduled: &mut schedule::Scheduled,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Vec<Rule> {
    let items = match &root.value {
        Value::Seq(items) => items.as_slice(),
        Value::Null => return Vec::new(),
        _ => {
            diags.push(
                Diagnostic::error(Code::WrongType, format!("a rules file must be a list of rules, found {}", root.kind()))
                    .at(root.loc, "expected a list")
                    .help("start each rule with `- `, e.g.\n- priority: 100\n  product: Ember\n  mapping: Ember-2.0"),
            );
            return Vec::new();
        }
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, node)| {
            let node = schedule::resolve(node, at, scheduled, diags)?;
            load_rule(&node, i + 1, first_order + i, segs, diags)
        })
        .collect()
}

fn load_rule(
    node: &Node,
    index: usize,
    order: usize,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Option<Rule> {
    let mut f = Fields::new(node, format!("rule #{index}"), diags)?;
    let mut field_locs = Vec::new();
    for name in RULE_FIELDS {
        if let Some(loc) = f.key_loc(name) {
            field_locs.push((*name, loc));
        }
    }
    let before = diags.errors();

    let rule_id = f
        .value("rule_id")
        .and_then(|n| fields::integer(n, "rule_id", diags));
    let alias = alias(&mut f, diags);
    let priority = priority(&mut f, diags);
    let mapping = target(&mut f, "mapping", diags);
    let fallback_mapping = target(&mut f, "fallbackMapping", diags);
    let background_rate = background_rate(&mut f, diags);
    let update_type = update_type(&mut f, diags);
    let c = conditions(&mut f, segs, diags);
    let comment = f
        .value("comment")
        .and_then(|n| fields::string(n, "comment", diags));
    let _data_version = f
        .value("data_version")
        .and_then(|n| fields::integer(n, "data_version", diags));
    f.finish(RULE_FIELDS, diags);

    if diags.errors() > before {
        return None;
    }
    Some(Rule {
        rule_id,
        alias,
        priority: priority?,
        mapping,
        fallback_mapping,
        background_rate: background_rate?,
        update_type: update_type?,
        product: c.product,
        version: c.version,
        channel: c.channel,
        build_target: c.build_target,
        build_id: c.build_id,
        locale: c.locale,
        os_version: c.os_version,
        memory: c.memory,
        instruction_set: c.instruction_set,
        jaws: c.jaws,
        mig64: c.mig64,
        distribution: c.distribution,
        dist_version: c.dist_version,
        header_architecture: c.header_architecture,
        comment,
        origin: Origin {
            index,
            loc: node.loc,
            order,
            fields: field_locs,
        },
    })
}

/// `alias`: letters, digits and `-`, starting with a letter.
fn alias(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<String> {
    let n = f.value("alias")?;
    let alias = fields::name(n, "alias", diags)?;
    let ok = alias
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        diags.push(fields::invalid(
            n,
            format!("alias `{alias}` is not valid"),
            "letters, digits and `-`, starting with a letter",
        ));
    }
    Some(alias)
}

/// `priority`: required, 0 or more.
fn priority(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<i64> {
    let n = f.required("priority", diags)?;
    let p = fields::integer(n, "priority", diags)?;
    if p < 0 {
        diags.push(fields::invalid(
            n,
            "`priority` must not be negative",
            "0 or more",
        ));
        return None;
    }
    Some(p)
}

/// `backgroundRate`: a percentage, 100 when left out.
fn background_rate(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<u8> {
    let Some(n) = f.value("backgroundRate") else {
        return Some(100);
    };
    fields::integer(n, "backgroundRate", diags).and_then(|r| match u8::try_from(r) {
        Ok(r) if r <= 100 => Some(r),
        _ => {
            diags.push(fields::invalid(
                n,
                format!("`backgroundRate` {r} is not a percentage"),
                "0 to 100",
            ));
            None
        }
    })
}

/// `update_type`: `minor` (when left out) or `major`; another word warns.
fn update_type(f: &mut Fields<'_>, diags: &mut Diagnostics) -> Option<String> {
    let Some(n) = f.value("update_type") else {
        return Some("minor".to_owned());
    };
    fields::name(n, "update_type", diags).inspect(|t| {
        if t != "minor" && t != "major" {
            diags.push(
                Diagnostic::warning(
                    Code::InvalidValue,
                    format!("`update_type` `{t}` is neither `minor` nor `major`"),
                )
                .at(n.loc, "Firefox skips updates of any other type"),
            );
        }
    })
}

/// The rule's conditions: what a request must send for the rule to match.
struct Conditions {
    product: Option<String>,
    version: Option<VersionCondition>,
    channel: Option<ChannelPattern>,
    build_target: Option<String>,
    build_id: Option<BuildIdCondition>,
    locale: Option<Csv>,
    os_version: Option<SimpleExpression>,
    memory: Option<MemoryCondition>,
    instruction_set: Option<Csv>,
    jaws: Option<bool>,
    mig64: Option<bool>,
    distribution: Option<Csv>,
    dist_version: Option<String>,
    header_architecture: Option<String>,
}

/// Reads the conditions, each parsed as Balrog matches it; the values that
/// name directories of the tree are checked as path segments.
fn conditions(f: &mut Fields<'_>, segs: &mut Segments, diags: &mut Diagnostics) -> Conditions {
    let product = plain(f, "product", diags);
    if let (Some(p), Some(n)) = (&product, f.value("product")) {
        segs.check(Param::Product, p, n.loc, diags);
    }
    let version = condition(f, "version", diags, true, version_condition);
    let channel = condition(f, "channel", diags, false, |raw, n, diags| {
        channel_pattern(raw, n, segs, diags)
    });
    let build_target = plain(f, "buildTarget", diags);
    let build_id = condition(f, "buildID", diags, false, build_id_condition);
    let locale = condition(f, "locale", diags, true, |raw, _, _| Csv::parse(raw));
    let os_version = condition(f, "osVersion", diags, true, |raw, _, _| {
        SimpleExpression::parse(raw)
    });
    let memory = condition(f, "memory", diags, false, memory_condition);
    let instruction_set = condition(f, "instructionSet", diags, true, |raw, _, _| {
        Csv::parse(raw)
    });
    let jaws = f
        .value("jaws")
        .and_then(|n| fields::boolean(n, "jaws", diags));
    let mig64 = f
        .value("mig64")
        .and_then(|n| fields::boolean(n, "mig64", diags));
    let distribution = condition(f, "distribution", diags, true, |raw, n, diags| {
        let c = Csv::parse(raw);
        for part in &c.parts {
            segs.check(Param::Distribution, part, n.loc, diags);
        }
        c
    });
    let dist_version = plain(f, "distVersion", diags);
    if let (Some(v), Some(n)) = (&dist_version, f.value("distVersion")) {
        segs.check(Param::DistributionVersion, v, n.loc, diags);
    }
    let header_architecture = plain(f, "headerArchitecture", diags);
    if let (Some(h), Some(n)) = (&header_architecture, f.value("headerArchitecture"))
        && h != "Intel"
        && h != "PPC"
    {
        diags.push(
            Diagnostic::warning(
                Code::InvalidValue,
                format!("`headerArchitecture` `{h}` never matches"),
            )
            .at(n.loc, "Balrog sets only `Intel` or `PPC`"),
        );
    }
    Conditions {
        product,
        version,
        channel,
        build_target,
        build_id,
        locale,
        os_version,
        memory,
        instruction_set,
        jaws,
        mig64,
        distribution,
        dist_version,
        header_architecture,
    }
}

fn version_condition(raw: &str, n: &Node, diags: &mut Diagnostics) -> VersionCondition {
    let c = VersionCondition::parse(raw);
    for problem in c.problems() {
        diags.push(fields::invalid(n, format!("`version` `{raw}`: {problem}"), "Balrog cannot compare against this").help(
            "use a version (`128.0`), a comma list of versions, an operator and a version (`<128.0`, `>=115.0`), or a glob (`128.*`)",
        ));
    }
    c
}

fn channel_pattern(
    raw: &str,
    n: &Node,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> ChannelPattern {
    let c = ChannelPattern::parse(raw);
    if let Some(e) = c.broken() {
        diags.push(fields::invalid(
            n,
            format!("`channel` `{raw}` is a glob Balrog cannot compile"),
            e.lines().last().unwrap_or(e),
        ));
    } else if !c.is_glob() {
        // Clients on this channel are answered from a directory named after it.
        segs.check(Param::Channel, raw, n.loc, diags);
    } else if c.never_matches() {
        diags.push(
            Diagnostic::warning(
                Code::InvalidValue,
                format!("`channel` `{raw}` never matches"),
            )
            .at(
                n.loc,
                "Balrog matches no channel with `*` or a one-letter glob",
            )
            .help("leave `channel` out to match every channel"),
        );
    }
    c
}

fn build_id_condition(raw: &str, n: &Node, diags: &mut Diagnostics) -> BuildIdCondition {
    let c = BuildIdCondition::parse(raw);
    if !c.is_valid() {
        diags.push(
            fields::invalid(
                n,
                format!("`buildID` `{raw}` has no operator Balrog reads"),
                "Balrog answers 500",
            )
            .help(
                "use a buildID (`20240101000000`) or an operator and a buildID (`<20240101000000`)",
            ),
        );
    }
    c
}

fn memory_condition(raw: &str, n: &Node, diags: &mut Diagnostics) -> MemoryCondition {
    let c = MemoryCondition::parse(raw);
    if !c.is_valid() {
        diags.push(
            fields::invalid(
                n,
                format!("`memory` `{raw}` is not a memory size"),
                "Balrog answers 500",
            )
            .help("use a size in MB (`8000`) or an operator and a size (`<=8000`)"),
        );
    }
    c
}

fn target(f: &mut Fields<'_>, field: &str, diags: &mut Diagnostics) -> Option<Target> {
    let n = f.value(field)?;
    let name = fields::string(n, field, diags)?;
    if name.is_empty() {
        return None;
    }
    Some(Target::new(name, n.loc))
}

/// A string matched by equality; an empty value is refused, since Balrog
/// stores empty columns as "match anything".
fn plain(f: &mut Fields<'_>, field: &str, diags: &mut Diagnostics) -> Option<String> {
    let n = f.value(field)?;
    let s = fields::string(n, field, diags)?;
    if s.is_empty() {
        diags.push(empty_condition(n, field));
        return None;
    }
    Some(s)
}

fn condition<T>(
    f: &mut Fields<'_>,
    field: &str,
    diags: &mut Diagnostics,
    list: bool,
    parse: impl FnOnce(&str, &Node, &mut Diagnostics) -> T,
) -> Option<T> {
    let n = f.value(field)?;
    let raw = if list {
        fields::comma_list(n, field, diags)?
    } else {
        fields::string(n, field, diags)?
    };
    if raw.is_empty() {
        diags.push(empty_condition(n, field));
        return None;
    }
    Some(parse(&raw, n, diags))
}

fn empty_condition(n: &Node, field: &str) -> Diagnostic {
    fields::invalid(n, format!("`{field}` is empty"), "an empty condition")
        .help(format!("leave `{field}` out to match every value"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Sources, parse_yaml};

    fn load(text: &str) -> (Vec<Rule>, Diagnostics) {
        let mut sources = Sources::default();
        let id = sources.add("rules/t.yml", text);
        let node = parse_yaml(id, text).unwrap();
        let mut diags = Diagnostics::default();
        let rules = load_rules_file(
            &node,
            0,
            0,
            &mut super::schedule::Scheduled::default(),
            &mut Segments::default(),
            &mut diags,
        );
        (rules, diags)
    }

    #[test]
    fn a_full_rule_loads_with_defaults() {
        let (rules, diags) = load(
            "- alias: ember-release\n  priority: 100\n  product: Ember\n  channel: release*\n  version: [\"<131.0\", \"131.0\"]\n  locale: [de, fr]\n  mapping: Ember-131.0\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let r = &rules[0];
        assert_eq!(r.background_rate, 100);
        assert_eq!(r.update_type, "minor");
        assert_eq!(r.locale.as_ref().unwrap().raw, "de,fr");
        assert_eq!(r.version.as_ref().unwrap().raw, "<131.0,131.0");
        assert_eq!(r.display_id("rules/t.yml"), "ember-release");
    }

    #[test]
    fn problems_are_all_reported() {
        let (rules, diags) = load(
            "- priority: 10\n  backgroundRate: 150\n  version: '!1'\n  buildID: '?x'\n  memory: lots\n  jaws: yes\n  mapings: x\n- mapping: y\n",
        );
        assert!(rules.is_empty());
        let codes: Vec<_> = diags.iter().map(|d| d.code.name()).collect();
        assert_eq!(
            codes,
            [
                "invalid-value",
                "invalid-value",
                "invalid-value",
                "invalid-value",
                "wrong-type",
                "unknown-field",
                "missing-field"
            ]
        );
    }

    #[test]
    fn not_a_list_is_explained() {
        let (_, diags) = load("priority: 1\n");
        assert_eq!(diags.iter().next().unwrap().code, Code::WrongType);
    }
}
