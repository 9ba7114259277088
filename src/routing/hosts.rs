//! What each kind of host serves of a site: a property of the host (what it
//! can express of the routing description), read against what each route
//! needs. The README's host table is `table()`; `cinder check` reports per
//! route (`report`), naming the requests a plain host answers differently.

use std::fmt::Write as _;

use crate::model::route::{Param, Segment};
use crate::space::Variant;

use super::Routing;
use super::route::{Miss, RouteRouting};

/// A kind of host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    Nginx,
    Apache,
    Caddy,
    /// Files served as they are, no rewriting: GitHub Pages, Netlify and
    /// Cloudflare Pages without functions, a bare S3 website, `python3 -m
    /// http.server`.
    Plain,
    /// Amazon CloudFront with a CloudFront Function routing to an S3 bucket.
    CloudFront,
    /// A Cloudflare Worker routing to an R2 bucket or its static assets.
    Cloudflare,
}

/// What serving a tree takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Feature {
    KnownBuilds,
    UnlistedBuilds,
    Classes,
    Variants,
    Split,
    ContentType,
    CacheControl,
    EmptyMiss,
}

impl Feature {
    pub(crate) const ALL: [Feature; 8] = [
        Feature::KnownBuilds,
        Feature::UnlistedBuilds,
        Feature::Classes,
        Feature::Variants,
        Feature::Split,
        Feature::ContentType,
        Feature::CacheControl,
        Feature::EmptyMiss,
    ];

    pub(crate) fn title(self) -> &'static str {
        match self {
            Feature::KnownBuilds => "known builds",
            Feature::UnlistedBuilds => "unlisted builds (catch-all)",
            Feature::Classes => "osVersion and capability classes",
            Feature::Variants => "force, pin and mig64 variants",
            Feature::Split => "percentage split of throttled rules",
            Feature::ContentType => "Content-Type",
            Feature::CacheControl => "Cache-Control",
            Feature::EmptyMiss => "the empty answer for a miss",
        }
    }
}

impl Host {
    pub(crate) const ALL: [Host; 6] = [
        Host::Nginx,
        Host::Apache,
        Host::Caddy,
        Host::CloudFront,
        Host::Cloudflare,
        Host::Plain,
    ];

    /// As `cinder server-config` and `hosts/run` name it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Host::Nginx => "nginx",
            Host::Apache => "apache",
            Host::Caddy => "caddy",
            Host::Plain => "plain",
            Host::CloudFront => "cloudfront",
            Host::Cloudflare => "cloudflare",
        }
    }

    pub(crate) fn title(self) -> &'static str {
        match self {
            Host::Nginx => "nginx",
            Host::Apache => "Apache httpd 2.4 (mod_rewrite)",
            Host::Caddy => "Caddy 2",
            Host::CloudFront => {
                "Amazon CloudFront (a CloudFront Function in front of an S3 bucket; the fit is in the build summary)"
            }
            Host::Cloudflare => {
                "Cloudflare (a Worker reading R2, or static assets up to 20,000 files)"
            }
            Host::Plain => {
                "plain, no rewriting (GitHub Pages, Netlify or Cloudflare Pages without functions, an S3 website, `python3 -m http.server`)"
            }
        }
    }

    /// Whether it rewrites requests to files (everything but `Plain`).
    pub(crate) fn rewrites(self) -> bool {
        self != Host::Plain
    }

    /// How it serves a feature, in a few words (`yes`, `no`, or how).
    pub(crate) fn serves(self, f: Feature) -> &'static str {
        match (self, f) {
            (Host::Nginx | Host::CloudFront | Host::Cloudflare, Feature::Split) => {
                "yes, with `--split`"
            }
            (Host::Apache | Host::Caddy, Feature::Split) => {
                "no: background checks get the fallback, as `query` answers"
            }
            (_, _) if self.rewrites() => "yes",
            (Host::Plain, Feature::KnownBuilds) => {
                "on routes without `%OS_VERSION%` and `%SYSTEM_CAPABILITIES%` (a fork's own URL, `AppUpdateURL`)"
            }
            (Host::Plain, Feature::UnlistedBuilds) => {
                "no: the host's 404 (Netlify `_redirects` can rewrite to the `_` directory)"
            }
            (Host::Plain, Feature::Classes | Feature::Split) => "no",
            (Host::Plain, Feature::Variants) => "no: the plain answer",
            (Host::Plain, Feature::ContentType) => {
                "the host's (`application/xml` or `text/xml`; Firefox reads any)"
            }
            (Host::Plain, Feature::CacheControl) => "the host's",
            (Host::Plain, Feature::EmptyMiss) => {
                "no: a 404 page; make `404.html` (or S3's error document) the empty document and Firefox reads \"no update\""
            }
            _ => "yes",
        }
    }
}

/// The README's table: hosts by what they serve.
pub(crate) fn table() -> String {
    let mut out = String::from("| host |");
    for f in Feature::ALL {
        let _ = write!(out, " {} |", f.title());
    }
    out.push_str("\n|---|");
    for _ in Feature::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for h in Host::ALL {
        let _ = write!(out, "| {} |", h.title());
        for f in Feature::ALL {
            let _ = write!(out, " {} |", h.serves(f));
        }
        out.push('\n');
    }
    out
}

/// Why a plain host cannot serve a route's requests at their own paths;
/// empty when it can.
pub(crate) fn plain_blockers(r: &RouteRouting) -> Vec<String> {
    let mut out = Vec::new();
    let unbounded: Vec<String> = [Param::OsVersion, Param::SystemCapabilities]
        .into_iter()
        .filter(|p| r.carries(*p))
        .map(|p| format!("`{p}`"))
        .collect();
    if !unbounded.is_empty() {
        out.push(format!(
            "the URL carries {}, whose raw values no file is named after (the tree names their classes)",
            unbounded.join(" and ")
        ));
    }
    let ignored: Vec<String> = r
        .url
        .iter()
        .filter_map(|s| match s {
            Segment::Param(p) if p.is_ignored() => Some(format!("`{p}`")),
            _ => None,
        })
        .collect();
    if !ignored.is_empty() {
        out.push(format!(
            "the URL carries {}, which the tree's paths leave out",
            ignored.join(" and ")
        ));
    }
    if !matches!(r.url.last(), Some(Segment::Literal(_))) {
        out.push(format!(
            "the URL does not end in a file name, so the answer is the directory's `{}`",
            r.file_name("")
        ));
    }
    out
}

/// A request a plain host answers differently from cinder, on a route it
/// serves: a variant file of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PlainMiss {
    /// The URL (path and query string).
    pub(crate) url: String,
    /// Sent with a User-Agent holding `PPC`.
    pub(crate) ppc: bool,
    /// The tree file holding cinder's answer (in the URL's directory).
    pub(crate) file: String,
}

/// What one route gets from each kind of host.
#[derive(Clone, Debug)]
pub(crate) struct RouteReport {
    pub(crate) template: String,
    pub(crate) products: Vec<String>,
    /// Why plain hosts serve none of it exactly; empty when they serve it.
    pub(crate) plain_blockers: Vec<String>,
    /// The tree's files of the route (plain answers and variants).
    pub(crate) files: usize,
    /// Requests with a variant whose answer differs from the plain one.
    pub(crate) variants: Vec<PlainMiss>,
    /// JSON routes: answers that are 404 with an empty body.
    pub(crate) not_found: Vec<String>,
    /// Whether the route tells builds apart (so unlisted ones get the catch-all).
    pub(crate) builds: bool,
    pub(crate) json: bool,
}

impl RouteReport {
    /// The report of a route; `files` are the tree's paths on it (empty
    /// when plain hosts cannot serve it, so it was not planned).
    pub(crate) fn new<'a>(
        r: &RouteRouting,
        files: impl IntoIterator<Item = &'a str>,
    ) -> RouteReport {
        let mut report = RouteReport {
            template: r.template.clone(),
            products: r.products.clone(),
            plain_blockers: plain_blockers(r),
            files: 0,
            variants: Vec::new(),
            not_found: Vec::new(),
            builds: r.builds.len() > 1,
            json: r.miss == Miss::NotFound,
        };
        for path in files {
            let Some(parsed) = r.parse_tree_path(path) else {
                continue;
            };
            let Some(variant) = Variant::from_suffix(&parsed.suffix) else {
                continue;
            };
            if variant.won.is_some() {
                // Only servers splitting by percentage read these.
                continue;
            }
            report.files += 1;
            let plain = match path.rsplit_once('/') {
                Some((dir, _)) => format!("/{dir}/{}", r.file_name("")),
                None => format!("/{}", r.file_name("")),
            };
            if parsed.marker {
                report.not_found.push(plain);
            } else if !variant.is_plain() {
                let query = variant.query();
                let url = if query.is_empty() {
                    plain
                } else {
                    format!("{plain}?{query}")
                };
                report.variants.push(PlainMiss {
                    url,
                    ppc: variant.ppc,
                    file: path.rsplit('/').next().unwrap_or(path).to_owned(),
                });
            }
        }
        report
    }

    /// Whether a plain host serves the route at all.
    pub(crate) fn plain_serves(&self) -> bool {
        self.plain_blockers.is_empty()
    }

    /// The report as lines for `check`; `all` lists every request a plain
    /// host answers differently (else a count and the first few).
    pub(crate) fn text(&self, all: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "  {} ({})",
            self.template,
            if self.products.is_empty() {
                "no product".to_owned()
            } else {
                self.products.join(", ")
            }
        );
        let rewriting: Vec<&str> = Host::ALL
            .iter()
            .filter(|h| h.rewrites())
            .map(|h| h.name())
            .collect();
        let _ = writeln!(
            out,
            "    {}: every answer, as `cinder query` gives it",
            rewriting.join(", ")
        );
        if !self.plain_serves() {
            let _ = writeln!(
                out,
                "    plain hosts: none of it: {}",
                self.plain_blockers.join("; ")
            );
            return out;
        }
        let _ = writeln!(
            out,
            "    plain hosts: the tree's {} files for it, each at its own path; they answer these requests differently:",
            self.files
        );
        if self.builds {
            let _ = writeln!(
                out,
                "      - a build the site does not list (cinder answers it as older than every listed build, from `_/_/`): the host's 404"
            );
        }
        let _ = writeln!(
            out,
            "      - any other request the tree has no file for (a channel, locale or product it does not serve): the host's 404, where cinder gives {}",
            if self.json {
                "404 with an empty body"
            } else {
                "the empty update document"
            }
        );
        if !self.variants.is_empty() {
            let _ = writeln!(
                out,
                "      - {} with a query variant, whose answer (the file in brackets) differs from the plain one, as the host ignores the query string; the query string is read as Balrog reads it (the last `force`, `pin` and `mig64` count; one that changes nothing for the request, such as a pin on a channel without pinnable releases, is ignored):",
                count(self.variants.len(), "request")
            );
            let shown = if all { self.variants.len() } else { 3 };
            for v in self.variants.iter().take(shown) {
                let _ = writeln!(
                    out,
                    "          {}  ({}{})",
                    v.url,
                    v.file,
                    if v.ppc {
                        ", with a User-Agent holding PPC"
                    } else {
                        ""
                    }
                );
            }
            if self.variants.len() > shown {
                let _ = writeln!(
                    out,
                    "          ... and {} more (`cinder check --hosts` lists them all)",
                    self.variants.len() - shown
                );
            }
        }
        if !self.not_found.is_empty() {
            let _ = writeln!(
                out,
                "      - {} without an update, answered 404 with the host's error page rather than an empty body:",
                count(self.not_found.len(), "request")
            );
            let shown = if all { self.not_found.len() } else { 3 };
            for url in self.not_found.iter().take(shown) {
                let _ = writeln!(out, "          {url}");
            }
            if self.not_found.len() > shown {
                let _ = writeln!(
                    out,
                    "          ... and {} more (`cinder check --hosts` lists them all)",
                    self.not_found.len() - shown
                );
            }
        }
        let _ = writeln!(out, "      - Content-Type and Cache-Control: the host's");
        out
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The reports of every route; `files` are the tree's paths (only those
/// of routes plain hosts serve are needed).
pub(crate) fn report<'a>(routing: &Routing, files: &'a [&'a str]) -> Vec<RouteReport> {
    routing
        .routes
        .iter()
        .map(|r| RouteReport::new(r, files.iter().copied()))
        .collect()
}

/// What a plain host needs besides the tree to answer misses as Firefox
/// expects, in lines for people.
pub(crate) fn plain_extras() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "A plain host answers a request the tree has no file for with its own 404 page, which"
    );
    let _ = writeln!(
        out,
        "Firefox counts as a failed check (after ten, it tells users to update by hand). Firefox"
    );
    let _ = writeln!(
        out,
        "reads the body whatever the status, so a 404 page holding the empty update document makes"
    );
    let _ = writeln!(
        out,
        "every miss (and every unlisted build) \"no update\": `cinder server-config plain"
    );
    let _ = writeln!(
        out,
        "--not-found-page > OUT/404.html` for GitHub Pages, Netlify and Cloudflare Pages, or point"
    );
    let _ = writeln!(
        out,
        "an S3 website's error document at `cinder-empty.xml`. Netlify's `_redirects` can also send"
    );
    let _ = writeln!(
        out,
        "unlisted builds to their catch-all (`/a/:version/:build/... /a/_/_/... 200`, which applies"
    );
    let _ = writeln!(
        out,
        "only where no file exists), but its rules have no regular expressions: no osVersion or"
    );
    let _ = writeln!(out, "systemCapabilities classes.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_holds_the_host_table() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )
        .unwrap();
        assert!(
            readme.contains(&table()),
            "README.md's host table is out of date; it is:\n{}",
            table()
        );
    }
}
