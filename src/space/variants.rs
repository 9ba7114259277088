//! Query-string variants: the request details besides the path that change
//! answers (`force`, `pin`, `mig64`, a PPC User-Agent), each named by a
//! suffix of the response file (`update.f1.p131.xml`). How a request's
//! variant is read is part of the routing description (the `routing` module).

use crate::engine::query::{Extras, Force};
use std::fmt::Write as _;

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

    /// The variant a file-name suffix names (`suffix` read back).
    pub(crate) fn from_suffix(suffix: &str) -> Option<Variant> {
        let mut v = Variant::default();
        let mut rest = suffix;
        let take = |rest: &mut &str, tag: &str| -> bool {
            match rest.strip_prefix(tag) {
                Some(r) => {
                    *rest = r;
                    true
                }
                None => false,
            }
        };
        if take(&mut rest, ".f-1") {
            v.force = Some(Force::Fallback);
        } else if take(&mut rest, ".f1") {
            v.force = Some(Force::Main);
        }
        if let Some(r) = rest.strip_prefix(".p") {
            let end = r
                .char_indices()
                .find(|(i, c)| {
                    !(c.is_ascii_digit()
                        || (*c == '.' && r[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
                })
                .map_or(r.len(), |(i, _)| i);
            if end == 0 {
                return None;
            }
            v.pin = Some(format!("{}.", &r[..end]));
            rest = &r[end..];
        }
        if take(&mut rest, ".m1") {
            v.mig64 = Some(true);
        } else if take(&mut rest, ".m0") {
            v.mig64 = Some(false);
        }
        v.ppc = take(&mut rest, ".ppc");
        if let Some(r) = rest.strip_prefix(".w") {
            v.won = Some(r.parse().ok()?);
            rest = "";
        }
        (rest.is_empty() && v.suffix() == suffix).then_some(v)
    }

    /// The query string that asks for this variant (`force=1&pin=131.`);
    /// `ppc` is a User-Agent holding `PPC` instead.
    pub(crate) fn query(&self) -> String {
        let mut parts = Vec::new();
        match self.force {
            Some(Force::Main) => parts.push("force=1".to_owned()),
            Some(Force::Fallback) => parts.push("force=-1".to_owned()),
            None => {}
        }
        if let Some(pin) = &self.pin {
            parts.push(format!("pin={pin}"));
        }
        match self.mig64 {
            Some(true) => parts.push("mig64=1".to_owned()),
            Some(false) => parts.push("mig64=0".to_owned()),
            None => {}
        }
        parts.join("&")
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

#[cfg(test)]
mod tests {
    use super::*;

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
        for v in [v, won, Variant::default()] {
            assert_eq!(Variant::from_suffix(&v.suffix()), Some(v.clone()));
        }
        let pinned = Variant {
            pin: Some("2.2.".into()),
            mig64: Some(true),
            ..Variant::default()
        };
        assert_eq!(pinned.suffix(), ".p2.2.m1");
        assert_eq!(Variant::from_suffix(".p2.2.m1"), Some(pinned.clone()));
        assert_eq!(pinned.query(), "pin=2.2.&mig64=1");
        assert_eq!(Variant::from_suffix(".x"), None);
        assert_eq!(Variant::from_suffix(".p"), None);
    }
}
