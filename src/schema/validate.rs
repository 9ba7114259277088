//! A checker for the subset of JSON Schema draft-07 that `cinder schema`
//! emits, for tests: it refuses keywords it does not know, so a schema
//! cannot pass a test by using something the checker skips.

use serde_json::Value;

/// Keywords that say nothing about validity.
const ANNOTATIONS: &[&str] = &["$schema", "title", "description", "definitions", "format"];

/// Every way `value` fails `schema`, as `path: problem` lines.
pub(super) fn validate(root: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(root, root, value, "$", &mut errors);
    errors
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let map = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => {
            errors.push(format!("{path}: not allowed"));
            return;
        }
        Value::Object(map) => map,
        _ => panic!("not a schema at {path}: {schema}"),
    };
    for (key, arg) in map {
        match key.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let name = arg
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/definitions/"))
                    .expect("a local reference");
                let target = &root["definitions"][name];
                assert!(!target.is_null(), "dangling reference {name}");
                check(root, target, value, path, errors);
            }
            "type" => {
                let ok = match arg {
                    Value::String(t) => is_type(value, t),
                    Value::Array(ts) => ts.iter().any(|t| is_type(value, t.as_str().unwrap())),
                    _ => panic!("bad type {arg}"),
                };
                if !ok {
                    errors.push(format!("{path}: expected {arg}, found {value}"));
                }
            }
            "const" => {
                if value != arg {
                    errors.push(format!("{path}: expected {arg}, found {value}"));
                }
            }
            "enum" => {
                if !arg.as_array().unwrap().contains(value) {
                    errors.push(format!("{path}: {value} is not one of {arg}"));
                }
            }
            "minimum" | "maximum" => {
                if let (Some(v), Some(limit)) = (value.as_f64(), arg.as_f64()) {
                    let ok = if key == "minimum" {
                        v >= limit
                    } else {
                        v <= limit
                    };
                    if !ok {
                        errors.push(format!("{path}: {v} is out of range ({key} {limit})"));
                    }
                }
            }
            "minLength" => {
                if let Some(s) = value.as_str()
                    && (s.chars().count() as u64) < arg.as_u64().unwrap()
                {
                    errors.push(format!("{path}: too short"));
                }
            }
            "minItems" => {
                if let Some(items) = value.as_array()
                    && (items.len() as u64) < arg.as_u64().unwrap()
                {
                    errors.push(format!("{path}: too few items"));
                }
            }
            "pattern" => {
                if let Some(s) = value.as_str() {
                    let re = fancy_regex::Regex::new(arg.as_str().unwrap()).unwrap();
                    if !re.is_match(s).unwrap() {
                        errors.push(format!("{path}: `{s}` does not match {arg}"));
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        check(root, arg, item, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            "properties" | "required" | "additionalProperties" => {
                if let Some(object) = value.as_object() {
                    object_keyword(root, map, key, object, path, errors);
                }
            }
            "anyOf" | "oneOf" => {
                let matching = arg
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| {
                        let mut e = Vec::new();
                        check(root, s, value, path, &mut e);
                        e.is_empty()
                    })
                    .count();
                if matching == 0 || (key == "oneOf" && matching > 1) {
                    errors.push(format!("{path}: {matching} of the `{key}` schemas match"));
                }
            }
            "if" => {
                let mut e = Vec::new();
                check(root, arg, value, path, &mut e);
                let branch = if e.is_empty() { "then" } else { "else" };
                if let Some(s) = map.get(branch) {
                    check(root, s, value, path, errors);
                }
            }
            "then" | "else" => {}
            other => panic!("the checker does not know `{other}` (at {path})"),
        }
    }
}

fn object_keyword(
    root: &Value,
    map: &serde_json::Map<String, Value>,
    key: &str,
    object: &serde_json::Map<String, Value>,
    path: &str,
    errors: &mut Vec<String>,
) {
    let properties = map.get("properties").and_then(Value::as_object);
    match key {
        "properties" => {
            for (name, s) in properties.unwrap() {
                if let Some(v) = object.get(name) {
                    check(root, s, v, &format!("{path}.{name}"), errors);
                }
            }
        }
        "required" => {
            for name in map["required"].as_array().unwrap() {
                if !object.contains_key(name.as_str().unwrap()) {
                    errors.push(format!("{path}: missing {name}"));
                }
            }
        }
        _ => {
            for (name, v) in object {
                if properties.is_some_and(|p| p.contains_key(name)) {
                    continue;
                }
                check(
                    root,
                    &map["additionalProperties"],
                    v,
                    &format!("{path}.{name}"),
                    errors,
                );
            }
        }
    }
}

fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => panic!("unknown type {t}"),
    }
}
