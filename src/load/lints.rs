//! Warnings for sites Balrog would serve without complaint but that are
//! almost certainly not what their authors meant: rules that can never
//! win, ties decided by row order, throttles without a fallback, channels
//! nobody uses, releases nothing serves, patches that are silently dropped,
//! and hashes or sizes that cannot be right.

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::engine::evaluate::Field;
use crate::engine::matchers::ChannelPattern;
use crate::model::Site;
use crate::model::release::{AddonPlatform, Addons, Blob, Platform, SuperBlob};
use crate::model::rule::Rule;
use crate::model::rule::Target;
use crate::model::scalar::Scalar;
use crate::source::Loc;

pub(crate) fn check(site: &Site, scheduled_releases: &[String], diags: &mut Diagnostics) {
    rules(site, diags);
    unreachable_releases(site, scheduled_releases, diags);
    for release in &site.releases {
        files(site, release, diags);
    }
}

/// Whether rule `b`'s channel condition holds for every channel `a`'s does.
fn channel_covers(b: &ChannelPattern, a: &ChannelPattern) -> bool {
    b.raw == a.raw || (b.is_glob() && !a.is_glob() && b.matches(&a.raw).unwrap_or(false))
}

/// Whether `b` matches every request `a` matches (judged by what is written:
/// each condition of `b` is also a condition of `a`).
fn covers(b: &Rule, a: &Rule) -> bool {
    Field::ALL.iter().all(|f| match (f.of(b), f.of(a)) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) if *f == Field::Channel => {
            x == y
                || matches!((&b.channel, &a.channel), (Some(bc), Some(ac)) if channel_covers(bc, ac))
        }
        (Some(x), Some(y)) => x == y,
    })
}

fn csv_disjoint(x: &str, y: &str) -> bool {
    let xs: BTreeSet<&str> = x.split(',').map(str::trim).collect();
    !y.split(',').map(str::trim).any(|v| xs.contains(v))
}

/// Whether no request can match both rules (judged conservatively: only
/// conditions that plainly exclude each other count).
fn disjoint(a: &Rule, b: &Rule) -> bool {
    Field::ALL.iter().any(|f| {
        let (Some(left), Some(right)) = (f.of(a), f.of(b)) else {
            return false;
        };
        if left == right {
            return false;
        }
        match f {
            Field::Product
            | Field::BuildTarget
            | Field::HeaderArchitecture
            | Field::DistVersion
            | Field::Mig64
            | Field::Jaws => true,
            Field::Channel => match (&a.channel, &b.channel) {
                (Some(ac), Some(bc)) => match (ac.stem(), bc.stem()) {
                    (Some(s), Some(t)) => !s.starts_with(t) && !t.starts_with(s),
                    (Some(_), None) => !ac.matches(&bc.raw).unwrap_or(false),
                    (None, Some(_)) => !bc.matches(&ac.raw).unwrap_or(false),
                    (None, None) => true,
                },
                _ => false,
            },
            Field::Locale | Field::Distribution | Field::InstructionSet => {
                csv_disjoint(&left, &right)
            }
            Field::Version | Field::BuildId | Field::Memory | Field::OsVersion => false,
        }
    })
}

fn outcome(rule: &Rule) -> (Option<&str>, Option<&str>, u8) {
    fn name(t: Option<&Target>) -> Option<&str> {
        t.map(|t| t.name.as_str())
    }
    (
        name(rule.mapping.as_ref()),
        name(rule.fallback_mapping.as_ref()),
        rule.background_rate,
    )
}

fn rules(site: &Site, diags: &mut Diagnostics) {
    let ids: Vec<_> = site.rule_ids().collect();
    for (i, &a_id) in ids.iter().enumerate() {
        let a = site.rule(a_id);
        let a_name = site.rule_name(a_id);
        if a.is_throttled() && a.fallback_mapping.is_none() && a.mapping.is_some() {
            diags.push(
                Diagnostic::warning(
                    Code::ThrottledWithoutFallback,
                    format!(
                        "rule {a_name} is throttled to {}% with no fallbackMapping: the other background checks get no update at all",
                        a.background_rate
                    ),
                )
                .at(a.origin.field("backgroundRate"), "throttled")
                .help("add `fallbackMapping` (usually the release clients had before), or set `backgroundRate: 100`"),
            );
        }
        if let Some(c) = &a.channel
            && c.is_glob()
            && !site.config.channels.is_empty()
            && !site
                .config
                .channels
                .iter()
                .any(|ch| c.matches(ch).unwrap_or(false))
        {
            diags.push(
                Diagnostic::warning(
                    Code::ChannelMatchesNothing,
                    format!("channel `{}` of rule {a_name} matches none of the channels declared in cinder.yml", c.raw),
                )
                .at(a.origin.field("channel"), "matches no declared channel")
                .help(format!(
                    "declared: {}; fix the pattern or declare the channel under `channels:`",
                    crate::diag::and_ticked(&site.config.channels)
                )),
            );
        }
        // Rules in row order: an earlier rule of equal priority wins ties.
        for (j, &b_id) in ids.iter().enumerate() {
            if i == j {
                continue;
            }
            let b = site.rule(b_id);
            let b_wins = b.priority > a.priority || (b.priority == a.priority && j < i);
            if b_wins && covers(b, a) {
                diags.push(
                    Diagnostic::warning(
                        Code::ShadowedRule,
                        format!(
                            "rule {a_name} can never win: rule {} matches every request it matches and wins over it",
                            site.rule_name(b_id)
                        ),
                    )
                    .at(a.origin.loc, "never chosen")
                    .note(b.origin.loc, format!("rule {} is here", site.rule_name(b_id)))
                    .help("give it a higher priority or a narrower rule above it, or remove it"),
                );
                break;
            }
        }
        for &b_id in &ids[i + 1..] {
            let b = site.rule(b_id);
            if b.priority == a.priority
                && outcome(a) != outcome(b)
                && !covers(a, b)
                && !disjoint(a, b)
            {
                diags.push(
                    Diagnostic::warning(
                        Code::EqualPriorityOverlap,
                        format!(
                            "rules {a_name} and {} have the same priority ({}) and can match the same requests, with different answers: row order decides",
                            site.rule_name(b_id),
                            a.priority
                        ),
                    )
                    .at(b.origin.field("priority"), format!("rule {a_name} wins where both match"))
                    .note(a.origin.field("priority"), format!("rule {a_name} is here"))
                    .help("give one of them a higher priority, or make their conditions exclusive"),
                );
            }
        }
    }
}

fn unreachable_releases(site: &Site, scheduled: &[String], diags: &mut Diagnostics) {
    let mut used: BTreeSet<&str> = scheduled.iter().map(String::as_str).collect();
    for rule in &site.rules {
        for t in [&rule.mapping, &rule.fallback_mapping]
            .into_iter()
            .flatten()
        {
            used.insert(&t.name);
        }
    }
    for pin in &site.config.pins {
        used.insert(&pin.mapping.name);
    }
    for release in &site.releases {
        match &release.blob {
            Blob::Super(SuperBlob::Blobs(blobs)) => {
                used.extend(blobs.iter().map(|t| t.name.as_str()));
            }
            Blob::App(app) => {
                // Old releases kept so that partials can name them.
                for p in app.platforms.values() {
                    if let Platform::Build(data) = p {
                        for entry in data.locales.iter().flat_map(|l| l.values()) {
                            used.extend(
                                entry
                                    .partials
                                    .iter()
                                    .chain(&entry.completes)
                                    .map(|p| p.from.as_str()),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // A SuperBlob's products are served by their own rules.
    for release in &site.releases {
        if !used.contains(release.name.as_str()) {
            diags.push(
                Diagnostic::warning(
                    Code::UnreachableRelease,
                    format!("no rule, pin, scheduled change or SuperBlob serves release `{}`", release.name),
                )
                .at(release.loc, "unreachable")
                .help("map a rule to it, or delete the file if it is no longer needed (partials may still name it)"),
            );
        }
    }
}

/// The hex digits a hash function's digest has.
fn digest_len(function: &str) -> Option<usize> {
    match function.to_ascii_lowercase().as_str() {
        "sha512" => Some(128),
        "sha384" => Some(96),
        "sha256" => Some(64),
        "sha1" => Some(40),
        _ => None,
    }
}

fn check_hash(
    function: Option<&Scalar>,
    value: &Scalar,
    what: &str,
    loc: Loc,
    diags: &mut Diagnostics,
) {
    let text = value.python_str();
    let expected = function.and_then(Scalar::as_str).and_then(digest_len);
    let hex = !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit());
    let right_length = expected.is_none_or(|n| text.len() == n);
    if !hex || !right_length {
        let want = expected.map_or_else(
            || "hexadecimal digits".to_owned(),
            |n| {
                format!(
                    "{n} hexadecimal digits for {}",
                    function.map(Scalar::python_str).unwrap_or_default()
                )
            },
        );
        diags.push(
            Diagnostic::warning(Code::MalformedHash, format!("the hashValue of {what} is not a digest: `{text}`"))
                .at(loc, format!("expected {want}"))
                .help("clients verify downloads against it and reject the update; copy the digest from the build's checksums"),
        );
    }
}

fn check_size(size: &Scalar, what: &str, loc: Loc, diags: &mut Diagnostics) {
    let ok = match size {
        Scalar::Int(n) => *n > 0,
        Scalar::Str(s) => s.parse::<u64>().is_ok_and(|n| n > 0),
        _ => false,
    };
    if !ok {
        diags.push(
            Diagnostic::warning(
                Code::MalformedSize,
                format!(
                    "the size of {what} is not a positive number of bytes: `{}`",
                    size.python_str()
                ),
            )
            .at(loc, "expected the file's size in bytes")
            .help("clients check the downloaded size against it"),
        );
    }
}

fn check_url(site: &Site, url: &str, product: &str, what: &str, loc: Loc, diags: &mut Diagnostics) {
    if url.contains('%') && !url.contains("://") {
        return;
    }
    if site.config.allowlist.is_forbidden(url, product) {
        diags.push(
            Diagnostic::warning(
                Code::UrlOutsideAllowlist,
                format!("{what} has URL `{url}`, outside the domain allowlist for `{product}`: Balrog leaves it out of answers"),
            )
            .at(loc, "not allowlisted")
            .help(format!("add its host to `allowlist` in cinder.yml for `{product}`, or correct the URL")),
        );
    }
}

fn addons(site: &Site, product: &str, name: &str, a: &Addons, diags: &mut Diagnostics) {
    for (id, addon) in &a.addons {
        for (platform, entry) in &addon.platforms {
            if let AddonPlatform::File(f) = entry {
                let what = format!("add-on `{id}` ({platform}) of release `{name}`");
                check_hash(
                    a.hash_function.as_ref(),
                    &f.hash_value,
                    &what,
                    addon.loc,
                    diags,
                );
                check_size(&f.filesize, &what, addon.loc, diags);
                check_url(site, &f.file_url, product, &what, addon.loc, diags);
            }
        }
    }
}

fn files(site: &Site, release: &crate::model::release::Release, diags: &mut Diagnostics) {
    let name = &release.name;
    let product = release.product.as_str();
    match &release.blob {
        Blob::App(app) => {
            let mut unknown_from: BTreeSet<&str> = BTreeSet::new();
            for (bt, p) in &app.platforms {
                let Platform::Build(data) = p else { continue };
                for (locale, entry) in data.locales.iter().flat_map(|l| l.iter()) {
                    for (kind, list) in
                        [("complete", &entry.completes), ("partial", &entry.partials)]
                    {
                        for patch in list {
                            let what = format!(
                                "the {kind} from `{}` for {bt} {locale} in release `{name}`",
                                patch.from
                            );
                            check_hash(
                                app.hash_function.as_ref(),
                                &patch.hash_value,
                                &what,
                                patch.loc,
                                diags,
                            );
                            check_size(&patch.filesize, &what, patch.loc, diags);
                            if let Some(url) = &patch.file_url {
                                check_url(site, url, product, &what, patch.loc, diags);
                            }
                            if patch.from != "*"
                                && patch.from_release.is_none()
                                && unknown_from.insert(&patch.from)
                            {
                                diags.push(
                                    Diagnostic::warning(
                                        Code::UnknownPartialFrom,
                                        format!("release `{name}` has patches from `{}`, which is no release of the site: Balrog never offers them", patch.from),
                                    )
                                    .at(patch.from_loc, "unknown release")
                                    .help("add the release the patch starts from (its buildIDs decide who gets the patch), or fix the name"),
                                );
                            }
                        }
                    }
                }
            }
        }
        Blob::Gmp(a) => addons(site, product, name, a, diags),
        Blob::SystemAddons(s) => addons(site, product, name, &s.addons, diags),
        Blob::Features(f) => {
            for p in &f.packages {
                let what = format!("package `{}` of release `{name}`", p.id);
                let function = p.hash_function.as_ref().or(f.hash_function.as_ref());
                check_hash(function, &p.hash_value, &what, release.loc, diags);
                check_size(&p.size, &what, release.loc, diags);
                check_url(site, &p.url, product, &what, release.loc, diags);
            }
        }
        _ => {}
    }
}
