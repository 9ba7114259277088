//! Query-string variants: the request details besides the path that change
//! answers (`force`, `pin`, `mig64`, a PPC User-Agent). Each is read from the
//! raw query string by a pattern a web server evaluates the same way, and
//! named by a suffix of the response file (`update.f1.p131.xml`).

use crate::engine::request::{Extras, Force};
use std::fmt::Write as _;

use super::pattern::{Pattern, literal};

/// One request's variant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Variant {
    pub(crate) force: Option<Force>,
    /// A normalised pin (`131.`) that some pinnable release uses.
    pub(crate) pin: Option<String>,
    pub(crate) mig64: Option<bool>,
    pub(crate) ppc: bool,
    /// Not read from requests: the answer when a throttled rule's dice win
    /// (with the rule's rate), for servers that split traffic by percentage.
    pub(crate) won: Option<u8>,
}

impl Variant {
    /// The file-name suffix: empty for the plain answer.
    pub(crate) fn suffix(&self) -> String {
        let mut s = String::new();
        match self.force {
            Some(Force::Main) => s.push_str(".f1"),
            Some(Force::Fallback) => s.push_str(".f-1"),
            None => {}
        }
        if let Some(pin) = &self.pin {
            s.push_str(".p");
            s.push_str(pin.trim_end_matches('.'));
        }
        match self.mig64 {
            Some(true) => s.push_str(".m1"),
            Some(false) => s.push_str(".m0"),
            None => {}
        }
        if self.ppc {
            s.push_str(".ppc");
        }
        if let Some(rate) = self.won {
            let _ = write!(s, ".w{rate}");
        }
        s
    }

    pub(crate) fn is_plain(&self) -> bool {
        *self == Variant::default()
    }

    pub(crate) fn extras(&self) -> Extras {
        Extras {
            force: self.force,
            mig64: self.mig64,
            pin: self.pin.clone(),
            ppc: self.ppc,
            dice_won: self.won.is_some(),
        }
    }
}

/// The last `name=` parameter has a value matching `value` (to follow
/// `(?:.*&)?` at the start of the query string).
fn last_param_core(name: &str, value: &str) -> String {
    let n = literal(name);
    format!("{n}={value}(?=&|\\z)(?!.*&{n}(?:=|&|\\z))")
}

/// A pattern over a whole raw query string from a core.
fn over_query(core: &str) -> Pattern {
    Pattern::new(format!("(?s)^(?:.*&)?{core}"))
}

/// The patterns that read variants off a raw query string and a User-Agent.
#[derive(Debug)]
pub(crate) struct VariantPatterns {
    cores: Cores,
    force_main: Pattern,
    force_fallback: Pattern,
    mig64_true: Pattern,
    mig64_sent: Pattern,
    /// One per pinnable version, with the normalised pin.
    pins: Vec<(String, Pattern)>,
    ppc: Pattern,
}

/// Pattern bodies, for servers that prefix them with other variables.
#[derive(Debug)]
struct Cores {
    force_main: String,
    force_fallback: String,
    mig64_true: String,
    mig64_sent: String,
    pins: Vec<(String, String)>,
}

impl VariantPatterns {
    pub(crate) fn new(pins: &[String]) -> VariantPatterns {
        // force=1, also as Balrog repairs what Avast breaks: `1?avast=1`, `1%3Favast=1`.
        let avast = r"(?:(?:\?|%3[Ff]|%253[Ff])[^&]*?avast[^&]*)?";
        let cores = Cores {
            force_main: last_param_core("force", &format!("1{avast}")),
            force_fallback: last_param_core("force", &format!("-1{avast}")),
            mig64_true: last_param_core("mig64", "1"),
            mig64_sent: "mig64(?:=[^&]*)?(?=&|\\z)".to_owned(),
            pins: pins
                .iter()
                .map(|pin| {
                    let parts: String =
                        pin.trim_end_matches('.')
                            .split('.')
                            .fold(String::new(), |mut s, n| {
                                let _ = write!(s, "0*{}\\.", literal(n));
                                s
                            });
                    (pin.clone(), last_param_core("pin", &parts))
                })
                .collect(),
        };
        VariantPatterns {
            force_main: over_query(&cores.force_main),
            force_fallback: over_query(&cores.force_fallback),
            mig64_true: over_query(&cores.mig64_true),
            mig64_sent: over_query(&cores.mig64_sent),
            pins: cores
                .pins
                .iter()
                .map(|(pin, core)| (pin.clone(), over_query(core)))
                .collect(),
            ppc: Pattern::new("PPC".to_owned()),
            cores,
        }
    }

    pub(crate) fn force_main_core(&self) -> &str {
        &self.cores.force_main
    }

    pub(crate) fn force_fallback_core(&self) -> &str {
        &self.cores.force_fallback
    }

    pub(crate) fn mig64_true_core(&self) -> &str {
        &self.cores.mig64_true
    }

    pub(crate) fn mig64_sent_core(&self) -> &str {
        &self.cores.mig64_sent
    }

    pub(crate) fn pin_core(&self, pin: &str) -> Option<&str> {
        self.cores
            .pins
            .iter()
            .find(|(p, _)| p == pin)
            .map(|(_, c)| c.as_str())
    }

    /// The variant a request asks for, from its raw query string and User-Agent.
    pub(crate) fn read(
        &self,
        raw_query: &str,
        user_agent: Option<&str>,
        pins_allowed: bool,
    ) -> Variant {
        let force = if self.force_main.is_match(raw_query) {
            Some(Force::Main)
        } else if self.force_fallback.is_match(raw_query) {
            Some(Force::Fallback)
        } else {
            None
        };
        let mig64 = if self.mig64_true.is_match(raw_query) {
            Some(true)
        } else if self.mig64_sent.is_match(raw_query) {
            Some(false)
        } else {
            None
        };
        let pin = if pins_allowed {
            self.pins
                .iter()
                .find(|(_, p)| p.is_match(raw_query))
                .map(|(v, _)| v.clone())
        } else {
            None
        };
        Variant {
            force,
            pin,
            mig64,
            ppc: user_agent.is_some_and(|ua| self.ppc.is_match(ua)),
            won: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::request::{balrog_extras, parse_query_string};
    use crate::model::route::BalrogRoute;

    #[test]
    fn variants_read_like_balrog() {
        let v = VariantPatterns::new(&["131.".to_owned(), "2.2.".to_owned()]);
        for q in [
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
            "force=0",
            "force=",
            "force=11",
            "x=1&force=1&y=2",
            "mig64=1",
            "mig64=0",
            "mig64=true",
            "mig64",
            "mig64=1&mig64=0",
            "pin=131.",
            "pin=0131.",
            "pin=2.2.",
            "pin=2.02.",
            "pin=2.",
            "pin=131.&pin=2.2.",
            "",
        ] {
            let balrog = balrog_extras(BalrogRoute::Update(6), &parse_query_string(q), None);
            let ours = v.read(q, None, true);
            assert_eq!(ours.force, balrog.force, "force in {q:?}");
            assert_eq!(ours.mig64, balrog.mig64, "mig64 in {q:?}");
            let balrog_pin = balrog
                .pin
                .as_deref()
                .and_then(crate::engine::version::PinVersion::parse)
                .map(|p| p.normalized());
            let known = balrog_pin.filter(|p| p == "131." || p == "2.2.");
            assert_eq!(ours.pin, known, "pin in {q:?}");
        }
    }

    #[test]
    fn suffixes_name_files() {
        let v = Variant {
            force: Some(Force::Main),
            pin: Some("131.".into()),
            mig64: Some(false),
            ppc: true,
            won: None,
        };
        assert_eq!(v.suffix(), ".f1.p131.m0.ppc");
        let won = Variant {
            won: Some(25),
            ..Variant::default()
        };
        assert_eq!(won.suffix(), ".w25");
        assert_eq!(Variant::default().suffix(), "");
    }
}
