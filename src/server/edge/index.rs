//! Which files a built tree holds, small enough to ship inside an edge
//! function: the tree's paths as a trie of path segments in which identical
//! subtrees are one node (a directed acyclic graph), so that the hundred
//! locales of a build whose directories hold the same file names cost one
//! node. An edge that cannot list its bucket (a CloudFront Function has no
//! network) walks it to learn whether a key exists before rewriting a
//! request to it, exactly as a web server tests for a file.
//!
//! The encoding, read by `LOOKUP_JS` and by `Index::has` alike:
//! `{"r": ROOT, "s": [NAMES...], "n": [NODE...]}`. Node 0 is a file; every
//! other node is a directory, a flat list of pairs `NAMES, CHILD`, where
//! `NAMES` is the children's names that lead to the same node, written
//! `/a/b/c/` (no segment holds `/`), or the index of such a string in `s`
//! when long lists repeat. Node and list numbers follow the sorted paths,
//! so the same tree always gives the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

/// Name lists of more names than this are kept once in `s`.
const SHARED_NAMES: usize = 3;

/// Children with the same node are listed together.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Names {
    Inline(String),
    Shared(u32),
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    root: u32,
    /// Shared name lists, `/a/b/c/`.
    shared: Vec<String>,
    /// Node 0 is the file; directories list (names, child) pairs.
    nodes: Vec<Vec<(Names, u32)>>,
}

/// A directory being read: its name and its entries so far.
struct Open {
    name: String,
    entries: Vec<(String, u32)>,
}

impl Index {
    /// The index of a tree's file paths (relative, `/`-separated), sorted
    /// as the manifest lists them (byte order of the whole path).
    pub(crate) fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Index {
        let mut builder = Builder::default();
        // The directories from the root to the current path's parent.
        let mut stack: Vec<Open> = vec![Open {
            name: String::new(),
            entries: Vec::new(),
        }];
        for path in paths {
            let segments: Vec<&str> = path.split('/').collect();
            let (file, dirs) = segments.split_last().expect("split yields one piece");
            // Close the open directories this path is not under. A
            // directory's paths are contiguous in sorted order.
            let common = stack[1..]
                .iter()
                .zip(dirs)
                .take_while(|(open, name)| open.name == **name)
                .count();
            while stack.len() > common + 1 {
                builder.close(&mut stack);
            }
            for name in &dirs[common..] {
                stack.push(Open {
                    name: (*name).to_owned(),
                    entries: Vec::new(),
                });
            }
            stack
                .last_mut()
                .expect("the root is open")
                .entries
                .push(((*file).to_owned(), 0));
        }
        while stack.len() > 1 {
            builder.close(&mut stack);
        }
        let root = stack.pop().expect("the root is open");
        let root = builder.intern(root.entries);
        builder.finish(root)
    }

    /// Whether the tree holds a file at `path`.
    pub(crate) fn has(&self, path: &str) -> bool {
        let mut node = self.root;
        for segment in path.split('/') {
            let wanted = format!("/{segment}/");
            let next = self.nodes[node as usize].iter().find(|(names, _)| {
                let list = match names {
                    Names::Inline(s) => s.as_str(),
                    Names::Shared(i) => self.shared[*i as usize].as_str(),
                };
                list.contains(&wanted)
            });
            match next {
                Some((_, child)) => node = *child,
                None => return false,
            }
        }
        node == 0
    }

    /// The index as a JSON object (also a JavaScript expression).
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = write!(out, "{{\"r\":{},\"s\":[", self.root);
        for (i, s) in self.shared.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&json_string(s));
        }
        out.push_str("],\"n\":[");
        for (i, node) in self.nodes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for (j, (names, child)) in node.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                match names {
                    Names::Inline(s) => out.push_str(&json_string(s)),
                    Names::Shared(k) => {
                        let _ = write!(out, "{k}");
                    }
                }
                let _ = write!(out, ",{child}");
            }
            out.push(']');
        }
        out.push_str("]}");
        out
    }

    /// Directories and the file node.
    pub(crate) fn nodes(&self) -> usize {
        self.nodes.len()
    }
}

/// `has(index, path)` in JavaScript (ES5.1, as CloudFront Functions run it),
/// for the index as `Index::to_json` writes it.
pub(crate) const LOOKUP_JS: &str = "function has(x, path) {
  var n = x.r, parts = path.split('/');
  for (var i = 0; i < parts.length; i++) {
    var node = x.n[n], want = '/' + parts[i] + '/', next = -1;
    for (var j = 0; j < node.length; j += 2) {
      var names = typeof node[j] === 'number' ? x.s[node[j]] : node[j];
      if (names.indexOf(want) >= 0) { next = node[j + 1]; break; }
    }
    if (next < 0) return false;
    n = next;
  }
  return n === 0;
}
";

/// JSON's quoting of a string: `"`, `\` and control characters escaped;
/// everything else as it is (UTF-8).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

#[derive(Default)]
struct Builder {
    /// Directories by their sorted (name, child) entries.
    ids: HashMap<Vec<(String, u32)>, u32>,
    /// Entries of each directory, by id (index 0 is the file).
    dirs: Vec<Vec<(String, u32)>>,
}

impl Builder {
    fn close(&mut self, stack: &mut Vec<Open>) {
        let done = stack.pop().expect("a directory is open");
        let id = self.intern(done.entries);
        stack
            .last_mut()
            .expect("the root is open")
            .entries
            .push((done.name, id));
    }

    fn intern(&mut self, mut entries: Vec<(String, u32)>) -> u32 {
        if self.dirs.is_empty() {
            // Node 0: the file.
            self.dirs.push(Vec::new());
        }
        entries.sort();
        if let Some(id) = self.ids.get(&entries) {
            return *id;
        }
        let id = u32::try_from(self.dirs.len()).expect("fewer than 2^32 directories");
        self.dirs.push(entries.clone());
        self.ids.insert(entries, id);
        id
    }

    fn finish(self, root: u32) -> Index {
        let mut shared: Vec<String> = Vec::new();
        let mut shared_ids: HashMap<String, u32> = HashMap::new();
        let nodes = self
            .dirs
            .into_iter()
            .map(|entries| {
                // Children by node, in the order the nodes first appear.
                let mut groups: Vec<(u32, Vec<String>)> = Vec::new();
                for (name, child) in entries {
                    match groups.iter_mut().find(|(c, _)| *c == child) {
                        Some((_, names)) => names.push(name),
                        None => groups.push((child, vec![name])),
                    }
                }
                groups
                    .into_iter()
                    .map(|(child, names)| {
                        let list = format!("/{}/", names.join("/"));
                        let names = if names.len() > SHARED_NAMES {
                            let next = u32::try_from(shared.len()).expect("few name lists");
                            let id = *shared_ids.entry(list.clone()).or_insert_with(|| {
                                shared.push(list);
                                next
                            });
                            Names::Shared(id)
                        } else {
                            Names::Inline(list)
                        };
                        (names, child)
                    })
                    .collect()
            })
            .collect();
        Index {
            root,
            shared,
            nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(paths: &[&str]) -> Index {
        let mut sorted = paths.to_vec();
        sorted.sort_unstable();
        Index::new(sorted)
    }

    #[test]
    fn holds_exactly_the_tree_files() {
        let paths = [
            "cinder-empty.xml",
            "a/1/de/update.xml",
            "a/1/fr/update.xml",
            "a/1/fr/update.f1.xml",
            "a/2/de/update.xml",
            "a/2/fr/update.xml",
            "a/2/fr/update.f1.xml",
            "a-b/x",
            "a.b/y/z",
            "b/\"q\"\\/w",
        ];
        let x = index(&paths);
        for p in paths {
            assert!(x.has(p), "{p}");
        }
        for p in [
            "a",
            "a/1",
            "a/1/de",
            "a/1/de/update.f1.xml",
            "a/3/de/update.xml",
            "a/1/de/update.xml/more",
            "a//1/de/update.xml",
            "",
            "cinder-empty.xml/",
            "a-b",
            "a.b/y",
            "b/\"q\"\\",
        ] {
            assert!(!x.has(p), "{p}");
        }
    }

    #[test]
    fn identical_subtrees_are_one_node() {
        let mut paths = Vec::new();
        for build in ["1", "2", "3"] {
            for locale in ["de", "en-US", "fr", "it", "ja"] {
                paths.push(format!("u/{build}/{locale}/update.xml"));
            }
        }
        let x = index(&paths.iter().map(String::as_str).collect::<Vec<_>>());
        // The file, the locale directory, the build directory, `u`, the root.
        assert_eq!(x.nodes(), 5);
        // The five locales are listed once.
        assert_eq!(x.shared, vec!["/de/en-US/fr/it/ja/".to_owned()]);
        assert_eq!(
            x.to_json(),
            r#"{"r":4,"s":["/de/en-US/fr/it/ja/"],"n":[[],["/update.xml/",0],[0,1],["/1/2/3/",2],["/u/",3]]}"#
        );
    }

    #[test]
    fn the_same_paths_give_the_same_bytes() {
        let paths = ["x/a/f", "x/b/f", "y/a/g", "y/b/f"];
        assert_eq!(index(&paths).to_json(), index(&paths).to_json());
        let x = index(&paths);
        assert!(x.has("y/a/g") && !x.has("y/a/f"));
    }
}
