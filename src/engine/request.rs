//! From a request URL to Balrog's update query: route matching, URL decoding,
//! the ASCII and "avast" clean-ups, systemCapabilities in both forms,
//! headerArchitecture from the User-Agent, and force / mig64 / pin.

/// Which Balrog route a URL matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Route {
    /// `/update/N/.../update.xml`, N in 1..=6 (the `esrpre` form is route 3).
    Update(u8),
    /// `/json/N/.../update.json`, N in 1..=2.
    Json(u8),
}

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
    pub(crate) route: Route,
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
        matches!(self.route, Route::Json(_))
    }
}

pub(crate) fn fallback_channel(channel: &str) -> &str {
    channel.split("-cck-").next().unwrap_or(channel)
}

/// A URL as Balrog would treat it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// `None` when no route matches: the answer is the empty document.
    pub(crate) query: Option<Query>,
    /// Why Balrog itself would refuse this request with a 400, when it would.
    pub(crate) balrog_rejects: Option<String>,
}

/// The query parameters each route declares; others make Balrog answer 400.
fn allowed_params(route: Route) -> &'static [&'static str] {
    match route {
        Route::Update(2) => &["avast", "force", "mig64"],
        Route::Update(_) => &["avast", "force", "mig64", "pin"],
        Route::Json(_) => &["force"],
    }
}

/// Parses a request URL: an absolute URL or a path, with its query string.
/// `user_agent` feeds headerArchitecture.
pub(crate) fn parse_url(url: &str, user_agent: Option<&str>) -> Parsed {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let path_and_query = strip_origin(without_fragment);
    let (raw_path, raw_query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let path = percent_decode(raw_path, false);
    let params = raw_query.map(parse_query_string).unwrap_or_default();
    let Some((route, segments)) = match_route(&path) else {
        return Parsed {
            query: None,
            balrog_rejects: None,
        };
    };
    let balrog_rejects = rejection(route, &params);
    let query = match route {
        Route::Update(_) => update_query(route, &segments, &params, url, user_agent),
        Route::Json(_) => json_query(route, &segments, &params),
    };
    Parsed {
        query: Some(query),
        balrog_rejects,
    }
}

fn rejection(route: Route, params: &[(String, String)]) -> Option<String> {
    let allowed = allowed_params(route);
    let mut extra: Vec<&str> = Vec::new();
    for (k, _) in params {
        if !allowed.contains(&k.as_str()) && !extra.contains(&k.as_str()) {
            extra.push(k);
        }
    }
    if !extra.is_empty() {
        return Some(format!(
            "Extra query parameter(s) {} not in spec",
            extra.join(", ")
        ));
    }
    if matches!(route, Route::Update(_)) && last_param(params, "pin") == Some("") {
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

/// Which route a decoded path takes, and its segments after `/update/N/` or
/// `/json/N/`, without the final `update.xml` / `update.json`.
fn match_route(path: &str) -> Option<(Route, Vec<String>)> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.first() != Some(&"") || parts[1..].iter().any(|s| s.is_empty()) {
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
            (segments.len() == expected).then(|| (Route::Update(n.parse().unwrap_or(0)), segments))
        }
        ("json", n) if last == "update.json" => {
            let expected = match n {
                "1" => 4,
                "2" => 5,
                _ => return None,
            };
            (segments.len() == expected).then(|| (Route::Json(n.parse().unwrap_or(0)), segments))
        }
        _ => None,
    }
}

fn update_query(
    route: Route,
    seg: &[String],
    params: &[(String, String)],
    url: &str,
    user_agent: Option<&str>,
) -> Query {
    let Route::Update(n) = route else {
        unreachable!("update_query takes update routes")
    };
    let clean = |s: &str| ascii_replace(s);
    let mut version = seg[1].clone();
    if n == 3
        && let Some(stripped) = version.strip_suffix("esrpre")
        && !stripped.is_empty()
    {
        version = stripped.to_owned();
    }
    let mut locale = clean(&seg[4]);
    locale = locale.replace("x86 ", "");
    let build_target = clean(&seg[3]);
    let os_version = match n {
        1 => Some(String::new()),
        _ if query_version(url) == Some(1) => Some(String::new()),
        _ => Some(clean(&seg[6])),
    };
    let (distribution, dist_version, system_capabilities) = match n {
        1 | 2 => (None, None, None),
        6 => (
            Some(clean(&seg[8])),
            Some(clean(&seg[9])),
            Some(system_capabilities(&seg[7])),
        ),
        _ => (Some(clean(&seg[7])), Some(clean(&seg[8])), None),
    };
    let mut force = last_param(params, "force").map(ascii_replace);
    if let Some(f) = &force
        && f.contains("avast")
    {
        force = Some(avast_repair(f));
    }
    let header_architecture = Some(
        if build_target.starts_with("Darwin") && user_agent.is_some_and(|ua| ua.contains("PPC")) {
            "PPC"
        } else {
            "Intel"
        },
    );
    let pin = match n {
        2 => None,
        _ => last_param(params, "pin")
            .filter(|p| !p.is_empty())
            .map(ascii_replace),
    };
    Query {
        route,
        product: clean(&seg[0]),
        version: clean(&version),
        build_id: Some(clean(&seg[2])),
        build_target,
        locale: Some(locale),
        channel: clean(&seg[5]),
        os_version,
        distribution,
        dist_version,
        system_capabilities,
        header_architecture,
        force: force.as_deref().and_then(Force::parse),
        mig64: last_param(params, "mig64").map(|m| ascii_replace(m) == "1"),
        pin,
    }
}

fn json_query(route: Route, seg: &[String], params: &[(String, String)]) -> Query {
    Query {
        route,
        product: seg[0].clone(),
        version: seg[1].clone(),
        build_id: None,
        build_target: seg[2].clone(),
        locale: None,
        channel: seg[3].clone(),
        os_version: seg.get(4).cloned(),
        distribution: None,
        dist_version: None,
        system_capabilities: None,
        header_architecture: None,
        force: last_param(params, "force").and_then(Force::parse),
        mig64: None,
        pin: None,
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
                "MEM" => caps.memory = crate::engine::version::python_int(value),
                "JAWS" => caps.jaws = crate::engine::version::python_int(value).map(|v| v != 0),
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
            caps.memory = crate::engine::version::python_int(mem);
        }
        _ => {}
    }
    caps
}

fn last_param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `key=value&...`, with `+` as a space and percent escapes decoded; a key
/// without `=` has an empty value.
fn parse_query_string(q: &str) -> Vec<(String, String)> {
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
        assert_eq!(j.route, Route::Json(1));
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
