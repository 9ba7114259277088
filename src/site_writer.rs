//! Writing a new site into a directory (`init`, `import balrog`): the files
//! are written into a temporary directory beside it and moved into place,
//! so a failure leaves nothing half-written. Into a directory that is not
//! empty only with `--force`, and then only the site's own parts
//! (`cinder.yml`, `rules/`, `releases/`, `templates/`, and what the command
//! writes) are replaced: everything else there (`.git`, a README, a built
//! tree) is kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The parts of a directory that make it a site; `--force` replaces them
/// whole, so no rule or release of the old site lingers among the new.
pub(crate) const SITE_PARTS: &[&str] = &["cinder.yml", "rules", "releases", "templates"];

/// Writes `files` (relative path, text) as the site at `out`.
pub(crate) fn write_site(
    out: &Path,
    files: &[(PathBuf, String)],
    force: bool,
) -> Result<(), Error> {
    let exists = match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(Error::Usage(format!(
                    "`{}` already exists and is not empty; pass --force to replace its site (`cinder.yml`, `rules/`, `releases/`, `templates/`; anything else there is kept)",
                    out.display()
                )));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::Usage(format!(
                "`{}` is a file, not a directory",
                out.display()
            )));
        }
        Err(e) => return Err(Error::read(out, e)),
    };
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".cinder-site-")
        .tempdir_in(parent)
        .map_err(|e| Error::write(parent, e))?;
    let new = staging.path().join("new");
    for (rel, text) in files {
        let path = new.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::write(&path, e))?;
    }
    set_public(&new);
    if !exists {
        return std::fs::rename(&new, out).map_err(|e| Error::write(out, e));
    }
    // The parts to replace: the site's own, and the top-level names of
    // what is written.
    let mut parts: BTreeSet<PathBuf> = SITE_PARTS.iter().map(PathBuf::from).collect();
    parts.extend(
        files
            .iter()
            .filter_map(|(rel, _)| rel.components().next())
            .map(|c| PathBuf::from(c.as_os_str())),
    );
    let old = staging.path().join("old");
    std::fs::create_dir(&old).map_err(|e| Error::write(&old, e))?;
    let mut moved_away: Vec<&Path> = Vec::new();
    let mut moved_in: Vec<&Path> = Vec::new();
    let result = (|| {
        for part in &parts {
            match std::fs::symlink_metadata(out.join(part)) {
                Ok(_) => {
                    std::fs::rename(out.join(part), old.join(part))
                        .map_err(|e| Error::write(out.join(part), e))?;
                    moved_away.push(part);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::read(out.join(part), e)),
            }
        }
        for part in &parts {
            if new.join(part).exists() {
                std::fs::rename(new.join(part), out.join(part))
                    .map_err(|e| Error::write(out.join(part), e))?;
                moved_in.push(part);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        // Put the old site back as it was.
        for part in moved_in {
            let _ = std::fs::rename(out.join(part), new.join(part));
        }
        for part in moved_away {
            let _ = std::fs::rename(old.join(part), out.join(part));
        }
        return Err(e);
    }
    Ok(())
}

/// A temporary directory is private to its owner; a site is not.
fn set_public(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
        list.iter()
            .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn force_replaces_the_site_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        write_site(
            &out,
            &files(&[
                ("cinder.yml", "a"),
                ("rules/old.yml", "old"),
                ("releases/x/r.yml", "r"),
            ]),
            false,
        )
        .unwrap();
        std::fs::create_dir_all(out.join(".git/objects")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
        std::fs::write(out.join("README.md"), "mine").unwrap();
        let err = write_site(&out, &files(&[("cinder.yml", "b")]), false).unwrap_err();
        assert!(err.to_string().contains("pass --force"), "{err}");
        write_site(
            &out,
            &files(&[
                ("cinder.yml", "b"),
                ("rules/new.yml", "new"),
                ("extra.txt", "e"),
            ]),
            true,
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("cinder.yml")).unwrap(),
            "b"
        );
        assert!(out.join("rules/new.yml").is_file());
        assert!(
            !out.join("rules/old.yml").exists(),
            "the old rules are gone"
        );
        assert!(!out.join("releases").exists(), "the old releases are gone");
        assert_eq!(
            std::fs::read_to_string(out.join(".git/HEAD")).unwrap(),
            "ref"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("README.md")).unwrap(),
            "mine"
        );
        assert_eq!(std::fs::read_to_string(out.join("extra.txt")).unwrap(), "e");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["site"], "no temporary directory is left");
    }
}
