//! Value shapes shared by every file kind: Balrog's loosely typed scalars,
//! sizes, hashes, comma lists, and the `scheduled:` and `expires:` lists.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A string, number or boolean, written into the answer as it is.
pub(crate) struct ScalarDoc;

impl JsonSchema for ScalarDoc {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Scalar".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number", "boolean"] })
    }
}

/// A size in bytes: a whole number, or a string of digits.
pub(crate) struct Size;

impl JsonSchema for Size {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+$" }
            ]
        })
    }
}

/// A hash value, as hexadecimal text.
pub(crate) struct Hash;

impl JsonSchema for Hash {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Hash".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "integer"] })
    }
}

/// A value that must not be empty.
pub(crate) struct NonEmpty;

impl JsonSchema for NonEmpty {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "NonEmpty".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "minLength": 1 })
    }
}

/// Balrog's comma-separated list: one string (`de,fr`) or a YAML list (`[de, fr]`).
pub(crate) struct CommaList;

impl JsonSchema for CommaList {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "CommaList".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "minLength": 1 },
                { "type": "array", "items": { "type": "string", "pattern": "^[^,]*$" }, "minItems": 1 }
            ]
        })
    }
}

/// One string or a list of strings.
pub(crate) struct OneOrMany;

impl JsonSchema for OneOrMany {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "OneOrMany".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

/// A release's `schema_version`: exactly `N`.
pub(crate) struct SchemaVersion<const N: i64>;

impl<const N: i64> JsonSchema for SchemaVersion<N> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("SchemaVersion{N}").into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Balrog's blob schema this release is written in; it decides every other field.",
            "const": N
        })
    }
}

/// Something that stops being valid at a time: `cinder check` warns once it
/// has, and `cinder check --horizon 30d` fails 30 days before.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Expiry")]
pub(crate) struct ExpiryDoc {
    /// What expires, in words: "the add-on signing intermediate certificate".
    what: String,
    /// When it expires, in RFC 3339 UTC, e.g. `2027-03-01T00:00:00Z`.
    #[schemars(extend("format" = "date-time"))]
    at: String,
}

/// Fields a scheduled change cannot set: they are read before changes apply.
const NOT_SCHEDULABLE: &[&str] = &["scheduled", "starts-at", "extends"];

/// A change that takes effect at a time: `at` and the fields that change.
/// The parent's other fields stay as they are.
pub(crate) struct ScheduledDoc<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for ScheduledDoc<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Scheduled{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = T::json_schema(generator);
        if let Some(object) = schema.as_object_mut() {
            object.remove("required");
            object.remove("title");
            let mut properties = serde_json::Map::new();
            properties.insert(
                "at".into(),
                serde_json::json!({
                    "description": "When the change takes effect, in RFC 3339 UTC, e.g. `2026-12-24T00:00:00Z`.",
                    "type": "string",
                    "format": "date-time"
                }),
            );
            properties.insert(
                "delete".into(),
                serde_json::json!({
                    "description": "`true` removes the entry from `at` on (a scheduled delete); `false` brings it back.",
                    "type": "boolean"
                }),
            );
            if let Some(serde_json::Value::Object(own)) = object.remove("properties") {
                for (k, v) in own {
                    if !NOT_SCHEDULABLE.contains(&k.as_str()) {
                        properties.insert(k, v);
                    }
                }
            }
            object.insert("properties".into(), properties.into());
            object.insert("required".into(), serde_json::json!(["at"]));
            object.insert(
                "description".into(),
                "A scheduled change: from `at` on, these fields replace the entry's own; fields left out stay as they are."
                    .into(),
            );
        }
        schema
    }
}

/// cinder's fields, allowed in every release.
#[derive(JsonSchema)]
pub(crate) struct Meta {
    /// The release's name, which rules' `mapping` and patches' `from` use.
    /// Default: the file name without its extension.
    name: Option<NonEmpty>,
    /// The product the release belongs to (e.g. `Firefox`).
    product: Option<NonEmpty>,
    /// Templates (`templates/<name>.yml`) merged in under this file's own
    /// fields: one name or a list, applied in order.
    extends: Option<OneOrMany>,
    /// The release exists only from this time on (a scheduled insert), in
    /// RFC 3339 UTC, e.g. `2026-12-24T00:00:00Z`.
    #[schemars(rename = "starts-at", extend("format" = "date-time"))]
    starts_at: Option<String>,
    /// Things this release depends on that stop being valid at a time
    /// (signing certificates, download URLs): `cinder check` warns once they
    /// have, and `cinder check --horizon 30d` fails 30 days before.
    expires: Option<Vec<ExpiryDoc>>,
}
