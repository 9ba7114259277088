//! Guardian's JSON answer, written as Python's `json.dumps` writes it
//! (`", "` and `": "` separators, non-ASCII escaped).

use std::fmt::Write as _;

use crate::engine::query::Query;
use crate::model::Site;
use crate::model::release::Guardian;

/// `{"version": ..., "url": ..., "required": ..., "hashFunction": ..., "hashValue": ...}`,
/// or `{}` when the platform has no allowed URL.
pub(crate) fn guardian(site: &Site, g: &Guardian, q: &Query) -> String {
    let platform = g.platforms.get(&q.build_target);
    let url = platform.and_then(|p| p.file_url.as_deref());
    let Some(url) = url.filter(|u| !site.config.allowlist.is_forbidden(u, &q.product)) else {
        return "{}".to_owned();
    };
    let mut fields: Vec<(&str, serde_json::Value)> = vec![
        ("version", serde_json::Value::String(g.version.clone())),
        ("url", serde_json::Value::String(url.to_owned())),
    ];
    if let Some(required) = g.required {
        fields.push(("required", serde_json::Value::Bool(required)));
    }
    if let Some(hf) = &g.hash_function {
        fields.push(("hashFunction", hf.to_json()));
    }
    if let Some(hv) = platform.and_then(|p| p.hash_value.as_ref()) {
        fields.push(("hashValue", hv.to_json()));
    }
    python_object(&fields)
}

/// A JSON value on one line with every non-ASCII character escaped, so that
/// no reader splitting on Unicode line separators can break the line.
pub(crate) fn ascii_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.is_ascii() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

fn python_object(fields: &[(&str, serde_json::Value)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        python_string(k, &mut out);
        out.push_str(": ");
        match v {
            serde_json::Value::String(s) => python_string(s, &mut out),
            other => out.push_str(&other.to_string()),
        }
    }
    out.push('}');
    out
}

fn python_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && (c as u32) >= 0x20 => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_json_escapes_line_separators() {
        let v = serde_json::json!({"url": "/a?x=\u{85}\u{2028}é😀"});
        let text = ascii_json(&v);
        assert!(text.is_ascii());
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }

    #[test]
    fn objects_look_like_json_dumps() {
        let out = python_object(&[
            ("version", serde_json::Value::String("0.5.0.0".into())),
            ("required", serde_json::Value::Bool(true)),
            ("x", serde_json::Value::String("é\"".into())),
        ]);
        assert_eq!(
            out,
            r#"{"version": "0.5.0.0", "required": true, "x": "\u00e9\""}"#
        );
    }
}
