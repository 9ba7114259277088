//! A request as a client sends it (a URL with an optional User-Agent), and
//! lists of them, one per line, as `query --urls` reads them and as sites
//! keep observed requests.

/// One request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) url: String,
    pub(crate) user_agent: Option<String>,
}

impl Request {
    pub(crate) fn new(url: impl Into<String>) -> Request {
        Request {
            url: url.into(),
            user_agent: None,
        }
    }
}

/// Reads requests, one per line: a URL as written (it may end in a space),
/// or a JSON object `{"url": ..., "user_agent": ...}` for URLs with
/// characters a line cannot hold. Blank lines and `#` comments are skipped.
/// An error names the line.
pub(crate) fn parse_requests(text: &str) -> Result<Vec<Request>, (usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('{') {
            #[derive(serde::Deserialize)]
            struct Line {
                url: String,
                #[serde(default)]
                user_agent: Option<String>,
            }
            let parsed: Line = serde_json::from_str(line)
                .map_err(|e| (i + 1, format!("not a request object: {e}")))?;
            out.push(Request {
                url: parsed.url,
                user_agent: parsed.user_agent,
            });
        } else {
            out.push(Request::new(line));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_objects() {
        let r =
            parse_requests("# c\n\n/a?x= \n{\"url\": \"/b\\u0085\", \"user_agent\": \"PPC\"}\r\n")
                .unwrap();
        assert_eq!(
            r,
            [
                Request::new("/a?x= "),
                Request {
                    url: "/b\u{85}".into(),
                    user_agent: Some("PPC".into())
                }
            ]
        );
        assert_eq!(parse_requests("{oops").unwrap_err().0, 1);
    }
}
