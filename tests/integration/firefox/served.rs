//! The served documents read independently of Firefox (roxmltree), and what
//! Firefox's code needs of them to act on them.

use std::collections::BTreeMap;

/// An element's attributes, by name.
pub(crate) type Attributes = BTreeMap<String, String>;

fn attributes(node: roxmltree::Node<'_, '_>) -> Attributes {
    node.attributes()
        .map(|a| (a.name().to_owned(), a.value().to_owned()))
        .collect()
}

fn elements<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn root(body: &str) -> Result<roxmltree::Document<'_>, String> {
    let doc = roxmltree::Document::parse(body).map_err(|e| format!("not XML: {e}"))?;
    let name = doc.root_element().tag_name().name();
    if name != "updates" {
        return Err(format!("the root element is <{name}>, not <updates>"));
    }
    Ok(doc)
}

/// An `<addon>` as served.
#[derive(Debug)]
pub(crate) struct ServedAddon {
    pub(crate) attributes: Attributes,
    pub(crate) mirrors: Vec<String>,
}

impl ServedAddon {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }
}

/// The add-ons of an `<updates><addons>` answer; `None` when it has no
/// `<addons>` element (an answer that changes nothing).
pub(crate) fn addons(body: &str) -> Result<Option<Vec<ServedAddon>>, String> {
    let doc = root(body)?;
    let lists: Vec<_> = elements(doc.root_element(), "addons").collect();
    if lists.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        lists
            .into_iter()
            .flat_map(|list| elements(list, "addon"))
            .map(|addon| ServedAddon {
                attributes: attributes(addon),
                mirrors: addon
                    .descendants()
                    .filter(|d| d.is_element() && d.tag_name().name() == "mirror")
                    .filter_map(|m| m.attribute("URL").map(str::to_owned))
                    .collect(),
            })
            .collect(),
    ))
}

/// An `<update>` as served, with its `<patch>` lines.
#[derive(Debug)]
pub(crate) struct ServedUpdate {
    pub(crate) attributes: Attributes,
    pub(crate) patches: Vec<Attributes>,
}

/// The `<update>` elements of an app-update answer.
pub(crate) fn updates(body: &str) -> Result<Vec<ServedUpdate>, String> {
    let doc = root(body)?;
    Ok(elements(doc.root_element(), "update")
        .map(|u| ServedUpdate {
            attributes: attributes(u),
            patches: elements(u, "patch").map(attributes).collect(),
        })
        .collect())
}

/// Digest lengths (hex characters) of the hash functions Firefox verifies
/// downloads with (ProductAddonChecker's verifyFile uses
/// IOUtils.computeHexDigest, and compares in lower case).
fn digest_length(function: &str) -> Option<usize> {
    match function {
        "sha256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    }
}

fn absolute_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty())
}

fn whole_bytes(size: &str) -> bool {
    !size.starts_with('0') && !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit())
}

/// Why Firefox could not install this add-on as served, if it could not:
/// every attribute SystemAddons.rst requires, a hash it can verify, an exact
/// size and an absolute URL.
pub(crate) fn addon_problems(addon: &ServedAddon) -> Vec<String> {
    let mut problems = Vec::new();
    for name in ["id", "URL", "hashFunction", "hashValue", "version", "size"] {
        if addon.get(name).is_none_or(str::is_empty) {
            problems.push(format!("no {name}"));
        }
    }
    if let (Some(function), Some(value)) = (addon.get("hashFunction"), addon.get("hashValue")) {
        match digest_length(function) {
            None => problems.push(format!(
                "hashFunction {function:?} is none of sha256, sha384, sha512"
            )),
            Some(len) if value.len() != len || !value.bytes().all(|b| b.is_ascii_hexdigit()) => {
                problems.push(format!("hashValue {value:?} is not a {function} digest"));
            }
            Some(_) => {}
        }
    }
    if let Some(size) = addon.get("size")
        && !whole_bytes(size)
    {
        problems.push(format!("size {size:?} is not a whole number of bytes"));
    }
    if let Some(url) = addon.get("URL")
        && !absolute_url(url)
    {
        problems.push(format!("URL {url:?} is not absolute"));
    }
    problems
}

/// Why Firefox's updater could not act on this update as served, if it
/// could not (UpdateService: type major or minor; appVersion and buildID to
/// compare with the running build; patches of a known type with an exact
/// size; an unsupported notice needs detailsURL, which UpdateListener shows).
pub(crate) fn update_problems(update: &ServedUpdate) -> Vec<String> {
    let mut problems = Vec::new();
    let attr = |name: &str| update.attributes.get(name).map(String::as_str);
    match attr("type") {
        Some("major" | "minor") => {}
        other => problems.push(format!("type {other:?} is neither major nor minor")),
    }
    if attr("unsupported") == Some("true") {
        if attr("detailsURL").is_none_or(|u| !absolute_url(u)) {
            problems.push("an unsupported notice without an absolute detailsURL".to_owned());
        }
        return problems;
    }
    for name in ["appVersion", "buildID"] {
        if attr(name).is_none_or(str::is_empty) {
            problems.push(format!("no {name}"));
        }
    }
    if update.patches.is_empty() {
        problems.push("no <patch>".to_owned());
    }
    let mut kinds = Vec::new();
    for patch in &update.patches {
        let kind = patch.get("type").map(String::as_str);
        if !matches!(kind, Some("complete" | "partial")) {
            problems.push(format!(
                "patch type {kind:?} is neither complete nor partial"
            ));
        }
        if kinds.contains(&kind) {
            problems.push(format!("two patches of type {kind:?}"));
        }
        kinds.push(kind);
        if patch.get("size").is_none_or(|s| !whole_bytes(s)) {
            problems.push(format!(
                "patch size {:?} is not a whole number of bytes",
                patch.get("size")
            ));
        }
        if patch.get("URL").is_none_or(|u| !absolute_url(u)) {
            problems.push(format!("patch URL {:?} is not absolute", patch.get("URL")));
        }
    }
    problems
}
