//! Writing JSON-like values as readable YAML: block style, keys in their
//! original order, short lists of scalars in flow style, and strings quoted
//! whenever YAML could read them as anything but the same string.

use std::fmt::Write as _;

use serde_json::Value;

/// The YAML document for `value`, ending in a newline.
pub(crate) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => write_seq(items, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn write_map(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (key, value) in map {
        pad(indent, out);
        out.push_str(&string(key));
        out.push(':');
        write_value_after_key(value, indent, out);
    }
}

fn write_value_after_key(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(m, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => match flow(items) {
            Some(f) if indent + f.len() < 90 => {
                out.push(' ');
                out.push_str(&f);
                out.push('\n');
            }
            _ => {
                out.push('\n');
                write_seq(items, indent + 2, out);
            }
        },
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        pad(indent, out);
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash's line; the rest align with it.
                let mut first = true;
                for (key, value) in m {
                    if !first {
                        pad(indent + 2, out);
                    }
                    first = false;
                    out.push_str(&string(key));
                    out.push(':');
                    write_value_after_key(value, indent + 2, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => match flow(inner) {
                Some(f) => {
                    out.push_str(&f);
                    out.push('\n');
                }
                None => {
                    out.push('\n');
                    write_seq(inner, indent + 2, out);
                }
            },
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

/// `[a, b, c]` when every item is a scalar.
fn flow(items: &[Value]) -> Option<String> {
    let parts: Option<Vec<String>> = items
        .iter()
        .map(|v| (!matches!(v, Value::Array(_) | Value::Object(_))).then(|| scalar(v)))
        .collect();
    Some(format!("[{}]", parts?.join(", ")))
}

fn pad(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A string, plain when that is unambiguous, else double-quoted.
pub(crate) fn string(s: &str) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{FEFF}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain scalars: a letter, `/` or `_` first, then only characters that
/// carry no YAML meaning here, and not a word YAML reads as a boolean or null.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_./%@+=:?&;()$-~".contains(c))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Node, Sources, Value as YValue, parse_yaml};

    fn roundtrip(text: &str) -> Node {
        let mut sources = Sources::default();
        let id = sources.add("t.yml", text);
        parse_yaml(id, text).unwrap_or_else(|e| panic!("{text}\n{e:?}"))
    }

    fn same(json: &Value, node: &Node) -> bool {
        match (json, &node.value) {
            (Value::Null, YValue::Null) => true,
            (Value::Bool(a), YValue::Bool(b)) => a == b,
            (Value::Number(n), YValue::Int(i)) => n.as_i64() == Some(*i),
            (Value::Number(n), YValue::Float(f)) => n.as_f64() == Some(*f),
            (Value::String(s), YValue::Str(t)) => s == t,
            (Value::Array(a), YValue::Seq(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            (Value::Object(a), YValue::Map(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((k, v), (k2, v2))| *k == k2.name && same(v, v2))
            }
            _ => false,
        }
    }

    #[test]
    fn tricky_strings_survive_a_round_trip() {
        let strings = [
            "1.0",
            "20240101000000",
            "true",
            "yes",
            "No",
            "null",
            "~",
            "",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "#x",
            "*",
            "&a",
            "-1",
            "- x",
            "? y",
            "%LOCALE%",
            "@x",
            "`x`",
            "x\ny",
            "tab\there",
            "quote\"d",
            "back\\slash",
            "http://download.mozilla.org/?product=f&os=%OS_BOUNCER%&lang=%LOCALE%",
            "Windows_NT 6.1.0.0 (x86)",
            "ISET:SSE3,MEM:4096",
            "release-cck-foo",
            "Firefox-3.6.13-build3",
            "0x1F",
            ".inf",
            "1e5",
            "ÃÃÃ",
            "{a}",
            "[b]",
            "a,b,",
            "<3.6.8",
            ">=3.6.11",
            "3.6.*",
            "'s'",
            "x:",
            "é",
            "\u{1}",
            "=",
        ];
        let doc: Value = serde_json::json!({
            "list": strings.to_vec(),
            "map": strings.iter().map(|s| ((*s).to_owned(), Value::String((*s).to_owned()))).collect::<serde_json::Map<_, _>>(),
            "nested": [{"a": 1, "b": [1.5, 600.0, {"c": null}], "d": {}}, [], {}, [[1, 2], [3]]],
            "num": 27_777_777,
            "f": 600.0,
            "bools": [true, false],
        });
        let text = to_yaml(&doc);
        let node = roundtrip(&text);
        assert!(
            same(&doc, &node),
            "round trip changed the document:\n{text}"
        );
    }

    #[test]
    fn layout_is_readable() {
        let doc = serde_json::json!([{"rule_id": 1, "priority": 90, "locale": "de,fr", "mapping": "Ember-1.0"}]);
        assert_eq!(
            to_yaml(&doc),
            "- rule_id: 1\n  priority: 90\n  locale: \"de,fr\"\n  mapping: Ember-1.0\n"
        );
        let doc = serde_json::json!({"fileUrls": {"*": {"completes": {"*": "http://a/x"}}}, "list": ["a", "b"]});
        assert_eq!(
            to_yaml(&doc),
            "fileUrls:\n  \"*\":\n    completes:\n      \"*\": http://a/x\nlist: [a, b]\n"
        );
    }
}
