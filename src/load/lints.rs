//! Warnings for sites Balrog would serve without complaint but that are
//! almost certainly not what their authors meant: rules that can never
//! win, ties decided by row order, throttles without a fallback, channels
//! nobody uses, releases nothing serves, patches that are silently dropped,
//! and hashes or sizes that cannot be right.

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic, Diagnostics, thousands};
use crate::model::Site;
use crate::model::release::{AddonPlatform, Addons, Blob, FileUrls, Platform, SuperBlob};
use crate::model::scalar::Scalar;
use crate::source::Loc;

pub(crate) fn check(site: &Site, scheduled_releases: &[String], diags: &mut Diagnostics) {
    super::rule_lints::check(site, diags);
    unreachable_releases(site, scheduled_releases, diags);
    for release in &site.releases {
        files(site, release, diags);
        size(site, release, diags);
    }
}

/// A release over the site's budget of builds: each (platform, locale) is
/// a subtree of every update route, with a directory per channel and per
/// value of the parameters below, so 5,000 locales make a million
/// directories where a Firefox release has about a hundred.
fn size(site: &Site, release: &crate::model::release::Release, diags: &mut Diagnostics) {
    let Blob::App(app) = &release.blob else {
        return;
    };
    let budget = site.config.limits.builds_per_release;
    let locales = |bt: &str| {
        app.platform_data(bt)
            .and_then(|d| d.locales.as_ref())
            .map_or(0, |l| l.len() as u64)
    };
    let builds: u64 = app.platforms.keys().map(|bt| locales(bt)).sum();
    if builds <= budget {
        return;
    }
    let (widest, data) = app
        .platforms
        .iter()
        .filter_map(|(bt, p)| match p {
            Platform::Build(data) => Some((bt, data)),
            Platform::Alias { .. } => None,
        })
        .max_by_key(|(bt, _)| locales(bt))
        .expect("a release with builds has a platform with locales");
    diags.push(
        Diagnostic::warning(
            Code::LargeRelease,
            format!(
                "release `{}` lists {} builds (a platform and a locale each), over the site's budget of {} per release: each build is a subtree of every update route, with a directory per channel and per value of the parameters below it",
                release.name,
                thousands(builds),
                thousands(budget),
            ),
        )
        .at(data.loc, format!("`{widest}` alone has {} locales", thousands(locales(widest))))
        .help(format!(
            "if the release is meant to be this large, raise the budget in cinder.yml: `limits: {{builds-per-release: {builds}}}`; `cinder build` refuses a tree over its own limits (`--max-files`, `--max-directories`)"
        )),
    );
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

/// A download URL: it must be a web address, on the product's allowlist
/// (Balrog leaves any other out of answers).
fn check_url(site: &Site, url: &str, product: &str, what: &str, loc: Loc, diags: &mut Diagnostics) {
    if let Some(d) = super::releases::url_scheme(url, what, loc) {
        diags.push(d);
    }
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

/// The URLs of `fileUrls`: the renderer leaves out a patch whose URL is not
/// allowlisted, and the client gets an `<update>` without it.
fn file_urls(site: &Site, product: &str, name: &str, urls: &FileUrls, diags: &mut Diagnostics) {
    match urls {
        FileUrls::None => {}
        FileUrls::PerChannel(by_channel) => {
            for (channel, url) in by_channel {
                let what = format!("`fileUrls` `{channel}` of release `{name}`");
                check_url(site, url, product, &what, url.loc, diags);
            }
        }
        FileUrls::Blocks(blocks) => {
            for (channel, block) in blocks {
                for (kind, urls) in [
                    ("completes", &block.completes),
                    ("partials", &block.partials),
                ] {
                    for (from, url) in urls {
                        let what =
                            format!("`fileUrls` `{channel}` {kind} `{from}` of release `{name}`");
                        check_url(site, url, product, &what, url.loc, diags);
                    }
                }
            }
        }
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
                for mirror in &f.mirror_urls {
                    check_url(
                        site,
                        mirror,
                        product,
                        &format!("a mirror of {what}"),
                        addon.loc,
                        diags,
                    );
                }
            }
        }
    }
}

fn files(site: &Site, release: &crate::model::release::Release, diags: &mut Diagnostics) {
    let name = &release.name;
    let product = release.product.as_str();
    match &release.blob {
        Blob::App(app) => {
            file_urls(site, product, name, &app.file_urls, diags);
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
        Blob::Guardian(g) => {
            for (platform, p) in &g.platforms {
                if let Some(url) = &p.file_url {
                    let what = format!("platform `{platform}` of release `{name}`");
                    check_url(site, url, product, &what, release.loc, diags);
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
