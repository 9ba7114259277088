//! The stable codes of every diagnostic cinder reports, with a line saying
//! what each means. The README's list of codes is checked against this table.

macro_rules! codes {
    ($($variant:ident => $name:literal, $what:literal;)*) => {
        /// A stable diagnostic code; the name is what users see and can search for.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) enum Code {
            $($variant,)*
        }

        impl Code {
            #[cfg(test)]
            pub(crate) const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            #[cfg(test)]
            pub(crate) fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $what,)*
                }
            }
        }
    };
}

codes! {
    // Reading files
    Io => "io", "a file or directory could not be read";
    YamlSyntax => "yaml-syntax", "a file is not valid YAML or JSON, or repeats a key";
    UnknownField => "unknown-field", "a field that the schema does not define (often a typo)";
    MissingField => "missing-field", "a required field is absent";
    WrongType => "wrong-type", "a value has the wrong type (a number where a string is required, ...)";
    InvalidValue => "invalid-value", "a value is outside what is allowed (a version that does not parse, a rate above 100, ...)";
    DuplicateName => "duplicate-name", "two releases, templates, rule ids or aliases share a name";
    UnknownTemplate => "unknown-template", "`extends` names a template that does not exist";
    TemplateCycle => "template-cycle", "templates extend each other in a circle";
    // References between files (Balrog answers 500 for each of these)
    UnknownRelease => "unknown-release", "a mapping, fallbackMapping, pin or SuperBlob entry names a release that does not exist";
    FromReleaseLacksLocale => "from-release-lacks-locale", "a partial's from-release has the platform but not the locale, so Balrog answers 500";
    NumericBuildId => "numeric-build-id", "a buildID written as a number; Balrog compares buildIDs as strings and answers 500";
    MissingFileUrl => "missing-file-url", "no URL for a complete patch on a channel that can reach the release, so Balrog answers 500";
    MissingOsField => "missing-os-field", "a platform whose patch URLs need `OS_FTP` or `OS_BOUNCER` lacks it, so Balrog answers 500";
    AliasChain => "alias-chain", "a platform alias points at another alias; Balrog resolves one level only";
    WrongBlobType => "wrong-blob-type", "a rule maps requests to a release that cannot answer them (a JSON blob on an XML route)";
    // Lints: served without complaint, but almost certainly a mistake
    ShadowedRule => "shadowed-rule", "a rule can never win: a rule that wins over it matches every request it matches";
    EqualPriorityOverlap => "equal-priority-overlap", "two rules with the same priority and different answers can match the same request, so row order decides";
    ThrottledWithoutFallback => "throttled-without-fallback", "a rule with `backgroundRate` below 100 and no `fallbackMapping`: the other background checks get no update";
    ChannelMatchesNothing => "channel-matches-nothing", "a rule's channel glob matches none of the channels declared in cinder.yml";
    UnreachableRelease => "unreachable-release", "no rule, pin, scheduled change, SuperBlob or partial names a release";
    UnknownPartialFrom => "unknown-partial-from", "a patch starts from a release the site does not have, so Balrog never offers it";
    UrlOutsideAllowlist => "url-outside-allowlist", "a download URL outside the domain allowlist for its product, so Balrog leaves it out";
    MalformedHash => "malformed-hash", "a hashValue that is not a digest of the declared hashFunction";
    MalformedSize => "malformed-size", "a file size that is not a positive number of bytes";
    UnknownHashFunction => "unknown-hash-function", "a hashFunction clients cannot check a download with (not sha1, sha256, sha384 or sha512)";
    UrlScheme => "url-scheme", "a URL that reaches clients is not `http:` or `https:` (a `javascript:` or `file:` URL, say)";
    CaseCollision => "case-collision", "values of one parameter differ only by case, so their directories are one on case-insensitive file systems";
    LargeRelease => "large-release", "a release lists more builds (platforms times locales) than `limits.builds-per-release` in cinder.yml allows; each is a subtree of every update route";
    // Time
    Expired => "expired", "something a release depends on (a signing certificate, ...) has expired as of the time checked";
    ExpiresSoon => "expires-soon", "something a release depends on expires within `check --horizon` of the time checked";
    // Routes
    InvalidRoute => "invalid-route", "a route template or its settings cannot be served";
    RouteLacksParameter => "route-lacks-parameter", "a rule matches on a parameter that no route serving its product carries";
    SomeRoutesLackParameter => "some-routes-lack-parameter", "a rule matches on a parameter that some of the routes serving its product do not carry (their clients are answered as if the parameter were absent)";
}

impl Code {
    /// Lints: what Balrog serves without complaint but is likely a mistake.
    #[cfg(test)]
    pub(crate) fn is_lint(self) -> bool {
        matches!(
            self,
            Code::ShadowedRule
                | Code::EqualPriorityOverlap
                | Code::ThrottledWithoutFallback
                | Code::ChannelMatchesNothing
                | Code::UnreachableRelease
                | Code::UnknownPartialFrom
                | Code::UrlOutsideAllowlist
                | Code::MalformedHash
                | Code::MalformedSize
                | Code::CaseCollision
                | Code::LargeRelease
                | Code::UnknownHashFunction
                | Code::UrlScheme
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_documents_every_code() {
        let readme = include_str!("../../README.md");
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code.name(), code.description());
            assert!(readme.contains(&row), "README.md lacks the row:\n{row}");
        }
    }

    #[test]
    fn names_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        );
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
