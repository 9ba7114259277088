//! Reading typed values out of YAML nodes. Every problem becomes a diagnostic
//! at the exact node, saying what was found and what would be valid; unknown
//! keys get a "did you mean".

use crate::diag::{Code, Diagnostic, Diagnostics, or_ticked, suggest};
use crate::source::{Key, Loc, Node, Value};

/// The keys of one mapping node, tracking which ones were read so that the
/// rest can be reported as unknown.
pub(crate) struct Fields<'n> {
    what: String,
    node: &'n Node,
    entries: &'n [(Key, Node)],
    seen: Vec<bool>,
}

impl<'n> Fields<'n> {
    /// `what` names the object in messages: "a rule", "release `Ember-1.0`".
    pub(crate) fn new(
        node: &'n Node,
        what: impl Into<String>,
        diags: &mut Diagnostics,
    ) -> Option<Fields<'n>> {
        let what = what.into();
        match &node.value {
            Value::Map(entries) => Some(Fields {
                what,
                node,
                entries,
                seen: vec![false; entries.len()],
            }),
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::WrongType,
                        format!("{what} must be a mapping of fields, found {}", node.kind()),
                    )
                    .at(node.loc, "expected `field: value` lines"),
                );
                None
            }
        }
    }

    pub(crate) fn what(&self) -> &str {
        &self.what
    }

    pub(crate) fn loc(&self) -> Loc {
        self.node.loc
    }

    /// The value of `name` (null values included), marking it as read.
    pub(crate) fn get(&mut self, name: &str) -> Option<&'n Node> {
        let i = self.entries.iter().position(|(k, _)| k.name == name)?;
        self.seen[i] = true;
        Some(&self.entries[i].1)
    }

    /// The value of `name` unless it is absent or null.
    pub(crate) fn value(&mut self, name: &str) -> Option<&'n Node> {
        self.get(name).filter(|n| n.value != Value::Null)
    }

    /// The key node of `name`, for pointing at the field itself.
    pub(crate) fn key_loc(&self, name: &str) -> Option<Loc> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(k, _)| k.loc)
    }

    /// Marks every entry read.
    pub(crate) fn consume_all(&mut self) {
        self.seen.iter_mut().for_each(|s| *s = true);
    }

    pub(crate) fn required(&mut self, name: &str, diags: &mut Diagnostics) -> Option<&'n Node> {
        let node = self.value(name);
        if node.is_none() {
            diags.push(
                Diagnostic::error(Code::MissingField, format!("{} has no `{name}`", self.what))
                    .at(self.node.loc, format!("`{name}` is required here")),
            );
        }
        node
    }

    /// Reports every key not read as unknown, listing the valid ones.
    pub(crate) fn finish(&mut self, known: &[&str], diags: &mut Diagnostics) {
        for ((key, _), seen) in self.entries.iter().zip(self.seen.iter_mut()) {
            if *seen {
                continue;
            }
            *seen = true;
            let mut d = Diagnostic::error(
                Code::UnknownField,
                format!("unknown field `{}` in {}", key.name, self.what),
            )
            .at(key.loc, "not a field here");
            d = match suggest(&key.name, known.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None if known.is_empty() => d,
                None => d.help(format!("the fields here are {}", or_ticked(known))),
            };
            diags.push(d);
        }
    }
}

fn wrong_type(node: &Node, field: &str, expected: &str, help: Option<String>) -> Diagnostic {
    let mut d = Diagnostic::error(
        Code::WrongType,
        format!("`{field}` must be {expected}, found {}", node.kind()),
    )
    .at(node.loc, format!("expected {expected}"));
    if let Some(h) = help {
        d = d.help(h);
    }
    d
}

/// A scalar written without quotes that YAML read as a number or boolean.
fn is_unquoted_scalar(node: &Node) -> bool {
    matches!(node.value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
}

/// A string. Numbers are refused (with a hint to quote them): YAML reads
/// `128.10` as the number 128.1, and Balrog treats numbers and strings
/// differently.
pub(crate) fn string(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        _ => {
            let help = is_unquoted_scalar(node)
                .then(|| "YAML reads this unquoted value as a number or boolean; put it in quotes to keep it as written".to_owned());
            diags.push(wrong_type(node, field, "a string", help));
            None
        }
    }
}

/// A string that must not be empty.
pub(crate) fn name(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<String> {
    let s = string(node, field, diags)?;
    if s.is_empty() {
        diags.push(
            Diagnostic::error(Code::InvalidValue, format!("`{field}` must not be empty"))
                .at(node.loc, "empty"),
        );
        return None;
    }
    Some(s)
}

pub(crate) fn integer(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<i64> {
    match &node.value {
        Value::Int(i) => Some(*i),
        Value::Str(s) if s.trim().parse::<i64>().is_ok() => {
            diags.push(wrong_type(
                node,
                field,
                "an integer",
                Some(format!("write it without quotes: `{field}: {s}`")),
            ));
            None
        }
        _ => {
            diags.push(wrong_type(node, field, "an integer", None));
            None
        }
    }
}

pub(crate) fn boolean(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<bool> {
    match &node.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s)
            if matches!(
                s.as_str(),
                "yes" | "no" | "on" | "off" | "True" | "False" | "TRUE" | "FALSE"
            ) =>
        {
            let help = format!("only `true` and `false` are booleans; `{s}` is a string");
            diags.push(wrong_type(node, field, "`true` or `false`", Some(help)));
            None
        }
        _ => {
            diags.push(wrong_type(node, field, "`true` or `false`", None));
            None
        }
    }
}

/// A list of strings.
pub(crate) fn string_list(
    node: &Node,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    match &node.value {
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for item in items {
                match string(item, field, diags) {
                    Some(s) => out.push(s),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        _ => {
            diags.push(wrong_type(node, field, "a list of strings", None));
            None
        }
    }
}

/// A comma-separated list written either as one string (`de,fr`, Balrog's
/// form) or as a YAML list (`[de, fr]`); the result is Balrog's string.
pub(crate) fn comma_list(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<String> {
    match &node.value {
        Value::Seq(_) => {
            let items = string_list(node, field, diags)?;
            if let Some(bad) = items.iter().find(|s| s.contains(',')) {
                diags.push(
                    Diagnostic::error(Code::InvalidValue, format!("`{field}` list item `{bad}` contains a comma"))
                        .at(node.loc, "one value per list item")
                        .help("write each value as its own list item, or write the whole field as one comma-separated string"),
                );
                return None;
            }
            Some(items.join(","))
        }
        _ => string(node, field, diags),
    }
}

/// The entries of a mapping node whose keys are names (platforms, locales,
/// vendors): no unknown-key checking.
pub(crate) fn entries<'n>(
    node: &'n Node,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<&'n [(Key, Node)]> {
    match &node.value {
        Value::Map(entries) => Some(entries),
        _ => {
            diags.push(wrong_type(node, field, "a mapping", None));
            None
        }
    }
}

/// The items of a list node.
pub(crate) fn items<'n>(
    node: &'n Node,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<&'n [Node]> {
    match &node.value {
        Value::Seq(items) => Some(items),
        _ => {
            diags.push(wrong_type(node, field, "a list", None));
            None
        }
    }
}

/// An invalid-value diagnostic at a node.
pub(crate) fn invalid(
    node: &Node,
    message: impl Into<String>,
    label: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(Code::InvalidValue, message).at(node.loc, label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Sources, parse_yaml};

    fn node(text: &str) -> Node {
        let mut sources = Sources::default();
        let id = sources.add("t.yml", text);
        parse_yaml(id, text).unwrap()
    }

    #[test]
    fn unknown_fields_get_suggestions() {
        let n = node("mapping: a\nfallbackmapping: b\nzzz: 1\n");
        let mut diags = Diagnostics::default();
        let mut f = Fields::new(&n, "a rule", &mut diags).unwrap();
        assert!(f.get("mapping").is_some());
        f.finish(&["mapping", "fallbackMapping"], &mut diags);
        let all: Vec<_> = diags.iter().collect();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].help.as_deref(),
            Some("did you mean `fallbackMapping`?")
        );
        assert_eq!(
            all[1].help.as_deref(),
            Some("the fields here are `mapping` or `fallbackMapping`")
        );
    }

    #[test]
    fn numbers_where_strings_belong_get_a_quoting_hint() {
        let n = node("appVersion: 128.0\n");
        let mut diags = Diagnostics::default();
        assert_eq!(
            string(n.get("appVersion").unwrap(), "appVersion", &mut diags),
            None
        );
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::WrongType);
        assert!(d.help.as_deref().unwrap().contains("put it in quotes"));
    }

    #[test]
    fn comma_lists_accept_both_forms() {
        let n = node("a: de,fr\nb: [de, fr]\nc: ['de,fr']\n");
        let mut diags = Diagnostics::default();
        assert_eq!(
            comma_list(n.get("a").unwrap(), "a", &mut diags).as_deref(),
            Some("de,fr")
        );
        assert_eq!(
            comma_list(n.get("b").unwrap(), "b", &mut diags).as_deref(),
            Some("de,fr")
        );
        assert_eq!(comma_list(n.get("c").unwrap(), "c", &mut diags), None);
    }
}
