//! The client-parameter space a site answers for, and where each request
//! lands in it. Known builds come from the releases (and observed requests);
//! channels from the configuration and the rules; distributions from declared
//! values; osVersion and systemCapabilities are reduced to classes; query
//! parameters become variants. Every tree file is one entry and variant; a
//! request is answered by the entry it projects to, which is how `query`
//! gives exactly what the tree serves.

mod conditions;
pub(crate) mod pattern;
mod values;
mod variants;

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::query::{Query, RawValues, build_query, fallback_channel};
use crate::model::Site;
use crate::model::request::Request;
use crate::model::route::{
    BalrogRoute, Param, Route, Segment, balrog_template, parse_template, recognise,
};

pub(crate) use conditions::{CapsField, Class, Conditions, related_rules};
pub(crate) use values::{Build, path_safe};
pub(crate) use variants::Variant;

/// The version and buildID a request not from a known build is answered as:
/// older than every known build.
pub(crate) const CATCH_ALL_VERSION: &str = "0.0";
/// The path segment of the catch-all in place of a version or buildID.
pub(crate) const CATCH_ALL_SEGMENT: &str = "_";

/// The file holding the empty answer, at the root of every tree.
pub(crate) const EMPTY_FILE: &str = "cinder-empty.xml";
/// The empty body a web server sends with 404 on JSON routes.
pub(crate) const NOT_FOUND_FILE: &str = "cinder-404.json";

/// A route and the products it serves.
#[derive(Debug)]
pub(crate) struct RouteSpace {
    pub(crate) route: Route,
    pub(crate) products: Vec<String>,
}

/// Which variants matter for a product.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dims {
    pub(crate) force: bool,
    pub(crate) mig64: bool,
    pub(crate) ppc: bool,
    /// (base channel, normalised pin) of its pinnable releases.
    pub(crate) pins: Vec<(String, String)>,
}

#[derive(Debug)]
pub(crate) struct Space<'s> {
    pub(crate) site: &'s Site,
    pub(crate) routes: Vec<RouteSpace>,
    /// Builds of app-update routes.
    pub(crate) builds: Vec<Build>,
    /// (buildTarget, locale) of every known build: the catch-alls.
    pub(crate) targets: Vec<(String, String)>,
    /// Versions per build target on JSON routes (no buildID, no locale).
    pub(crate) json_builds: Vec<Build>,
    pub(crate) json_targets: Vec<(String, String)>,
    pub(crate) channels: Vec<String>,
    pub(crate) distributions: Vec<String>,
    pub(crate) dist_versions: Vec<String>,
    pub(crate) conditions: Conditions,
    pub(crate) dims: BTreeMap<String, Dims>,
}

/// A tree entry: one value (or class) of every parameter a route carries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry<'a> {
    pub(crate) route: &'a RouteSpace,
    pub(crate) product: &'a str,
    /// `None` for the catch-all of (buildTarget, locale).
    pub(crate) build: Option<&'a Build>,
    pub(crate) build_target: &'a str,
    pub(crate) locale: &'a str,
    pub(crate) channel: &'a str,
    pub(crate) os: Option<&'a Class>,
    pub(crate) caps: Option<&'a Class>,
    pub(crate) distribution: Option<&'a str>,
    pub(crate) dist_version: Option<&'a str>,
}

impl<'s> Space<'s> {
    /// The space of `site`, with the values seen in `observed` requests added.
    pub(crate) fn new(site: &'s Site, observed: &[Request]) -> Space<'s> {
        let routes = routes(site, observed);
        let seen = values::observe(&routes, observed);
        let builds = values::builds(site, &seen);
        let targets: BTreeSet<(String, String)> = builds
            .iter()
            .map(|b| (b.build_target.clone(), b.locale.clone()))
            .collect();
        let json_builds = values::json_builds(site, &seen);
        let json_targets: BTreeSet<(String, String)> = json_builds
            .iter()
            .map(|b| (b.build_target.clone(), String::new()))
            .collect();
        let products: BTreeSet<&str> = routes
            .iter()
            .flat_map(|r| r.products.iter().map(String::as_str))
            .collect();
        let mut os_values: Vec<String> = site.config.values.os_version.clone();
        os_values.extend(seen.os_versions.iter().cloned());
        let conditions = Conditions::new(site, products.iter().copied(), &os_values);
        let dims = products
            .iter()
            .map(|p| ((*p).to_owned(), dims(site, p)))
            .collect();
        Space {
            site,
            routes,
            builds,
            targets: targets.into_iter().collect(),
            json_builds,
            json_targets: json_targets.into_iter().collect(),
            channels: values::channels(site, &seen),
            distributions: values::distributions(site, &seen),
            dist_versions: values::dist_versions(site, &seen),
            conditions,
            dims,
        }
    }

    /// Everything about the space but its builds, written out: two spaces
    /// with the same signature have the same groups for the same builds,
    /// each with the same entries and variants.
    pub(crate) fn signature(&self) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            self.routes,
            self.targets,
            self.json_targets,
            self.channels,
            self.distributions,
            self.dist_versions,
            self.conditions,
            self.dims
        )
    }

    /// Every entry of the tree, route by route.
    pub(crate) fn entries(&self) -> Vec<Entry<'_>> {
        let mut out = Vec::new();
        for rs in &self.routes {
            for product in &rs.products {
                self.route_entries(rs, product, &mut out);
            }
        }
        out
    }

    fn route_entries<'a>(&'a self, rs: &'a RouteSpace, product: &'a str, out: &mut Vec<Entry<'a>>) {
        let r = &rs.route;
        let classes = self.conditions.product(product);
        let fixed = |p: Param| r.fixed.get(&p).map(String::as_str);
        let keep = |bt: &str, locale: &str| {
            fixed(Param::BuildTarget).is_none_or(|f| f == bt)
                && fixed(Param::Locale).is_none_or(|f| f == locale)
        };
        let (known, all_targets) = self.builds_of(r);
        let mut builds: Vec<(Option<&Build>, &str, &str)> = Vec::new();
        if r.carries(Param::Version) {
            builds.extend(
                known
                    .iter()
                    .filter(|b| keep(&b.build_target, &b.locale))
                    .map(|b| (Some(b), b.build_target.as_str(), b.locale.as_str())),
            );
        }
        let mut targets: Vec<(&str, &str)> = all_targets
            .iter()
            .map(|(b, l)| (b.as_str(), l.as_str()))
            .collect();
        if let Some(bt) = fixed(Param::BuildTarget) {
            let locales: BTreeSet<&str> = targets.iter().map(|(_, l)| *l).collect();
            targets = locales.into_iter().map(|l| (bt, l)).collect();
        }
        if let Some(locale) = fixed(Param::Locale) {
            let bts: BTreeSet<&str> = targets.iter().map(|(b, _)| *b).collect();
            targets = bts.into_iter().map(|b| (b, locale)).collect();
        }
        builds.extend(targets.into_iter().map(|(b, l)| (None, b, l)));

        let one = |p: Param, all: &'a [String]| -> Vec<Option<&'a str>> {
            if r.carries(p) {
                all.iter().map(|s| Some(s.as_str())).collect()
            } else {
                vec![fixed(p)]
            }
        };
        let channels: Vec<&str> = if r.carries(Param::Channel) {
            self.channels.iter().map(String::as_str).collect()
        } else {
            fixed(Param::Channel).into_iter().collect()
        };
        let os: Vec<Option<&Class>> = if r.carries(Param::OsVersion) {
            classes.os_classes.iter().map(Some).collect()
        } else {
            vec![None]
        };
        let caps: Vec<Option<&Class>> = if r.carries(Param::SystemCapabilities) {
            classes.caps_classes.iter().map(Some).collect()
        } else {
            vec![None]
        };
        let dists = one(Param::Distribution, &self.distributions);
        let dist_versions = one(Param::DistributionVersion, &self.dist_versions);
        for (build, bt, locale) in &builds {
            for channel in &channels {
                for o in &os {
                    for c in &caps {
                        for d in &dists {
                            for dv in &dist_versions {
                                out.push(Entry {
                                    route: rs,
                                    product,
                                    build: *build,
                                    build_target: bt,
                                    locale,
                                    channel,
                                    os: *o,
                                    caps: *c,
                                    distribution: *d,
                                    dist_version: *dv,
                                });
                            }
                        }
                    }
                }
            }
        }
    }

    /// The known builds and catch-all targets of a route.
    fn builds_of(&self, route: &Route) -> (&[Build], &[(String, String)]) {
        if route.is_json() {
            (&self.json_builds, &self.json_targets)
        } else {
            (&self.builds, &self.targets)
        }
    }

    /// The variants worth a file of their own for this entry, plain first.
    pub(crate) fn variants_of(&self, entry: &Entry<'_>) -> Vec<Variant> {
        let d = &self.dims[entry.product];
        let json = entry.route.route.is_json();
        let forces: &[Option<crate::engine::query::Force>] = if d.force {
            &[
                None,
                Some(crate::engine::query::Force::Main),
                Some(crate::engine::query::Force::Fallback),
            ]
        } else {
            &[None]
        };
        let base = fallback_channel(entry.channel);
        let mut pins: Vec<Option<String>> = vec![None];
        if !json && entry.route.route.balrog != Some(BalrogRoute::Update(2)) {
            pins.extend(
                d.pins
                    .iter()
                    .filter(|(c, _)| c == base)
                    .map(|(_, p)| Some(p.clone())),
            );
        }
        let migs: &[Option<bool>] = if d.mig64 && !json {
            &[None, Some(true), Some(false)]
        } else {
            &[None]
        };
        let ppcs: &[bool] = if d.ppc && !json && entry.build_target.starts_with("Darwin") {
            &[false, true]
        } else {
            &[false]
        };
        let mut out = Vec::new();
        for force in forces {
            for pin in &pins {
                for mig64 in migs {
                    for ppc in ppcs {
                        out.push(Variant {
                            force: *force,
                            pin: pin.clone(),
                            mig64: *mig64,
                            ppc: *ppc,
                            won: None,
                        });
                    }
                }
            }
        }
        out
    }

    /// The entry for a directory the routing description tries: the
    /// URL's values (or those the route fixes), the client's build (or the
    /// catch-all), and class keys. `None` when the space has no such entry.
    pub(crate) fn entry_at(
        &self,
        route: usize,
        values: &BTreeMap<Param, String>,
        catch_all: bool,
        os_key: Option<&str>,
        caps_key: Option<&str>,
    ) -> Option<Entry<'_>> {
        let rs = &self.routes[route];
        let r = &rs.route;
        let get = |p: Param| {
            values
                .get(&p)
                .or_else(|| r.fixed.get(&p))
                .map(String::as_str)
        };
        let product = rs
            .products
            .iter()
            .find(|p| Some(p.as_str()) == get(Param::Product))?;
        let bt = get(Param::BuildTarget)?;
        let locale = get(Param::Locale).unwrap_or_default();
        let (known, targets) = self.builds_of(r);
        let build = if catch_all {
            None
        } else {
            {
                let version = values.get(&Param::Version)?;
                Some(match values.get(&Param::BuildId) {
                    Some(b) => known.iter().find(|k| {
                        k.version == *version
                            && k.build_id == *b
                            && k.build_target == bt
                            && k.locale == locale
                    })?,
                    None if r.is_json() => known
                        .iter()
                        .find(|k| k.version == *version && k.build_target == bt)?,
                    None => return None,
                })
            }
        };
        let (bt, locale) = targets
            .iter()
            .find(|(b, l)| b == bt && l == locale)
            .map(|(b, l)| (b.as_str(), l.as_str()))?;
        let channel = match values.get(&Param::Channel) {
            Some(c) => self.channels.iter().find(|x| *x == c)?.as_str(),
            None => r.fixed.get(&Param::Channel)?.as_str(),
        };
        let classes = self.conditions.product(product);
        let os = match os_key {
            Some(key) => Some(classes.os_classes.iter().find(|c| c.key == key)?),
            None => None,
        };
        let caps = match caps_key {
            Some(key) => Some(classes.caps_classes.iter().find(|c| c.key == key)?),
            None => None,
        };
        let distribution = match values.get(&Param::Distribution) {
            Some(v) => Some(self.distributions.iter().find(|x| *x == v)?.as_str()),
            None => r.fixed.get(&Param::Distribution).map(String::as_str),
        };
        let dist_version = match values.get(&Param::DistributionVersion) {
            Some(v) => Some(self.dist_versions.iter().find(|x| *x == v)?.as_str()),
            None => r.fixed.get(&Param::DistributionVersion).map(String::as_str),
        };
        Some(Entry {
            route: rs,
            product,
            build,
            build_target: bt,
            locale,
            channel,
            os,
            caps,
            distribution,
            dist_version,
        })
    }
}

impl Entry<'_> {
    /// Whether two entries are of one build (or catch-all) on one route and
    /// channel, differing at most in osVersion and systemCapabilities
    /// classes and distribution values.
    pub(crate) fn same_group(&self, other: &Entry<'_>) -> bool {
        std::ptr::eq(self.route, other.route)
            && self.product == other.product
            && self.build.map(std::ptr::from_ref) == other.build.map(std::ptr::from_ref)
            && self.build_target == other.build_target
            && self.locale == other.locale
            && self.channel == other.channel
    }

    /// The Balrog query this entry (in this variant) stands for.
    pub(crate) fn query(&self, variant: &Variant) -> Query {
        let r = &self.route.route;
        let fixed = |p: Param| r.fixed.get(&p).map(String::as_str);
        let raw = RawValues {
            product: self.product,
            version: self.build.map_or(CATCH_ALL_VERSION, |b| b.version.as_str()),
            build_id: Some(self.build.map_or("", |b| b.build_id.as_str())),
            build_target: self.build_target,
            locale: Some(self.locale),
            channel: self.channel,
            os_version: self
                .os
                .map(|c| c.representative.as_str())
                .or_else(|| fixed(Param::OsVersion)),
            system_capabilities: self
                .caps
                .map(|c| c.representative.as_str())
                .or_else(|| fixed(Param::SystemCapabilities)),
            distribution: self.distribution,
            dist_version: self.dist_version,
        };
        build_query(r.balrog, &raw, &variant.extras())
    }

    /// The entry's file, relative to the tree's root, for a variant: the
    /// route's segments (ignored parameters left out) joined by `/`, then
    /// its file name (or `index.xml`) with the variant's suffix.
    pub(crate) fn path(&self, variant: &Variant) -> String {
        let r = &self.route.route;
        let suffix = variant.suffix();
        let mut path = String::with_capacity(160);
        let last = r.segments.len() - 1;
        let mut file: Option<&str> = None;
        for (i, seg) in r.segments.iter().enumerate() {
            let value = match seg {
                Segment::Literal(l) if i == last => {
                    file = Some(l);
                    continue;
                }
                Segment::Literal(l) => l.as_str(),
                Segment::Param(p) if p.is_ignored() => continue,
                Segment::Param(p) => self.segment(*p),
            };
            path.push_str(value);
            path.push('/');
        }
        push_with_suffix(&mut path, file.unwrap_or("index.xml"), &suffix);
        path
    }

    /// The path segment of a parameter.
    pub(crate) fn segment(&self, p: Param) -> &str {
        match p {
            Param::Product => self.product,
            Param::Version => self.build.map_or(CATCH_ALL_SEGMENT, |b| b.version.as_str()),
            Param::BuildId => self
                .build
                .map_or(CATCH_ALL_SEGMENT, |b| b.build_id.as_str()),
            Param::BuildTarget => self.build_target,
            Param::Locale => self.locale,
            Param::Channel => self.channel,
            Param::OsVersion => self.os.map_or("", |c| c.key.as_str()),
            Param::SystemCapabilities => self.caps.map_or("", |c| c.key.as_str()),
            Param::Distribution => self.distribution.unwrap_or_default(),
            Param::DistributionVersion => self.dist_version.unwrap_or_default(),
            Param::PlatformVersion | Param::Imei => "",
        }
    }
}

/// Appends `file` with `suffix` before its extension: `update.xml` with
/// `.f1` becomes `update.f1.xml`.
fn push_with_suffix(out: &mut String, file: &str, suffix: &str) {
    match file.rsplit_once('.') {
        Some((stem, ext)) => {
            out.push_str(stem);
            out.push_str(suffix);
            out.push('.');
            out.push_str(ext);
        }
        None => {
            out.push_str(file);
            out.push_str(suffix);
        }
    }
}

/// The parameter values of a decoded path, if it takes this route.
pub(crate) fn match_route<'p>(route: &Route, path: &'p str) -> Option<BTreeMap<Param, &'p str>> {
    match_segments(&route.segments, path)
}

/// The parameter values of a decoded path, if it fits these segments: as
/// many `/`-separated parts, none empty, literal ones equal.
pub(crate) fn match_segments<'p>(
    segments: &[Segment],
    path: &'p str,
) -> Option<BTreeMap<Param, &'p str>> {
    let body = path.strip_prefix('/')?;
    let parts: Vec<&str> = body.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut values = BTreeMap::new();
    for (part, seg) in parts.iter().zip(segments) {
        if part.is_empty() {
            return None;
        }
        match seg {
            Segment::Literal(l) if l == part => {}
            Segment::Literal(_) => return None,
            Segment::Param(p) => {
                values.insert(*p, *part);
            }
        }
    }
    Some(values)
}

/// The routes a site serves: its own, or by default Firefox's app-update
/// route (`update/6`) for products answered with app releases and the
/// `update/3` route system add-ons and plugins use for the others.
pub(crate) fn routes(site: &Site, observed: &[Request]) -> Vec<RouteSpace> {
    let rule_products: BTreeSet<String> = site
        .rules
        .iter()
        .filter_map(|r| r.product.clone())
        .collect();
    if !site.config.routes.is_empty() {
        return site
            .config
            .routes
            .iter()
            .map(|route| {
                let products = if route.products.is_empty() {
                    let mut all = rule_products.clone();
                    if let Some(p) = route.fixed.get(&Param::Product) {
                        all = BTreeSet::from([p.clone()]);
                    } else {
                        all.extend(values::observed_products(route, observed));
                    }
                    all.into_iter().collect()
                } else {
                    route.products.clone()
                };
                RouteSpace {
                    route: route.clone(),
                    products,
                }
            })
            .collect();
    }
    let (app, other): (Vec<String>, Vec<String>) = rule_products
        .into_iter()
        .partition(|p| is_app_product(site, p));
    let mut out = Vec::new();
    for (balrog, products) in [
        (BalrogRoute::Update(6), app),
        (BalrogRoute::Update(3), other),
    ] {
        if products.is_empty() {
            continue;
        }
        let template = balrog_template(balrog);
        let segments = parse_template(template).unwrap_or_default();
        out.push(RouteSpace {
            route: Route {
                template: template.to_owned(),
                balrog: recognise(&segments),
                segments,
                products: products.clone(),
                fixed: BTreeMap::new(),
                loc: crate::source::Loc::NONE,
            },
            products,
        });
    }
    out
}

/// A product whose rules answer with app releases or desupport notices.
pub(crate) fn is_app_product(site: &Site, product: &str) -> bool {
    site.rules
        .iter()
        .filter(|r| r.product.as_deref() == Some(product))
        .any(|r| {
            [&r.mapping, &r.fallback_mapping]
                .into_iter()
                .flatten()
                .filter_map(|t| t.release)
                .any(|id| {
                    matches!(
                        site.release(id).blob,
                        crate::model::release::Blob::App(_)
                            | crate::model::release::Blob::Desupport(_)
                    )
                })
        })
}

fn dims(site: &Site, product: &str) -> Dims {
    let rules = related_rules(site, product);
    Dims {
        force: !site.config.special_force_hosts.is_empty()
            || rules.iter().any(|r| r.is_throttled()),
        mig64: rules.iter().any(|r| r.mig64.is_some()),
        ppc: rules.iter().any(|r| r.header_architecture.is_some()),
        pins: site
            .config
            .pins
            .iter()
            .filter(|p| p.product == product)
            .map(|p| (p.channel.clone(), p.version.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}
