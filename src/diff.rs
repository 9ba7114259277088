//! `cinder diff`: two versions of a site evaluated over their parameter
//! spaces (the plans `build` would write), compared answer by answer, and
//! the changes grouped by product, channel and client version, old answer
//! to new answer, with counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::route::Param;
use crate::plan::Plan;
use crate::routing::{Answer, DirPart, Miss, Routing, Tree, TreeAnswer};
use crate::space::Space;

/// A change: the answers sharing product, channel, client version and the old
/// and new answer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Change {
    pub(crate) product: String,
    pub(crate) channel: String,
    pub(crate) from: String,
    pub(crate) before: String,
    pub(crate) after: String,
}

#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Each group with the number of answers (tree files) in it.
    pub(crate) changes: BTreeMap<Change, u64>,
    /// Answers for requests only one side's tree has any file for (not even
    /// a catch-all: new or dropped products, channels, routes); compared
    /// with the empty answer.
    pub(crate) answers_base: u64,
    pub(crate) answers_head: u64,
}

impl Report {
    pub(crate) fn changed(&self) -> u64 {
        self.changes.values().sum()
    }
}

/// A one-line summary of a response body: what the client is offered.
pub(crate) fn summarize(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.is_empty() {
        return "no update (404)".to_owned();
    }
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = text.find(tag)?;
        let rest = &text[start..];
        let end = rest.find('>').unwrap_or(rest.len());
        let element = &rest[..end];
        let key = format!(" {name}=\"");
        let at = element.find(&key)? + key.len();
        let value = &element[at..];
        Some(value[..value.find('"')?].to_owned())
    };
    if text.contains("<update ") {
        let version = attr("<update ", "appVersion")
            .or_else(|| attr("<update ", "version"))
            .or_else(|| attr("<update ", "displayVersion"))
            .unwrap_or_else(|| "?".to_owned());
        if attr("<update ", "unsupported").as_deref() == Some("true") {
            return format!("unsupported notice ({version})");
        }
        let build = attr("<update ", "buildID").unwrap_or_default();
        let partial = text.contains("type=\"partial\"");
        return format!(
            "update to {version}{}{}",
            if build.is_empty() {
                String::new()
            } else {
                format!(" ({build})")
            },
            if partial { " + partial" } else { "" }
        );
    }
    if text.contains("<addons>") || text.contains("<addons ") {
        let mut items = Vec::new();
        let mut rest = text.as_ref();
        while let Some(i) = rest.find("<addon ") {
            rest = &rest[i + 1..];
            let element = &rest[..rest.find('>').unwrap_or(rest.len())];
            let get = |name: &str| {
                let key = format!(" {name}=\"");
                element.find(&key).map(|a| {
                    let v = &element[a + key.len()..];
                    v[..v.find('"').unwrap_or(v.len())].to_owned()
                })
            };
            items.push(format!(
                "{}@{}",
                get("id").unwrap_or_default(),
                get("version").unwrap_or_default()
            ));
        }
        return if items.is_empty() {
            "no add-ons (remove all)".to_owned()
        } else {
            format!("add-ons {}", items.join(", "))
        };
    }
    if text.contains("<setting ") {
        return format!(
            "settings lastModified {}",
            attr("<setting ", "lastModified").unwrap_or_default()
        );
    }
    if text.trim_start().starts_with('{') {
        return format!("JSON {}", text.trim());
    }
    "no update".to_owned()
}

/// A planned tree, as the routing description looks files up in it.
struct Planned<'p>(&'p Plan);

impl<'p> Planned<'p> {
    fn body(&self, path: &str) -> Option<&'p [u8]> {
        self.0
            .files
            .binary_search_by(|(f, _)| f.as_str().cmp(path))
            .ok()
            .map(|i| &*self.0.body(self.0.files[i].1).bytes)
    }
}

impl Tree for Planned<'_> {
    fn has(&self, path: &str) -> bool {
        self.body(path).is_some()
    }
}

/// The body a tree serves for the request a tree path (of either side)
/// stands for, found as a web server finds it: the path's own file, its
/// plain file, its catch-all's; `None` when no directory holds an answer.
fn lookup<'p>(plan: &'p Plan, routing: &Routing, path: &str) -> Option<&'p [u8]> {
    let tree = Planned(plan);
    match routing.find_tree_path(path, &tree) {
        TreeAnswer::Found(Answer::File { path, .. }) => tree.body(&path),
        TreeAnswer::Found(Answer::NotFound { .. }) => Some(b""),
        TreeAnswer::Found(Answer::Empty) | TreeAnswer::Miss => None,
        // The files at the tree's root.
        TreeAnswer::OffRoute => tree.body(path),
    }
}

/// What a client gets when a tree has no answer for a tree path's request.
fn miss_body(routing: &Routing, path: &str) -> &'static [u8] {
    let json = routing
        .routes
        .iter()
        .find(|r| r.parse_tree_path(path).is_some())
        .is_some_and(|r| r.miss == Miss::NotFound);
    if json {
        b""
    } else {
        crate::render::EMPTY.as_bytes()
    }
}

/// Product, channel and client version of a tree path.
fn group_of(routing: &Routing, path: &str) -> (String, String, String) {
    let Some((route, parsed)) = routing
        .routes
        .iter()
        .find_map(|r| r.parse_tree_path(path).map(|p| (r, p)))
    else {
        return (String::new(), String::new(), path.to_owned());
    };
    let get = |p: Param, part: DirPart| {
        parsed
            .text(part)
            .map(str::to_owned)
            .or_else(|| route.fixed.get(&p).cloned())
            .unwrap_or_default()
    };
    let from = if parsed.is_catch_all() {
        "unlisted builds".to_owned()
    } else {
        get(Param::Version, DirPart::Build(Param::Version))
    };
    (
        get(Param::Product, DirPart::Value(Param::Product)),
        get(Param::Channel, DirPart::Value(Param::Channel)),
        from,
    )
}

/// Compares the trees of two sites.
pub(crate) fn compare(
    base_space: &Space<'_>,
    base: &Plan,
    head_space: &Space<'_>,
    head: &Plan,
) -> Report {
    let mut report = Report::default();
    let (base_routing, head_routing) = (Routing::new(base_space), Routing::new(head_space));
    let mut note = |routing: &Routing, path: &str, old: &[u8], new: &[u8]| {
        if old == new {
            return;
        }
        let (product, channel, from) = group_of(routing, path);
        let group = Change {
            product,
            channel,
            from,
            before: summarize(old),
            after: summarize(new),
        };
        *report.changes.entry(group).or_default() += 1;
    };
    for (path, id) in &head.files {
        let new = &*head.body(*id).bytes;
        let old = match lookup(base, &base_routing, path) {
            Some(old) => old,
            None => {
                report.answers_head += 1;
                miss_body(&base_routing, path)
            }
        };
        note(&head_routing, path, old, new);
    }
    for (path, id) in &base.files {
        if head
            .files
            .binary_search_by(|(f, _)| f.as_str().cmp(path))
            .is_ok()
        {
            continue;
        }
        let old = &*base.body(*id).bytes;
        let new = lookup(head, &head_routing, path).unwrap_or_else(|| {
            report.answers_base += 1;
            miss_body(&head_routing, path)
        });
        note(&base_routing, path, old, new);
    }
    report
}

/// The report as aligned text.
pub(crate) fn text(report: &Report, base: &str, head: &str) -> String {
    let mut out = String::new();
    if report.changes.is_empty() {
        let _ = writeln!(out, "no answer changes between {base} and {head}");
        return out;
    }
    let _ = writeln!(
        out,
        "{} answers change between {base} and {head}:",
        report.changed()
    );
    let mut last = (String::new(), String::new());
    for (g, n) in &report.changes {
        if last != (g.product.clone(), g.channel.clone()) {
            let _ = writeln!(out, "\n{} on {}", g.product, g.channel);
            last = (g.product.clone(), g.channel.clone());
        }
        let _ = writeln!(
            out,
            "  from {:<16} {:>7} × {} → {}",
            g.from, n, g.before, g.after
        );
    }
    footnote(&mut out, report);
    out
}

/// The report as a pull-request comment.
pub(crate) fn markdown(report: &Report, base: &str, head: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### cinder diff: `{base}` → `{head}`\n");
    if report.changes.is_empty() {
        let _ = writeln!(out, "No client's answer changes.");
        return out;
    }
    let _ = writeln!(
        out,
        "**{} answers change.** Each row is a group of clients (one answer per tree file: build, locale, OS and capability class, query variant).\n",
        report.changed()
    );
    let _ = writeln!(
        out,
        "| product | channel | from version | before | after | answers |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---:|");
    let cell = |s: &str| s.replace('|', "\\|");
    for (g, n) in &report.changes {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {n} |",
            cell(&g.product),
            cell(&g.channel),
            cell(&g.from),
            cell(&g.before),
            cell(&g.after)
        );
    }
    out.push('\n');
    footnote(&mut out, report);
    out
}

fn footnote(out: &mut String, report: &Report) {
    if report.answers_head > 0 {
        let _ = writeln!(
            out,
            "\n{} answers are new (requests the base's tree has no file for; compared with the empty answer).",
            report.answers_head
        );
    }
    if report.answers_base > 0 {
        let _ = writeln!(
            out,
            "{} answers are gone (requests the new tree has no file for; they get the empty answer).",
            report.answers_base
        );
    }
}
