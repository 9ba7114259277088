//! A synthetic Firefox-shaped site for benchmarks, deterministic from a seed
//! and a scale factor: nightly (two builds a day), beta, release and ESR
//! lines on ten build targets, a hundred locales at scale 1, partials from
//! the three builds before each, about fifty rules, a shutoff, pins and
//! system add-ons.

mod addon_sets;
mod app;
mod catalog;
mod config;
mod desupports;
mod rng;
mod rules;
mod shape;

use std::path::Path;

use shape::{Lines, Shape};

/// The site's files at `scale` (1.0 is Firefox-sized) from `seed`:
/// (path relative to the site, text), sorted by path.
pub(crate) fn site(scale: f64, seed: u64) -> Vec<(String, String)> {
    let shape = Shape::at(scale);
    let lines = Lines::new(shape);
    let locales = catalog::locales(shape.locales);
    let mut files = vec![
        ("cinder.yml".to_owned(), config::cinder_yml(&lines)),
        ("templates/firefox.yml".to_owned(), app::template()),
    ];
    files.extend(rules::files(&lines, &locales));
    for line in lines.all() {
        for (i, r) in line.releases.iter().enumerate() {
            let from: Vec<_> = line.releases[i.saturating_sub(3)..i].iter().collect();
            files.push((
                format!("releases/firefox/{}/{}.yml", line.key, r.name),
                app::release(r, &from, &locales, seed),
            ));
        }
    }
    for (name, article, version) in desupports::DESUPPORTS {
        files.push((
            format!("releases/firefox/desupport/{name}.yml"),
            desupports::desupport(article, version),
        ));
    }
    for (name, addons) in addon_sets::ADDON_SETS {
        files.push((
            format!("releases/system-addons/{name}.yml"),
            addon_sets::addon_set(name, addons, seed),
        ));
    }
    files.sort();
    files
}

/// Writes `files` under `dir`.
pub(crate) fn write(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_site() {
        assert_eq!(site(0.01, 42), site(0.01, 42));
        assert_ne!(site(0.01, 42), site(0.01, 43));
    }

    #[test]
    fn the_site_loads_without_errors() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &site(0.01, 1)).unwrap();
        let loaded = crate::testing::load_clean(dir.path());
        assert!(loaded.site.rules.len() >= 40, "{}", loaded.site.rules.len());
    }
}
