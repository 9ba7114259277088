//! Query-string variants: the request details besides the path that change
//! answers (`force`, `pin`, `mig64`, a PPC User-Agent). Each is read from the
//! raw query string by a pattern a web server evaluates the same way, and
//! named by a suffix of the response file (`update.f1.p131.xml`).

use crate::engine::request::{Extras, Force};

use super::pattern::{Pattern, literal};

/// One request's variant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Variant {
    pub(crate) force: Option<Force>,
    /// A normalised pin (`131.`) that some pinnable release uses.
    pub(crate) pin: Option<String>,
    pub(crate) mig64: Option<bool>,
    pub(crate) ppc: bool,
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
            dice_won: false,
        }
    }
}

/// The last value of a query parameter matches `value`.
fn last_param(name: &str, value: &str) -> Pattern {
    let n = literal(name);
    Pattern::new(format!("(?:^|&){n}={value}(?=&|\\z)(?!.*&{n}(?:=|&|\\z))"))
}

/// The patterns that read variants off a raw query string and a User-Agent.
#[derive(Debug)]
pub(crate) struct VariantPatterns {
    pub(crate) force_main: Pattern,
    pub(crate) force_fallback: Pattern,
    pub(crate) mig64_true: Pattern,
    pub(crate) mig64_sent: Pattern,
    /// One per pinnable version, with the normalised pin.
    pub(crate) pins: Vec<(String, Pattern)>,
    pub(crate) ppc: Pattern,
}

impl VariantPatterns {
    pub(crate) fn new(pins: &[String]) -> VariantPatterns {
        // force=1, also as Balrog repairs what Avast breaks: `1?avast=1`, `1%3Favast=1`.
        let avast = r"(?:(?:\?|%3[Ff]|%253[Ff])[^&]*?avast[^&]*)?";
        VariantPatterns {
            force_main: last_param("force", &format!("1{avast}")),
            force_fallback: last_param("force", &format!("-1{avast}")),
            mig64_true: last_param("mig64", "1"),
            mig64_sent: Pattern::new("(?:^|&)mig64(?:=[^&]*)?(?=&|\\z)".to_owned()),
            pins: pins
                .iter()
                .map(|pin| {
                    let parts: Vec<String> = pin
                        .trim_end_matches('.')
                        .split('.')
                        .map(|n| format!("0*{}\\.", literal(n)))
                        .collect();
                    (pin.clone(), last_param("pin", &parts.concat()))
                })
                .collect(),
            ppc: Pattern::new("PPC".to_owned()),
        }
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
        };
        assert_eq!(v.suffix(), ".f1.p131.m0.ppc");
        assert_eq!(Variant::default().suffix(), "");
    }
}
