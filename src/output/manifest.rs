//! The manifest written with each tree: one line per file with its path,
//! size and SHA-256, sorted by path. Rebuilds compare against it to find
//! what changed.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// The manifest's file name, at the root of the tree.
pub(crate) const NAME: &str = "cinder-manifest.tsv";

const HEADER: &str =
    "# cinder manifest: path, size in bytes, sha256 (tab-separated, sorted by path)";

/// One line of a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) path: String,
    pub(crate) size: u64,
    pub(crate) sha256: [u8; 32],
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Paths may hold any character but `/`-separated segments; tabs, line
/// breaks and `%` are escaped so that every line has three fields (and a
/// path is one line).
pub(crate) fn escape(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => s.push_str("%25"),
            '\t' => s.push_str("%09"),
            '\n' => s.push_str("%0A"),
            '\r' => s.push_str("%0D"),
            c => s.push(c),
        }
    }
    s
}

pub(crate) fn unescape(path: &str) -> String {
    if !path.contains('%') {
        return path.to_owned();
    }
    path.replace("%09", "\t")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

/// Writes a manifest of `lines` (already sorted by path).
pub(crate) fn write<'a>(
    path: &Path,
    lines: impl Iterator<Item = (&'a str, u64, &'a [u8; 32])>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "{HEADER}")?;
    for (p, size, sha) in lines {
        writeln!(out, "{}\t{size}\t{}", escape(p), hex(sha))?;
    }
    out.flush()
}

/// Reads a manifest line by line; a malformed line ends the reading with an error.
pub(crate) fn read(path: &Path) -> std::io::Result<impl Iterator<Item = std::io::Result<Line>>> {
    Ok(parse(BufReader::with_capacity(
        1 << 20,
        std::fs::File::open(path)?,
    )))
}

/// Reads a manifest's text line by line (comments skipped); a malformed
/// line ends the reading with an error.
pub(crate) fn parse(reader: impl BufRead) -> impl Iterator<Item = std::io::Result<Line>> {
    reader
        .lines()
        .filter(|l| !l.as_ref().is_ok_and(|l| l.starts_with('#')))
        .map(|line| {
            let line = line?;
            let mut fields = line.split('\t');
            let parsed = (|| {
                let p = unescape(fields.next()?);
                let size = fields.next()?.parse().ok()?;
                let sha256 = unhex(fields.next()?)?;
                Some(Line {
                    path: p,
                    size,
                    sha256,
                })
            })();
            parsed.ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("malformed manifest line: {line}"),
                )
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_odd_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NAME);
        let sha = [7u8; 32];
        let lines = [
            ("a/b\tc/update.xml", 3u64, &sha),
            ("a/%20/x.xml", 10, &sha),
            ("z\n.xml", 0, &sha),
        ];
        write(&path, lines.iter().copied()).unwrap();
        let back: Vec<Line> = read(&path).unwrap().map(Result::unwrap).collect();
        assert_eq!(back.len(), 3);
        assert_eq!(
            back[0],
            Line {
                path: "a/b\tc/update.xml".into(),
                size: 3,
                sha256: sha
            }
        );
        assert_eq!(back[1].path, "a/%20/x.xml");
        assert_eq!(back[2].path, "z\n.xml");
    }
}
