//! How big the synthetic site is at a scale, and its release lines: which
//! app releases exist on each channel, oldest first, with their versions
//! and buildIDs.

use crate::time::{civil_from_days, days_from_civil};

/// Counts that follow the scale factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Locales of every build (100 at scale 1, at least 1).
    pub(crate) locales: usize,
    /// Nightly builds, two a day (20 at scale 1).
    pub(crate) nightlies: usize,
}

impl Shape {
    pub(crate) fn at(scale: f64) -> Shape {
        let scaled = |n: f64, min: usize| -> usize {
            let v = (n * scale).round();
            if v.is_finite() && v >= 0.0 {
                // Truncation is fine: the value is a small non-negative integer.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let v = v as usize;
                v.max(min)
            } else {
                min
            }
        };
        Shape {
            locales: scaled(100.0, 1),
            nightlies: scaled(20.0, 4),
        }
    }
}

/// One app release of a line.
#[derive(Clone, Debug)]
pub(crate) struct AppRelease {
    pub(crate) name: String,
    /// The version in the release's name (`147.0b6`, `140.6.0esr`).
    pub(crate) version: String,
    /// What its clients send (`147.0`, `140.6.0`).
    pub(crate) app_version: String,
    pub(crate) display: String,
    pub(crate) build_id: String,
    /// Where its files live under `https://archive.mozilla.org/pub/firefox/`.
    pub(crate) dir: String,
}

/// A channel's releases, oldest first; each has partials from the three
/// before it.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    /// The directory under `releases/firefox/` holding its files.
    pub(crate) key: &'static str,
    pub(crate) releases: Vec<AppRelease>,
}

impl Line {
    pub(crate) fn latest(&self) -> &AppRelease {
        self.releases.last().expect("a line has releases")
    }

    /// The release `back` places before the latest (or the oldest).
    pub(crate) fn back(&self, back: usize) -> &AppRelease {
        let i = self.releases.len().saturating_sub(1 + back);
        &self.releases[i]
    }
}

/// The release lines: nightly, beta, release, ESR 140 and ESR 115.
#[derive(Clone, Debug)]
pub(crate) struct Lines {
    pub(crate) nightly: Line,
    pub(crate) beta: Line,
    pub(crate) release: Line,
    pub(crate) esr140: Line,
    pub(crate) esr115: Line,
}

impl Lines {
    pub(crate) fn new(shape: Shape) -> Lines {
        // Nightlies: two a day (09:30 and 21:30 UTC), the last on 2026-11-30.
        let last_day = days_from_civil(2026, 11, 30);
        let nightly = (0..shape.nightlies)
            .rev()
            .map(|back| {
                let day = last_day - i64::try_from(back / 2).unwrap_or(0);
                let hour = if back % 2 == 0 { 21 } else { 9 };
                let (y, m, d) = civil_from_days(day);
                let build_id = format!("{y:04}{m:02}{d:02}{hour:02}3012");
                AppRelease {
                    name: format!("Firefox-mozilla-central-nightly-{build_id}"),
                    version: "148.0a1".to_owned(),
                    app_version: "148.0a1".to_owned(),
                    display: "148.0a1".to_owned(),
                    dir: format!("nightly/{y:04}/{m:02}/{build_id}-mozilla-central"),
                    build_id,
                }
            })
            .collect();
        Lines {
            nightly: Line {
                key: "nightly",
                releases: nightly,
            },
            beta: numbered(
                "beta",
                &[
                    ("147.0b1", 10),
                    ("147.0b2", 13),
                    ("147.0b3", 17),
                    ("147.0b4", 20),
                    ("147.0b5", 24),
                    ("147.0b6", 27),
                ],
            ),
            release: numbered(
                "release",
                &[
                    ("145.0", -25),
                    ("145.0.1", -15),
                    ("145.0.2", -8),
                    ("146.0", 3),
                    ("146.0.1", 16),
                ],
            ),
            esr140: numbered(
                "esr140",
                &[("140.4.0esr", -40), ("140.5.0esr", -8), ("140.6.0esr", 3)],
            ),
            esr115: numbered("esr115", &[("115.29.0esr", -40), ("115.30.0esr", 3)]),
        }
    }

    pub(crate) fn all(&self) -> [&Line; 5] {
        [
            &self.nightly,
            &self.beta,
            &self.release,
            &self.esr140,
            &self.esr115,
        ]
    }
}

/// A line of numbered releases: (version, days after 2026-11-01 it was built).
fn numbered(key: &'static str, versions: &[(&str, i64)]) -> Line {
    let base = days_from_civil(2026, 11, 1);
    let releases = versions
        .iter()
        .map(|(version, offset)| {
            let (y, m, d) = civil_from_days(base + offset);
            let (app_version, display) = match version.split_once('b') {
                Some((app, beta)) => (app.to_owned(), format!("{app} Beta {beta}")),
                None => {
                    let v = version.trim_end_matches("esr");
                    (v.to_owned(), v.to_owned())
                }
            };
            AppRelease {
                name: format!("Firefox-{version}-build1"),
                version: (*version).to_owned(),
                app_version,
                display,
                build_id: format!("{y:04}{m:02}{d:02}141205"),
                dir: format!("candidates/{version}-candidates/build1"),
            }
        })
        .collect();
    Line { key, releases }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(
            civil_from_days(days_from_civil(2026, 11, 30)),
            (2026, 11, 30)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2026, 11, 1) - 40),
            (2026, 9, 22)
        );
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn scale_one_is_firefox_sized() {
        assert_eq!(
            Shape::at(1.0),
            Shape {
                locales: 100,
                nightlies: 20
            }
        );
        assert_eq!(Shape::at(0.01).locales, 1);
        let lines = Lines::new(Shape::at(1.0));
        assert_eq!(lines.nightly.releases.len(), 20);
        assert_eq!(
            lines.nightly.latest().name,
            "Firefox-mozilla-central-nightly-20261130213012"
        );
        assert_eq!(lines.beta.latest().display, "147.0 Beta 6");
    }
}
