//! The values a site's clients send, by parameter: known builds from the
//! releases, channels from the configuration and rules, distributions from
//! declared values and rules; and whatever observed requests add.

use std::collections::BTreeSet;

use crate::engine::should_serve::{build_id_for, locale_or_top};
use crate::model::Site;
use crate::model::release::{Blob, Platform};
use crate::model::request::Request;
use crate::model::route::{Param, Route};
use crate::model::scalar::Scalar;

use super::{RouteSpace, match_route};

/// A client build: what it sends as version, buildID, buildTarget and locale.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Build {
    pub(crate) version: String,
    pub(crate) build_id: String,
    pub(crate) build_target: String,
    pub(crate) locale: String,
}

/// Values seen in observed requests, raw (decoded once).
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub(crate) builds: Vec<Build>,
    /// Versions and build targets seen on JSON routes (no buildID, no locale).
    pub(crate) json_builds: Vec<Build>,
    pub(crate) channels: BTreeSet<String>,
    pub(crate) os_versions: BTreeSet<String>,
    pub(crate) distributions: BTreeSet<String>,
    pub(crate) dist_versions: BTreeSet<String>,
}

/// Whether a value can be a directory name in the tree. The loader reports
/// the site's values that cannot; this keeps out those of observed requests.
pub(crate) fn path_safe(v: &str) -> bool {
    crate::segment::is_valid(v)
}

impl Build {
    /// Whether the build's values can be its directories: each a valid
    /// segment, and neither version nor buildID the catch-all's.
    fn path_safe(&self) -> bool {
        [
            &self.version,
            &self.build_id,
            &self.build_target,
            &self.locale,
        ]
        .iter()
        .all(|v| path_safe(v))
            && self.version != super::CATCH_ALL_SEGMENT
            && self.build_id != super::CATCH_ALL_SEGMENT
    }
}

pub(crate) fn observe(routes: &[RouteSpace], observed: &[Request]) -> Seen {
    let mut seen = Seen::default();
    for request in observed {
        let split = crate::engine::query::split_url(&request.url);
        let Some((route, values)) = routes
            .iter()
            .find_map(|r| match_route(&r.route, &split.path).map(|v| (&r.route, v)))
        else {
            continue;
        };
        let get = |p: Param| {
            values
                .get(&p)
                .copied()
                .or_else(|| route.fixed.get(&p).map(String::as_str))
        };
        if let (Some(version), Some(build_id), Some(bt), Some(locale)) = (
            values.get(&Param::Version),
            values.get(&Param::BuildId),
            get(Param::BuildTarget),
            get(Param::Locale),
        ) {
            let b = Build {
                version: (*version).to_owned(),
                build_id: (*build_id).to_owned(),
                build_target: bt.to_owned(),
                locale: locale.to_owned(),
            };
            if b.path_safe() {
                seen.builds.push(b);
            }
        }
        let add = |p: Param, set: &mut BTreeSet<String>| {
            if let Some(v) = values.get(&p)
                && path_safe(v)
            {
                set.insert((*v).to_owned());
            }
        };
        add(Param::Channel, &mut seen.channels);
        add(Param::Distribution, &mut seen.distributions);
        add(Param::DistributionVersion, &mut seen.dist_versions);
        if let Some(os) = values.get(&Param::OsVersion) {
            seen.os_versions.insert((*os).to_owned());
        }
    }
    seen
}

/// Products named by observed requests on a route.
pub(crate) fn observed_products(route: &Route, observed: &[Request]) -> BTreeSet<String> {
    observed
        .iter()
        .filter_map(|r| {
            let split = crate::engine::query::split_url(&r.url);
            match_route(route, &split.path)
                .and_then(|v| v.get(&Param::Product).map(|p| (*p).to_owned()))
        })
        .filter(|p| path_safe(p))
        .collect()
}

/// Every build the app releases list, for each platform (aliases included)
/// and locale, plus those observed.
pub(crate) fn builds(site: &Site, seen: &Seen) -> Vec<Build> {
    let mut out: BTreeSet<Build> = BTreeSet::new();
    for release in &site.releases {
        let Blob::App(app) = &release.blob else {
            continue;
        };
        for (bt, platform) in &app.platforms {
            let Some(data) = app.platform_data(bt) else {
                continue;
            };
            if matches!(platform, Platform::Alias { .. }) && app.platform_data(bt).is_none() {
                continue;
            }
            for locale in data.locales.iter().flat_map(|l| l.keys()) {
                let version = if app.schema == 1 {
                    locale_or_top(app, bt, locale, "appv")
                        .or_else(|| locale_or_top(app, bt, locale, "extv"))
                } else {
                    locale_or_top(app, bt, locale, "appVersion")
                };
                let (Some(Scalar::Str(version)), Ok(Scalar::Str(build_id))) =
                    (version, build_id_for(app, bt, locale))
                else {
                    continue;
                };
                let b = Build {
                    version: version.clone(),
                    build_id: build_id.clone(),
                    build_target: bt.clone(),
                    locale: locale.clone(),
                };
                if b.path_safe() {
                    out.insert(b);
                }
            }
        }
    }
    out.extend(seen.builds.iter().cloned());
    out.into_iter().collect()
}

/// The builds of JSON routes: each Guardian release's version on each of its
/// platforms, plus those observed.
pub(crate) fn json_builds(site: &Site, seen: &Seen) -> Vec<Build> {
    let mut out: BTreeSet<Build> = BTreeSet::new();
    for release in &site.releases {
        let Blob::Guardian(g) = &release.blob else {
            continue;
        };
        for bt in g.platforms.keys() {
            if path_safe(&g.version) && g.version != super::CATCH_ALL_SEGMENT && path_safe(bt) {
                out.insert(Build {
                    version: g.version.clone(),
                    build_id: String::new(),
                    build_target: bt.clone(),
                    locale: String::new(),
                });
            }
        }
    }
    out.extend(seen.json_builds.iter().cloned());
    out.into_iter().collect()
}

pub(crate) fn channels(site: &Site, seen: &Seen) -> Vec<String> {
    let mut all: BTreeSet<String> = site.known_channels();
    all.extend(seen.channels.iter().cloned());
    all.into_iter().filter(|c| path_safe(c)).collect()
}

pub(crate) fn distributions(site: &Site, seen: &Seen) -> Vec<String> {
    let mut all: BTreeSet<String> = BTreeSet::from(["default".to_owned()]);
    all.extend(site.config.values.distribution.iter().cloned());
    for rule in &site.rules {
        if let Some(d) = &rule.distribution {
            all.extend(d.parts.iter().cloned());
        }
    }
    all.extend(seen.distributions.iter().cloned());
    all.into_iter().filter(|d| path_safe(d)).collect()
}

pub(crate) fn dist_versions(site: &Site, seen: &Seen) -> Vec<String> {
    let mut all: BTreeSet<String> = BTreeSet::from(["default".to_owned()]);
    all.extend(site.config.values.dist_version.iter().cloned());
    all.extend(site.rules.iter().filter_map(|r| r.dist_version.clone()));
    all.extend(seen.dist_versions.iter().cloned());
    all.into_iter().filter(|d| path_safe(d)).collect()
}
