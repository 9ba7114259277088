//! App release blobs, schemas 1 to 9: top-level values, `fileUrls`,
//! `ftpFilenames` / `bouncerProducts`, platforms (with aliases), locales,
//! patches, and V9's `updateLine`.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Diagnostics, or_ticked};
use crate::model::release::{
    AppRelease, FileUrls, Locale, NameTable, Patch, Platform, PlatformData, UpdateLineGroup,
    UrlBlock, UrlTemplate,
};
use crate::model::scalar::Scalar;
use crate::model::version::MozVersion;
use crate::render::app::update_attributes;
use crate::source::{Node, Value};

use super::super::fields::{self, Fields};
use super::super::segments::Segments;
use super::{META_FIELDS, hash, hash_function, is_url_field, link, scalar, size};
use crate::model::route::Param;

/// Top-level fields of each app schema, besides the optional `<update>`
/// attributes and cinder's own fields.
fn top_fields(schema: u8) -> Vec<&'static str> {
    let mut v = vec![
        "hashFunction",
        "platforms",
        "fileUrls",
        "detailsUrl",
        "licenseUrl",
    ];
    match schema {
        1 => v.extend([
            "appv",
            "extv",
            "oldVersionSpecialCases",
            "ftpFilenames",
            "bouncerProducts",
            "fakePartials",
        ]),
        2 | 3 => v.extend([
            "appVersion",
            "displayVersion",
            "platformVersion",
            "ftpFilenames",
            "bouncerProducts",
            "fakePartials",
        ]),
        4 | 5 => v.extend(["appVersion", "displayVersion", "platformVersion"]),
        6 | 8 => v.extend(["appVersion", "displayVersion"]),
        _ => v.extend(["appVersion", "displayVersion", "updateLine"]),
    }
    v.extend(update_attributes(schema));
    v.extend(META_FIELDS);
    v
}

/// Values that may be set per locale, overriding the top level.
fn locale_values(schema: u8) -> &'static [&'static str] {
    match schema {
        1 => &["appv", "extv"],
        6 | 8 | 9 => &["appVersion", "displayVersion"],
        _ => &["appVersion", "displayVersion", "platformVersion"],
    }
}

/// The field holding the version clients are compared against.
fn version_field(schema: u8) -> &'static str {
    if schema == 1 { "extv" } else { "appVersion" }
}

pub(super) fn load(
    f: &mut Fields<'_>,
    schema: u8,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Option<AppRelease> {
    let single = schema <= 2;
    let mut app = AppRelease {
        schema,
        hash_function: f
            .value("hashFunction")
            .and_then(|n| hash_function(n, diags)),
        top: BTreeMap::new(),
        old_version_special_cases: false,
        file_urls: FileUrls::None,
        ftp_filenames: NameTable::None,
        bouncer_products: NameTable::None,
        platforms: BTreeMap::new(),
        update_line: Vec::new(),
    };
    let mut scalars: Vec<&str> = vec!["detailsUrl", "licenseUrl"];
    scalars.extend(locale_values(schema));
    scalars.extend(update_attributes(schema));
    for key in scalars {
        if let Some(n) = f.get(key) {
            let value = scalar(n, key, diags);
            if is_url_field(key) {
                link(n, key, diags);
            }
            if key == version_field(schema) || key == "appv" {
                check_version(n, key, segs, diags);
            }
            app.top.insert(key.to_owned(), value);
        }
    }
    if let Some(n) = f.value("oldVersionSpecialCases") {
        app.old_version_special_cases =
            fields::boolean(n, "oldVersionSpecialCases", diags).unwrap_or(false);
    }
    f.get("fakePartials");
    if let Some(n) = f.value("fileUrls") {
        app.file_urls = if schema <= 3 {
            per_channel_urls(n, diags)
        } else {
            url_blocks(n, diags)
        };
    }
    for (key, table) in [
        ("ftpFilenames", &mut app.ftp_filenames),
        ("bouncerProducts", &mut app.bouncer_products),
    ] {
        if let Some(n) = f.value(key) {
            *table = name_table(n, key, single, diags);
        }
    }
    if schema == 9
        && let Some(n) = f.value("updateLine")
    {
        app.update_line = update_line(n, diags);
    }
    match f.required("platforms", diags) {
        Some(n) => {
            if let Some(entries) = fields::entries(n, "platforms", diags) {
                for (key, value) in entries {
                    segs.check(Param::BuildTarget, &key.name, key.loc, diags);
                    if let Some(p) = platform(value, &key.name, schema, segs, diags) {
                        app.platforms.insert(key.name.clone(), p);
                    }
                }
            }
        }
        None => return None,
    }
    f.finish(&top_fields(schema), diags);
    Some(app)
}

/// A version Balrog must be able to parse, or every request reaching the
/// release is a 400; clients of it are answered from a directory named
/// after it.
fn check_version(n: &Node, key: &str, segs: &mut Segments, diags: &mut Diagnostics) {
    match &n.value {
        Value::Str(s) => {
            if let Err(e) = MozVersion::parse_strict(s) {
                diags.push(
                    fields::invalid(n, format!("`{key}` `{s}`: {e}"), "Balrog answers 400 to every client it compares with this")
                        .help("write an app version such as `128.0`, `128.0.3`, `130.0a1` or `3.6b3`; betas are `129.0` with a displayVersion of `129.0 Beta 5`"),
                );
            } else {
                segs.check(Param::Version, s, n.loc, diags);
            }
        }
        Value::Null => {}
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`{key}` must be a string, found {}", n.kind()),
                )
                .at(n.loc, "Balrog cannot compare a number as a version")
                .help("YAML reads this unquoted value as a number; put it in quotes"),
            );
        }
    }
}

fn per_channel_urls(n: &Node, diags: &mut Diagnostics) -> FileUrls {
    let mut out = BTreeMap::new();
    if let Some(entries) = fields::entries(n, "fileUrls", diags) {
        for (channel, value) in entries {
            if let Some(text) = fields::string(value, "fileUrls", diags) {
                out.insert(
                    channel.name.clone(),
                    UrlTemplate {
                        text,
                        loc: value.loc,
                    },
                );
            }
        }
    }
    FileUrls::PerChannel(out)
}

fn url_blocks(n: &Node, diags: &mut Diagnostics) -> FileUrls {
    let mut out = BTreeMap::new();
    if let Some(entries) = fields::entries(n, "fileUrls", diags) {
        for (channel, value) in entries {
            let Some(mut f) =
                Fields::new(value, format!("`fileUrls` block `{}`", channel.name), diags)
            else {
                continue;
            };
            let mut block = UrlBlock {
                non_empty: value.value != Value::Map(Vec::new()),
                ..UrlBlock::default()
            };
            for (key, target) in [
                ("completes", &mut block.completes),
                ("partials", &mut block.partials),
            ] {
                if let Some(m) = f.value(key)
                    && let Some(entries) = fields::entries(m, key, diags)
                {
                    for (from, url) in entries {
                        if let Some(text) = fields::string(url, key, diags) {
                            target.insert(from.name.clone(), UrlTemplate { text, loc: url.loc });
                        }
                    }
                }
            }
            f.finish(&["completes", "partials"], diags);
            out.insert(channel.name.clone(), block);
        }
    }
    FileUrls::Blocks(out)
}

fn name_table(n: &Node, field: &str, single: bool, diags: &mut Diagnostics) -> NameTable {
    let Some(mut f) = Fields::new(n, format!("`{field}`"), diags) else {
        return NameTable::None;
    };
    if single {
        let mut out = BTreeMap::new();
        for key in ["complete", "partial"] {
            if let Some(v) = f.value(key).and_then(|v| fields::string(v, key, diags)) {
                out.insert(key.to_owned(), v);
            }
        }
        f.finish(&["complete", "partial"], diags);
        NameTable::Single(out)
    } else {
        let mut out = BTreeMap::new();
        for key in ["completes", "partials"] {
            if let Some(v) = f.value(key)
                && let Some(entries) = fields::entries(v, key, diags)
            {
                let mut by_from = BTreeMap::new();
                for (from, name) in entries {
                    if let Some(name) = fields::string(name, key, diags) {
                        by_from.insert(from.name.clone(), name);
                    }
                }
                out.insert(key.to_owned(), by_from);
            }
        }
        f.finish(&["completes", "partials"], diags);
        NameTable::ByFrom(out)
    }
}

fn platform(
    n: &Node,
    name: &str,
    schema: u8,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Option<Platform> {
    let mut f = Fields::new(n, format!("platform `{name}`"), diags)?;
    if let Some(alias) = f.value("alias") {
        let target = fields::name(alias, "alias", diags)?;
        f.finish(&["alias"], diags);
        return Some(Platform::Alias {
            target,
            loc: alias.loc,
        });
    }
    let mut data = PlatformData {
        loc: n.loc,
        ..PlatformData::default()
    };
    data.build_id = f.value("buildID").and_then(|b| build_id(b, segs, diags));
    data.os_ftp = f
        .value("OS_FTP")
        .and_then(|v| fields::string(v, "OS_FTP", diags));
    data.os_bouncer = f
        .value("OS_BOUNCER")
        .and_then(|v| fields::string(v, "OS_BOUNCER", diags));
    if let Some(locales) = f.value("locales")
        && let Some(entries) = fields::entries(locales, "locales", diags)
    {
        let mut out = BTreeMap::new();
        for (key, value) in entries {
            segs.check(Param::Locale, &key.name, key.loc, diags);
            if let Some(l) = locale(value, &key.name, schema, segs, diags) {
                out.insert(key.name.clone(), l);
            }
        }
        data.locales = Some(out);
    }
    f.finish(
        &["alias", "buildID", "OS_FTP", "OS_BOUNCER", "locales"],
        diags,
    );
    Some(Platform::Build(Box::new(data)))
}

/// A buildID: Balrog compares buildIDs as strings, and a number makes
/// same-version requests fail with a 500 (and partials never match).
fn build_id(n: &Node, segs: &mut Segments, diags: &mut Diagnostics) -> Option<Scalar> {
    match &n.value {
        Value::Str(s) => {
            segs.check(Param::BuildId, s, n.loc, diags);
            Some(Scalar::Str(s.clone()))
        }
        Value::Int(i) => {
            diags.push(
                Diagnostic::error(Code::NumericBuildId, format!("buildID {i} is a number"))
                    .at(n.loc, "Balrog compares buildIDs as strings")
                    .help(format!("quote it: `buildID: \"{i}\"`")),
            );
            Some(Scalar::Int(*i))
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`buildID` must be a string, found {}", n.kind()),
                )
                .at(n.loc, "expected a buildID such as \"20240725162350\""),
            );
            None
        }
    }
}

fn locale(
    n: &Node,
    name: &str,
    schema: u8,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Option<Locale> {
    let mut f = Fields::new(n, format!("locale `{name}`"), diags)?;
    let mut l = Locale {
        ..Locale::default()
    };
    l.build_id = f.value("buildID").and_then(|b| build_id(b, segs, diags));
    for key in locale_values(schema) {
        if let Some(v) = f.get(key) {
            if *key == version_field(schema) || *key == "appv" {
                check_version(v, key, segs, diags);
            }
            let value = scalar(v, key, diags);
            l.overrides.insert((*key).to_owned(), value);
        }
    }
    let mut known: Vec<&str> = vec!["buildID"];
    known.extend(locale_values(schema));
    if schema >= 2 {
        known.push("isOSUpdate");
        if let Some(v) = f.value("isOSUpdate") {
            l.is_os_update = match &v.value {
                Value::Bool(b) => *b,
                _ => fields::boolean(v, "isOSUpdate", diags).unwrap_or(false),
            };
        }
    }
    if schema <= 2 {
        known.extend(["complete", "partial"]);
        for (key, list) in [("complete", &mut l.completes), ("partial", &mut l.partials)] {
            if let Some(p) = f.value(key).and_then(|p| patch(p, key, schema, diags)) {
                list.push(p);
            }
        }
    } else {
        known.extend(["completes", "partials"]);
        for (key, list) in [
            ("completes", &mut l.completes),
            ("partials", &mut l.partials),
        ] {
            if let Some(items) = f.value(key).and_then(|p| fields::items(p, key, diags)) {
                list.extend(items.iter().filter_map(|p| patch(p, key, schema, diags)));
            }
        }
    }
    f.finish(&known, diags);
    Some(l)
}

fn patch(n: &Node, kind: &str, schema: u8, diags: &mut Diagnostics) -> Option<Patch> {
    let mut f = Fields::new(n, format!("a `{kind}` patch"), diags)?;
    let from_node = f.required("from", diags);
    let from_loc = from_node.map_or(n.loc, |v| v.loc);
    let from = from_node.and_then(|v| fields::name(v, "from", diags));
    let filesize = f
        .required("filesize", diags)
        .and_then(|v| size(v, "filesize", diags));
    let hash_value = f
        .required("hashValue", diags)
        .and_then(|v| hash(v, "hashValue", diags));
    let file_url = f
        .value("fileUrl")
        .and_then(|v| fields::string(v, "fileUrl", diags));
    let mut known = vec!["from", "filesize", "hashValue", "fileUrl"];
    let bin_trans_inclusion_proof = if schema >= 8 {
        known.push("binTransInclusionProof");
        f.value("binTransInclusionProof")
            .and_then(|v| scalar(v, "binTransInclusionProof", diags))
    } else {
        None
    };
    f.finish(&known, diags);
    Some(Patch {
        from: from?,
        from_release: None,
        filesize: filesize?,
        hash_value: hash_value?,
        file_url,
        bin_trans_inclusion_proof,
        loc: n.loc,
        from_loc,
    })
}

/// The conditions a V9 `updateLine` group may test, and the fields it may set.
pub(crate) const UPDATE_LINE_CONDITIONS: &[&str] = &["channels", "locales", "versions", "buildIDs"];
pub(crate) const UPDATE_LINE_FIELDS: &[&str] = &[
    "type",
    "detailsURL",
    "actions",
    "openURL",
    "notificationURL",
    "alertURL",
    "showPrompt",
    "showNeverForVersion",
    "promptWaitTime",
    "disableBITS",
    "disableBackgroundUpdates",
];

fn update_line(n: &Node, diags: &mut Diagnostics) -> Vec<UpdateLineGroup> {
    let Some(items) = fields::items(n, "updateLine", diags) else {
        return Vec::new();
    };
    let mut groups = Vec::new();
    for item in items {
        let Some(mut f) = Fields::new(item, "an `updateLine` group", diags) else {
            continue;
        };
        let mut conditions = Vec::new();
        if let Some(cond) = f.value("for")
            && let Some(mut c) = Fields::new(cond, "`for`", diags)
        {
            for key in UPDATE_LINE_CONDITIONS {
                if let Some(v) = c
                    .value(key)
                    .and_then(|v| fields::string_list(v, key, diags))
                {
                    conditions.push(((*key).to_owned(), v));
                }
            }
            c.finish(UPDATE_LINE_CONDITIONS, diags);
        }
        let mut set = Vec::new();
        if let Some(values) = f.value("fields")
            && let Some(entries) = fields::entries(values, "fields", diags)
        {
            for (key, value) in entries {
                if !UPDATE_LINE_FIELDS.contains(&key.name.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            Code::UnknownField,
                            format!("`updateLine` cannot set `{}`", key.name),
                        )
                        .at(key.loc, "not an update attribute")
                        .help(format!("the fields are {}", or_ticked(UPDATE_LINE_FIELDS))),
                    );
                    continue;
                }
                if let Some(v) = scalar(value, &key.name, diags) {
                    if is_url_field(&key.name) {
                        link(value, &key.name, diags);
                    }
                    set.push((key.name.clone(), v));
                }
            }
        }
        f.finish(&["for", "fields"], diags);
        groups.push(UpdateLineGroup {
            conditions,
            fields: set,
        });
    }
    groups
}
