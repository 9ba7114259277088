//! The response body for an evaluated request, in Balrog's layout: the XML
//! envelope with each release kind's header, entries and footer, or
//! Guardian's JSON. Pure.

mod addons;
pub(crate) mod app;
pub(crate) mod json;
pub(crate) mod xml;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use crate::engine::error::EngineError;
use crate::engine::evaluate::Answer;
use crate::engine::query::Query;
use crate::model::Site;
use crate::model::release::{Blob, Release};

pub(crate) use xml::EMPTY;

/// A response body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    Xml(String),
    Json(String),
    /// Balrog's JSON routes answer 404 with an empty body when there is no update.
    NotFound,
}

/// Whether rendering reads the query's `force`: only to pass it on to the
/// site's special force hosts.
pub(crate) fn reads_force(site: &Site) -> bool {
    !site.config.special_force_hosts.is_empty()
}

/// What rendering `answer` reads of the client's version and buildID, so
/// that one rendering can serve every build that reads the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum BuildReads {
    /// Nothing: the kinds besides app updates, desupport notices without
    /// the version in their URL, and answers without an update.
    Nothing,
    /// For each app release in the answer, which of its patches the client
    /// updates from and which of its (schema 9) update-line groups apply,
    /// and nothing else.
    Patches([u64; 2]),
    /// The version, not the buildID: a desupport URL with `%VERSION%`.
    Version,
    /// Anything (schema 1 with old-version special cases): no sharing.
    Everything,
}

/// What rendering `answer` to `q` reads of `q`'s version and buildID.
pub(crate) fn build_reads(site: &Site, q: &Query, answer: &Answer) -> BuildReads {
    // The served release is the answer's one part, or a SuperBlob (which
    // reads nothing itself) whose parts are listed.
    let mut bits = [0u64; 2];
    let mut apps = 0;
    for part in &answer.parts {
        match &site.release(part.release).blob {
            Blob::Desupport(d)
                if d.details_url.contains("%VERSION%") || d.details_url.contains("%version%") =>
            {
                return BuildReads::Version;
            }
            Blob::App(app) => {
                let (Some(b), Some(slot)) =
                    (app::build_fingerprint(site, app, q), bits.get_mut(apps))
                else {
                    return BuildReads::Everything;
                };
                *slot = b;
                apps += 1;
            }
            _ => {}
        }
    }
    if apps == 0 {
        BuildReads::Nothing
    } else {
        BuildReads::Patches(bits)
    }
}

/// Renders the answer to `q`.
pub(crate) fn render(site: &Site, q: &Query, answer: &Answer) -> Result<Body, EngineError> {
    let Some(served) = answer.served() else {
        return Ok(if q.is_json() {
            Body::NotFound
        } else {
            Body::Xml(EMPTY.to_owned())
        });
    };
    let top = site.release(served.release);
    let update_type = answer
        .decision
        .rule
        .map_or("minor", |r| site.rule(r).update_type.as_str());
    if q.is_json() {
        return match &top.blob {
            Blob::Guardian(g) => Ok(Body::Json(json::guardian(site, g, q))),
            other => Err(EngineError::Internal(format!(
                "a {} release cannot answer a JSON request",
                other.schema_name()
            ))),
        };
    }
    if matches!(top.blob, Blob::Guardian(_)) {
        return Err(EngineError::BadRequest("Wrong blob type".to_owned()));
    }
    let mut lines: Vec<String> = vec![xml::DECLARATION.to_owned(), "<updates>".to_owned()];
    lines.push(inner_header(site, top, q, update_type)?);
    for part in &answer.parts {
        let release = site.release(part.release);
        let part_type = part
            .rule
            .map_or(update_type, |r| site.rule(r).update_type.as_str());
        let mut part_query = Cow::Borrowed(q);
        if part.product != q.product {
            part_query.to_mut().product.clone_from(&part.product);
        }
        lines.extend(inner_lines(site, release, &part_query, part_type)?);
    }
    lines.push(inner_footer(site, top, q)?);
    lines.push("</updates>".to_owned());
    Ok(Body::Xml(lines.join("\n")))
}

/// The line after `<updates>` (Balrog writes an empty line when a kind has none).
fn inner_header(
    site: &Site,
    release: &Release,
    q: &Query,
    update_type: &str,
) -> Result<String, EngineError> {
    Ok(match &release.blob {
        Blob::App(app) => app::update_line(app, q, update_type)?,
        Blob::Desupport(_) => String::new(),
        Blob::Gmp(_) | Blob::Super(_) | Blob::Features(_) => "    <addons>".to_owned(),
        Blob::SystemAddons(_) => {
            if system_addons_listed(site, release, q)? {
                "    <addons>".to_owned()
            } else {
                String::new()
            }
        }
        Blob::Settings(_) => "    <settings>".to_owned(),
        Blob::Guardian(_) => return Err(EngineError::BadRequest("Wrong blob type".to_owned())),
    })
}

fn inner_footer(site: &Site, release: &Release, q: &Query) -> Result<String, EngineError> {
    Ok(match &release.blob {
        Blob::App(_) => "    </update>".to_owned(),
        Blob::Desupport(_) => "</update>".to_owned(),
        Blob::Gmp(_) | Blob::Super(_) | Blob::Features(_) => "    </addons>".to_owned(),
        Blob::SystemAddons(_) => {
            if system_addons_listed(site, release, q)? {
                "    </addons>".to_owned()
            } else {
                String::new()
            }
        }
        Blob::Settings(_) => "    </settings>".to_owned(),
        Blob::Guardian(_) => String::new(),
    })
}

/// A system add-ons answer carries an `<addons>` element (which replaces the
/// client's set) only when it uninstalls or offers at least one add-on;
/// otherwise the client keeps what it has.
fn system_addons_listed(site: &Site, release: &Release, q: &Query) -> Result<bool, EngineError> {
    let Blob::SystemAddons(sa) = &release.blob else {
        return Ok(false);
    };
    if sa.uninstall {
        return Ok(true);
    }
    Ok(!addons::system_addon_lines(
        &sa.addons,
        &q.build_target,
        &q.product,
        &site.config.allowlist,
    )?
    .is_empty())
}

/// A release's entries (`getInnerXML`).
fn inner_lines(
    site: &Site,
    release: &Release,
    q: &Query,
    update_type: &str,
) -> Result<Vec<String>, EngineError> {
    let allow = &site.config.allowlist;
    Ok(match &release.blob {
        Blob::App(app) => app::patch_lines(site, app, q, &q.product)?,
        Blob::Desupport(d) => {
            let os = q.build_target.split('_').next().unwrap_or_default();
            let url = d
                .details_url
                .replace("%LOCALE%", q.locale_or_empty())
                .replace("%locale%", q.locale_or_empty())
                .replace("%VERSION%", &q.version)
                .replace("%version%", &q.version)
                .replace("%OS%", os)
                .replace("%os%", os);
            vec![xml::tag(
                4,
                "update",
                [
                    ("type", Some(Cow::Borrowed(update_type))),
                    ("unsupported", Some(Cow::Borrowed("true"))),
                    ("detailsURL", Some(Cow::Owned(url))),
                    (
                        "displayVersion",
                        Some(Cow::Borrowed(d.display_version.as_str())),
                    ),
                ],
                false,
            )]
        }
        Blob::Gmp(gmp) => addons::gmp_lines(gmp, &q.build_target, &q.product, allow)?,
        Blob::SystemAddons(sa) => {
            addons::system_addon_lines(&sa.addons, &q.build_target, &q.product, allow)?
        }
        Blob::Features(f) => {
            addons::feature_lines(site, f, &q.build_target, q.locale_or_empty(), &q.product)
        }
        Blob::Settings(s) => s
            .settings
            .iter()
            .map(|(id, setting)| {
                xml::tag(
                    8,
                    "setting",
                    [
                        ("id", Some(Cow::Borrowed(id.as_str()))),
                        (
                            "lastModified",
                            Some(Cow::Owned(setting.last_modified.python_str())),
                        ),
                        ("version", Some(Cow::Owned(setting.version.python_str()))),
                    ],
                    true,
                )
            })
            .collect(),
        Blob::Super(_) => {
            return Err(EngineError::Internal(format!(
                "SuperBlob `{}` is nested in another SuperBlob",
                release.name
            )));
        }
        Blob::Guardian(_) => {
            return Err(EngineError::Internal(
                "a Guardian release has no XML form".to_owned(),
            ));
        }
    })
}
