//! From a request URL to the response cinder gives: parse, evaluate, render.
//! `query`, `build` and `serve` all answer through here.

use crate::engine::evaluate::{Answer, answer};
use crate::engine::matchers::EngineError;
use crate::engine::request::parse_url;
use crate::model::{ReleaseId, RuleId, Site};
use crate::render::{Body, EMPTY, render};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Response {
    /// 200, or 404 for a JSON route without an update, or 500 when the site's
    /// data cannot answer (`cinder check` reports why).
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) rule: Option<RuleId>,
    /// The release the rules chose (a SuperBlob's own name, not its parts).
    pub(crate) release: Option<ReleaseId>,
    /// When Balrog itself would not answer 200: its status and reason. cinder
    /// answers such requests with the empty document instead.
    pub(crate) balrog: Option<(u16, String)>,
}

impl Response {
    fn from_error(e: &EngineError, decided: Option<&Answer>) -> Response {
        let rule = decided.and_then(|a| a.decision.rule);
        match e {
            EngineError::BadRequest(msg) => Response {
                status: 200,
                body: EMPTY.to_owned(),
                rule,
                release: None,
                balrog: Some((400, msg.clone())),
            },
            EngineError::Internal(msg) => Response {
                status: 500,
                body: String::new(),
                rule,
                release: None,
                balrog: Some((500, msg.clone())),
            },
        }
    }
}

/// The response to `url` (a path or an absolute URL, with its query string).
pub(crate) fn respond(site: &Site, url: &str, user_agent: Option<&str>) -> Response {
    let parsed = parse_url(url, user_agent);
    let Some(query) = parsed.query else {
        return Response {
            status: 200,
            body: EMPTY.to_owned(),
            rule: None,
            release: None,
            balrog: None,
        };
    };
    let answer = match answer(site, &query) {
        Ok(a) => a,
        Err(e) => return Response::from_error(&e, None),
    };
    match render(site, &query, &answer) {
        Ok(body) => {
            let status = body.status();
            let text = match body {
                Body::NotFound => String::new(),
                Body::Xml(s) | Body::Json(s) => s,
            };
            let balrog = parsed.balrog_rejects.map(|reason| (400, reason));
            Response {
                status,
                body: text,
                rule: answer.decision.rule,
                release: answer.served().map(|s| s.release),
                balrog,
            }
        }
        Err(e) => Response::from_error(&e, Some(&answer)),
    }
}
