//! The site's settings from `cinder.yml`: the domain allowlist, special force
//! hosts, emergency shutoffs, pinnable releases and declared channels.

use std::path::PathBuf;

use regex::Regex;

use crate::source::Loc;

use super::route::Route;
use super::rule::Target;

#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) allowlist: Allowlist,
    pub(crate) special_force_hosts: Vec<String>,
    pub(crate) shutoffs: Vec<Shutoff>,
    pub(crate) pins: Vec<Pin>,
    /// Channels clients use, besides those rules name.
    pub(crate) channels: Vec<String>,
    /// The URL templates to serve; empty means the defaults (see `space`).
    pub(crate) routes: Vec<Route>,
    /// Client-parameter values to answer for, besides those releases and rules imply.
    pub(crate) values: Values,
    /// Files of request URLs seen in the wild, relative to the site.
    pub(crate) observed_requests: Vec<(PathBuf, Loc)>,
    /// Where `cinder build` writes the tree, relative to the site.
    pub(crate) output: PathBuf,
    /// The Cache-Control header served with every answer.
    pub(crate) cache_control: String,
    /// Budgets a change to the site should stay within (`check` warns above them).
    pub(crate) limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            allowlist: Allowlist::default(),
            special_force_hosts: Vec::new(),
            shutoffs: Vec::new(),
            pins: Vec::new(),
            channels: Vec::new(),
            routes: Vec::new(),
            values: Values::default(),
            observed_requests: Vec::new(),
            output: PathBuf::from("public"),
            cache_control: "public, max-age=90".to_owned(),
            limits: Limits::default(),
        }
    }
}

/// Budgets of `cinder.yml`'s `limits:`: how large one change may make the
/// tree before `check` asks whether it is meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Builds (a platform and a locale each, aliases included) one release
    /// may list: each is a subtree of every update route.
    pub(crate) builds_per_release: u64,
}

impl Limits {
    /// About twice a Firefox release (some 100 locales on a dozen platforms
    /// and aliases).
    pub(crate) const BUILDS_PER_RELEASE: u64 = 3_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            builds_per_release: Limits::BUILDS_PER_RELEASE,
        }
    }
}

/// Declared values of the client parameters that releases and rules do not
/// enumerate: examples of real `osVersion` and `systemCapabilities` strings,
/// and distributions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Values {
    pub(crate) os_version: Vec<String>,
    pub(crate) system_capabilities: Vec<String>,
    pub(crate) distribution: Vec<String>,
    pub(crate) dist_version: Vec<String>,
}

/// Balrog's `ALLOWLISTED_DOMAINS`: which products may point clients at which
/// hosts (and, optionally, which paths on them).
#[derive(Clone, Debug, Default)]
pub(crate) struct Allowlist {
    pub(crate) domains: Vec<Domain>,
}

#[derive(Clone, Debug)]
pub(crate) struct Domain {
    pub(crate) host: String,
    pub(crate) rule: DomainRule,
}

#[derive(Clone, Debug)]
pub(crate) enum DomainRule {
    /// Any path, for these products.
    Products(Vec<String>),
    /// The first path pattern that matches the whole path decides.
    Paths(Vec<PathRule>),
}

#[derive(Clone, Debug)]
pub(crate) struct PathRule {
    pub(crate) regex: Regex,
    pub(crate) products: Vec<String>,
}

impl Allowlist {
    /// Balrog's `isForbiddenUrl(url, product, allowlist)`.
    pub(crate) fn is_forbidden(&self, url: &str, product: &str) -> bool {
        let (netloc, path) = split_url(url);
        let Some(domain) = self.domains.iter().find(|d| d.host == netloc) else {
            return true;
        };
        match &domain.rule {
            DomainRule::Products(products) => !products.iter().any(|p| p == product),
            DomainRule::Paths(rules) => rules
                .iter()
                .find(|r| r.regex.is_match(path))
                .is_none_or(|r| !r.products.iter().any(|p| p == product)),
        }
    }
}

/// Python's `urlsplit(url)`: the network location and the path.
pub(crate) fn split_url(url: &str) -> (&str, &str) {
    let mut rest = url;
    if let Some(colon) = rest.find(':') {
        let scheme = &rest[..colon];
        let valid = scheme
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if valid {
            rest = &rest[colon + 1..];
        }
    }
    let mut netloc = "";
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = &after[..end];
        rest = &after[end..];
    }
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    (netloc, &rest[..path_end])
}

/// An emergency shutoff: no updates for a product on a channel (and on the
/// partner channels that fall back to it).
#[derive(Clone, Debug)]
pub(crate) struct Shutoff {
    pub(crate) product: String,
    pub(crate) channel: String,
    /// Why, for people (`explain` shows it).
    pub(crate) comment: Option<String>,
}

/// A pinnable release: clients sending `pin=<version>` on a channel get this
/// release rather than anything newer.
#[derive(Clone, Debug)]
pub(crate) struct Pin {
    pub(crate) product: String,
    pub(crate) channel: String,
    /// Normalised pin (`102.`, `102.1.`).
    pub(crate) version: String,
    pub(crate) mapping: Target,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_like_python() {
        assert_eq!(split_url("http://a.com/z"), ("a.com", "/z"));
        assert_eq!(
            split_url("https://a.com:8080/p?q=1#f"),
            ("a.com:8080", "/p")
        );
        assert_eq!(split_url("//a.com/z"), ("a.com", "/z"));
        assert_eq!(split_url("a.com/z"), ("", "a.com/z"));
        assert_eq!(
            split_url("http://download.mozilla.org/?product=x"),
            ("download.mozilla.org", "/")
        );
    }

    #[test]
    fn allowlist_by_product_and_by_path() {
        let list = Allowlist {
            domains: vec![
                Domain {
                    host: "a.com".into(),
                    rule: DomainRule::Products(vec!["b".into()]),
                },
                Domain {
                    host: "www.google.com".into(),
                    rule: DomainRule::Paths(vec![PathRule {
                        regex: Regex::new(r"\A(?:/dl/[\w\.]+\.crx3)\z").unwrap(),
                        products: vec!["Widevine".into()],
                    }]),
                },
            ],
        };
        assert!(!list.is_forbidden("http://a.com/z", "b"));
        assert!(list.is_forbidden("http://a.com/z", "c"));
        assert!(list.is_forbidden("http://evil.com/y", "b"));
        assert!(!list.is_forbidden("https://www.google.com/dl/x.crx3", "Widevine"));
        assert!(list.is_forbidden("https://www.google.com/dl/x.zip", "Widevine"));
        assert!(list.is_forbidden("https://www.google.com/dl/x.crx3", "OpenH264"));
    }
}
