//! `cinder query`: the answer for each request URL.

use std::io::{BufWriter, Write};

use crate::app::{Context, Error, Status};
use crate::cli::QueryArgs;
use crate::respond::respond;

pub(crate) fn run(ctx: Context, args: &QueryArgs) -> Result<Status, Error> {
    let loaded = super::load(&args.site.site)?;
    if loaded.diagnostics.has_errors() {
        super::print_diagnostics(ctx, &loaded);
        let _ = writeln!(
            std::io::stderr(),
            "warning: `{}` has {} (see above); requests that reach them fail, and `cinder build` refuses the site",
            args.site.site.display(),
            super::check::count(loaded.diagnostics.errors(), "error"),
        );
    }
    let requests = match &args.urls_file {
        Some(path) => read_requests(path)?,
        None => args
            .urls
            .iter()
            .map(|u| Request {
                url: u.clone(),
                user_agent: None,
            })
            .collect(),
    };
    let site = &loaded.site;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = false;
    for Request { url, user_agent } in &requests {
        let ua = user_agent.as_deref().or(args.user_agent.as_deref());
        let r = respond(site, url, ua);
        failed |= r.status >= 500;
        let write = if args.jsonl {
            let mut obj = serde_json::Map::new();
            obj.insert("url".into(), url.clone().into());
            obj.insert("status".into(), r.status.into());
            obj.insert("body".into(), r.body.clone().into());
            obj.insert(
                "rule".into(),
                r.rule.map(|id| site.rule_name(id).to_owned()).into(),
            );
            obj.insert(
                "release".into(),
                r.release.map(|id| site.release(id).name.clone()).into(),
            );
            if let Some((status, reason)) = &r.balrog {
                obj.insert("balrog_status".into(), (*status).into());
                obj.insert("balrog_reason".into(), reason.clone().into());
            }
            writeln!(
                out,
                "{}",
                crate::render::json::ascii_json(&serde_json::Value::Object(obj))
            )
        } else {
            if let Some((status, reason)) = &r.balrog {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {url}: Balrog answers {status}: {reason}"
                );
            }
            writeln!(out, "{}", r.body)
        };
        write.map_err(|e| Error::write("<stdout>", e))?;
    }
    out.flush().map_err(|e| Error::write("<stdout>", e))?;
    Ok(if failed {
        Status::Findings
    } else {
        Status::Success
    })
}

/// One request to answer.
pub(crate) struct Request {
    pub(crate) url: String,
    pub(crate) user_agent: Option<String>,
}

/// Requests from a file, one per line: a URL as written (it may end in a
/// space), or a JSON object `{"url": ..., "user_agent": ...}` for URLs with
/// characters a line cannot hold. Blank lines and `#` comments are skipped.
pub(crate) fn read_requests(path: &std::path::Path) -> Result<Vec<Request>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
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
            let parsed: Line = serde_json::from_str(line).map_err(|e| {
                Error::Invalid(format!(
                    "{}:{}: not a request object: {e}",
                    path.display(),
                    i + 1
                ))
            })?;
            out.push(Request {
                url: parsed.url,
                user_agent: parsed.user_agent,
            });
        } else {
            out.push(Request {
                url: line.to_owned(),
                user_agent: None,
            });
        }
    }
    Ok(out)
}
