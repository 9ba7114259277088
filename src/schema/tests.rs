//! The schemas against the demo site, the scaffold, and the loaders: every
//! field the loaders know is described, and every field described is read.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};

use super::documents;
use super::validate::validate;
use crate::diag::Code;

/// Fields read outside the loaders' field lists (by template expansion and
/// `load/schedule.rs`, before the entry's own loader), left out where the
/// tests compare against those lists or feed those loaders.
const FUTURE: &[&str] = &["scheduled", "starts-at", "expires", "extends"];

fn schema(file: &str) -> Value {
    documents()
        .into_iter()
        .find(|d| d.file == file)
        .map(|d| d.schema)
        .unwrap()
}

/// A YAML document as the loaders read it (only `true` and `false` are booleans).
fn yaml(text: &str) -> Value {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    serde_saphyr::from_str_with_options(text, options).unwrap()
}

#[track_caller]
fn assert_valid(file: &str, name: &str, value: &Value) {
    let errors = validate(&schema(file), value);
    assert!(
        errors.is_empty(),
        "{name} fails {file}:\n{}",
        errors.join("\n")
    );
}

#[track_caller]
fn assert_invalid(file: &str, text: &str) {
    assert!(
        !validate(&schema(file), &yaml(text)).is_empty(),
        "{text} passes {file}"
    );
}

/// The schema file each of a site's files is checked against.
fn schema_of(rel: &Path) -> Option<&'static str> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let yaml = rel.extension().is_some_and(|e| e == "yml" || e == "yaml");
    match first {
        "cinder.yml" => Some("cinder.schema.json"),
        "rules" if yaml => Some("rules.schema.json"),
        "releases" if yaml => Some("release.schema.json"),
        "templates" if yaml => Some("template.schema.json"),
        _ => None,
    }
}

#[test]
fn every_document_is_draft_07() {
    for doc in documents() {
        assert_eq!(
            doc.schema["$schema"],
            "http://json-schema.org/draft-07/schema#"
        );
        let text = doc.schema.to_string();
        assert!(!text.contains("$defs"), "{}", doc.file);
    }
}

#[test]
fn the_demo_site_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let dirs = ["cinder.yml", "rules", "releases", "templates"];
    for entry in dirs
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(root.join(d)).sort_by_file_name())
    {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(root).unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(file) = schema_of(rel) else { continue };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        assert_valid(file, &rel.display().to_string(), &yaml(&text));
        checked += 1;
    }
    assert!(checked > 10, "only {checked} files checked");
}

#[test]
fn the_init_scaffold_validates() {
    for (rel, text) in crate::cmd::init::FILES {
        if let Some(file) = schema_of(Path::new(rel)) {
            assert_valid(file, rel, &yaml(text));
        }
    }
}

#[test]
fn mistakes_are_caught() {
    assert_invalid("cinder.schema.json", "channel: [release]\n");
    assert_invalid(
        "cinder.schema.json",
        "pins: [{product: A, channel: b, version: '131', mapping: r}]\n",
    );
    assert_invalid("cinder.schema.json", "channels: [a/b]\n");
    assert_invalid("rules.schema.json", "- {priority: 1, mapings: x}\n");
    assert_invalid("rules.schema.json", "- {mapping: x}\n");
    assert_invalid(
        "rules.schema.json",
        "- {priority: 1, backgroundRate: 150}\n",
    );
    assert_invalid("rules.schema.json", "- {priority: 1, jaws: yes}\n");
    assert_invalid("rules.schema.json", "priority: 1\n");
    // no schema 7; a complete release needs its platforms; a number is not a buildID
    assert_invalid("release.schema.json", "schema_version: 7\nplatforms: {}\n");
    assert_invalid(
        "release.schema.json",
        "schema_version: 9\nappVersion: '1.0'\n",
    );
    assert_invalid(
        "release.schema.json",
        "schema_version: 9\nplatforms: {p: {buildID: 2}}\n",
    );
    // schema 9 has no billboardURL, schema 4 has
    assert_invalid(
        "release.schema.json",
        "schema_version: 9\nplatforms: {}\nbillboardURL: x\n",
    );
    assert_valid(
        "release.schema.json",
        "schema 4",
        &yaml("schema_version: 4\nplatforms: {}\nbillboardURL: x\n"),
    );
    // with templates, fields may be left out, but not misspelled
    assert_valid(
        "release.schema.json",
        "extends",
        &yaml("extends: t\nappVersion: '1.0'\n"),
    );
    assert_invalid("release.schema.json", "extends: t\nappVersoin: '1.0'\n");
    assert_invalid("template.schema.json", "hashFuncton: sha512\n");
}

#[test]
fn scheduled_changes_and_expiries_are_described() {
    let rule = "- priority: 1\n  mapping: a\n  scheduled:\n    - {at: '2026-12-24T00:00:00Z', mapping: b}\n";
    assert_valid("rules.schema.json", "scheduled rule", &yaml(rule));
    assert_invalid(
        "rules.schema.json",
        "- priority: 1\n  scheduled: [{mapping: b}]\n",
    );
    assert_invalid(
        "rules.schema.json",
        "- priority: 1\n  scheduled: [{at: x, mapings: b}]\n",
    );
    let shutoff = "shutoffs:\n  - product: A\n    channel: b\n    scheduled: [{at: '2026-12-24T00:00:00Z', channel: c}]\n";
    assert_valid("cinder.schema.json", "scheduled shutoff", &yaml(shutoff));
    let release = "schema_version: 5000\nstarts-at: '2026-12-01T00:00:00Z'\naddons:\n  a@b:\n    version: '1'\n    platforms: {default: {fileUrl: u, hashValue: h, filesize: 1}}\nexpires: [{what: cert, at: '2027-01-01T00:00:00Z'}]\nscheduled: [{at: '2026-12-24T00:00:00Z', uninstall: true}, {at: '2027-01-01T00:00:00Z', delete: true}]\n";
    assert_valid("release.schema.json", "expiring add-on", &yaml(release));
    assert_invalid(
        "release.schema.json",
        "schema_version: 50\ndetailsUrl: u\ndisplayVersion: v\nexpires: [{at: '2027-01-01T00:00:00Z'}]\n",
    );
    // expiries are the release's, not an add-on's; templates apply before changes
    assert_invalid(
        "release.schema.json",
        "schema_version: 5000\naddons: {a: {version: '1', platforms: {}, expires: []}}\n",
    );
    assert_invalid(
        "rules.schema.json",
        "- priority: 1\n  scheduled: [{at: '2026-12-24T00:00:00Z', extends: x}]\n",
    );
}

/// The properties of an object schema, following references.
fn properties(root: &Value, schema: &Value) -> BTreeSet<String> {
    resolve(root, schema)["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(root, &root["definitions"][&r["#/definitions/".len()..]]),
        None => schema,
    }
}

/// The names but those of `FUTURE`, which the loaders may or may not list yet.
fn current(names: &BTreeSet<String>) -> BTreeSet<String> {
    names
        .iter()
        .filter(|n| !FUTURE.contains(&n.as_str()))
        .cloned()
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The release variants, by `schema_version`.
fn variants(release: &Value) -> Vec<(i64, String)> {
    release["else"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let name = v["$ref"].as_str().unwrap()["#/definitions/".len()..].to_owned();
            let n = release["definitions"][&name]["properties"]["schema_version"]["const"]
                .as_i64()
                .unwrap();
            (n, name)
        })
        .collect()
}

/// The quoted strings of `const NAME: &[&str] = &[...]` in a loader's source.
fn listed(source: &str, name: &str) -> BTreeSet<String> {
    let start = source.find(&format!("{name}: &[&str] = &[")).unwrap();
    let list = &source[start..start + source[start..].find("];").unwrap()];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn schemas_list_every_field_the_loaders_know() {
    let config = schema("cinder.schema.json");
    let mut keys = properties(&config, &config);
    assert_eq!(
        current(&keys),
        current(&listed(include_str!("../load/config.rs"), "CONFIG_FIELDS"))
    );
    let route = &config["definitions"]["RouteSettings"];
    let mut params: BTreeSet<String> = crate::model::route::Param::ALL
        .iter()
        .map(|p| p.key().to_owned())
        .filter(|k| k != "version" && k != "buildID")
        .collect();
    params.extend(set(&["url", "products"]));
    assert_eq!(properties(&config, route), params);

    let rules = schema("rules.schema.json");
    keys = properties(&rules, &rules["items"]);
    assert_eq!(
        current(&keys),
        current(&set(crate::load::rules::RULE_FIELDS))
    );

    let release = schema("release.schema.json");
    let defs = &release["definitions"];
    let known: BTreeSet<i64> = crate::load::releases::SCHEMAS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let variants = variants(&release);
    assert_eq!(
        variants.iter().map(|(n, _)| *n).collect::<BTreeSet<_>>(),
        known
    );
    for (n, name) in &variants {
        let props = properties(&release, &defs[name]);
        for field in crate::load::releases::META_FIELDS {
            assert!(props.contains(*field), "{name} lacks {field}");
        }
        if let Ok(app) = u8::try_from(*n)
            && app < 10
        {
            for field in crate::render::app::update_attributes(app) {
                assert!(props.contains(*field), "{name} lacks {field}");
            }
        }
    }
    let addons = include_str!("../load/releases/addons.rs");
    assert_eq!(
        properties(&release, &defs["Feature"]),
        listed(addons, "FEATURE_FIELDS")
    );
    let app = include_str!("../load/releases/app.rs");
    assert_eq!(
        properties(&release, &defs["UpdateLineFields"]),
        listed(app, "UPDATE_LINE_FIELDS")
    );
    assert_eq!(
        properties(&release, &defs["UpdateLineFor"]),
        listed(app, "UPDATE_LINE_CONDITIONS")
    );
}

/// A value with every field the schema allows (but `FUTURE`), for the loaders to read.
fn maximal(root: &Value, schema: &Value) -> Value {
    let schema = resolve(root, schema);
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(e) = schema.get("enum") {
        return e[0].clone();
    }
    if let Some(options) = schema.get("anyOf").or_else(|| schema.get("oneOf")) {
        let score = |o: &Value| {
            let o = resolve(root, o);
            let fields = o["properties"].as_object().map_or(0, serde_json::Map::len);
            (o["type"] != "null", fields)
        };
        let best = options
            .as_array()
            .unwrap()
            .iter()
            .max_by_key(|o| score(o))
            .unwrap();
        return maximal(root, best);
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").unwrap().clone(),
        other => other.clone(),
    };
    match kind.as_str().unwrap_or("object") {
        "object" => {
            let mut out = serde_json::Map::new();
            if let Some(props) = schema["properties"].as_object() {
                for (k, s) in props {
                    if !FUTURE.contains(&k.as_str()) {
                        out.insert(k.clone(), maximal(root, s));
                    }
                }
            } else if schema["additionalProperties"].is_object() {
                out.insert("x".into(), maximal(root, &schema["additionalProperties"]));
            }
            Value::Object(out)
        }
        "array" => json!([maximal(root, &schema["items"])]),
        "string" => json!("a"),
        "boolean" => json!(true),
        _ => json!(1),
    }
}

/// The unknown-field diagnostics of loading a site made of these files.
fn unknown_fields(files: &[(String, Value)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cinder.yml"), "").unwrap();
    for (rel, value) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, value.to_string()).unwrap();
    }
    let loaded = crate::load::load_site(dir.path()).unwrap();
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::UnknownField)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn the_loaders_accept_every_field_the_schemas_list() {
    let config = schema("cinder.schema.json");
    let mut site = maximal(&config, &config);
    site["routes"][0]["url"] = json!("update/update.xml");
    let rules = schema("rules.schema.json");
    let release = schema("release.schema.json");
    let mut files = vec![
        ("cinder.yml".to_owned(), site),
        ("rules/r.yml".to_owned(), maximal(&rules, &rules)),
    ];
    for (_, name) in variants(&release) {
        let doc = maximal(&release, &release["definitions"][&name]);
        files.push((format!("releases/{name}.yml"), doc));
    }
    assert_eq!(unknown_fields(&files), Vec::<String>::new());
}

/// Fields the app loader reads in every app schema, which Balrog's schemas
/// (and so these) have only in the oldest ones (1 to 3).
const LENIENT: &[&str] = &[
    "oldVersionSpecialCases",
    "fakePartials",
    "ftpFilenames",
    "bouncerProducts",
];

#[test]
fn the_loaders_refuse_the_fields_the_schemas_leave_out() {
    let release = schema("release.schema.json");
    let variants = variants(&release);
    let all: BTreeSet<String> = variants
        .iter()
        .flat_map(|(_, name)| properties(&release, &release["definitions"][name]))
        .filter(|k| !FUTURE.contains(&k.as_str()))
        .collect();
    for (n, name) in &variants {
        let allowed = properties(&release, &release["definitions"][name]);
        let mut doc = serde_json::Map::new();
        doc.insert("schema_version".into(), json!(n));
        doc.insert("platforms".into(), json!({}));
        let extra: Vec<&String> = all
            .iter()
            .filter(|k| !(allowed.contains(*k) || (*n < 10 && LENIENT.contains(&k.as_str()))))
            .collect();
        for k in &extra {
            doc.insert((*k).clone(), json!(null));
        }
        let found = unknown_fields(&[(format!("releases/{name}.yml"), Value::Object(doc))]);
        assert_eq!(found.len(), extra.len(), "{name}: {found:?} for {extra:?}");
    }
}

#[test]
fn the_rules_schema_lists_the_rule_columns_in_order() {
    let rules = documents()
        .into_iter()
        .find(|d| d.file == "rules.schema.json")
        .unwrap()
        .schema;
    let properties: Vec<&str> = rules["definitions"]["Rule"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut columns = crate::model::column::Column::NAMES.to_vec();
    columns.extend(["starts-at", "scheduled"]);
    assert_eq!(properties, columns);
}
