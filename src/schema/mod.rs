//! JSON Schemas (draft-07) of the site's files, for editors: derived with
//! schemars from documentation structs that mirror what `load` accepts.
//! These structs are never filled in; they exist only to be described. A
//! type named like one of the loader's carries `Doc` (`RuleDoc` describes
//! what becomes a `model::rule::Rule`), its name in the schemas unchanged.

#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod addons;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod app;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod app_fields;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod app_parts;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod common;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod config;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod desupport;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod guardian;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod release;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod rules;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod settings;
#[allow(
    dead_code,
    clippy::zero_sized_map_values,
    reason = "described, never built"
)]
mod superblob;
#[cfg(test)]
mod tests;
mod transform;
#[cfg(test)]
mod validate;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// One schema file: its name and its content.
pub(crate) struct Document {
    pub(crate) file: &'static str,
    pub(crate) schema: Value,
}

/// Every schema cinder writes, in a fixed order.
pub(crate) fn documents() -> Vec<Document> {
    vec![
        Document {
            file: "cinder.schema.json",
            schema: root::<config::ConfigDoc>(),
        },
        Document {
            file: "rules.schema.json",
            schema: root::<rules::RulesFile>(),
        },
        Document {
            file: "release.schema.json",
            schema: transform::release(root::<release::ReleaseDoc>()),
        },
        Document {
            file: "template.schema.json",
            schema: transform::template(root::<release::ReleaseDoc>()),
        },
    ]
}

fn root<T: JsonSchema>() -> Value {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    unwrap_descriptions(&mut schema);
    schema
}

/// Joins the lines of each paragraph of the descriptions (doc comments keep
/// their line breaks), so that editors can wrap them.
fn unwrap_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(d)) = map.get_mut("description") {
                *d = d
                    .split("\n\n")
                    .map(|p| p.replace('\n', " "))
                    .collect::<Vec<_>>()
                    .join("\n\n");
            }
            map.values_mut().for_each(unwrap_descriptions);
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}
