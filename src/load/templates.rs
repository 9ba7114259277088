//! Release templates: `templates/<name>.yml` holds a release fragment; a
//! release (or another template) pulls templates in with `extends:`. Maps are
//! merged key by key, everything else is replaced, and the extending file's
//! own keys win. Merged nodes keep the place they were written, so problems in
//! a template's values are reported in the template.

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::source::{Key, Loc, Node, Value};

use super::fields;

/// Templates by name, resolved on first use.
pub(crate) struct Templates {
    raw: HashMap<String, (Node, Loc)>,
    resolved: HashMap<String, Option<Node>>,
}

impl Templates {
    pub(crate) fn new() -> Templates {
        Templates {
            raw: HashMap::new(),
            resolved: HashMap::new(),
        }
    }

    /// Adds a template; a second one with the same name is an error.
    pub(crate) fn add(&mut self, name: String, node: Node, file_loc: Loc, diags: &mut Diagnostics) {
        if let Some((_, first)) = self.raw.get(&name) {
            diags.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("two templates are named `{name}`"),
                )
                .at(file_loc, "this template")
                .note(*first, "the other one"),
            );
            return;
        }
        self.raw.insert(name, (node, file_loc));
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.raw.keys().map(String::as_str)
    }

    /// Resolves every template once, so that the result can be shared by
    /// threads loading releases.
    pub(crate) fn resolve_all(&mut self, diags: &mut Diagnostics) {
        let mut names: Vec<String> = self.raw.keys().cloned().collect();
        names.sort();
        for name in names {
            let mut stack = Vec::new();
            self.resolve(&name, &mut stack, diags);
        }
    }

    fn resolve(
        &mut self,
        name: &str,
        stack: &mut Vec<String>,
        diags: &mut Diagnostics,
    ) -> Option<Node> {
        if let Some(done) = self.resolved.get(name) {
            return done.clone();
        }
        let (node, file_loc) = self.raw.get(name)?.clone();
        if stack.iter().any(|n| n == name) {
            stack.push(name.to_owned());
            diags.push(
                Diagnostic::error(
                    Code::TemplateCycle,
                    format!(
                        "templates extend each other in a circle: {}",
                        stack.join(" → ")
                    ),
                )
                .at(file_loc, "this template is part of the circle"),
            );
            stack.pop();
            self.resolved.insert(name.to_owned(), None);
            return None;
        }
        stack.push(name.to_owned());
        let merged = self.apply_extends(node, stack, diags);
        stack.pop();
        self.resolved.insert(name.to_owned(), merged.clone());
        merged
    }

    fn apply_extends(
        &mut self,
        node: Node,
        stack: &mut Vec<String>,
        diags: &mut Diagnostics,
    ) -> Option<Node> {
        let (names, own) = split_extends(node, diags);
        let mut base: Option<Node> = None;
        for (name, loc) in names {
            if !self.raw.contains_key(&name) {
                let mut d = Diagnostic::error(
                    Code::UnknownTemplate,
                    format!("no template is named `{name}`"),
                )
                .at(loc, format!("expected a file `templates/{name}.yml`"));
                if let Some(s) = suggest(&name, self.names()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
                return None;
            }
            let template = self.resolve(&name, stack, diags)?;
            base = Some(match base {
                None => template,
                Some(b) => merge(b, template),
            });
        }
        Some(match base {
            None => own,
            Some(b) => merge(b, own),
        })
    }

    /// A release's document with its templates merged in.
    pub(crate) fn expand(&self, node: Node, diags: &mut Diagnostics) -> Option<Node> {
        let (names, own) = split_extends(node, diags);
        let mut base: Option<Node> = None;
        for (name, loc) in names {
            let template = match self.resolved.get(&name) {
                Some(Some(t)) => t.clone(),
                Some(None) => return None,
                None => {
                    let mut d = Diagnostic::error(
                        Code::UnknownTemplate,
                        format!("no template is named `{name}`"),
                    )
                    .at(loc, format!("expected a file `templates/{name}.yml`"));
                    if let Some(s) = suggest(&name, self.names()) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    diags.push(d);
                    return None;
                }
            };
            base = Some(match base {
                None => template,
                Some(b) => merge(b, template),
            });
        }
        Some(match base {
            None => own,
            Some(b) => merge(b, own),
        })
    }
}

/// Takes `extends` (a name or a list of names) out of a document.
fn split_extends(node: Node, diags: &mut Diagnostics) -> (Vec<(String, Loc)>, Node) {
    let Node {
        value: Value::Map(entries),
        loc,
    } = node
    else {
        return (Vec::new(), node);
    };
    let mut names = Vec::new();
    let mut rest = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if key.name != "extends" {
            rest.push((key, value));
            continue;
        }
        match &value.value {
            Value::Str(s) => names.push((s.clone(), value.loc)),
            Value::Seq(items) => {
                for item in items {
                    if let Some(s) = fields::string(item, "extends", diags) {
                        names.push((s, item.loc));
                    }
                }
            }
            _ => diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    "`extends` must name a template or list templates",
                )
                .at(value.loc, format!("found {}", value.kind())),
            ),
        }
    }
    (names, Node::new(Value::Map(rest), loc))
}

/// Deep merge: `over`'s values win; maps merge key by key.
pub(crate) fn merge(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut base_entries), Value::Map(over_entries)) => {
            for (key, value) in over_entries {
                match base_entries.iter().position(|(k, _)| k.name == key.name) {
                    Some(i) => {
                        let (_, old) = std::mem::replace(
                            &mut base_entries[i],
                            (
                                Key {
                                    name: String::new(),
                                    loc: Loc::NONE,
                                },
                                Node::new(Value::Null, Loc::NONE),
                            ),
                        );
                        base_entries[i] = (key, merge(old, value));
                    }
                    None => base_entries.push((key, value)),
                }
            }
            Node::new(Value::Map(base_entries), over.loc)
        }
        (_, value) => Node::new(value, over.loc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Sources, parse_yaml};

    fn node(sources: &mut Sources, name: &str, text: &str) -> Node {
        let id = sources.add(name, text);
        parse_yaml(id, text).unwrap()
    }

    #[test]
    fn releases_merge_over_chained_templates() {
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        let mut t = Templates::new();
        let base = node(
            &mut sources,
            "templates/base.yml",
            "hashFunction: sha512\nplatforms:\n  Linux: {OS_FTP: linux}\n",
        );
        let ember = node(
            &mut sources,
            "templates/ember.yml",
            "extends: base\nschema_version: 9\nplatforms:\n  Linux: {OS_BOUNCER: linux64}\n",
        );
        t.add("base".into(), base, Loc::NONE, &mut diags);
        t.add("ember".into(), ember, Loc::NONE, &mut diags);
        t.resolve_all(&mut diags);
        let rel = node(
            &mut sources,
            "releases/r.yml",
            "extends: ember\nappVersion: '2.0'\nplatforms:\n  Linux: {buildID: '1'}\n",
        );
        let merged = t.expand(rel, &mut diags).unwrap();
        assert!(diags.is_empty());
        let linux = merged.get("platforms").unwrap().get("Linux").unwrap();
        assert_eq!(linux.get("OS_FTP").unwrap().as_str(), Some("linux"));
        assert_eq!(linux.get("OS_BOUNCER").unwrap().as_str(), Some("linux64"));
        assert_eq!(linux.get("buildID").unwrap().as_str(), Some("1"));
        assert_eq!(merged.get("hashFunction").unwrap().as_str(), Some("sha512"));
        assert!(merged.get("extends").is_none());
        assert!(
            sources
                .position(merged.get("hashFunction").unwrap().loc)
                .starts_with("templates/base.yml:")
        );
    }

    #[test]
    fn unknown_templates_and_cycles_are_reported() {
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        let mut t = Templates::new();
        let a = node(&mut sources, "templates/a.yml", "extends: b\n");
        let b = node(&mut sources, "templates/b.yml", "extends: a\n");
        t.add("a".into(), a, Loc::NONE, &mut diags);
        t.add("b".into(), b, Loc::NONE, &mut diags);
        t.resolve_all(&mut diags);
        assert!(diags.iter().any(|d| d.code == Code::TemplateCycle));
        let rel = node(&mut sources, "releases/r.yml", "extends: embr\n");
        assert!(t.expand(rel, &mut diags).is_none());
        assert!(diags.iter().any(|d| d.code == Code::UnknownTemplate));
    }
}
