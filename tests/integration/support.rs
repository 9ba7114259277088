//! Running the `cinder` binary in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory with files, in which `cinder` runs.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Writes a file (creating its directories).
    pub fn file(self, path: &str, text: &str) -> Scratch {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs cinder with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::new(
            Command::new(cinder())
                .args(args)
                .current_dir(self.path())
                .env("NO_COLOR", "1")
                .output()
                .expect("run cinder"),
        )
    }
}

/// The finished command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn new(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code, expected,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn cinder() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cinder"))
}

/// The shared material beside the project, if it is there.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// The repository root (the demo site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
