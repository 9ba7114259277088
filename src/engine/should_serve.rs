//! Balrog's `shouldServeUpdate` for each kind of release, and the release
//! lookups it needs (locale-or-top-level values, buildIDs).

use std::cmp::Ordering;

use crate::model::Site;
use crate::model::release::{AppRelease, Blob, Platform, Release};
use crate::model::scalar::Scalar;

use super::error::EngineError;
use super::matchers::QueryVersion;
use super::query::Query;
use crate::model::version::{LooseVersion, MozVersion, PinVersion};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Serve {
    Yes,
    /// The release lies beyond the client's pin; look for a pinned release.
    Maybe,
    No(NotServed),
}

/// Why a release declines a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NotServed {
    /// The request carries no build or locale (JSON routes).
    NotAnUpdateRequest,
    /// The release has no version for the client's platform and locale.
    NoVersion,
    /// The client's version is newer than the release's.
    ClientNewer,
    /// Same version, and the client's buildID is not older.
    ClientCurrent,
    /// The client's build target is not one of the release's platforms.
    PlatformMissing,
}

impl NotServed {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            NotServed::NotAnUpdateRequest => "the request carries no buildID or locale",
            NotServed::NoVersion => "the release has no version for this platform and locale",
            NotServed::ClientNewer => "the client's version is newer than the release's",
            NotServed::ClientCurrent => {
                "the client already has this version with the same or a newer buildID"
            }
            NotServed::PlatformMissing => "the release has no entry for the client's build target",
        }
    }
}

pub(crate) fn should_serve(
    site: &Site,
    release: &Release,
    q: &Query,
    qv: &QueryVersion<'_>,
) -> Result<Serve, EngineError> {
    let _ = site;
    match &release.blob {
        Blob::App(app) => app_should_serve(app, q, qv),
        Blob::Guardian(g) => {
            if !g.platforms.contains_key(&q.build_target) {
                return Ok(Serve::No(NotServed::PlatformMissing));
            }
            let ord = LooseVersion::parse(&q.version)
                .compare(&LooseVersion::parse(&g.version))
                .map_err(|_| {
                    EngineError::Internal(format!(
                        "cannot compare versions `{}` and `{}`",
                        q.version, g.version
                    ))
                })?;
            Ok(if ord == Ordering::Less {
                Serve::Yes
            } else {
                Serve::No(NotServed::ClientNewer)
            })
        }
        Blob::Desupport(_)
        | Blob::Gmp(_)
        | Blob::SystemAddons(_)
        | Blob::Super(_)
        | Blob::Settings(_)
        | Blob::Features(_) => Ok(Serve::Yes),
    }
}

fn app_should_serve(
    app: &AppRelease,
    q: &Query,
    qv: &QueryVersion<'_>,
) -> Result<Serve, EngineError> {
    let (Some(locale), Some(build_id)) = (q.locale.as_deref(), q.build_id.as_deref()) else {
        return Ok(Serve::No(NotServed::NotAnUpdateRequest));
    };
    let bt = q.build_target.as_str();
    let key = if app.schema == 1 {
        "extv"
    } else {
        "appVersion"
    };
    let release_version = match locale_or_top(app, bt, locale, key) {
        None => return Ok(Serve::No(NotServed::NoVersion)),
        Some(Scalar::Str(s)) if s.is_empty() => return Ok(Serve::No(NotServed::NoVersion)),
        Some(Scalar::Str(s)) => s,
        Some(other) => {
            return Err(EngineError::Internal(format!(
                "the release's `{key}` is {}, not a string",
                other.python_str()
            )));
        }
    };
    let rel = MozVersion::parse_strict(release_version)
        .map_err(|e| EngineError::BadRequest(e.to_string()))?;
    let client = match qv.moz()? {
        MozVersion::Strict(v) => *v,
        MozVersion::Glob(_) => {
            return Err(EngineError::BadRequest(format!(
                "Version number {} is invalid.",
                q.version
            )));
        }
    };
    match client.cmp(&rel) {
        Ordering::Greater => return Ok(Serve::No(NotServed::ClientNewer)),
        Ordering::Equal => {
            let release_build = build_id_for(app, bt, locale)?;
            let Scalar::Str(release_build) = release_build else {
                return Err(EngineError::Internal(
                    "the release's buildID is a number, not a string".to_owned(),
                ));
            };
            if build_id >= release_build.as_str() {
                return Ok(Serve::No(NotServed::ClientCurrent));
            }
        }
        Ordering::Less => {}
    }
    if !app.platforms.contains_key(bt) {
        return Ok(Serve::No(NotServed::PlatformMissing));
    }
    if let Some(pin) = &q.pin {
        let pin = PinVersion::parse(pin).ok_or_else(|| {
            EngineError::BadRequest(format!("Version Pin String '{pin}' is invalid."))
        })?;
        if pin.exceeded_by(&rel) {
            return Ok(Serve::Maybe);
        }
    }
    Ok(Serve::Yes)
}

/// `getLocaleOrTopLevelParam`: the locale's own value (an explicit null
/// included), else the top-level one.
pub(crate) fn locale_or_top<'a>(
    app: &'a AppRelease,
    bt: &str,
    locale: &str,
    key: &str,
) -> Option<&'a Scalar> {
    let from_locale = app
        .platform_data(bt)
        .and_then(|d| d.locales.as_ref())
        .and_then(|l| l.get(locale))
        .and_then(|l| l.overrides.get(key));
    match from_locale {
        Some(value) => value.as_ref(),
        None => app.top.get(key).and_then(Option::as_ref),
    }
}

/// `getBuildID(bt, locale)`: the locale's buildID, else the platform's.
pub(crate) fn build_id_for<'a>(
    app: &'a AppRelease,
    bt: &str,
    locale: &str,
) -> Result<&'a Scalar, EngineError> {
    let Some(resolved) = app.resolved_platform(bt) else {
        return Err(EngineError::BadRequest(format!(
            "Can't find platform '%s' {bt}"
        )));
    };
    let data = match app.platforms.get(resolved) {
        Some(Platform::Build(data)) => Some(data),
        _ => None,
    };
    let entry = data
        .and_then(|d| d.locales.as_ref())
        .and_then(|l| l.get(locale));
    let Some(entry) = entry else {
        return Err(EngineError::BadRequest(format!(
            "No such locale '{locale}' in platform '{bt}'"
        )));
    };
    entry
        .build_id
        .as_ref()
        .or_else(|| data.and_then(|d| d.build_id.as_ref()))
        .ok_or_else(|| {
            EngineError::BadRequest(format!(
                "No buildID for locale '{locale}' in platform '{bt}'"
            ))
        })
}
