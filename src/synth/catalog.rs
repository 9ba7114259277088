//! Firefox's vocabulary for the synthetic site: build targets (with the
//! names download URLs use for them), platform aliases and locales.

/// Build targets with builds of their own: (buildTarget, OS_FTP, OS_BOUNCER).
pub(crate) const TARGETS: &[(&str, &str, &str)] = &[
    ("WINNT_x86_64-msvc-x64", "win64", "win64"),
    ("WINNT_x86-msvc", "win32", "win"),
    (
        "WINNT_aarch64-msvc-aarch64",
        "win64-aarch64",
        "win64-aarch64",
    ),
    ("Darwin_x86_64-gcc3-u-i386-x86_64", "mac", "osx"),
    ("Darwin_aarch64-gcc3", "mac", "osx"),
    ("Linux_x86_64-gcc3", "linux-x86_64", "linux64"),
    ("Linux_x86-gcc3", "linux-i686", "linux"),
    ("Linux_aarch64-gcc3", "linux-aarch64", "linux64-aarch64"),
];

/// Build targets that clients report for another target's build: (alias, target).
pub(crate) const ALIASES: &[(&str, &str)] = &[
    ("WINNT_x86_64-msvc", "WINNT_x86_64-msvc-x64"),
    ("Darwin_x86_64-gcc3", "Darwin_x86_64-gcc3-u-i386-x86_64"),
];

/// Ninety-eight of the locales Firefox ships (two made-up ones make a hundred).
const LOCALES: &[&str] = &[
    "ach",
    "af",
    "an",
    "ar",
    "ast",
    "az",
    "be",
    "bg",
    "bn",
    "br",
    "bs",
    "ca",
    "ca-valencia",
    "cak",
    "cs",
    "cy",
    "da",
    "de",
    "dsb",
    "el",
    "en-CA",
    "en-GB",
    "en-US",
    "eo",
    "es-AR",
    "es-CL",
    "es-ES",
    "es-MX",
    "et",
    "eu",
    "fa",
    "ff",
    "fi",
    "fr",
    "fur",
    "fy-NL",
    "ga-IE",
    "gd",
    "gl",
    "gn",
    "gu-IN",
    "he",
    "hi-IN",
    "hr",
    "hsb",
    "hu",
    "hy-AM",
    "ia",
    "id",
    "is",
    "it",
    "ja",
    "ka",
    "kab",
    "kk",
    "km",
    "kn",
    "ko",
    "lij",
    "lo",
    "lt",
    "ltg",
    "lv",
    "mk",
    "mr",
    "ms",
    "my",
    "nb-NO",
    "ne-NP",
    "nl",
    "nn-NO",
    "oc",
    "pa-IN",
    "pl",
    "pt-BR",
    "pt-PT",
    "rm",
    "ro",
    "ru",
    "sat",
    "sc",
    "sco",
    "si",
    "sk",
    "skr",
    "sl",
    "son",
    "sq",
    "sr",
    "sv-SE",
    "szl",
    "ta",
    "te",
    "tg",
    "th",
    "tl",
    "tr",
    "trs",
];

/// The first `n` locales: en-US first, then Firefox's, then made-up ones
/// (`x-synth1`, ...) from the 99th on.
pub(crate) fn locales(n: usize) -> Vec<String> {
    let mut out = vec!["en-US".to_owned()];
    out.extend(
        LOCALES
            .iter()
            .filter(|l| **l != "en-US")
            .map(|l| (*l).to_owned()),
    );
    let mut extra = 0;
    while out.len() < n {
        extra += 1;
        out.push(format!("x-synth{extra}"));
    }
    out.truncate(n.max(1));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hundred_distinct_locales() {
        let all = super::locales(100);
        let set: std::collections::BTreeSet<&String> = all.iter().collect();
        assert_eq!(super::LOCALES.len(), 98);
        assert_eq!(all[99], "x-synth2");
        assert_eq!(set.len(), 100);
        assert_eq!(super::locales(2), ["en-US", "ach"]);
        assert_eq!(super::locales(102).len(), 102);
    }
}
