//! From a request URL to Balrog's update query. This file holds the query
//! and how it is built from a request's values (the ASCII clean-ups,
//! systemCapabilities in both forms, headerArchitecture from the
//! User-Agent, force / mig64 / pin); `url` decodes URLs, and `balrog`
//! reads them on Balrog's own routes.

mod balrog;
#[cfg(test)]
mod tests;
mod url;

pub(crate) use balrog::parse_url;
pub(crate) use url::split_url;
#[cfg(test)]
pub(crate) use {balrog::balrog_extras, url::parse_query_string};

use url::ascii_replace;

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
    // A plain scan: `split` would build a substring searcher on every call,
    // and this is asked for every rule tested against a channel.
    const CCK: &[u8] = b"-cck-";
    match channel.as_bytes().windows(CCK.len()).position(|w| w == CCK) {
        Some(at) => &channel[..at],
        None => channel,
    }
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
