//! URL decoding as Balrog's web framework does it: the origin and fragment
//! dropped, the path percent-decoded once, the query string split into
//! parameters, non-ASCII replaced.

/// A URL split into its decoded path and its query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitUrl {
    /// Decoded once, as a web server maps it.
    pub(crate) path: String,
    /// As sent, without the `?`.
    pub(crate) raw_query: String,
}

/// Splits an absolute URL or a path: the origin and any fragment go, the path
/// is percent-decoded once (`+` stays), the query string is kept raw.
pub(crate) fn split_url(url: &str) -> SplitUrl {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let path_and_query = strip_origin(without_fragment);
    let (raw_path, raw_query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    SplitUrl {
        path: percent_decode(raw_path, false),
        raw_query: raw_query.to_owned(),
    }
}

fn strip_origin(url: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    url
}

pub(crate) fn last_param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `key=value&...`, with `+` as a space and percent escapes decoded; a key
/// without `=` has an empty value.
pub(crate) fn parse_query_string(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Decodes `%XX` escapes once (and `+` when `plus_is_space`); invalid UTF-8
/// becomes U+FFFD, as Werkzeug does.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `value.encode("ascii", "replace").decode()`: each non-ASCII code point
/// becomes `?`.
pub(crate) fn ascii_replace(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    s.chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect()
}
