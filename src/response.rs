//! From a request URL to the response cinder gives: where the request lands
//! in the site's parameter space (the routing description's order of
//! fallbacks, walked over the space), then Balrog's evaluation of that
//! entry, rendered. `query`, `build` and `serve` all answer through here, so a
//! file in the tree is by construction what `query` says.

use crate::engine::error::EngineError;
use crate::engine::evaluate::{Answer, answer, answer_traced};
use crate::engine::query::{Query, parse_url};
use crate::engine::trace::Trace;
use crate::model::{ReleaseId, RuleId, Site};
use crate::render::{Body, EMPTY, render};
use crate::routing::Routing;
use crate::space::{Entry, Space, Variant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Response {
    /// 200, or 404 for a JSON route without an update.
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) rule: Option<RuleId>,
    /// The release the rules chose (a SuperBlob's own name, not its parts).
    pub(crate) release: Option<ReleaseId>,
    /// The tree file that holds this answer (when it is not the empty answer).
    pub(crate) file: Option<String>,
    /// When Balrog itself would not answer 200: its status and reason.
    pub(crate) balrog: Option<(u16, String)>,
}

impl Response {
    fn empty(json: bool) -> Response {
        Response {
            status: if json { 404 } else { 200 },
            body: if json {
                String::new()
            } else {
                EMPTY.to_owned()
            },
            rule: None,
            release: None,
            file: None,
            balrog: None,
        }
    }
}

/// The answer for one entry of the space in one variant: Balrog's
/// evaluation of the query the entry stands for.
pub(crate) fn answer_entry(space: &Space<'_>, entry: &Entry<'_>, variant: &Variant) -> Response {
    evaluate(space.site, &entry.query(variant), Some(entry.path(variant)))
}

/// Balrog's evaluation of one query, rendered; `file` is where the tree
/// holds the answer, if anywhere.
fn evaluate(site: &Site, query: &Query, file: Option<String>) -> Response {
    conclude(site, query, &answer(site, query), file)
}

/// The response to `query` once its rules are evaluated: the rendered
/// answer, or the empty one (404 on a JSON route) when there is no update
/// or Balrog would fail.
pub(crate) fn conclude(
    site: &Site,
    query: &Query,
    answered: &Result<Answer, EngineError>,
    file: Option<String>,
) -> Response {
    let json = query.is_json();
    let fail = |e: &EngineError, rule| {
        let (status, reason) = match e {
            EngineError::BadRequest(m) => (400, m.clone()),
            EngineError::Internal(m) => (500, m.clone()),
        };
        Response {
            rule,
            balrog: Some((status, reason)),
            ..Response::empty(json)
        }
    };
    let a = match answered {
        Ok(a) => a,
        Err(e) => return fail(e, None),
    };
    match render(site, query, a) {
        Ok(Body::NotFound) => Response {
            rule: a.decision.rule,
            ..Response::empty(true)
        },
        Ok(Body::Xml(body) | Body::Json(body)) => Response {
            status: 200,
            body,
            rule: a.decision.rule,
            release: a.served().map(|s| s.release),
            file,
            balrog: None,
        },
        Err(e) => fail(&e, a.decision.rule),
    }
}

/// The response to `url` (a path or an absolute URL, with its query
/// string). A URL the tree has no file for gets the empty answer (404 on
/// a JSON route), as the tree's web server gives it.
pub(crate) fn respond(
    space: &Space<'_>,
    routing: &Routing,
    url: &str,
    user_agent: Option<&str>,
) -> Response {
    respond_as(space, routing, url, user_agent, false).response
}

/// How a URL was answered, step by step (`explain`).
#[derive(Debug)]
pub(crate) struct Traced {
    pub(crate) response: Response,
    /// Where the request lands in the tree.
    pub(crate) landing: Landing,
    /// The evaluation that gave the response: on the tree's routes, of the
    /// entry's query; off them (where the response is the empty answer),
    /// of the URL as Balrog itself would read it, if it can.
    pub(crate) evaluated: Option<Evaluated>,
    /// The query as the request sent it, if Balrog can read it.
    pub(crate) sent: Option<Query>,
}

/// Where a request lands in the tree.
#[derive(Debug)]
pub(crate) enum Landing {
    /// On an entry of the space: its path in the tree, and whether the
    /// client's build is one a release lists (else it is answered as older
    /// than every listed build).
    Entry { path: String, listed_build: bool },
    /// On none of the site's routes, or on a product no route serves.
    OffRoutes,
}

/// One evaluation: the query, the engine's answer and its trace.
#[derive(Debug)]
pub(crate) struct Evaluated {
    pub(crate) query: Query,
    pub(crate) answer: Result<Answer, EngineError>,
    pub(crate) trace: Trace,
}

/// [`respond`], with the steps that led to the response.
pub(crate) fn respond_traced(
    space: &Space<'_>,
    routing: &Routing,
    url: &str,
    user_agent: Option<&str>,
) -> Traced {
    respond_as(space, routing, url, user_agent, true)
}

fn respond_as(
    space: &Space<'_>,
    routing: &Routing,
    url: &str,
    user_agent: Option<&str>,
    traced: bool,
) -> Traced {
    let parsed = parse_url(url, user_agent);
    let mut out = match routing.project(space, url, user_agent) {
        Some((entry, variant)) => {
            let path = entry.path(&variant);
            let (response, evaluated) = if traced {
                let (response, evaluated) =
                    evaluate_traced(space.site, entry.query(&variant), Some(path.clone()));
                (response, Some(evaluated))
            } else {
                (answer_entry(space, &entry, &variant), None)
            };
            Traced {
                response,
                landing: Landing::Entry {
                    path,
                    listed_build: entry.build.is_some(),
                },
                evaluated,
                sent: None,
            }
        }
        None => Traced {
            response: Response::empty(routing.route_of(url).is_some_and(|r| r.markers)),
            landing: Landing::OffRoutes,
            evaluated: parsed
                .query
                .clone()
                .filter(|_| traced)
                .map(|q| evaluate_traced(space.site, q, None).1),
            sent: None,
        },
    };
    if traced {
        out.sent = parsed.query;
    }
    if out.response.balrog.is_none() {
        out.response.balrog = parsed.balrog_rejects.map(|reason| (400, reason));
    }
    out
}

/// [`evaluate`], with the engine's trace.
fn evaluate_traced(site: &Site, query: Query, file: Option<String>) -> (Response, Evaluated) {
    let (answer, trace) = answer_traced(site, &query);
    let response = conclude(site, &query, &answer, file);
    (
        response,
        Evaluated {
            query,
            answer,
            trace,
        },
    )
}

/// Balrog's own answer to `url` on Balrog's routes, whatever the site's
/// parameter space holds (`query --exact`).
pub(crate) fn exact(site: &Site, url: &str, user_agent: Option<&str>) -> Response {
    let parsed = parse_url(url, user_agent);
    let Some(query) = parsed.query else {
        return Response::empty(false);
    };
    let mut response = evaluate(site, &query, None);
    if response.balrog.is_none() {
        response.balrog = parsed.balrog_rejects.map(|r| (400, r));
    }
    response
}
