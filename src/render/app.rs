//! App releases (schemas 1-9): the `<update>` line in each schema's attribute
//! order, and the `<patch>` lines (complete first, then the partial matching
//! the client's build), with URLs from `fileUrl` or the channel's `fileUrls`.

use std::borrow::Cow;

use crate::engine::error::EngineError;
use crate::engine::matchers::{QueryVersion, VersionClass};
use crate::engine::query::Query;
use crate::engine::should_serve::{build_id_for, locale_or_top};
use crate::model::Site;
use crate::model::condition::{BuildIdCondition, ChannelPattern, VersionCondition};
use crate::model::release::{AppRelease, FileUrls, Locale, Patch, Platform};
use crate::model::scalar::Scalar;
use crate::model::version::{MozVersion, StrictVersion};

use super::xml::tag;

/// Optional `<update>` attributes per schema, in Balrog's emission order,
/// and which of them get `%LOCALE%` substituted.
fn optional_attributes(schema: u8) -> (&'static [&'static str], &'static [&'static str]) {
    const V2: &[&str] = &[
        "billboardURL",
        "showPrompt",
        "showNeverForVersion",
        "actions",
        "openURL",
        "notificationURL",
        "alertURL",
    ];
    const V5: &[&str] = &[
        "billboardURL",
        "showPrompt",
        "showNeverForVersion",
        "actions",
        "openURL",
        "notificationURL",
        "alertURL",
        "promptWaitTime",
    ];
    const V6: &[&str] = &[
        "showPrompt",
        "showNeverForVersion",
        "actions",
        "openURL",
        "notificationURL",
        "alertURL",
        "promptWaitTime",
    ];
    const V8: &[&str] = &[
        "showPrompt",
        "showNeverForVersion",
        "actions",
        "openURL",
        "notificationURL",
        "alertURL",
        "promptWaitTime",
        "binTransMerkleRoot",
        "binTransCertificate",
        "binTransSCTList",
    ];
    const INTERP_V2: &[&str] = &["billboardURL", "openURL", "notificationURL", "alertURL"];
    const INTERP_V6: &[&str] = &["openURL", "notificationURL", "alertURL"];
    match schema {
        2..=4 => (V2, INTERP_V2),
        5 => (V5, INTERP_V2),
        6 => (V6, INTERP_V6),
        8 => (V8, INTERP_V6),
        _ => (&[], &[]),
    }
}

/// The top-level optional attributes a schema renders (for validation).
pub(crate) fn update_attributes(schema: u8) -> &'static [&'static str] {
    optional_attributes(schema).0
}

fn subst_locale(s: &str, locale: &str) -> String {
    s.replace("%LOCALE%", locale).replace("%locale%", locale)
}

fn text(value: Option<&Scalar>) -> Option<Cow<'static, str>> {
    value.map(|v| Cow::Owned(v.python_str()))
}

/// The `<update ...>` line.
pub(crate) fn update_line(
    app: &AppRelease,
    q: &Query,
    update_type: &str,
) -> Result<String, EngineError> {
    let bt = q.build_target.as_str();
    let locale = q.locale_or_empty();
    let build_id = build_id_for(app, bt, locale)?.python_str();
    let top_url = |key: &str| {
        app.top
            .get(key)
            .and_then(Option::as_ref)
            .map(|v| Cow::Owned(subst_locale(&v.python_str(), locale)))
    };
    let ltp = |key: &str| text(locale_or_top(app, bt, locale, key));
    match app.schema {
        1 => {
            let mut version = ltp("appv");
            let mut extension_version = ltp("extv");
            if app.old_version_special_cases
                && let Ok(MozVersion::Strict(client)) = MozVersion::parse(&q.version)
            {
                let at = |v: &str| {
                    MozVersion::parse_strict(v).unwrap_or(StrictVersion {
                        numbers: [0, 0, 0],
                        pre: None,
                    })
                };
                if client >= at("2.0") && client < at("3.5") {
                    version = Some(Cow::Owned(q.version.clone()));
                    extension_version = None;
                } else if client >= at("3.5") && client < at("3.6") {
                    extension_version = None;
                } else if client >= at("3.6") && client < at("4.0") {
                    extension_version = Some(Cow::Owned(q.version.clone()));
                }
            }
            Ok(tag(
                4,
                "update",
                [
                    ("type", Some(Cow::Owned(update_type.to_owned()))),
                    ("version", version),
                    ("extensionVersion", extension_version),
                    ("buildID", Some(Cow::Owned(build_id))),
                    ("detailsURL", top_url("detailsUrl")),
                    ("licenseURL", top_url("licenseUrl")),
                ],
                false,
            ))
        }
        9 => v9_line(app, q, update_type, build_id),
        schema => {
            let is_os_update = app
                .platform_data(bt)
                .and_then(|d| d.locales.as_ref())
                .and_then(|l| l.get(locale))
                .is_some_and(|l| l.is_os_update);
            let mut attrs: Vec<(&str, Option<Cow<'_, str>>)> = vec![
                ("type", Some(Cow::Owned(update_type.to_owned()))),
                ("displayVersion", ltp("displayVersion")),
                ("appVersion", ltp("appVersion")),
                ("platformVersion", ltp("platformVersion")),
                ("buildID", Some(Cow::Owned(build_id))),
                ("detailsURL", top_url("detailsUrl")),
                ("licenseURL", top_url("licenseUrl")),
                ("isOSUpdate", is_os_update.then_some(Cow::Borrowed("true"))),
            ];
            let (optional, interpolable) = optional_attributes(schema);
            for name in optional {
                let Some(value) = app.top.get(*name).and_then(Option::as_ref) else {
                    continue;
                };
                let mut v = value.attribute_text();
                if interpolable.contains(name) {
                    v = subst_locale(&v, locale);
                }
                attrs.push((name, Some(Cow::Owned(v))));
            }
            Ok(tag(4, "update", attrs, false))
        }
    }
}

fn v9_line(
    app: &AppRelease,
    q: &Query,
    update_type: &str,
    build_id: String,
) -> Result<String, EngineError> {
    let bt = q.build_target.as_str();
    let locale = q.locale_or_empty();
    let mut attrs: std::collections::BTreeMap<String, Option<String>> =
        std::collections::BTreeMap::new();
    attrs.insert(
        "appVersion".into(),
        locale_or_top(app, bt, locale, "appVersion").map(Scalar::attribute_text),
    );
    attrs.insert(
        "displayVersion".into(),
        locale_or_top(app, bt, locale, "displayVersion").map(Scalar::attribute_text),
    );
    attrs.insert("buildID".into(), Some(build_id));
    attrs.insert("type".into(), Some(update_type.to_owned()));
    let qv = QueryVersion::new(&q.version);
    for group in &app.update_line {
        if group_applies(&group.conditions, q, &qv)? {
            for (k, v) in &group.fields {
                attrs.insert(k.clone(), Some(v.attribute_text()));
            }
        }
    }
    for key in ["openURL", "notificationURL", "alertURL", "detailsURL"] {
        if let Some(Some(v)) = attrs.get_mut(key) {
            *v = subst_locale(v, locale);
        }
    }
    Ok(tag(
        4,
        "update",
        attrs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref().map(Cow::Borrowed))),
        false,
    ))
}

/// Whether every condition of a V9 `updateLine` group holds.
pub(crate) fn group_applies(
    conditions: &[(String, Vec<String>)],
    q: &Query,
    qv: &QueryVersion<'_>,
) -> Result<bool, EngineError> {
    for (key, values) in conditions {
        let hit = match key.as_str() {
            "channels" => {
                let mut any = false;
                for v in values {
                    if ChannelPattern::parse(v).matches_channel(&q.channel, q.fallback_channel())? {
                        any = true;
                        break;
                    }
                }
                any
            }
            "locales" => values.iter().any(|v| v == q.locale_or_empty()),
            "versions" => {
                let mut any = false;
                for v in values {
                    if VersionCondition::parse(v).matches(qv, VersionClass::Mozilla)? {
                        any = true;
                        break;
                    }
                }
                any
            }
            "buildIDs" => {
                let mut any = false;
                for v in values {
                    if BuildIdCondition::parse(v).matches(q.build_id_or_empty())? {
                        any = true;
                        break;
                    }
                }
                any
            }
            _ => false,
        };
        if !hit {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The `<patch>` lines: the first complete that yields one, then the first
/// partial that does.
pub(crate) fn patch_lines(
    site: &Site,
    app: &AppRelease,
    q: &Query,
    product: &str,
) -> Result<Vec<String>, EngineError> {
    let bt = q.build_target.as_str();
    let locale = q.locale_or_empty();
    let data = app
        .platform_data(bt)
        .ok_or_else(|| EngineError::BadRequest(format!("Can't find platform '%s' {bt}")))?;
    let entry = data
        .locales
        .as_ref()
        .and_then(|l| l.get(locale))
        .ok_or_else(|| {
            EngineError::BadRequest(format!("No such locale '{locale}' in platform '{bt}'"))
        })?;
    let mut lines = Vec::new();
    for (kind, patch, fate) in patch_fates(site, app, q, product, entry) {
        if let Fate::Offered(url) = fate? {
            lines.push(patch_line(app, kind, patch, url));
        }
    }
    Ok(lines)
}

/// What becomes of one patch of the client's platform and locale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Offered, at this URL.
    Offered(String),
    /// Not looked at: an earlier patch of its kind is offered.
    Shadowed,
    /// Dropped, and why.
    Dropped(String),
}

/// Each complete, then each partial, of `entry` with its fate: of each kind
/// the first patch that yields a URL is offered. Ends at the first error
/// (Balrog fails there).
pub(crate) fn patch_fates<'a>(
    site: &Site,
    app: &AppRelease,
    q: &Query,
    product: &str,
    entry: &'a Locale,
) -> Vec<(&'static str, &'a Patch, Result<Fate, EngineError>)> {
    let mut out = Vec::new();
    for (kind, patches) in [("complete", &entry.completes), ("partial", &entry.partials)] {
        let mut offered = false;
        for patch in patches {
            let fate = if offered {
                Ok(Fate::Shadowed)
            } else {
                match patch_fate(site, app, q, product, kind, patch) {
                    Ok(Ok(url)) => {
                        offered = true;
                        Ok(Fate::Offered(url))
                    }
                    Ok(Err(why)) => Ok(Fate::Dropped(why)),
                    Err(e) => Err(e),
                }
            };
            let failed = fate.is_err();
            out.push((kind, patch, fate));
            if failed {
                return out;
            }
        }
    }
    out
}

/// Whether a patch is offered to the client: its URL, or why it is
/// dropped. A complete without any URL is Balrog's 500.
fn patch_fate(
    site: &Site,
    app: &AppRelease,
    q: &Query,
    product: &str,
    kind: &str,
    patch: &Patch,
) -> Result<Result<String, String>, EngineError> {
    if !from_applies(site, app, q, patch)? {
        return Ok(Err(if patch.from_release.is_none() {
            format!("`{}` is no release of the site", patch.from)
        } else {
            format!(
                "the client's buildID `{}` is not `{}`'s for this platform and locale",
                q.build_id_or_empty(),
                patch.from
            )
        }));
    }
    match patch_url(site, app, q, kind, patch)? {
        None if kind == "partial" => Ok(Err(format!(
            "no URL for channel `{}` (no fileUrl, no fileUrls entry)",
            q.channel
        ))),
        None => Err(EngineError::Internal(format!(
            "no URL for the complete patch on channel `{}` (no fileUrl and no fileUrls entry)",
            q.channel
        ))),
        Some(url) if site.config.allowlist.is_forbidden(&url, product) => Ok(Err(format!(
            "`{url}` is outside the domain allowlist for `{product}`"
        ))),
        Some(url) => Ok(Ok(url)),
    }
}

fn patch_line(app: &AppRelease, kind: &str, patch: &Patch, url: String) -> String {
    tag(
        8,
        "patch",
        [
            ("type", Some(Cow::Borrowed(kind))),
            ("URL", Some(Cow::Owned(url))),
            ("hashFunction", text(app.hash_function.as_ref())),
            ("hashValue", Some(Cow::Owned(patch.hash_value.python_str()))),
            ("size", Some(Cow::Owned(patch.filesize.python_str()))),
            (
                "binTransInclusionProof",
                if app.schema >= 8 {
                    text(patch.bin_trans_inclusion_proof.as_ref())
                } else {
                    None
                },
            ),
        ],
        true,
    )
}

/// Whether the client is on the release a patch updates from (always, for
/// a patch from `*`).
fn from_applies(
    site: &Site,
    app: &AppRelease,
    q: &Query,
    patch: &Patch,
) -> Result<bool, EngineError> {
    if patch.from == "*" {
        return Ok(true);
    }
    match patch.from_release {
        Some(from) => from_release_matches(site, app, from, q),
        None => Ok(false),
    }
}

/// All an app release's rendering reads of the client's version and
/// buildID, one bit per question, for every schema but 1 with its
/// old-version special cases: whether the client updates from each patch
/// for its platform and locale (completes, then partials), and for schema
/// 9 whether each update-line group applies. `None` when that cannot be
/// told so (more than 64 questions, or an error rendering would meet too).
pub(crate) fn build_fingerprint(site: &Site, app: &AppRelease, q: &Query) -> Option<u64> {
    if app.schema == 1 && app.old_version_special_cases {
        return None;
    }
    let entry = app
        .platform_data(&q.build_target)?
        .locales
        .as_ref()?
        .get(q.locale_or_empty())?;
    let mut answers = Vec::new();
    for patch in entry.completes.iter().chain(&entry.partials) {
        answers.push(from_applies(site, app, q, patch).ok()?);
    }
    if app.schema == 9 {
        let qv = QueryVersion::new(&q.version);
        for group in &app.update_line {
            answers.push(group_applies(&group.conditions, q, &qv).ok()?);
        }
    }
    if answers.len() > 64 {
        return None;
    }
    Some(
        answers
            .iter()
            .enumerate()
            .fold(0, |bits, (i, yes)| bits | (u64::from(*yes) << i)),
    )
}

/// `matchesUpdateQuery`: the from-release's buildID for the client's
/// platform (or an equivalent alias) and locale equals the client's.
fn from_release_matches(
    site: &Site,
    app: &AppRelease,
    from: crate::model::ReleaseId,
    q: &Query,
) -> Result<bool, EngineError> {
    let crate::model::release::Blob::App(from_app) = &site.release(from).blob else {
        return Err(EngineError::Internal(format!(
            "the partial's from-release `{}` is not an app release",
            site.release(from).name
        )));
    };
    let bt = q.build_target.as_str();
    let unaliased = app.resolved_platform(bt).unwrap_or(bt);
    let mut candidates: Vec<&str> = vec![bt, unaliased];
    for (name, p) in &app.platforms {
        if let Platform::Alias { target, .. } = p
            && target == unaliased
        {
            candidates.push(name);
        }
    }
    let mut previous: Option<&Scalar> = None;
    let mut seen = Vec::new();
    for candidate in candidates {
        if seen.contains(&candidate) {
            continue;
        }
        seen.push(candidate);
        if !from_app.platforms.contains_key(candidate) {
            continue;
        }
        match build_id_for(from_app, candidate, q.locale_or_empty()) {
            Ok(b) => previous = Some(b),
            Err(e) => {
                if previous.is_none() {
                    return Err(EngineError::Internal(format!(
                        "the partial's from-release `{}` cannot give a buildID ({e})",
                        site.release(from).name
                    )));
                }
            }
        }
        if previous.and_then(Scalar::as_str) == Some(q.build_id_or_empty()) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `_getUrl`: the patch's own `fileUrl`, or the channel's template with its
/// placeholders filled; `None` when V4+ has no entry (a ValueError in Balrog).
fn patch_url(
    site: &Site,
    app: &AppRelease,
    q: &Query,
    kind: &str,
    patch: &Patch,
) -> Result<Option<String>, EngineError> {
    let bt = q.build_target.as_str();
    let locale = q.locale_or_empty();
    let data = app.platform_data(bt);
    let os = |key: &str, value: Option<&String>| {
        value.cloned().ok_or_else(|| {
            EngineError::Internal(format!("platform `{bt}` has no `{key}` for its patch URLs"))
        })
    };
    let url = if let Some(url) = &patch.file_url {
        url.clone()
    } else {
        match &app.file_urls {
            FileUrls::PerChannel(by_channel) if app.separated_file_urls() => {
                let template = by_channel
                    .get(&q.channel)
                    .or_else(|| by_channel.get(q.fallback_channel()))
                    .ok_or_else(|| {
                        EngineError::Internal(format!(
                            "`fileUrls` has no entry for channel `{}`",
                            q.channel
                        ))
                    })?;
                let patch_key = if app.single_patches() {
                    kind.to_owned()
                } else {
                    format!("{kind}s")
                };
                let ftp = app.ftp_filenames.lookup(&patch_key, &patch.from);
                let bouncer = app.bouncer_products.lookup(&patch_key, &patch.from);
                let os_ftp = os("OS_FTP", data.and_then(|d| d.os_ftp.as_ref()))?;
                let os_bouncer = os("OS_BOUNCER", data.and_then(|d| d.os_bouncer.as_ref()))?;
                template
                    .replace("%LOCALE%", locale)
                    .replace("%OS_FTP%", &os_ftp)
                    .replace("%FILENAME%", ftp)
                    .replace("%PRODUCT%", bouncer)
                    .replace("%OS_BOUNCER%", &os_bouncer)
                    .replace("%locale%", locale)
                    .replace("%os_ftp%", &os_ftp)
                    .replace("%filename%", ftp)
                    .replace("%product%", bouncer)
                    .replace("%os_bouncer%", &os_bouncer)
            }
            FileUrls::Blocks(blocks) if !app.separated_file_urls() => {
                let block = [q.channel.as_str(), q.fallback_channel(), "*"]
                    .iter()
                    .find_map(|c| blocks.get(*c).filter(|b| b.non_empty));
                let template = block.and_then(|b| {
                    if kind == "complete" {
                        b.completes.get(&patch.from)
                    } else {
                        b.partials.get(&patch.from)
                    }
                });
                let Some(template) = template else {
                    return Ok(None);
                };
                let os_ftp = os("OS_FTP", data.and_then(|d| d.os_ftp.as_ref()))?;
                let os_bouncer = os("OS_BOUNCER", data.and_then(|d| d.os_bouncer.as_ref()))?;
                template
                    .replace("%LOCALE%", locale)
                    .replace("%OS_FTP%", &os_ftp)
                    .replace("%OS_BOUNCER%", &os_bouncer)
                    .replace("%locale%", locale)
                    .replace("%os_ftp%", &os_ftp)
                    .replace("%os_bouncer%", &os_bouncer)
            }
            _ if app.separated_file_urls() => {
                return Err(EngineError::Internal(
                    "the release has no `fileUrls` for a patch without `fileUrl`".to_owned(),
                ));
            }
            _ => return Ok(None),
        }
    };
    Ok(Some(with_force(site, q, url)))
}

/// `processSpecialForceHosts`: `force` is passed on to special hosts.
pub(crate) fn with_force(site: &Site, q: &Query, url: String) -> String {
    let Some(force) = q.force else { return url };
    if !site
        .config
        .special_force_hosts
        .iter()
        .any(|h| url.starts_with(h.as_str()))
    {
        return url;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}force={}", force.as_str())
}
