//! Reading a Balrog export (`rules.json`, `releases/*.json`, `config.json`,
//! and the optional `emergency_shutoffs.json`, `pinnable_releases.json`,
//! `products.json`) and writing it out as a site of readable YAML files.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::model::column::Column;
use crate::model::route::{BALROG_ROUTES, BalrogRoute, Route, balrog_template, parse_template};
use crate::yaml_out::to_yaml;

/// One release of the export.
#[derive(Debug)]
struct ExportRelease {
    name: String,
    product: Option<String>,
    blob: Map<String, Value>,
}

/// A Balrog export as read.
#[derive(Debug, Default)]
pub(crate) struct Export {
    rules: Vec<Map<String, Value>>,
    releases: Vec<ExportRelease>,
    config: Map<String, Value>,
    shutoffs: Vec<Map<String, Value>>,
    pins: Vec<Map<String, Value>>,
    products: Map<String, Value>,
    /// Requests seen in the wild, as written in the request files.
    observed: Vec<String>,
}

fn read_json(path: &Path) -> Result<Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Invalid(format!("`{}` is not valid JSON: {e}", path.display())))
}

fn read_optional(path: &Path) -> Result<Option<Value>, Error> {
    if path.exists() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

fn objects(value: Value, path: &Path) -> Result<Vec<Map<String, Value>>, Error> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Ok(m),
                other => Err(Error::Invalid(format!(
                    "`{}` lists {other}, not an object",
                    path.display()
                ))),
            })
            .collect(),
        _ => Err(Error::Invalid(format!(
            "`{}` must hold a list of objects",
            path.display()
        ))),
    }
}

impl Export {
    /// Adds the lines of a request file (see `requests`) as observed requests.
    pub(crate) fn observe(&mut self, path: &Path) -> Result<(), Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::read(path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        crate::model::request::parse_requests(&text)
            .map_err(|(line, e)| Error::Invalid(format!("{}:{line}: {e}", path.display())))?;
        self.observed.extend(
            text.split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned),
        );
        Ok(())
    }

    pub(crate) fn read(dir: &Path) -> Result<Export, Error> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "`{}` is not a directory",
                dir.display()
            )));
        }
        let rules_path = dir.join("rules.json");
        if !rules_path.is_file() {
            return Err(Error::Usage(format!(
                "`{}` is not a Balrog export: it has no rules.json",
                dir.display()
            )));
        }
        let mut export = Export {
            rules: objects(read_json(&rules_path)?, &rules_path)?,
            ..Export::default()
        };
        let releases_dir = dir.join("releases");
        if releases_dir.is_dir() {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&releases_dir)
                .map_err(|e| Error::read(&releases_dir, e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            paths.sort();
            for path in paths {
                export.releases.push(release(read_json(&path)?, &path)?);
            }
        }
        if let Some(Value::Object(config)) = read_optional(&dir.join("config.json"))? {
            export.config = config;
        }
        let shutoffs = dir.join("emergency_shutoffs.json");
        if let Some(v) = read_optional(&shutoffs)? {
            export.shutoffs = objects(v, &shutoffs)?;
        }
        let pins = dir.join("pinnable_releases.json");
        if let Some(v) = read_optional(&pins)? {
            export.pins = objects(v, &pins)?;
        }
        if let Some(Value::Object(products)) = read_optional(&dir.join("products.json"))? {
            export.products = products;
        }
        Ok(export)
    }

    /// The site's files: relative path and content.
    pub(crate) fn to_site(&self) -> Vec<(PathBuf, String)> {
        let mut files = vec![(PathBuf::from("cinder.yml"), self.config_file())];
        if !self.observed.is_empty() {
            let mut text = String::from(
                "# Requests seen in the wild; their values join the parameter space.\n",
            );
            for line in &self.observed {
                text.push_str(line);
                text.push('\n');
            }
            files.push((PathBuf::from(OBSERVED), text));
        }
        files.push((PathBuf::from("rules/balrog.yml"), self.rules_file()));
        let products = self.release_products();
        let mut used = BTreeSet::new();
        for r in &self.releases {
            let mut doc = Map::new();
            doc.insert("name".into(), Value::String(r.name.clone()));
            doc.insert(
                "product".into(),
                Value::String(products.get(&r.name).cloned().unwrap_or_default()),
            );
            if let Some(v) = r.blob.get("schema_version") {
                doc.insert("schema_version".into(), v.clone());
            }
            for (k, v) in &r.blob {
                if !matches!(k.as_str(), "name" | "product" | "schema_version") {
                    doc.insert(k.clone(), v.clone());
                }
            }
            let path =
                PathBuf::from("releases").join(format!("{}.yml", file_name(&r.name, &mut used)));
            files.push((path, format!("{HEADER}{}", to_yaml(&Value::Object(doc)))));
        }
        files
    }

    fn config_file(&self) -> String {
        let mut doc = Map::new();
        let allow = match self.config.get("allowlisted_domains") {
            Some(Value::Object(m)) => Value::Object(m.clone()),
            _ => Value::Object(Map::new()),
        };
        doc.insert("allowlist".into(), allow);
        if let Some(Value::Array(hosts)) = self.config.get("special_force_hosts")
            && !hosts.is_empty()
        {
            doc.insert("special-force-hosts".into(), Value::Array(hosts.clone()));
        }
        if !self.shutoffs.is_empty() {
            let rows = self
                .shutoffs
                .iter()
                .map(|s| Value::Object(pick(s, &["product", "channel", "comment"])))
                .collect();
            doc.insert("shutoffs".into(), Value::Array(rows));
        }
        if !self.pins.is_empty() {
            let rows = self
                .pins
                .iter()
                .map(|p| Value::Object(pick(p, &["product", "channel", "version", "mapping"])))
                .collect();
            doc.insert("pins".into(), Value::Array(rows));
        }
        // Balrog answers on all its routes; with observed requests, the
        // routes they use.
        let routes: Vec<Value> = self
            .routes()
            .into_iter()
            .map(|(r, products)| match products {
                None => Value::String(balrog_template(r).to_owned()),
                Some(products) => serde_json::json!({
                    "url": balrog_template(r),
                    "products": products.into_iter().collect::<Vec<_>>(),
                }),
            })
            .collect();
        doc.insert("routes".into(), Value::Array(routes));
        if !self.observed.is_empty() {
            doc.insert(
                "observed-requests".into(),
                Value::String(OBSERVED.to_owned()),
            );
        }
        format!("{HEADER}{}", to_yaml(&Value::Object(doc)))
    }

    /// Balrog's routes the site serves: all of them, or with observed
    /// requests, those requests use, each with the products seen on it.
    fn routes(&self) -> Vec<(BalrogRoute, Option<BTreeSet<String>>)> {
        if self.observed.is_empty() {
            return BALROG_ROUTES.iter().map(|r| (*r, None)).collect();
        }
        let requests =
            crate::model::request::parse_requests(&self.observed.join("\n")).unwrap_or_default();
        let mut used: Vec<BTreeSet<String>> = vec![BTreeSet::new(); BALROG_ROUTES.len()];
        for request in &requests {
            let path = crate::engine::query::split_url(&request.url).path;
            for (i, route) in BALROG_ROUTES.iter().enumerate() {
                let template = Route {
                    template: String::new(),
                    segments: parse_template(balrog_template(*route)).unwrap_or_default(),
                    products: Vec::new(),
                    fixed: std::collections::BTreeMap::new(),
                    balrog: Some(*route),
                    loc: crate::source::Loc::NONE,
                };
                if let Some(values) = crate::space::match_route(&template, &path) {
                    if let Some(p) = values.get(&crate::model::route::Param::Product)
                        && crate::space::path_safe(p)
                    {
                        used[i].insert((*p).to_owned());
                    }
                    break;
                }
            }
        }
        BALROG_ROUTES
            .iter()
            .zip(used)
            .filter(|(_, p)| !p.is_empty())
            .map(|(r, p)| (*r, Some(p)))
            .collect()
    }

    fn rules_file(&self) -> String {
        let columns: Vec<&str> = Column::ALL
            .into_iter()
            .filter(|c| c.imported())
            .map(Column::name)
            .collect();
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                let mut m = pick(r, &columns);
                if m.get("backgroundRate") == Some(&Value::from(100)) {
                    m.remove("backgroundRate");
                }
                if m.get("update_type") == Some(&Value::from("minor")) {
                    m.remove("update_type");
                }
                Value::Object(m)
            })
            .collect();
        if rules.is_empty() {
            return format!("{HEADER}[]\n");
        }
        format!("{HEADER}{}", to_yaml(&Value::Array(rules)))
    }

    /// Each release's product: `products.json`, else its row's product, else
    /// that of a rule mapping to it, else its name up to the first `-`.
    fn release_products(&self) -> HashMap<String, String> {
        let mut by_rule: HashMap<&str, &str> = HashMap::new();
        for rule in &self.rules {
            let Some(Value::String(product)) = rule.get("product") else {
                continue;
            };
            for key in ["mapping", "fallbackMapping"] {
                if let Some(Value::String(target)) = rule.get(key) {
                    by_rule.entry(target.as_str()).or_insert(product.as_str());
                }
            }
        }
        self.releases
            .iter()
            .map(|r| {
                let product = match self.products.get(&r.name) {
                    Some(Value::String(p)) => p.clone(),
                    _ => r.product.clone().unwrap_or_else(|| {
                        by_rule.get(r.name.as_str()).map_or_else(
                            || r.name.split('-').next().unwrap_or_default().to_owned(),
                            |p| (*p).to_owned(),
                        )
                    }),
                };
                (r.name.clone(), product)
            })
            .collect()
    }
}

const HEADER: &str = "# Imported from a Balrog export by `cinder import balrog`.\n";

/// Where an imported site keeps its observed requests.
const OBSERVED: &str = "observed-requests.txt";

/// A release file: a bare blob, or a row `{name, product, data}`.
fn release(value: Value, path: &Path) -> Result<ExportRelease, Error> {
    let Value::Object(mut obj) = value else {
        return Err(Error::Invalid(format!(
            "`{}` must hold a release object",
            path.display()
        )));
    };
    let is_row = obj.contains_key("data") && !obj.contains_key("schema_version");
    if is_row {
        let name = obj.get("name").and_then(Value::as_str).map(str::to_owned);
        let product = obj
            .get("product")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(Value::Object(blob)) = obj.remove("data") else {
            return Err(Error::Invalid(format!(
                "`{}`: `data` must be the release blob",
                path.display()
            )));
        };
        let name = name
            .or_else(|| blob.get("name").and_then(Value::as_str).map(str::to_owned))
            .ok_or_else(|| {
                Error::Invalid(format!("`{}`: the release has no name", path.display()))
            })?;
        return Ok(ExportRelease {
            name,
            product,
            blob,
        });
    }
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| Error::Invalid(format!("`{}`: the release has no name", path.display())))?;
    Ok(ExportRelease {
        name,
        product: None,
        blob: obj,
    })
}

/// The entries of `obj` named in `keys`, in that order, without nulls.
fn pick(obj: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::new();
    for key in keys {
        if let Some(v) = obj.get(*key)
            && !v.is_null()
        {
            out.insert((*key).to_owned(), v.clone());
        }
    }
    out
}

/// A file name for a release: its name with characters unsafe in paths
/// replaced, unique among the names used so far.
fn file_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let mut base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._@+-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if base.is_empty() || base.starts_with('.') {
        base.insert(0, '_');
    }
    let mut candidate = base.clone();
    let mut n = 2;
    while !used.insert(candidate.to_ascii_lowercase()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(
            file_name("Firefox-56.0-build1", &mut used),
            "Firefox-56.0-build1"
        );
        assert_eq!(file_name("a/b", &mut used), "a_b");
        assert_eq!(file_name("a:b", &mut used), "a_b-2");
        assert_eq!(file_name("..", &mut used), "_..");
        assert_eq!(
            file_name("hotfix@mozilla.org-1.1.4", &mut used),
            "hotfix@mozilla.org-1.1.4"
        );
    }

    #[test]
    fn rows_and_bare_blobs_are_both_releases() {
        let row = release(serde_json::json!({"name": "b", "product": "B", "data": {"name": "x", "schema_version": 1}}), Path::new("r.json")).unwrap();
        assert_eq!(
            (row.name.as_str(), row.product.as_deref()),
            ("b", Some("B"))
        );
        let bare = release(
            serde_json::json!({"name": "c", "schema_version": 1}),
            Path::new("r.json"),
        )
        .unwrap();
        assert_eq!((bare.name.as_str(), bare.product), ("c", None));
    }
}
