//! `cinder diff`: two versions of a site evaluated over their parameter
//! spaces (the plans `build` would write), compared answer by answer, and
//! the changes grouped by product, channel and client version, old answer
//! to new answer, with counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::route::{Param, Segment};
use crate::plan::Plan;
use crate::space::{CATCH_ALL_SEGMENT, Space, match_route};

/// Changed answers sharing product, channel, client version and the old
/// and new answer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Group {
    pub(crate) product: String,
    pub(crate) channel: String,
    pub(crate) from: String,
    pub(crate) before: String,
    pub(crate) after: String,
}

#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Each group with the number of answers (tree files) in it.
    pub(crate) changes: BTreeMap<Group, u64>,
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

/// The plain file of a variant file (`update.f1.xml` → `update.xml`).
fn plain(path: &str) -> Option<String> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = name.split('.').next()?;
    let ext = name.rsplit('.').next()?;
    let plain_name = format!("{stem}.{ext}");
    (plain_name != name).then(|| {
        if dir.is_empty() {
            plain_name
        } else {
            format!("{dir}/{plain_name}")
        }
    })
}

/// The catch-all path of a build's path (version and buildID as `_`),
/// where a tree answers builds it does not list.
fn catch_all(space: &Space<'_>, path: &str) -> Option<String> {
    let url = format!("/{path}");
    let rs = space.route_of(&url)?;
    let parts: Vec<&str> = path
        .split('/')
        .zip(&rs.route.segments)
        .map(|(part, seg)| match seg {
            Segment::Param(Param::Version | Param::BuildId) => CATCH_ALL_SEGMENT,
            _ => part,
        })
        .collect();
    let candidate = parts.join("/");
    (candidate != path).then_some(candidate)
}

/// The body a tree serves for `path`: its file, the plain answer a variant
/// falls back to, or the catch-all for builds it does not list.
fn lookup<'p>(plan: &'p Plan, space: &Space<'_>, path: &str) -> Option<&'p [u8]> {
    let find = |p: &str| {
        plan.files
            .binary_search_by(|(f, _)| f.as_str().cmp(p))
            .ok()
            .map(|i| &*plan.body(plan.files[i].1).bytes)
    };
    let with_plain = |p: &str| find(p).or_else(|| plain(p).and_then(|q| find(&q)));
    with_plain(path).or_else(|| catch_all(space, path).and_then(|c| with_plain(&c)))
}

/// Product, channel and client version of a tree path.
fn group_of(space: &Space<'_>, path: &str) -> (String, String, String) {
    let url = format!("/{}", plain(path).unwrap_or_else(|| path.to_owned()));
    let Some(rs) = space.route_of(&url) else {
        return (String::new(), String::new(), path.to_owned());
    };
    let Some(values) = match_route(&rs.route, &url) else {
        return (String::new(), String::new(), path.to_owned());
    };
    let get = |p: Param| {
        values
            .get(&p)
            .map(|v| (*v).to_owned())
            .or_else(|| rs.route.fixed.get(&p).cloned())
            .unwrap_or_default()
    };
    let version = get(Param::Version);
    let from = if version == CATCH_ALL_SEGMENT {
        "unlisted builds".to_owned()
    } else {
        version
    };
    (get(Param::Product), get(Param::Channel), from)
}

/// Compares the trees of two sites.
pub(crate) fn compare(
    base_space: &Space<'_>,
    base: &Plan,
    head_space: &Space<'_>,
    head: &Plan,
) -> Report {
    let mut report = Report::default();
    let empty = crate::render::EMPTY.as_bytes();
    let mut note = |space: &Space<'_>, path: &str, old: &[u8], new: &[u8]| {
        if old == new {
            return;
        }
        let (product, channel, from) = group_of(space, path);
        let group = Group {
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
        let old = match lookup(base, base_space, path) {
            Some(old) => old,
            None => {
                report.answers_head += 1;
                empty
            }
        };
        note(head_space, path, old, new);
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
        let new = lookup(head, head_space, path).unwrap_or_else(|| {
            report.answers_base += 1;
            empty
        });
        note(base_space, path, old, new);
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
