//! The request details besides the path that change answers, as the routing
//! description holds them: which query parameter (or header) is read, which
//! of its values select which file suffix, and for which products, channels
//! and build targets. Each outcome is a pattern body over the parameter's
//! last value, from which a server with lookarounds (nginx, Apache,
//! JavaScript, cinder itself) gets one pattern over the raw query string, and
//! a server without them (Caddy's RE2) reads the value first and tests it.

use std::fmt::Write as _;

use crate::engine::query::{Force, fallback_channel};
use crate::space::pattern::{ANY, END, Pattern, literal};
use crate::space::{Dims, Variant};

/// What a request can vary in, in the order the suffixes are written
/// (`update.f1.p131.m0.ppc.xml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FlagKind {
    Force,
    Pin,
    Mig64,
    Ppc,
}

impl FlagKind {
    pub(crate) const ALL: [FlagKind; 4] = [
        FlagKind::Force,
        FlagKind::Pin,
        FlagKind::Mig64,
        FlagKind::Ppc,
    ];

    /// Where the flag is read.
    pub(crate) fn source(self) -> Source {
        match self {
            FlagKind::Force => Source::Query("force"),
            FlagKind::Pin => Source::Query("pin"),
            FlagKind::Mig64 => Source::Query("mig64"),
            FlagKind::Ppc => Source::UserAgent,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            FlagKind::Force => "force",
            FlagKind::Pin => "pin",
            FlagKind::Mig64 => "mig64",
            FlagKind::Ppc => "ppc",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The last parameter of this name in the raw query string (Balrog reads
    /// the last one); its value is the text after `name=`, up to `&`.
    Query(&'static str),
    /// The User-Agent header.
    UserAgent,
}

/// One value of a flag: what it adds to the variant, and when.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub(crate) kind: FlagKind,
    /// What it sets in the variant; its suffix is the file-name suffix.
    pub(crate) part: Part,
    /// For a query flag, a pattern body the value must match whole, or
    /// `None`: the parameter is sent at all (with any value, or none). For
    /// the User-Agent, a pattern body found anywhere in the header.
    pub(crate) value: Option<String>,
    /// Products whose answers it changes.
    pub(crate) products: Vec<String>,
    /// Only on this channel and its partner channels (`release-cck-acme`).
    pub(crate) channel: Option<String>,
    /// Only for build targets starting with this.
    pub(crate) build_target_prefix: Option<String>,
    /// `value` over the whole raw query string (or User-Agent), anchored.
    pattern: Pattern,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Force(Force),
    Pin(String),
    Mig64(bool),
    Ppc,
}

impl Part {
    /// The file-name suffix this part adds.
    pub(crate) fn suffix(&self) -> String {
        let mut v = Variant::default();
        self.apply(&mut v);
        v.suffix()
    }

    fn apply(&self, v: &mut Variant) {
        match self {
            Part::Force(f) => v.force = Some(*f),
            Part::Pin(p) => v.pin = Some(p.clone()),
            Part::Mig64(m) => v.mig64 = Some(*m),
            Part::Ppc => v.ppc = true,
        }
    }
}

impl Outcome {
    fn new(kind: FlagKind, part: Part, value: Option<String>, products: Vec<String>) -> Outcome {
        let pattern = Pattern::new(match (kind.source(), &value) {
            (Source::Query(name), _) => format!("^{}", query_body(name, value.as_deref())),
            (Source::UserAgent, Some(v)) => v.clone(),
            (Source::UserAgent, None) => String::new(),
        });
        Outcome {
            kind,
            part,
            value,
            products,
            channel: None,
            build_target_prefix: None,
            pattern,
        }
    }

    /// Whether it applies to a request for this product, channel and build
    /// target (the raw values of the URL, or those the route fixes).
    pub(crate) fn applies(&self, product: &str, channel: &str, build_target: &str) -> bool {
        self.products.iter().any(|p| p == product)
            && self
                .channel
                .as_deref()
                .is_none_or(|c| fallback_channel(channel) == c)
            && self
                .build_target_prefix
                .as_deref()
                .is_none_or(|p| build_target.starts_with(p))
    }

    /// A pattern over `product/channel/target/` (the request's, or those
    /// its route fixes) that matches where the outcome applies, to be
    /// followed by the query string or User-Agent. No lookarounds.
    pub(crate) fn scope_pattern(&self) -> String {
        let products: Vec<String> = self.products.iter().map(|p| literal(p)).collect();
        let channel = self.channel.as_deref().map_or_else(
            || "[^/]*".to_owned(),
            |c| format!("{}(?:-cck-[^/]*)?", literal(c)),
        );
        let target = self
            .build_target_prefix
            .as_deref()
            .map_or_else(|| "[^/]*".to_owned(), |t| format!("{}[^/]*", literal(t)));
        format!("^(?:{})/{channel}/{target}/", products.join("|"))
    }

    /// A pattern body over the User-Agent (after the scope), for `Ppc`.
    pub(crate) fn agent_body(&self) -> String {
        format!("{ANY}*?(?:{})", self.value.as_deref().unwrap_or_default())
    }

    /// The pattern `selects` tests: for a query flag, anchored, over the
    /// whole raw query string; for `Ppc`, found anywhere in the User-Agent.
    pub(crate) fn pattern(&self) -> &str {
        self.pattern.source()
    }

    /// Whether a raw query string (or User-Agent, for `Ppc`) selects it.
    pub(crate) fn selects(&self, query: &str, user_agent: Option<&str>) -> bool {
        match self.kind.source() {
            Source::Query(_) => self.pattern.is_match(query),
            Source::UserAgent => user_agent.is_some_and(|ua| self.pattern.is_match(ua)),
        }
    }

    /// For a query flag, a pattern body over the raw query string, to follow
    /// `^` (or a prefix a server puts before it): the last parameter of the
    /// flag's name has a value that selects this outcome.
    pub(crate) fn query_body(&self) -> Option<String> {
        match self.kind.source() {
            Source::Query(name) => Some(query_body(name, self.value.as_deref())),
            Source::UserAgent => None,
        }
    }
}

/// `(?:ANY*&)?` then the parameter `name` with a value matching `value`,
/// and no `name` parameter after it; with no `value`, any `name` parameter.
fn query_body(name: &str, value: Option<&str>) -> String {
    let n = literal(name);
    match value {
        Some(v) => format!("(?:{ANY}*&)?{n}=(?:{v})(?=&|{END})(?!{ANY}*&{n}(?:=|&|{END}))"),
        None => format!("(?:{ANY}*&)?{n}(?:=[^&]*)?(?=&|{END})"),
    }
}

/// How a server whose regexes have no lookarounds reads a query flag: this
/// pattern (RE2 syntax) over the raw query string captures, as its first
/// group, `=` and the value of the last `name` parameter (nothing for a
/// bare `name`); no match when there is none. An outcome's value pattern
/// is then matched against the text after the `=`.
pub(crate) fn query_extractor(name: &str) -> String {
    format!("^(?:{ANY}*&)?{}(=[^&]*)?(?:&|$)", literal(name))
}

/// Every flag outcome of a site, in the order they are tried (per kind,
/// the first that applies and selects wins).
#[derive(Clone, Debug, Default)]
pub(crate) struct Flags {
    pub(crate) outcomes: Vec<Outcome>,
}

impl Flags {
    /// The outcomes for the products' variant dimensions; `pins` are the
    /// site's pinnable versions (`131.`).
    pub(crate) fn new<'a>(dims: impl IntoIterator<Item = (&'a String, &'a Dims)>) -> Flags {
        let dims: Vec<(&String, &Dims)> = dims.into_iter().collect();
        let with = |f: &dyn Fn(&Dims) -> bool| -> Vec<String> {
            dims.iter()
                .filter(|(_, d)| f(d))
                .map(|(p, _)| (*p).clone())
                .collect()
        };
        // force=1, also as Balrog repairs what Avast breaks: `1?avast=1`, `1%3Favast=1`.
        let avast = format!(
            "(?:(?:{}|{}3[Ff]|{}253[Ff])[^&]*?avast[^&]*)?",
            literal("?"),
            literal("%"),
            literal("%")
        );
        let mut outcomes = Vec::new();
        let force = with(&|d| d.force);
        if !force.is_empty() {
            outcomes.push(Outcome::new(
                FlagKind::Force,
                Part::Force(Force::Main),
                Some(format!("1{avast}")),
                force.clone(),
            ));
            outcomes.push(Outcome::new(
                FlagKind::Force,
                Part::Force(Force::Fallback),
                Some(format!("{}1{avast}", literal("-"))),
                force,
            ));
        }
        for (product, d) in &dims {
            for (channel, pin) in &d.pins {
                let mut o = Outcome::new(
                    FlagKind::Pin,
                    Part::Pin(pin.clone()),
                    Some(pin_value(pin)),
                    vec![(*product).clone()],
                );
                o.channel = Some(channel.clone());
                outcomes.push(o);
            }
        }
        let mig64 = with(&|d| d.mig64);
        if !mig64.is_empty() {
            outcomes.push(Outcome::new(
                FlagKind::Mig64,
                Part::Mig64(true),
                Some("1".to_owned()),
                mig64.clone(),
            ));
            outcomes.push(Outcome::new(
                FlagKind::Mig64,
                Part::Mig64(false),
                None,
                mig64,
            ));
        }
        let ppc = with(&|d| d.ppc);
        if !ppc.is_empty() {
            let mut o = Outcome::new(FlagKind::Ppc, Part::Ppc, Some("PPC".to_owned()), ppc);
            o.build_target_prefix = Some("Darwin".to_owned());
            outcomes.push(o);
        }
        Flags { outcomes }
    }

    /// The outcomes of one kind.
    pub(crate) fn of(&self, kind: FlagKind) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(move |o| o.kind == kind)
    }

    /// The variant a request selects, among the kinds its route reads.
    pub(crate) fn read(
        &self,
        kinds: &[FlagKind],
        query: &str,
        user_agent: Option<&str>,
        (product, channel, build_target): (&str, &str, &str),
    ) -> Variant {
        let mut variant = Variant::default();
        for kind in kinds {
            if let Some(o) = self
                .of(*kind)
                .find(|o| o.applies(product, channel, build_target) && o.selects(query, user_agent))
            {
                o.part.apply(&mut variant);
            }
        }
        variant
    }
}

/// `131.` is sent as `pin=131.`, or with leading zeros (`0131.`).
fn pin_value(pin: &str) -> String {
    pin.trim_end_matches('.')
        .split('.')
        .fold(String::new(), |mut s, n| {
            let _ = write!(s, "0*{}\\.", literal(n));
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::query::{balrog_extras, parse_query_string};
    use crate::model::route::BalrogRoute;
    use std::collections::BTreeMap;

    const QUERIES: &[&str] = &[
        "force=1",
        "force=-1",
        "force=1%3Favast=1",
        "force=1?avast=1",
        "force=-1?avast=1",
        "force=1?avast=x",
        "force=1?avast",
        "force=avast",
        "force=1&force=-1",
        "force=-1&force=1",
        "force=1&force",
        "force=1&xforce=-1",
        "force=0",
        "force=",
        "force=11",
        "x=1&force=1&y=2",
        "mig64=1",
        "mig64=0",
        "mig64=true",
        "mig64",
        "mig64=1&mig64=0",
        "mig64=0&mig64=1",
        "pin=131.",
        "pin=0131.",
        "pin=2.2.",
        "pin=2.02.",
        "pin=2.",
        "pin=131.&pin=2.2.",
        "",
    ];

    fn flags() -> Flags {
        let dims: BTreeMap<String, Dims> = BTreeMap::from([(
            "P".to_owned(),
            Dims {
                force: true,
                mig64: true,
                ppc: true,
                pins: vec![
                    ("release".to_owned(), "131.".to_owned()),
                    ("release".to_owned(), "2.2.".to_owned()),
                ],
            },
        )]);
        Flags::new(&dims)
    }

    #[test]
    fn flags_read_like_balrog() {
        let flags = flags();
        for q in QUERIES {
            let balrog = balrog_extras(BalrogRoute::Update(6), &parse_query_string(q), None);
            let ours = flags.read(&FlagKind::ALL, q, None, ("P", "release-cck-x", "WINNT"));
            assert_eq!(ours.force, balrog.force, "force in {q:?}");
            assert_eq!(ours.mig64, balrog.mig64, "mig64 in {q:?}");
            let balrog_pin = balrog
                .pin
                .as_deref()
                .and_then(crate::model::version::PinVersion::parse)
                .map(|p| p.normalized());
            let known = balrog_pin.filter(|p| p == "131." || p == "2.2.");
            assert_eq!(ours.pin, known, "pin in {q:?}");
        }
        let other = flags.read(
            &FlagKind::ALL,
            "force=1&pin=131.",
            Some("PPC"),
            ("Q", "release", "Darwin"),
        );
        assert!(other.is_plain(), "flags apply to the products they name");
        let beta = flags.read(&FlagKind::ALL, "pin=131.", None, ("P", "beta", "WINNT"));
        assert_eq!(beta.pin, None, "pins apply on their channel");
        let ppc = flags.read(
            &FlagKind::ALL,
            "",
            Some("Mozilla (PPC Mac OS X)"),
            ("P", "beta", "Darwin_ppc-gcc3"),
        );
        assert!(ppc.ppc);
        let not_darwin = flags.read(&FlagKind::ALL, "", Some("PPC"), ("P", "beta", "WINNT"));
        assert!(!not_darwin.ppc);
    }

    #[test]
    fn flags_read_without_lookarounds_agree() {
        let flags = flags();
        for q in QUERIES {
            for o in flags.outcomes.iter().filter(|o| o.kind != FlagKind::Ppc) {
                let Source::Query(name) = o.kind.source() else {
                    unreachable!()
                };
                let extracted = regex::Regex::new(&query_extractor(name))
                    .unwrap()
                    .captures(q)
                    .map(|c| c.get(1).map_or("", |m| m.as_str()).to_owned());
                let staged = extracted.is_some_and(|text| match &o.value {
                    None => true,
                    Some(v) => text.strip_prefix('=').is_some_and(|t| {
                        regex::Regex::new(&format!("^(?:{v})$"))
                            .unwrap()
                            .is_match(t)
                    }),
                });
                assert_eq!(staged, o.selects(q, None), "{:?} on {q:?}", o.part);
            }
        }
    }
}
