//! Edge functions' JavaScript put together: the tables of the routing
//! description and the tree's index as variables, the interpreter
//! (`router.js`), the index lookup and a host's handler, with full-line
//! comments and indentation left out (CloudFront counts every byte).

use serde_json::Value;

use super::index::LOOKUP_JS;

/// The interpreter of the routing description's tables.
const ROUTER_JS: &str = include_str!("router.js");

/// JavaScript source without full-line comments, blank lines and
/// indentation. The sources are written so that this is safe: no line
/// starts inside a string or template, and no statement relies on a line
/// break after `return`.
pub(crate) fn strip(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    for line in js.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// JSON as JavaScript source: U+2028 and U+2029, which ES5 does not allow
/// in string literals, escaped.
pub(crate) fn json(value: &Value) -> String {
    value
        .to_string()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// `var NAME = VALUE;`
pub(crate) fn var(name: &str, value: &str) -> String {
    format!("var {name} = {value};\n")
}

/// The interpreter and the index lookup (`route`, `uri`, `has`).
pub(crate) fn interpreter() -> String {
    let mut out = strip(ROUTER_JS);
    out.push_str(&strip(LOOKUP_JS));
    out
}
