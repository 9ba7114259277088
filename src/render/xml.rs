//! Writing XML lines in Balrog's layout (one element per line, four spaces per
//! level), with attribute values escaped properly and missing values left out.

use std::borrow::Cow;

/// Balrog's answer when there is nothing to offer.
pub(crate) const EMPTY: &str = "<?xml version=\"1.0\"?>\n<updates>\n</updates>";

pub(crate) const DECLARATION: &str = "<?xml version=\"1.0\"?>";

/// An element's start tag on one line: `indent<name a="1" b="2">` or, with
/// `close`, `.../>`. Attributes with `None` values are left out.
pub(crate) fn tag<'a>(
    indent: usize,
    name: &str,
    attrs: impl IntoIterator<Item = (&'a str, Option<Cow<'a, str>>)>,
    close: bool,
) -> String {
    let mut out = String::with_capacity(128);
    out.extend(std::iter::repeat_n(' ', indent));
    out.push('<');
    out.push_str(name);
    for (key, value) in attrs {
        if let Some(value) = value {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            escape_into(&value, &mut out);
            out.push('"');
        }
    }
    out.push_str(if close { "/>" } else { ">" });
    out
}

/// Escapes an attribute value: `& < > "`, and tab / newline / carriage
/// return as character references so that they survive attribute
/// normalisation. Characters XML 1.0 cannot carry become U+FFFD.
pub(crate) fn escape_into(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_escaped_and_missing_ones_left_out() {
        let line = tag(
            8,
            "patch",
            [
                ("type", Some(Cow::Borrowed("complete"))),
                ("URL", Some(Cow::Borrowed("http://a/?x=1&y=<2>&amp;\"q\""))),
                ("missing", None),
            ],
            true,
        );
        assert_eq!(
            line,
            "        <patch type=\"complete\" URL=\"http://a/?x=1&amp;y=&lt;2&gt;&amp;amp;&quot;q&quot;\"/>"
        );
        let doc = format!("<r>{line}</r>");
        let parsed = roxmltree::Document::parse(&doc).unwrap();
        let patch = parsed.root_element().first_element_child().unwrap();
        assert_eq!(
            patch.attribute("URL"),
            Some("http://a/?x=1&y=<2>&amp;\"q\"")
        );
        assert_eq!(patch.attribute("missing"), None);
    }

    #[test]
    fn control_characters_survive_or_are_replaced() {
        let mut out = String::new();
        escape_into("a\nb\u{1}c", &mut out);
        assert_eq!(out, "a&#10;b\u{FFFD}c");
    }
}
