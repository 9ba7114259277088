//! Routes: the URL templates clients request, written with Firefox's
//! `%PARAMETER%` names, and what each parameter is to Balrog.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use crate::source::Loc;

/// A client parameter a URL can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Param {
    Product,
    Version,
    BuildId,
    BuildTarget,
    Locale,
    Channel,
    OsVersion,
    SystemCapabilities,
    Distribution,
    DistributionVersion,
    /// Carried by Balrog's route 4; never matched.
    PlatformVersion,
    /// Carried by Balrog's route 5; never matched.
    Imei,
}

impl Param {
    pub(crate) const ALL: &'static [Param] = &[
        Param::Product,
        Param::Version,
        Param::BuildId,
        Param::BuildTarget,
        Param::Locale,
        Param::Channel,
        Param::OsVersion,
        Param::SystemCapabilities,
        Param::Distribution,
        Param::DistributionVersion,
        Param::PlatformVersion,
        Param::Imei,
    ];

    /// The name inside `%...%`, as Firefox's `formatUpdateURL` knows it.
    pub(crate) fn token(self) -> &'static str {
        match self {
            Param::Product => "PRODUCT",
            Param::Version => "VERSION",
            Param::BuildId => "BUILD_ID",
            Param::BuildTarget => "BUILD_TARGET",
            Param::Locale => "LOCALE",
            Param::Channel => "CHANNEL",
            Param::OsVersion => "OS_VERSION",
            Param::SystemCapabilities => "SYSTEM_CAPABILITIES",
            Param::Distribution => "DISTRIBUTION",
            Param::DistributionVersion => "DISTRIBUTION_VERSION",
            Param::PlatformVersion => "PLATFORM_VERSION",
            Param::Imei => "IMEI",
        }
    }

    /// The key used for fixed values in `cinder.yml` (Balrog's query names).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Param::Product => "product",
            Param::Version => "version",
            Param::BuildId => "buildID",
            Param::BuildTarget => "buildTarget",
            Param::Locale => "locale",
            Param::Channel => "channel",
            Param::OsVersion => "osVersion",
            Param::SystemCapabilities => "systemCapabilities",
            Param::Distribution => "distribution",
            Param::DistributionVersion => "distVersion",
            Param::PlatformVersion => "platformVersion",
            Param::Imei => "IMEI",
        }
    }

    pub(crate) fn from_token(token: &str) -> Option<Param> {
        Param::ALL.iter().copied().find(|p| p.token() == token)
    }

    /// Whether the parameter never changes an answer.
    pub(crate) fn is_ignored(self) -> bool {
        matches!(self, Param::PlatformVersion | Param::Imei)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "%{}%", self.token())
    }
}

/// One `/`-separated piece of a route template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param(Param),
}

/// Which of Balrog's own routes a template is, if any; those requests are
/// parsed exactly as Balrog parses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BalrogRoute {
    Update(u8),
    Json(u8),
}

#[derive(Clone, Debug)]
pub(crate) struct Route {
    /// As written, without a leading `/`.
    pub(crate) template: String,
    pub(crate) segments: Vec<Segment>,
    /// Products this route serves; empty means every product.
    pub(crate) products: Vec<String>,
    /// Values of parameters the URL does not carry.
    pub(crate) fixed: BTreeMap<Param, String>,
    pub(crate) balrog: Option<BalrogRoute>,
    pub(crate) loc: Loc,
}

impl Route {
    pub(crate) fn carries(&self, p: Param) -> bool {
        self.segments.contains(&Segment::Param(p))
    }

    /// Whether the route carries the parameter or gives it a fixed value.
    pub(crate) fn provides(&self, p: Param) -> bool {
        self.carries(p) || self.fixed.contains_key(&p)
    }

    pub(crate) fn is_json(&self) -> bool {
        matches!(self.balrog, Some(BalrogRoute::Json(_)))
    }
}

/// Balrog's route templates, by kind.
pub(crate) fn balrog_template(route: BalrogRoute) -> &'static str {
    match route {
        BalrogRoute::Update(1) => {
            "update/1/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/update.xml"
        }
        BalrogRoute::Update(2) => {
            "update/2/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/update.xml"
        }
        BalrogRoute::Update(3) => {
            "update/3/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml"
        }
        BalrogRoute::Update(4) => {
            "update/4/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/%PLATFORM_VERSION%/update.xml"
        }
        BalrogRoute::Update(5) => {
            "update/5/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/%IMEI%/update.xml"
        }
        BalrogRoute::Update(_) => {
            "update/6/%PRODUCT%/%VERSION%/%BUILD_ID%/%BUILD_TARGET%/%LOCALE%/%CHANNEL%/%OS_VERSION%/%SYSTEM_CAPABILITIES%/%DISTRIBUTION%/%DISTRIBUTION_VERSION%/update.xml"
        }
        BalrogRoute::Json(1) => "json/1/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/update.json",
        BalrogRoute::Json(_) => {
            "json/2/%PRODUCT%/%VERSION%/%BUILD_TARGET%/%CHANNEL%/%OS_VERSION%/update.json"
        }
    }
}

pub(crate) const BALROG_ROUTES: &[BalrogRoute] = &[
    BalrogRoute::Update(1),
    BalrogRoute::Update(2),
    BalrogRoute::Update(3),
    BalrogRoute::Update(4),
    BalrogRoute::Update(5),
    BalrogRoute::Update(6),
    BalrogRoute::Json(1),
    BalrogRoute::Json(2),
];

/// The segments of a Balrog route's template, parsed once.
pub(crate) fn balrog_segments(route: BalrogRoute) -> &'static [Segment] {
    static PARSED: OnceLock<Vec<(BalrogRoute, Vec<Segment>)>> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        BALROG_ROUTES
            .iter()
            .map(|r| {
                let segments =
                    parse_template(balrog_template(*r)).expect("Balrog's templates parse");
                (*r, segments)
            })
            .collect()
    });
    all.iter()
        .find(|(r, _)| *r == route)
        .map_or(&[], |(_, s)| s.as_slice())
}

/// Splits a template into segments; an error names the bad piece.
pub(crate) fn parse_template(template: &str) -> Result<Vec<Segment>, String> {
    let body = template.trim_start_matches('/');
    if body.is_empty() {
        return Err("the template is empty".to_owned());
    }
    let mut out = Vec::new();
    for piece in body.split('/') {
        if piece.is_empty() {
            return Err("the template has an empty segment (`//` or a trailing `/`)".to_owned());
        }
        if piece.contains('%') {
            let token = piece.strip_prefix('%').and_then(|p| p.strip_suffix('%'));
            let Some(param) = token.and_then(Param::from_token) else {
                return Err(format!(
                    "`{piece}` is not a parameter cinder can serve; a segment is either literal text or one of {}",
                    Param::ALL
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            };
            if out.contains(&Segment::Param(param)) {
                return Err(format!("`{param}` appears twice"));
            }
            out.push(Segment::Param(param));
        } else {
            literal(piece)?;
            out.push(Segment::Literal(piece.to_owned()));
        }
    }
    Ok(out)
}

/// A literal piece of a template is a directory or file name of the tree and
/// a piece of a URL path, written as is in server configurations: a valid
/// path segment of unreserved URL characters.
fn literal(piece: &str) -> Result<(), String> {
    if let Err(problem) = crate::segment::check(piece) {
        return Err(format!(
            "`{}` cannot be a directory name in the tree: {problem}",
            crate::segment::shown(piece)
        ));
    }
    if let Some(c) = piece
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
    {
        return Err(format!(
            "`{}` contains `{}`; literal text in a route is letters, digits, `-`, `.`, `_` and `~`",
            crate::segment::shown(piece),
            c.escape_default()
        ));
    }
    Ok(())
}

/// The Balrog route a template is, when it is one of Balrog's own.
pub(crate) fn recognise(segments: &[Segment]) -> Option<BalrogRoute> {
    BALROG_ROUTES
        .iter()
        .copied()
        .find(|r| balrog_segments(*r) == segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_balrog_routes_are_recognised() {
        for r in BALROG_ROUTES {
            let segs = parse_template(balrog_template(*r)).unwrap();
            assert_eq!(recognise(&segs), Some(*r));
        }
        let zen = parse_template("/updates/browser/%BUILD_TARGET%/%CHANNEL%/update.xml").unwrap();
        assert_eq!(zen.len(), 5);
        assert_eq!(recognise(&zen), None);
        assert!(
            parse_template("a/%NOPE%/update.xml")
                .unwrap_err()
                .contains("`%NOPE%`")
        );
        assert!(parse_template("a/x%VERSION%/update.xml").is_err());
        assert!(parse_template("a//b").is_err());
        for bad in [
            "../x/%PRODUCT%",
            "a/./b",
            "a/b\\c",
            "a/b c",
            "a/$x",
            "a/\"x",
        ] {
            assert!(parse_template(bad).is_err(), "{bad}");
        }
        assert!(
            parse_template("a/%CHANNEL%/%CHANNEL%")
                .unwrap_err()
                .contains("twice")
        );
    }
}
