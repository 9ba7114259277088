//! Checks across the loaded site for data that would make Balrog fail
//! (answer 500) for some client: partials whose from-release lacks the
//! client's locale, complete patches without a URL on a channel that can
//! reach them, platforms missing `OS_FTP` / `OS_BOUNCER`, alias chains, and
//! release kinds that cannot stand where they are referenced.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Code, Diagnostic, Diagnostics, and_ticked};
use crate::engine::query::fallback_channel;
use crate::engine::should_serve::build_id_for;
use crate::model::release::{
    AddonPlatform, AppRelease, Blob, FileUrls, Patch, Platform, SuperBlob,
};
use crate::model::{ReleaseId, Site};

pub(crate) fn check(site: &Site, diags: &mut Diagnostics) {
    for release in &site.releases {
        match &release.blob {
            Blob::App(app) => {
                if app.hash_function.is_none() && has_patches(app) {
                    diags.push(
                        Diagnostic::error(
                            Code::MissingField,
                            format!(
                                "release `{}` has patches but no `hashFunction`",
                                release.name
                            ),
                        )
                        .at(
                            release.loc,
                            "Balrog answers 500 when it writes a patch of this release",
                        )
                        .help("add `hashFunction: sha512`"),
                    );
                }
                aliases(app, diags);
                from_releases(site, &release.name, app, diags);
            }
            Blob::Gmp(a) => addon_aliases(a, diags),
            Blob::SystemAddons(sa) => addon_aliases(&sa.addons, diags),
            Blob::Super(SuperBlob::Blobs(blobs)) => {
                for t in blobs {
                    if let Some(id) = t.release
                        && matches!(site.release(id).blob, Blob::Super(_) | Blob::Guardian(_))
                    {
                        diags.push(
                            Diagnostic::error(
                                Code::WrongBlobType,
                                format!(
                                    "SuperBlob `{}` lists `{}`, a {} release",
                                    release.name,
                                    t.name,
                                    site.release(id).blob.schema_name()
                                ),
                            )
                            .at(t.loc, "Balrog answers 500: this kind has no add-on entries")
                            .help("list app, GMP or SystemAddons releases"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    file_urls(site, diags);
}

fn has_patches(app: &AppRelease) -> bool {
    app.platforms.values().any(|p| match p {
        Platform::Build(d) => d
            .locales
            .iter()
            .flat_map(|l| l.values())
            .any(|l| !l.completes.is_empty() || !l.partials.is_empty()),
        Platform::Alias { .. } => false,
    })
}

/// Every (release, channel) pair a rule or pin can serve, with where the
/// reference is written.
fn reachable(site: &Site) -> BTreeMap<(ReleaseId, String), crate::source::Loc> {
    let channels = site.known_channels();
    let mut out = BTreeMap::new();
    for rule in &site.rules {
        let reach: Vec<String> = match &rule.channel {
            None => channels.iter().cloned().collect(),
            Some(c) if !c.is_glob() => vec![c.raw.clone()],
            Some(c) => channels
                .iter()
                .filter(|ch| c.matches_channel(ch, fallback_channel(ch)).unwrap_or(false))
                .cloned()
                .collect(),
        };
        for t in [&rule.mapping, &rule.fallback_mapping]
            .into_iter()
            .flatten()
        {
            let Some(id) = t.release else { continue };
            for ch in &reach {
                out.entry((id, ch.clone())).or_insert(t.loc);
            }
        }
    }
    for pin in &site.config.pins {
        if let Some(id) = pin.mapping.release {
            out.entry((id, pin.channel.clone()))
                .or_insert(pin.mapping.loc);
        }
    }
    out
}

fn file_urls(site: &Site, diags: &mut Diagnostics) {
    let mut reported: BTreeSet<(ReleaseId, String)> = BTreeSet::new();
    for ((id, channel), via) in reachable(site) {
        let release = site.release(id);
        let Blob::App(app) = &release.blob else {
            continue;
        };
        for (bt, platform) in &app.platforms {
            let Platform::Build(data) = platform else {
                continue;
            };
            for locale in data.locales.iter().flat_map(|l| l.values()) {
                let needs = |p: &&Patch| p.file_url.is_none();
                let patches: Vec<(&str, &Patch)> = locale
                    .completes
                    .iter()
                    .filter(needs)
                    .map(|p| ("complete", p))
                    .chain(
                        locale
                            .partials
                            .iter()
                            .filter(needs)
                            .filter(|_| app.separated_file_urls())
                            .map(|p| ("partial", p)),
                    )
                    .collect();
                for (kind, patch) in patches {
                    if url_template_exists(app, &channel, kind, patch) {
                        if (data.os_ftp.is_none() || data.os_bouncer.is_none())
                            && reported.insert((id, format!("os {bt}")))
                        {
                            let missing: Vec<&str> =
                                [("OS_FTP", &data.os_ftp), ("OS_BOUNCER", &data.os_bouncer)]
                                    .into_iter()
                                    .filter(|(_, v)| v.is_none())
                                    .map(|(k, _)| k)
                                    .collect();
                            diags.push(
                                Diagnostic::error(Code::MissingOsField, format!("platform `{bt}` of release `{}` has no {}", release.name, and_ticked(&missing)))
                                    .at(data.loc, "Balrog fills these into `fileUrls` templates and answers 500 without them")
                                    .help(format!("add e.g. `OS_FTP: {}` and `OS_BOUNCER: {}`", os_guess(bt).0, os_guess(bt).1)),
                            );
                        }
                        continue;
                    }
                    if kind == "complete" || app.separated_file_urls() {
                        if reported.insert((id, channel.clone())) {
                            diags.push(
                                Diagnostic::error(Code::MissingFileUrl, format!("release `{}` has no URL for its {kind} patches on channel `{channel}`", release.name))
                                    .at(patch.loc, "no `fileUrl` here, and `fileUrls` has no entry for this channel")
                                    .note(via, format!("this makes `{channel}` clients reach the release"))
                                    .help(file_urls_help(app, &channel)),
                            );
                        }
                        break;
                    }
                }
            }
        }
    }
}

fn url_template_exists(app: &AppRelease, channel: &str, kind: &str, patch: &Patch) -> bool {
    let fallback = fallback_channel(channel);
    match &app.file_urls {
        FileUrls::PerChannel(m) if app.separated_file_urls() => {
            m.contains_key(channel) || m.contains_key(fallback)
        }
        FileUrls::Blocks(blocks) if !app.separated_file_urls() => [channel, fallback, "*"]
            .iter()
            .find_map(|c| blocks.get(*c).filter(|b| b.non_empty))
            .is_some_and(|b| {
                if kind == "complete" {
                    b.completes.contains_key(&patch.from)
                } else {
                    b.partials.contains_key(&patch.from)
                }
            }),
        _ => false,
    }
}

fn file_urls_help(app: &AppRelease, channel: &str) -> String {
    if app.separated_file_urls() {
        format!(
            "add `fileUrls: {{{channel}: \"https://.../%OS_FTP%/%LOCALE%/%FILENAME%\"}}`, or a `fileUrl` to each patch"
        )
    } else {
        format!(
            "add a block for `{channel}` (or `*`) under `fileUrls` with `completes: {{\"*\": \"https://...\"}}`, or a `fileUrl` to each patch"
        )
    }
}

fn os_guess(bt: &str) -> (&'static str, &'static str) {
    if bt.starts_with("WINNT_x86_64") {
        ("win64", "win64")
    } else if bt.starts_with("WINNT") {
        ("win32", "win")
    } else if bt.starts_with("Darwin") {
        ("mac", "osx")
    } else if bt.starts_with("Linux_x86_64") {
        ("linux-x86_64", "linux64")
    } else {
        ("linux-i686", "linux")
    }
}

/// Platform aliases must name a platform that is not itself an alias.
fn aliases(app: &AppRelease, diags: &mut Diagnostics) {
    for (name, platform) in &app.platforms {
        let Platform::Alias { target, loc } = platform else {
            continue;
        };
        match app.platforms.get(target) {
            None => diags.push(
                Diagnostic::error(
                    Code::AliasChain,
                    format!(
                        "platform `{name}` is an alias of `{target}`, which is not a platform here"
                    ),
                )
                .at(*loc, "Balrog answers 400 to these clients"),
            ),
            Some(Platform::Alias { .. }) => diags.push(
                Diagnostic::error(
                    Code::AliasChain,
                    format!(
                        "platform `{name}` is an alias of `{target}`, which is itself an alias"
                    ),
                )
                .at(*loc, "Balrog resolves one level of aliases only")
                .help("point the alias straight at the platform that holds the builds"),
            ),
            Some(Platform::Build(_)) => {}
        }
    }
}

fn addon_aliases(addons: &crate::model::release::Addons, diags: &mut Diagnostics) {
    for (id, addon) in &addons.addons {
        for (name, platform) in &addon.platforms {
            let AddonPlatform::Alias(target) = platform else {
                continue;
            };
            if !matches!(addon.platforms.get(target), Some(AddonPlatform::File(_))) {
                diags.push(
                    Diagnostic::error(Code::AliasChain, format!("add-on `{id}`: platform `{name}` is an alias of `{target}`, which has no file"))
                        .at(addon.loc, "Balrog answers 500 to these clients")
                        .help("point the alias at a platform with `fileUrl`, `hashValue` and `filesize`"),
                );
            }
        }
    }
}

/// For each patch from a named release: the release must be an app release,
/// and where it has the client's platform it must have the client's locale.
fn from_releases(site: &Site, name: &str, app: &AppRelease, diags: &mut Diagnostics) {
    // (from release, platform) -> locales lacking, first patch seen
    let mut lacking: BTreeMap<(ReleaseId, String), (Vec<String>, crate::source::Loc)> =
        BTreeMap::new();
    for (bt, platform) in &app.platforms {
        let Platform::Build(data) = platform else {
            continue;
        };
        let request_targets: Vec<&str> = std::iter::once(bt.as_str())
            .chain(app.platforms.iter().filter_map(|(n, p)| match p {
                Platform::Alias { target, .. } if target == bt => Some(n.as_str()),
                _ => None,
            }))
            .collect();
        for (locale, entry) in data.locales.iter().flat_map(|l| l.iter()) {
            for patch in entry.completes.iter().chain(&entry.partials) {
                let Some(from) = patch.from_release else {
                    continue;
                };
                let from_release = site.release(from);
                let Blob::App(from_app) = &from_release.blob else {
                    diags.push(
                        Diagnostic::error(
                            Code::WrongBlobType,
                            format!(
                                "release `{name}` has a patch from `{}`, a {} release",
                                patch.from,
                                from_release.blob.schema_name()
                            ),
                        )
                        .at(
                            patch.loc,
                            "Balrog answers 500: only app releases have builds to patch from",
                        ),
                    );
                    continue;
                };
                for target in &request_targets {
                    let first_present = std::iter::once(*target)
                        .chain(std::iter::once(bt.as_str()))
                        .find(|c| from_app.platforms.contains_key(*c));
                    if let Some(present) = first_present
                        && build_id_for(from_app, present, locale).is_err()
                    {
                        let entry = lacking
                            .entry((from, present.to_owned()))
                            .or_insert_with(|| (Vec::new(), patch.from_loc));
                        if !entry.0.contains(locale) {
                            entry.0.push(locale.clone());
                        }
                    }
                }
            }
        }
    }
    for ((from, platform), (locales, loc)) in lacking {
        let from_name = &site.release(from).name;
        let lacking = if locales.len() == 1 {
            format!("locale `{}`", locales[0])
        } else if locales.len() <= 5 {
            format!("locales {}", and_ticked(&locales))
        } else {
            let shown: Vec<String> = locales.iter().take(4).map(|l| format!("`{l}`")).collect();
            format!(
                "{} locales ({} and {} more)",
                locales.len(),
                shown.join(", "),
                locales.len() - 4
            )
        };
        diags.push(
            Diagnostic::error(
                Code::FromReleaseLacksLocale,
                format!("release `{name}` patches from `{from_name}`, whose platform `{platform}` lacks {lacking}"),
            )
            .at(loc, "Balrog answers 500 to these clients")
            .note(site.release(from).loc, format!("`{from_name}` is here"))
            .help(format!("add the locales (with their buildID) to `{from_name}`, or drop these partials")),
        );
    }
}
