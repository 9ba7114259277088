//! Running the `cinder` binary in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory with files, in which `cinder` runs.
pub(crate) struct Scratch {
    pub(crate) dir: tempfile::TempDir,
}

impl Scratch {
    pub(crate) fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Writes a file (creating its directories).
    pub(crate) fn file(self, path: &str, text: &str) -> Scratch {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        self
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs cinder with `args` in this directory.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        Run::new(
            &Command::new(cinder())
                .args(args)
                .current_dir(self.path())
                .env("NO_COLOR", "1")
                .output()
                .expect("run cinder"),
        )
    }
}

/// The finished command.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    fn new(out: &Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub(crate) fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code, expected,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub(crate) fn cinder() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cinder"))
}

/// Stops a server: SIGTERM, so that it stops what it started (SIGKILL would
/// leave nginx's workers, or moto behind `hosts/s3`, running); SIGKILL only
/// if it has not exited within `grace`.
pub(crate) fn stop(child: &mut std::process::Child, grace: std::time::Duration) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = std::time::Instant::now() + grace;
    while std::time::Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs `cinder build` of `site` into `out`, with `extra` arguments.
pub(crate) fn build(site: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(cinder())
        .arg("build")
        .arg("--site")
        .arg(site)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run cinder build")
}

/// Builds `site` into `out`; fails the test if the build does.
pub(crate) fn build_tree(site: &Path, out: &Path, extra: &[&str]) {
    let b = build(site, out, extra);
    assert!(
        b.status.success(),
        "build: {}",
        String::from_utf8_lossy(&b.stderr)
    );
}

/// The shared material beside the project, if it is there.
pub(crate) fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// Balrog's conformance corpus beside the project (`../shared/conformance`).
/// When it is missing, tests that need it skip and say so, unless
/// `CINDER_REQUIRE_CONFORMANCE=1` (as CI sets), when they fail.
pub(crate) fn conformance() -> Option<PathBuf> {
    let dir = shared()
        .map(|s| s.join("conformance"))
        .filter(|p| p.is_dir());
    assert!(
        dir.is_some() || std::env::var_os("CINDER_REQUIRE_CONFORMANCE").is_none_or(|v| v != "1"),
        "CINDER_REQUIRE_CONFORMANCE=1 but ../shared/conformance is not beside the project"
    );
    dir
}

/// The repository root (the demo site).
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the demo site (its YAML) in `dir/site`.
pub(crate) fn copy_demo(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    for entry in walk(&repo()) {
        let rel = entry.strip_prefix(repo()).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        if rel == Path::new("cinder.yml")
            || ["rules", "releases", "templates"].contains(&first.as_str())
        {
            let dest = site.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &dest).unwrap();
        }
    }
    site
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" || name == "public" {
            continue;
        }
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
