//! `<addon>` lines: GMP plugins (with mirrors), system add-ons, and cinder's
//! optional features (with `optIn`), all in the shape Firefox's add-on
//! checkers read.

use std::borrow::Cow;

use crate::engine::error::EngineError;
use crate::model::Site;
use crate::model::config::Allowlist;
use crate::model::release::{Addon, AddonFile, AddonPlatform, Addons, Features};
use crate::model::scalar::Scalar;

use super::xml::tag;

/// The file an add-on offers a build target: the target's own entry (one
/// alias level), else `default`; as in Balrog, a `default` or alias that
/// points at another alias has no file.
fn file_for<'a>(addon: &'a Addon, bt: &str) -> Result<Option<&'a AddonFile>, EngineError> {
    let key = if addon.platforms.contains_key(bt) {
        bt
    } else {
        "default"
    };
    let Some(entry) = addon.platforms.get(key) else {
        return Ok(None);
    };
    let entry = match entry {
        AddonPlatform::Alias(target) => addon.platforms.get(target).ok_or_else(|| {
            EngineError::Internal(format!("platform alias `{target}` names no platform"))
        })?,
        file @ AddonPlatform::File(_) => file,
    };
    match entry {
        AddonPlatform::File(f) => Ok(Some(f)),
        AddonPlatform::Alias(_) => Err(EngineError::Internal(
            "a platform alias points at another alias".to_owned(),
        )),
    }
}

fn addon_tag(
    id: &str,
    file: &AddonFile,
    hash_function: Option<&Scalar>,
    version: &Scalar,
    close: bool,
) -> String {
    tag(
        8,
        "addon",
        [
            ("id", Some(Cow::Borrowed(id))),
            ("URL", Some(Cow::Borrowed(file.file_url.as_str()))),
            (
                "hashFunction",
                hash_function.map(|h| Cow::Owned(h.python_str())),
            ),
            ("hashValue", Some(Cow::Owned(file.hash_value.python_str()))),
            ("size", Some(Cow::Owned(file.filesize.python_str()))),
            ("version", Some(Cow::Owned(version.python_str()))),
        ],
        close,
    )
}

/// GMP: each vendor (sorted by id) whose file is allowed, with its allowed mirrors.
pub(crate) fn gmp_lines(
    gmp: &Addons,
    bt: &str,
    product: &str,
    allow: &Allowlist,
) -> Result<Vec<String>, EngineError> {
    let mut lines = Vec::new();
    for (id, addon) in &gmp.addons {
        if !addon.serves(bt) {
            continue;
        }
        let Some(file) = file_for(addon, bt)? else {
            continue;
        };
        if allow.is_forbidden(&file.file_url, product) {
            continue;
        }
        let mirrors: Vec<&String> = file
            .mirror_urls
            .iter()
            .filter(|m| !allow.is_forbidden(m, product))
            .collect();
        if mirrors.is_empty() {
            lines.push(addon_tag(
                id,
                file,
                gmp.hash_function.as_ref(),
                &addon.version,
                true,
            ));
        } else {
            lines.push(addon_tag(
                id,
                file,
                gmp.hash_function.as_ref(),
                &addon.version,
                false,
            ));
            for m in mirrors {
                lines.push(tag(
                    12,
                    "mirror",
                    [("URL", Some(Cow::Borrowed(m.as_str())))],
                    true,
                ));
            }
            lines.push("        </addon>".to_owned());
        }
    }
    Ok(lines)
}

/// System add-ons: each add-on (sorted by id) whose file is allowed.
pub(crate) fn system_addon_lines(
    addons: &Addons,
    bt: &str,
    product: &str,
    allow: &Allowlist,
) -> Result<Vec<String>, EngineError> {
    let mut lines = Vec::new();
    for (id, addon) in &addons.addons {
        if !addon.serves(bt) {
            continue;
        }
        let Some(file) = file_for(addon, bt)? else {
            continue;
        };
        if allow.is_forbidden(&file.file_url, product) {
            continue;
        }
        lines.push(addon_tag(
            id,
            file,
            addons.hash_function.as_ref(),
            &addon.version,
            true,
        ));
    }
    Ok(lines)
}

/// Optional features for the client's platform and locale, in the order
/// written; opt-in packages are marked `optIn="true"`.
pub(crate) fn feature_lines(
    site: &Site,
    features: &Features,
    bt: &str,
    locale: &str,
    product: &str,
) -> Vec<String> {
    let allow = &site.config.allowlist;
    features
        .packages
        .iter()
        .filter(|f| f.platforms.is_empty() || f.platforms.iter().any(|p| p == bt))
        .filter(|f| f.locales.is_empty() || f.locales.iter().any(|l| l == locale))
        .filter(|f| !allow.is_forbidden(&f.url, product))
        .map(|f| {
            let hash_function = f.hash_function.as_ref().or(features.hash_function.as_ref());
            tag(
                8,
                "addon",
                [
                    ("id", Some(Cow::Borrowed(f.id.as_str()))),
                    ("URL", Some(Cow::Borrowed(f.url.as_str()))),
                    (
                        "hashFunction",
                        hash_function.map(|h| Cow::Owned(h.python_str())),
                    ),
                    ("hashValue", Some(Cow::Owned(f.hash_value.python_str()))),
                    ("size", Some(Cow::Owned(f.size.python_str()))),
                    ("version", Some(Cow::Owned(f.version.python_str()))),
                    ("optIn", f.opt_in.then_some(Cow::Borrowed("true"))),
                ],
                true,
            )
        })
        .collect()
}
