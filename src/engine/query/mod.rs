//! From a request URL to Balrog's update query: route matching, URL decoding,
//! the ASCII and "avast" clean-ups, systemCapabilities in both forms,
//! headerArchitecture from the User-Agent, and force / mig64 / pin.

use crate::model::route::BalrogRoute;

/// `force=1` / `force=-1`; any other value is no force at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Force {
    Main,
    Fallback,
}

impl Force {
    pub(crate) fn parse(value: &str) -> Option<Force> {
        match value {
            "1" => Some(Force::Main),
            "-1" => Some(Force::Fallback),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Force::Main => "1",
            Force::Fallback => "-1",
        }
    }
}

/// What `getSystemCapabilities` extracts (route 6 only). `None` fields are
/// Python's `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct SystemCapabilities {
    pub(crate) instruction_set: Option<String>,
    pub(crate) memory: Option<i128>,
    pub(crate) jaws: Option<bool>,
}

/// Balrog's `updateQuery`: the fields rules and releases look at. `Option`
/// marks keys Balrog leaves out of the query on some routes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Query {
    /// Asked on a JSON route (Guardian's `/json/1`, `/json/2`).
    pub(crate) json: bool,
    pub(crate) product: String,
    pub(crate) version: String,
    pub(crate) build_id: Option<String>,
    pub(crate) build_target: String,
    pub(crate) locale: Option<String>,
    pub(crate) channel: String,
    pub(crate) os_version: Option<String>,
    pub(crate) distribution: Option<String>,
    pub(crate) dist_version: Option<String>,
    pub(crate) system_capabilities: Option<SystemCapabilities>,
    pub(crate) header_architecture: Option<&'static str>,
    pub(crate) force: Option<Force>,
    pub(crate) mig64: Option<bool>,
    pub(crate) pin: Option<String>,
    /// cinder's own: evaluate throttled rules as if their dice had won (used
    /// for the percentage split a web server can make).
    pub(crate) dice_won: bool,
}

impl Query {
    /// `q.get("buildID", "")`
    pub(crate) fn build_id_or_empty(&self) -> &str {
        self.build_id.as_deref().unwrap_or("")
    }

    pub(crate) fn locale_or_empty(&self) -> &str {
        self.locale.as_deref().unwrap_or("")
    }

    pub(crate) fn os_version_or_empty(&self) -> &str {
        self.os_version.as_deref().unwrap_or("")
    }

    pub(crate) fn distribution_or_empty(&self) -> &str {
        self.distribution.as_deref().unwrap_or("")
    }

    /// `q.get("instructionSet", "")`: `""` on routes without systemCapabilities,
    /// `None` when route 6 could not parse one.
    pub(crate) fn instruction_set(&self) -> Option<&str> {
        match &self.system_capabilities {
            None => Some(""),
            Some(caps) => caps.instruction_set.as_deref(),
        }
    }

    pub(crate) fn memory(&self) -> Option<i128> {
        self.system_capabilities.as_ref().and_then(|c| c.memory)
    }

    pub(crate) fn jaws(&self) -> Option<bool> {
        self.system_capabilities.as_ref().and_then(|c| c.jaws)
    }

    /// Balrog's fallback channel: the part before `-cck-`.
    pub(crate) fn fallback_channel(&self) -> &str {
        fallback_channel(&self.channel)
    }

    pub(crate) fn is_json(&self) -> bool {
        self.json
    }
}

pub(crate) fn fallback_channel(channel: &str) -> &str {
    channel.split("-cck-").next().unwrap_or(channel)
}

/// What a request adds to its path: query parameters and the User-Agent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Extras {
    pub(crate) force: Option<Force>,
    pub(crate) mig64: Option<bool>,
    /// As sent (ASCII-cleaned); parsed only when an update would be served.
    pub(crate) pin: Option<String>,
    /// The User-Agent contains `PPC` (matters for Darwin builds only).
    pub(crate) ppc: bool,
    pub(crate) dice_won: bool,
}

/// The values of a request's path parameters, decoded once but not cleaned.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RawValues<'a> {
    pub(crate) product: &'a str,
    pub(crate) version: &'a str,
    pub(crate) build_id: Option<&'a str>,
    pub(crate) build_target: &'a str,
    pub(crate) locale: Option<&'a str>,
    pub(crate) channel: &'a str,
    pub(crate) os_version: Option<&'a str>,
    pub(crate) system_capabilities: Option<&'a str>,
    pub(crate) distribution: Option<&'a str>,
    pub(crate) dist_version: Option<&'a str>,
}

/// The Balrog query for a request: the path values cleaned as Balrog cleans
/// them (non-ASCII as `?`, `x86 ` out of locales, `esrpre` off route 3
/// versions), systemCapabilities parsed, headerArchitecture from the
/// User-Agent. JSON routes take their values as they are.
pub(crate) fn build_query(
    route: Option<BalrogRoute>,
    raw: &RawValues<'_>,
    extras: &Extras,
) -> Query {
    if let Some(BalrogRoute::Json(_)) = route {
        return Query {
            json: true,
            product: raw.product.to_owned(),
            version: raw.version.to_owned(),
            build_id: None,
            build_target: raw.build_target.to_owned(),
            locale: None,
            channel: raw.channel.to_owned(),
            os_version: raw.os_version.map(str::to_owned),
            distribution: None,
            dist_version: None,
            system_capabilities: None,
            header_architecture: None,
            force: extras.force,
            mig64: None,
            pin: None,
            dice_won: extras.dice_won,
        };
    }
    let clean = |s: &str| ascii_replace(s);
    let mut version = raw.version;
    if route == Some(BalrogRoute::Update(3))
        && let Some(stripped) = version.strip_suffix("esrpre")
        && !stripped.is_empty()
    {
        version = stripped;
    }
    let build_target = clean(raw.build_target);
    let os_version = match route {
        Some(BalrogRoute::Update(1)) => Some(String::new()),
        _ => raw.os_version.map(clean),
    };
    let mut q = Query {
        json: false,
        product: clean(raw.product),
        version: clean(version),
        build_id: raw.build_id.map(clean),
        build_target,
        locale: raw.locale.map(|l| clean(l).replace("x86 ", "")),
        channel: clean(raw.channel),
        os_version,
        distribution: raw.distribution.map(clean),
        dist_version: raw.dist_version.map(clean),
        system_capabilities: raw.system_capabilities.map(system_capabilities),
        header_architecture: None,
        force: None,
        mig64: None,
        pin: None,
        dice_won: false,
    };
    q.set_extras(route, extras);
    q
}

impl Query {
    /// Replaces what the request adds to its path (query parameters and
    /// User-Agent) with `extras`, as [`build_query`] takes them.
    pub(crate) fn set_extras(&mut self, route: Option<BalrogRoute>, extras: &Extras) {
        self.force = extras.force;
        self.dice_won = extras.dice_won;
        if self.json {
            return;
        }
        self.header_architecture = Some(if self.build_target.starts_with("Darwin") && extras.ppc {
            "PPC"
        } else {
            "Intel"
        });
        self.mig64 = extras.mig64;
        self.pin = if route == Some(BalrogRoute::Update(2)) {
            None
        } else {
            extras.pin.clone()
        };
    }
}

/// A URL split into its decoded path and its query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitUrl {
    /// Decoded once, as a web server maps it.
    pub(crate) path: String,
    /// As sent, without the `?`.
    pub(crate) raw_query: String,
}

/// Splits an absolute URL or a path: the origin and any fragment go, the path
/// is percent-decoded once (`+` stays), the query string is kept raw.
pub(crate) fn split_url(url: &str) -> SplitUrl {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let path_and_query = strip_origin(without_fragment);
    let (raw_path, raw_query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    SplitUrl {
        path: percent_decode(raw_path, false),
        raw_query: raw_query.to_owned(),
    }
}

/// A URL as Balrog itself would treat it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// `None` when no route matches: the answer is the empty document.
    pub(crate) query: Option<Query>,
    /// Why Balrog itself would refuse this request with a 400, when it would.
    pub(crate) balrog_rejects: Option<String>,
}

/// The query parameters each route declares; others make Balrog answer 400.
pub(crate) fn allowed_params(route: BalrogRoute) -> &'static [&'static str] {
    match route {
        BalrogRoute::Update(2) => &["avast", "force", "mig64"],
        BalrogRoute::Update(_) => &["avast", "force", "mig64", "pin"],
        BalrogRoute::Json(_) => &["force"],
    }
}

/// Parses a request URL exactly as Balrog's public app does, on Balrog's
/// own routes. `user_agent` feeds headerArchitecture.
pub(crate) fn parse_url(url: &str, user_agent: Option<&str>) -> Parsed {
    let split = split_url(url);
    let params = parse_query_string(&split.raw_query);
    let Some((route, segments)) = match_balrog_route(&split.path) else {
        return Parsed {
            query: None,
            balrog_rejects: None,
        };
    };
    let balrog_rejects = rejection(route, &params);
    let raw = balrog_values(route, &segments);
    let extras = balrog_extras(route, &params, user_agent);
    let mut query = build_query(Some(route), &raw, &extras);
    if matches!(route, BalrogRoute::Update(n) if n > 1) && query_version(url) == Some(1) {
        query.os_version = Some(String::new());
    }
    Parsed {
        query: Some(query),
        balrog_rejects,
    }
}

/// Balrog's reading of `force`, `mig64` and `pin` (the last value of a
/// repeated parameter wins; `force=1?avast=1` is force 1), and of the
/// User-Agent.
pub(crate) fn balrog_extras(
    route: BalrogRoute,
    params: &[(String, String)],
    user_agent: Option<&str>,
) -> Extras {
    let mut force = last_param(params, "force").map(ascii_replace);
    if let Some(f) = &force
        && f.contains("avast")
    {
        force = Some(avast_repair(f));
    }
    let json = matches!(route, BalrogRoute::Json(_));
    Extras {
        force: force.as_deref().and_then(Force::parse),
        mig64: if json {
            None
        } else {
            last_param(params, "mig64").map(|m| ascii_replace(m) == "1")
        },
        pin: if json {
            None
        } else {
            last_param(params, "pin")
                .filter(|p| !p.is_empty())
                .map(ascii_replace)
        },
        ppc: user_agent.is_some_and(|ua| ua.contains("PPC")),
        dice_won: false,
    }
}

/// The path values of a Balrog route's segments (after `/update/N/`).
pub(crate) fn balrog_values(route: BalrogRoute, seg: &[String]) -> RawValues<'_> {
    let at = |i: usize| seg.get(i).map_or("", String::as_str);
    match route {
        BalrogRoute::Json(n) => RawValues {
            product: at(0),
            version: at(1),
            build_target: at(2),
            channel: at(3),
            os_version: (n == 2).then(|| at(4)),
            ..RawValues::default()
        },
        BalrogRoute::Update(n) => RawValues {
            product: at(0),
            version: at(1),
            build_id: Some(at(2)),
            build_target: at(3),
            locale: Some(at(4)),
            channel: at(5),
            os_version: (n >= 2).then(|| at(6)),
            system_capabilities: (n == 6).then(|| at(7)),
            distribution: match n {
                3..=5 => Some(at(7)),
                6 => Some(at(8)),
                _ => None,
            },
            dist_version: match n {
                3..=5 => Some(at(8)),
                6 => Some(at(9)),
                _ => None,
            },
        },
    }
}

fn rejection(route: BalrogRoute, params: &[(String, String)]) -> Option<String> {
    let allowed = allowed_params(route);
    // In the order first sent, each once (a set: a request may send 100,000).
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut extra: Vec<&str> = Vec::new();
    for (k, _) in params {
        if !allowed.contains(&k.as_str()) && seen.insert(k) {
            extra.push(k);
        }
    }
    if !extra.is_empty() {
        return Some(format!(
            "Extra query parameter(s) {} not in spec",
            extra.join(", ")
        ));
    }
    if matches!(route, BalrogRoute::Update(_)) && last_param(params, "pin") == Some("") {
        return Some("'' should be non-empty (the pin parameter)".to_owned());
    }
    None
}

fn strip_origin(url: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    url
}

/// Which of Balrog's routes a decoded path takes, and its segments after
/// `/update/N/` or `/json/N/`, without the final `update.xml` / `update.json`.
fn match_balrog_route(path: &str) -> Option<(BalrogRoute, Vec<String>)> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() < 4 || parts.first() != Some(&"") || parts[1..].iter().any(|s| s.is_empty()) {
        return None;
    }
    let (&last, middle) = parts[3..].split_last()?;
    let segments: Vec<String> = middle.iter().map(|s| (*s).to_owned()).collect();
    match (parts[1], parts[2]) {
        ("update", n) if last == "update.xml" => {
            let expected = match n {
                "1" => 6,
                "2" => 7,
                "3" => 9,
                "4" | "5" | "6" => 10,
                _ => return None,
            };
            (segments.len() == expected)
                .then(|| (BalrogRoute::Update(n.parse().unwrap_or(0)), segments))
        }
        ("json", n) if last == "update.json" => {
            let expected = match n {
                "1" => 4,
                "2" => 5,
                _ => return None,
            };
            (segments.len() == expected)
                .then(|| (BalrogRoute::Json(n.parse().unwrap_or(0)), segments))
        }
        _ => None,
    }
}

/// Balrog's `extract_query_version`: the last `/update/<digits>/...xml` in the
/// whole URL, query string included.
fn query_version(url: &str) -> Option<u64> {
    let mut found = None;
    let mut rest = url;
    while let Some(i) = rest.find("/update/") {
        let after = &rest[i + 8..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('/') && after[digits..].contains(".xml") {
            found = after[..digits].parse().ok();
        }
        rest = &rest[i + 1..];
    }
    found
}

/// `force=1?avast=1` or `force=1%3Favast=1`: the part before the first `?`
/// (or, failing that, the first literal `%3F`) is the force value.
fn avast_repair(force: &str) -> String {
    if let Some((head, _)) = force.split_once('?') {
        return head.to_owned();
    }
    if let Some((head, _)) = force.split_once("%3F") {
        return head.to_owned();
    }
    force.to_owned()
}

/// `getSystemCapabilities`, applied to the decoded but not ASCII-cleaned value.
pub(crate) fn system_capabilities(s: &str) -> SystemCapabilities {
    let mut caps = SystemCapabilities::default();
    if s.starts_with("ISET:") {
        for part in s.split(',') {
            let Some((key, value)) = part.split_once(':') else {
                continue;
            };
            match key {
                "ISET" => caps.instruction_set = Some(value.to_owned()),
                "MEM" => caps.memory = crate::model::version::python_int(value),
                "JAWS" => caps.jaws = crate::model::version::python_int(value).map(|v| v != 0),
                _ => {}
            }
        }
        return caps;
    }
    let parts: Vec<&str> = s.split(',').collect();
    match parts.as_slice() {
        [iset] => caps.instruction_set = Some((*iset).to_owned()),
        [iset, mem] => {
            caps.instruction_set = Some((*iset).to_owned());
            caps.memory = crate::model::version::python_int(mem);
        }
        _ => {}
    }
    caps
}

pub(crate) fn last_param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `key=value&...`, with `+` as a space and percent escapes decoded; a key
/// without `=` has an empty value.
pub(crate) fn parse_query_string(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Decodes `%XX` escapes once (and `+` when `plus_is_space`); invalid UTF-8
/// becomes U+FFFD, as Werkzeug does.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `value.encode("ascii", "replace").decode()`: each non-ASCII code point
/// becomes `?`.
pub(crate) fn ascii_replace(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    s.chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(url: &str) -> Query {
        parse_url(url, None)
            .query
            .unwrap_or_else(|| panic!("{url} should match a route"))
    }

    #[test]
    fn routes_need_exact_segment_counts_and_update_xml() {
        assert!(
            parse_url("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml", None)
                .query
                .is_some()
        );
        for bad in [
            "/update/whizzybang",
            "/update/7/b/1.0/1/p/l/a/a/a/a/update.xml",
            "/update/3/b/1.0/1/p/l/a/a/a/update.xml",
            "/update/3/b/1.0/1/p/l/a/a/a/a/UPDATE.xml",
            "/update/3/b/1.0/1/p/l/a/a/a/a/update.xml/",
            "/update/3/b/1.0//p/l/a/a/a/a/update.xml",
            "//update/3/b/1.0/1/p/l/a/a/a/a/update.xml",
        ] {
            assert_eq!(parse_url(bad, None).query, None, "{bad}");
        }
    }

    #[test]
    fn route_fields_land_in_the_query() {
        let r1 = q("/update/1/b/1.0/1/p/l/a/update.xml");
        assert_eq!(r1.os_version.as_deref(), Some(""));
        assert_eq!(r1.distribution, None);
        let r6 = q(
            "/update/6/F/54.0.1/2017/WINNT_x86_64-msvc-x64/en-US/release/Windows_NT 6.1.0.0 (x86)/ISET:SSE3,MEM:4096,JAWS:0/default/default/update.xml",
        );
        assert_eq!(r6.os_version.as_deref(), Some("Windows_NT 6.1.0.0 (x86)"));
        assert_eq!(r6.instruction_set(), Some("SSE3"));
        assert_eq!(r6.memory(), Some(4096));
        assert_eq!(r6.jaws(), Some(false));
        assert_eq!(r6.dist_version.as_deref(), Some("default"));
        assert_eq!(r6.header_architecture, Some("Intel"));
        let esr = q("/update/3/b/1.0esrpre/1/p/l/a/a/a/a/update.xml");
        assert_eq!(esr.version, "1.0");
        let j = q("/json/1/FirefoxVPN/0.4/WINNT_x86_64/release/update.json");
        assert!(j.json);
        assert_eq!(j.build_id, None);
        assert_eq!(j.os_version, None);
    }

    #[test]
    fn percent_escapes_decode_once() {
        let r = q("/update/6/f/1.0/1/p/l/b/a/ISET%3aSSE3%2cMEM%3a9000/a/a/update.xml");
        assert_eq!(r.memory(), Some(9000));
        let double = q("/update/6/F/1.0/1/p/l/c/Windows_NT%252010.0/ISET:SSE2/a/a/update.xml");
        assert_eq!(double.os_version.as_deref(), Some("Windows_NT%2010.0"));
        assert_eq!(
            parse_url("/update/3/b/1.0/1/p%2Fx/l/a/a/a/a/update.xml", None).query,
            None
        );
    }

    #[test]
    fn non_ascii_becomes_question_marks_and_x86_prefix_goes() {
        let r = q("/update/4/ÃÃ/1.0/1/p/x86 l/a/a/a/a/1/update.xml");
        assert_eq!(r.product, "??");
        assert_eq!(r.locale.as_deref(), Some("l"));
    }

    #[test]
    fn force_values_and_avast_repairs() {
        let force = |s: &str| q(&format!("/update/4/b/1.0/1/p/l/a/a/a/a/1/update.xml{s}")).force;
        assert_eq!(force("?force=1"), Some(Force::Main));
        assert_eq!(force("?force=-1"), Some(Force::Fallback));
        assert_eq!(force("?force=1%3Favast=1"), Some(Force::Main));
        assert_eq!(force("?force=1?avast=1"), Some(Force::Main));
        assert_eq!(force("?force=-1?avast=1"), Some(Force::Fallback));
        assert_eq!(force("?force=1?avast"), Some(Force::Main));
        assert_eq!(force("?force=avast"), None);
        assert_eq!(
            force("?force=1&force=-1"),
            Some(Force::Fallback),
            "last value wins"
        );
        assert_eq!(force("?force=0"), None);
        assert_eq!(force("?force="), None);
        assert_eq!(force("?force=1\" name=\"Firefox"), None);
        assert_eq!(force(""), None);
    }

    // See: issue 10, should-fix: 100,000 query parameters took 10 s (each
    // was looked for among those seen before).
    #[test]
    fn undeclared_parameters_are_each_named_once_in_the_order_sent() {
        let mut url =
            String::from("/update/6/b/1.0/2/p/de/release/o/c/default/default/update.xml?");
        for i in 0..100_000 {
            url.push('p');
            url.push_str(&(i % 50_000).to_string());
            url.push_str("=1&");
        }
        url.push_str("force=1");
        let why = parse_url(&url, None).balrog_rejects.unwrap();
        assert!(
            why.starts_with("Extra query parameter(s) p0, p1, p2, "),
            "{}",
            &why[..60]
        );
        assert!(why.ends_with(", p49999 not in spec"));
        assert_eq!(why.matches(", ").count(), 49_999);
    }

    #[test]
    fn mig64_is_tri_state_and_pin_is_kept() {
        let r = |s: &str| q(&format!("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml{s}"));
        assert_eq!(r("").mig64, None);
        assert_eq!(r("?mig64=1").mig64, Some(true));
        assert_eq!(r("?mig64=true").mig64, Some(false));
        assert_eq!(r("?pin=102.").pin.as_deref(), Some("102."));
        assert!(
            parse_url("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml?pin=", None)
                .balrog_rejects
                .is_some()
        );
        let two = parse_url("/update/2/b/1.0/1/p/l/a/a/update.xml?pin=102.", None);
        assert!(two.balrog_rejects.unwrap().contains("pin"));
        assert_eq!(two.query.unwrap().pin, None);
        let extra = parse_url("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml?foo=1&bar=2", None);
        assert_eq!(
            extra.balrog_rejects.as_deref(),
            Some("Extra query parameter(s) foo, bar not in spec")
        );
    }

    #[test]
    fn system_capabilities_in_both_forms() {
        let caps = |s: &str| system_capabilities(s);
        assert_eq!(
            caps("SSE3"),
            SystemCapabilities {
                instruction_set: Some("SSE3".into()),
                memory: None,
                jaws: None
            }
        );
        assert_eq!(caps("SSE3,8095").memory, Some(8095));
        assert_eq!(
            caps("ISET:SSE2,MEM:6321,JAWS:1"),
            SystemCapabilities {
                instruction_set: Some("SSE2".into()),
                memory: Some(6321),
                jaws: Some(true)
            }
        );
        assert_eq!(caps("NA").instruction_set.as_deref(), Some("NA"));
        assert_eq!(caps("ISET:SSE2,MEM:8.1023").memory, None);
        assert_eq!(
            caps("ISET:SSE4_2,MEM:32768,(select*...)"),
            SystemCapabilities {
                instruction_set: Some("SSE4_2".into()),
                memory: Some(32768),
                jaws: None
            }
        );
        assert_eq!(caps("a,b,c"), SystemCapabilities::default());
        assert_eq!(caps("ISET:,MEM: 12_000 ").memory, Some(12000));
        assert_eq!(
            caps("JAWS:1").instruction_set.as_deref(),
            Some("JAWS:1"),
            "old style: one part"
        );
    }

    #[test]
    fn user_agent_sets_ppc_only_for_darwin() {
        let url = "/update/3/b/1.0/1/Darwin_ppc-gcc3/l/a/a/a/a/update.xml";
        assert_eq!(
            parse_url(url, Some("Mozilla/5.0 (Macintosh; PPC Mac OS X)"))
                .query
                .unwrap()
                .header_architecture,
            Some("PPC")
        );
        assert_eq!(
            parse_url(url, None).query.unwrap().header_architecture,
            Some("Intel")
        );
        let linux = "/update/3/b/1.0/1/Linux/l/a/a/a/a/update.xml";
        assert_eq!(
            parse_url(linux, Some("PPC"))
                .query
                .unwrap()
                .header_architecture,
            Some("Intel")
        );
    }

    #[test]
    fn query_version_comes_from_the_last_update_path_in_the_whole_url() {
        assert_eq!(
            query_version("/update/3/b/1.0/1/p/l/a/a/a/a/update.xml"),
            Some(3)
        );
        assert_eq!(
            query_version("/update/3/b/x/update.xml?x=/update/1/y.xml"),
            Some(1)
        );
        let r = q("/update/3/b/1.0/1/p/l/a/os/a/a/update.xml?force=/update/1/a.xml");
        assert_eq!(r.os_version.as_deref(), Some(""));
    }
}
