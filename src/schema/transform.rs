//! From the derived release schema to the release and template files: the
//! full shapes as a `oneOf` by `schema_version`, and partial copies (nothing
//! required) for templates and for releases that `extends:` templates, whose
//! missing fields the templates supply.

use serde_json::{Map, Value, json};

const DEFINITIONS: &str = "definitions";
const REF_PREFIX: &str = "#/definitions/";
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";
/// Fields that stay required in partial copies: a scheduled change's `at`,
/// an expiry's `what` and `at`.
const ALWAYS_REQUIRED: &[&str] = &["at", "what"];

/// The release file: complete when it extends no template, partial when it does.
pub(super) fn release(mut root: Value) -> Value {
    let variants = variants(&mut root);
    let definitions = definitions(&mut root);
    let partials: Vec<Value> = variants.iter().map(|v| partial(v.clone())).collect();
    let mut all = definitions.clone();
    all.extend(partial_definitions(&definitions));
    json!({
        "$schema": DRAFT_07,
        "title": "cinder release",
        "description": "One release (a Balrog blob) per file. `schema_version` decides its fields. A release that `extends:` templates may leave out what they supply.",
        "type": "object",
        "if": { "properties": { "extends": true }, "required": ["extends"] },
        "then": { "anyOf": partials },
        "else": { "oneOf": variants },
        DEFINITIONS: all,
    })
}

/// A template: any release's fields, none required.
pub(super) fn template(mut root: Value) -> Value {
    let variants = variants(&mut root);
    let definitions = definitions(&mut root);
    let partials: Vec<Value> = variants.into_iter().map(partial).collect();
    json!({
        "$schema": DRAFT_07,
        "title": "cinder template",
        "description": "A release fragment that releases (and other templates) pull in with `extends:`; maps merge key by key and the extending file's keys win.",
        "type": "object",
        "anyOf": partials,
        DEFINITIONS: partial_definitions(&definitions),
    })
}

fn variants(root: &mut Value) -> Vec<Value> {
    match root.get_mut("anyOf").map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => unreachable!("the release schema is an untagged enum"),
    }
}

fn definitions(root: &mut Value) -> Map<String, Value> {
    match root.get_mut(DEFINITIONS).map(Value::take) {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    }
}

fn partial_definitions(definitions: &Map<String, Value>) -> Map<String, Value> {
    definitions
        .iter()
        .map(|(name, def)| (format!("Partial{name}"), partial(def.clone())))
        .collect()
}

/// The schema with nothing required (but `ALWAYS_REQUIRED`), referring to
/// partial definitions.
fn partial(mut schema: Value) -> Value {
    strip(&mut schema);
    schema
}

fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|r| r.as_str().is_some_and(|r| ALWAYS_REQUIRED.contains(&r)));
                if required.is_empty() {
                    map.remove("required");
                }
            }
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix(REF_PREFIX)
            {
                *r = format!("{REF_PREFIX}Partial{name}");
            }
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}
