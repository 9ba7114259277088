//! The synthetic site's desupport notices (schema 50).

/// Desupport notices: (release name, support article, last version).
pub(crate) const DESUPPORTS: &[(&str, &str, &str)] = &[
    (
        "Firefox-desupport-macos-10.14",
        "firefox-users-macos-1012-1013-1014-moving-to-extended-support",
        "140.6.0",
    ),
    (
        "Firefox-desupport-linux-i686",
        "firefox-users-32-bit-linux-moving-to-extended-support",
        "145.0.2",
    ),
];

pub(crate) fn desupport(article: &str, version: &str) -> String {
    format!(
        "product: Firefox\nschema_version: 50\n\
         detailsUrl: \"https://support.mozilla.org/%LOCALE%/kb/{article}?version=%VERSION%&os=%OS%\"\n\
         displayVersion: \"{version}\"\n"
    )
}
