//! The routing description as data for `router.js`, the interpreter the
//! edge functions carry: one compact JSON object (also a JavaScript
//! expression) holding every route, condition, class and flag of the
//! description, so that the JavaScript walks the same steps as
//! `Routing::resolve` with nothing of its own to decide. The layout is
//! documented at the top of `router.js`, which reads it.

use serde_json::{Value, json};

use crate::model::route::{Param, Segment};
use crate::routing::flags::FlagKind;
use crate::routing::{BuildChoice, DirPart, JSON, Miss, OsChoice, RouteRouting, Routing, XML};

/// The Content-Types answers carry, by index; the empty document's first.
const CONTENT_TYPES: [&str; 2] = [XML, JSON];

/// The parameters the interpreter reads by index: product, channel, build
/// target, osVersion, systemCapabilities.
const READ: [Param; 5] = [
    Param::Product,
    Param::Channel,
    Param::BuildTarget,
    Param::OsVersion,
    Param::SystemCapabilities,
];

/// A parameter's number in the tables (its place in `Param::ALL`).
fn param(p: Param) -> usize {
    Param::ALL
        .iter()
        .position(|q| *q == p)
        .expect("every parameter is in Param::ALL")
}

fn kind(k: FlagKind) -> usize {
    FlagKind::ALL
        .iter()
        .position(|q| *q == k)
        .expect("every flag kind is in FlagKind::ALL")
}

fn content_type(t: &str) -> usize {
    CONTENT_TYPES
        .iter()
        .position(|c| *c == t)
        .expect("a route's Content-Type is XML or JSON")
}

/// The tables; `split`: throttled rules are split by percentage.
pub(crate) fn tables(routing: &Routing, split: bool) -> Value {
    let c = &routing.classes;
    let products: serde_json::Map<String, Value> = c
        .products
        .iter()
        .map(|(product, classes)| {
            let top: Vec<Value> = classes.os_top.iter().map(|(i, k)| json!([i, k])).collect();
            (
                product.clone(),
                json!([classes.os, classes.caps, top, classes.os_zero_key()]),
            )
        })
        .collect();
    let flags: Vec<Value> = routing
        .flags
        .outcomes
        .iter()
        .map(|o| {
            json!([
                kind(o.kind),
                o.part.suffix(),
                o.pattern(),
                o.products,
                o.channel.as_deref().unwrap_or_default(),
                o.build_target_prefix.as_deref().unwrap_or_default(),
            ])
        })
        .collect();
    // Each rate with the suffix of its file (`.w25`), ascending: a request
    // whose roll is below the rate tries that file first.
    let won: Vec<(u8, String)> = if split {
        routing.split_rates()
    } else {
        Vec::new()
    };
    json!({
        "os": c.os.iter().map(|o| o.pattern.source()).collect::<Vec<_>>(),
        "caps": c.caps.iter().map(|k| json!([k.pattern.source(), u8::from(k.when)])).collect::<Vec<_>>(),
        "pc": products,
        "fl": flags,
        "rt": routing.routes.iter().map(route).collect::<Vec<_>>(),
        "rd": READ.map(param),
        "ct": CONTENT_TYPES,
        "e": routing.empty_file,
        "w": won,
        "cc": routing.cache_control,
    })
}

fn route(r: &RouteRouting) -> Value {
    let url: Vec<Value> = r
        .url
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => json!(l),
            Segment::Param(p) => json!([param(*p)]),
        })
        .collect();
    let fixed: serde_json::Map<String, Value> = r
        .fixed
        .iter()
        .map(|(p, v)| (param(*p).to_string(), json!(v)))
        .collect();
    let dir: Vec<Value> = r
        .dir
        .iter()
        .map(|part| match part {
            DirPart::Literal(i) => json!(r.literal(*i)),
            DirPart::Value(p) => json!([0, param(*p)]),
            DirPart::Build(p) => json!([1, param(*p)]),
            DirPart::OsClass => json!(2),
            DirPart::CapsClass => json!(3),
        })
        .collect();
    let builds: Vec<u8> = r
        .builds
        .iter()
        .map(|b| match b {
            BuildChoice::Client => 0,
            BuildChoice::CatchAll => 1,
        })
        .collect();
    let os: Vec<u8> =
        r.os.iter()
            .map(|o| match o {
                OsChoice::Own => 0,
                OsChoice::Top => 1,
                OsChoice::Zero => 2,
            })
            .collect();
    json!([
        url,
        fixed,
        dir,
        r.stem,
        r.ext,
        builds,
        os,
        r.flags.iter().map(|k| kind(*k)).collect::<Vec<_>>(),
        u8::from(r.markers),
        u8::from(r.miss == Miss::NotFound),
        content_type(r.content_type),
    ])
}
