//! `releases/**/*.yml`: one release per file, a Balrog blob plus cinder's
//! `name`, `product` and `extends`. This checks each blob against its
//! schema and builds the typed release.

mod addons;
mod app;
mod desupport;
mod guardian;
mod settings;
mod superblob;

use crate::diag::{Code, Diagnostic, Diagnostics, or_ticked};
use crate::model::release::{Blob, Release};
use crate::model::scalar::Scalar;
use crate::source::{Node, Value};

use super::fields::{self, Fields};
use super::segments::{self, Segments};

/// cinder's own fields, allowed in every release.
pub(crate) const META_FIELDS: &[&str] = &["name", "product", "schema_version"];

/// The schema numbers cinder reads, with what they are.
pub(crate) const SCHEMAS: &[(i64, &str)] = &[
    (1, "app release, version 1"),
    (2, "app release, version 2"),
    (3, "app release, version 3"),
    (4, "app release, version 4"),
    (5, "app release, version 5"),
    (6, "app release, version 6"),
    (8, "app release, version 8"),
    (9, "app release, version 9"),
    (50, "Desupport"),
    (1000, "GMP"),
    (2000, "Settings (security policy)"),
    (4000, "SuperBlob"),
    (5000, "SystemAddons"),
    (6000, "optional features"),
    (10000, "Guardian"),
];

/// Reads one release document (its templates already merged in).
/// `default_name` is the file name without extension.
pub(crate) fn load_release(
    node: &Node,
    default_name: &str,
    segs: &mut Segments,
    diags: &mut Diagnostics,
) -> Option<Release> {
    let name_node = node.get("name").filter(|n| n.value != Value::Null);
    let name = name_node
        .and_then(|n| fields::name(n, "name", diags))
        .unwrap_or_else(|| default_name.to_owned());
    segments::check(
        &name,
        "release name",
        name_node.map_or(node.loc, |n| n.loc),
        diags,
    );
    let mut f = Fields::new(node, format!("release `{name}`"), diags)?;
    f.get("name");
    let product = f
        .value("product")
        .and_then(|n| fields::name(n, "product", diags))
        .unwrap_or_default();
    let before = diags.errors();
    let schema_node = f.required("schema_version", diags)?;
    let schema = fields::integer(schema_node, "schema_version", diags)?;
    let blob = match schema {
        1..=6 | 8 | 9 => app::load(&mut f, u8::try_from(schema).unwrap_or(1), segs, diags)
            .map(|a| Blob::App(Box::new(a))),
        50 => desupport::desupport(&mut f, diags).map(Blob::Desupport),
        1000 => addons::gmp(&mut f, diags).map(Blob::Gmp),
        2000 => Some(Blob::Settings(settings::settings(&mut f, diags))),
        4000 => superblob::superblob(&mut f, diags).map(Blob::Super),
        5000 => Some(Blob::SystemAddons(addons::system_addons(&mut f, diags))),
        6000 => Some(Blob::Features(addons::features(&mut f, diags))),
        10000 => guardian::guardian(&mut f, segs, diags).map(Blob::Guardian),
        other => {
            let known: Vec<String> = SCHEMAS
                .iter()
                .map(|(n, what)| format!("{n} ({what})"))
                .collect();
            let note = if other == 7 {
                "; Balrog never maps schema 7"
            } else {
                ""
            };
            diags.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`schema_version` {other} is not a schema cinder knows{note}"),
                )
                .at(schema_node.loc, "unknown schema")
                .help(format!("use one of {}", or_ticked(&known))),
            );
            f.consume_all();
            None
        }
    };
    if diags.errors() > before {
        return None;
    }
    Some(Release {
        name,
        product,
        loc: node.loc,
        blob: blob?,
        expires: Vec::new(),
    })
}

/// A scalar value (string, number or boolean); null reads as `None`.
pub(crate) fn scalar(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<Scalar> {
    match &node.value {
        Value::Str(s) => Some(Scalar::Str(s.clone())),
        Value::Int(i) => Some(Scalar::Int(*i)),
        Value::Float(x) => Some(Scalar::Float(*x)),
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Null => None,
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`{field}` must be a single value, found {}", node.kind()),
                )
                .at(node.loc, "expected a string, number or boolean"),
            );
            None
        }
    }
}

/// A size in bytes: an integer, or a string of digits as Balrog allows.
pub(crate) fn size(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<Scalar> {
    let value = scalar(node, field, diags)?;
    let ok = match &value {
        Scalar::Int(i) => *i >= 0,
        Scalar::Str(s) => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    };
    if !ok {
        diags.push(fields::invalid(
            node,
            format!("`{field}` must be a size in bytes"),
            "expected a whole number of bytes",
        ));
        return None;
    }
    Some(value)
}

/// A hash value: a string (Balrog takes what it is given; cinder lints hex later).
pub(crate) fn hash(node: &Node, field: &str, diags: &mut Diagnostics) -> Option<Scalar> {
    match &node.value {
        Value::Str(s) => Some(Scalar::Str(s.clone())),
        Value::Int(_) => scalar(node, field, diags),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`{field}` must be a string, found {}", node.kind()),
                )
                .at(node.loc, "expected the hash as hexadecimal text"),
            );
            None
        }
    }
}

/// The hash functions clients check downloads with.
pub(crate) const HASH_FUNCTIONS: &[&str] = &["sha1", "sha256", "sha384", "sha512"];

/// A `hashFunction`: any value is served (as Balrog does), but one clients
/// do not know makes them reject every download.
pub(crate) fn hash_function(node: &Node, diags: &mut Diagnostics) -> Option<Scalar> {
    let value = scalar(node, "hashFunction", diags)?;
    let known = value
        .as_str()
        .is_some_and(|f| HASH_FUNCTIONS.iter().any(|h| f.eq_ignore_ascii_case(h)));
    if !known {
        diags.push(
            Diagnostic::warning(
                Code::UnknownHashFunction,
                format!(
                    "`hashFunction` `{}` is not a hash function clients check downloads with",
                    value.python_str()
                ),
            )
            .at(node.loc, "clients reject the download")
            .help(format!("use one of {}", or_ticked(HASH_FUNCTIONS))),
        );
    }
    Some(value)
}

/// Whether a field holds a URL (`detailsUrl`, `openURL`, ...).
pub(crate) fn is_url_field(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with("url")
}

/// The scheme of a URL (before its first `:`), when it has one.
pub(crate) fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    valid.then_some(scheme)
}

/// A warning for a URL clients are sent to that is not `http(s):`, written
/// at `node` (a string that may hold `%LOCALE%`-style parts).
pub(crate) fn link(node: &Node, field: &str, diags: &mut Diagnostics) {
    if let Value::Str(url) = &node.value
        && let Some(d) = url_scheme(url, field, node.loc)
    {
        diags.push(d);
    }
}

/// The `url-scheme` warning for `url`, if it needs one.
pub(crate) fn url_scheme(url: &str, what: &str, loc: crate::source::Loc) -> Option<Diagnostic> {
    let trimmed = url.trim_start();
    let ok = match scheme(trimmed) {
        Some(s) => s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"),
        // A template whose scheme is filled in, or a relative URL.
        None => true,
    };
    (!ok).then(|| {
        Diagnostic::warning(
            Code::UrlScheme,
            format!(
                "{what} has URL `{}`, which is not `http:` or `https:`",
                crate::segment::shown(url)
            ),
        )
        .at(loc, "clients are sent here")
        .help("clients download and open only web addresses: write an `https://` URL")
    })
}

/// A kind's own fields and cinder's fields of every release.
pub(super) fn with_meta(fields: &[&'static str]) -> Vec<&'static str> {
    let mut v = fields.to_vec();
    v.extend(META_FIELDS);
    v
}
