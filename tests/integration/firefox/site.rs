//! The demo site's release files, read as plain YAML (not through cinder):
//! what the site says a client should download, to hold Firefox's view
//! against.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

/// Every release and template of a site, by name.
pub(crate) struct Site {
    releases: HashMap<String, Value>,
    templates: HashMap<String, Value>,
}

/// A file a release lists: its size and digest.
#[derive(Debug, PartialEq)]
pub(crate) struct File {
    pub(crate) size: u64,
    pub(crate) hash_function: String,
    pub(crate) hash_value: String,
}

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yml" || e == "yaml" || e == "json")
        {
            out.push(path);
        }
    }
}

fn read_dir(dir: &Path) -> HashMap<String, Value> {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut options = serde_saphyr::Options::default();
            options.strict_booleans = true;
            let value: Value = serde_saphyr::from_str_with_options(&text, options)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = value.get("name").and_then(Value::as_str).map_or_else(
                || path.file_stem().unwrap().to_string_lossy().into_owned(),
                str::to_owned,
            );
            (name, value)
        })
        .collect()
}

impl Site {
    pub(crate) fn load(root: &Path) -> Site {
        Site {
            releases: read_dir(&root.join("releases")),
            templates: read_dir(&root.join("templates")),
        }
    }

    pub(crate) fn release(&self, name: &str) -> &Value {
        self.releases
            .get(name)
            .unwrap_or_else(|| panic!("the site has no release {name}"))
    }

    /// A top-level field of a release, or of the templates it extends.
    pub(crate) fn field(&self, release: &str, key: &str) -> Option<&str> {
        let value = self.release(release);
        if let Some(v) = value.get(key).and_then(Value::as_str) {
            return Some(v);
        }
        let extends = match value.get("extends") {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        extends
            .into_iter()
            .rev()
            .find_map(|t| self.templates.get(t)?.get(key)?.as_str())
    }

    /// The file a release lists at `url` (the `fileUrl` of an add-on, plugin
    /// or feature package), searched through every release.
    pub(crate) fn file_at(&self, url: &str) -> Option<File> {
        self.releases.keys().find_map(|name| {
            let mut found = None;
            walk(self.release(name), &mut |node| {
                if found.is_none() && node.get("fileUrl").and_then(Value::as_str) == Some(url) {
                    found = self.file(name, node);
                }
            });
            found
        })
    }

    fn file(&self, release: &str, entry: &Value) -> Option<File> {
        Some(File {
            size: entry.get("filesize")?.as_u64()?,
            hash_function: self.field(release, "hashFunction")?.to_owned(),
            hash_value: entry.get("hashValue")?.as_str()?.to_owned(),
        })
    }

    /// The buildID of an app release on a platform.
    pub(crate) fn build_id(&self, release: &str, target: &str) -> &str {
        self.release(release)["platforms"][target]["buildID"]
            .as_str()
            .unwrap_or_else(|| panic!("{release} has no buildID for {target}"))
    }

    /// The patch an app release offers a client of `from` on a platform and
    /// locale: the partial from that release when it lists one, else the
    /// complete (what Firefox downloads first).
    pub(crate) fn first_patch(
        &self,
        release: &str,
        target: &str,
        locale: &str,
        from: &str,
    ) -> (&'static str, File) {
        let entry = &self.release(release)["platforms"][target]["locales"][locale];
        let partial = entry["partials"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["from"].as_str() == Some(from));
        let (kind, chosen) = match partial {
            Some(p) => ("partial", p),
            None => ("complete", &entry["completes"][0]),
        };
        let file = self
            .file(release, chosen)
            .unwrap_or_else(|| panic!("{release} lists no {kind} for {target}/{locale}"));
        (kind, file)
    }
}

fn walk(value: &Value, visit: &mut impl FnMut(&Value)) {
    visit(value);
    match value {
        Value::Object(map) => map.values().for_each(|v| walk(v, visit)),
        Value::Array(items) => items.iter().for_each(|v| walk(v, visit)),
        _ => {}
    }
}
