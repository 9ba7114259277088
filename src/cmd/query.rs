//! `cinder query`: the answer a client gets for each request URL.

use std::io::{BufWriter, Write};

use super::read_requests;
use crate::cli::QueryArgs;
use crate::cmd::{Context, Status};
use crate::engine::query::parse_url;
use crate::error::Error;
use crate::model::request::Request;
use crate::render::json::ascii_json;
use crate::response::{exact, respond};
use crate::routing::{JSON, Routing, XML};
use crate::space::Space;

pub(crate) fn run(ctx: Context, args: &QueryArgs) -> Result<Status, Error> {
    let loaded = super::load_at(&args.site)?;
    if loaded.diagnostics.has_errors() {
        super::print_diagnostics(ctx, &loaded);
        let _ = writeln!(
            std::io::stderr(),
            "warning: `{}` has {} (see above); requests that reach them get the empty answer, and `cinder build` refuses the site",
            args.site.site.display(),
            super::check::count(loaded.diagnostics.errors(), "error"),
        );
    }
    let requests = match &args.urls_file {
        Some(path) => read_requests(path)?,
        None => args.urls.iter().map(Request::new).collect(),
    };
    let site = &loaded.site;
    let space = Space::new(site, &site.observed);
    let routing = Routing::new(&space);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for Request { url, user_agent } in &requests {
        let ua = user_agent.as_deref().or(args.user_agent.as_deref());
        let r = if args.exact {
            exact(site, url, ua)
        } else {
            respond(&space, &routing, url, ua)
        };
        let write = if args.jsonl {
            let mut obj = serde_json::Map::new();
            obj.insert("url".into(), url.clone().into());
            obj.insert("status".into(), r.status.into());
            obj.insert("body".into(), r.body.clone().into());
            let json = if args.exact {
                parse_url(url, ua).query.is_some_and(|q| q.is_json())
            } else {
                routing
                    .route_of(url)
                    .is_some_and(|route| route.content_type == JSON)
            };
            obj.insert("content_type".into(), if json { JSON } else { XML }.into());
            obj.insert(
                "rule".into(),
                r.rule.map(|id| site.rule_name(id).to_owned()).into(),
            );
            obj.insert(
                "release".into(),
                r.release.map(|id| site.release(id).name.clone()).into(),
            );
            if let Some(path) = &r.file {
                obj.insert("file".into(), path.clone().into());
            }
            if let Some((status, reason)) = &r.balrog {
                obj.insert("balrog_status".into(), (*status).into());
                obj.insert("balrog_reason".into(), reason.clone().into());
            }
            writeln!(out, "{}", ascii_json(&serde_json::Value::Object(obj)))
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
    Ok(Status::Success)
}
