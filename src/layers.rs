//! The layering test: every module of the library uses only modules of the
//! layers below its own, in the order `lib.rs` lists them. Test code (files
//! declared under `#[cfg(test)]`, inline `mod tests`) may use anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers as `lib.rs`'s doc lists them: `//! N. `a` `b`: words`, from
/// the ground up; each module with the number of its layer.
fn layers(lib: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("//! ") else {
            continue;
        };
        let Some((number, rest)) = rest.split_once(". ") else {
            continue;
        };
        let Ok(layer) = number.parse::<usize>() else {
            continue;
        };
        let names = rest.split_once(':').map_or(rest, |(names, _)| names);
        for name in names.split_whitespace() {
            let name = name.trim_matches('`');
            assert!(
                out.insert(name.to_owned(), layer).is_none(),
                "`{name}` is on two layers"
            );
        }
    }
    out
}

/// The modules `text` declares under `#[cfg(test)]`.
fn test_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut test_only = false;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line
            .strip_prefix("mod ")
            .or_else(|| line.strip_prefix("pub(crate) mod "))
            .and_then(|l| l.strip_suffix(';'))
            && test_only
        {
            out.insert(name.to_owned());
        }
        test_only = line == "#[cfg(test)]";
    }
    out
}

/// `text` without its inline test modules (`#[cfg(test)] mod x { ... }`)
/// and comments.
fn library_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            let mut next = lines.next().unwrap_or_default();
            if next.trim_start().starts_with("mod ") && next.trim_end().ends_with('{') {
                // Skip to the brace that closes it.
                let mut depth = 0i32;
                loop {
                    depth += brace_balance(next);
                    if depth <= 0 {
                        break;
                    }
                    match lines.next() {
                        Some(l) => next = l,
                        None => break,
                    }
                }
                continue;
            }
            out.push_str(next);
            out.push('\n');
            continue;
        }
        let code = line.trim_start();
        if !code.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn brace_balance(line: &str) -> i32 {
    let opened = line.matches('{').count();
    let closed = line.matches('}').count();
    i32::try_from(opened).unwrap() - i32::try_from(closed).unwrap()
}

/// The top-level modules `code` uses: every `crate::name` path, and the
/// names of `use crate::{a, b::c}`.
fn uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut open = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    open += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    open == 0
                })
                .map_or(group.len(), |(at, _)| at);
            let group = &group[..end];
            let mut depth = 0;
            let mut start = true;
            for (at, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => {
                        start = false;
                        let name: String = group[at..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.insert(name);
                    }
                    _ => {}
                }
            }
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// Every library file under `src`, with the top-level module it belongs to;
/// test-only files left out.
fn library_files(src: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut skipped: BTreeSet<PathBuf> = BTreeSet::new();
    let mut walk: Vec<PathBuf> = vec![src.to_path_buf()];
    let mut all = Vec::new();
    while let Some(dir) = walk.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                all.push(path);
            }
        }
    }
    all.sort();
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        // A file's child modules live beside it (`lib.rs`, `mod.rs`) or in
        // the directory named after it.
        let name = path.file_stem().unwrap().to_string_lossy();
        let children = if name == "mod" || name == "lib" {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        for module in test_modules(&text) {
            skipped.insert(children.join(format!("{module}.rs")));
            skipped.insert(children.join(&module));
        }
    }
    for path in all {
        let rel = path.strip_prefix(src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let test_only = skipped.iter().any(|s| path.starts_with(s));
        if !test_only && top != "lib" && top != "main" {
            files.push((path, top));
        }
    }
    files
}

/// Each import that runs beside or up: `file: module (layer n) uses other
/// (layer m)`; and each module on no layer.
fn violations(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let layer = layers(&lib);
    let mut out = Vec::new();
    for (path, module) in library_files(src) {
        let Some(&own) = layer.get(&module) else {
            out.push(format!(
                "{}: module `{module}` is on no layer of lib.rs",
                path.display()
            ));
            continue;
        };
        let code = library_code(&std::fs::read_to_string(&path).unwrap());
        for used in uses(&code) {
            if used == module {
                continue;
            }
            match layer.get(&used) {
                Some(&other) if other < own => {}
                Some(&other) => out.push(format!(
                    "{}: `{module}` (layer {own}) uses `{used}` (layer {other})",
                    path.display()
                )),
                None => out.push(format!(
                    "{}: `{module}` uses `{used}`, which is on no layer of lib.rs",
                    path.display()
                )),
            }
        }
    }
    out
}

#[test]
fn every_module_uses_only_the_layers_below_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "imports that run beside or up the layers listed in lib.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn lib_lists_every_module_it_declares() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let listed: BTreeSet<String> = layers(&lib).into_keys().collect();
    let tests = test_modules(&lib);
    let declared: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .filter(|m| !tests.contains(*m))
        .map(str::to_owned)
        .collect();
    assert_eq!(listed, declared);
}

#[test]
fn an_import_up_the_layers_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(
        src.join("lib.rs"),
        "//! 1. `model`: data\n//! 2. `engine`: evaluation\nmod engine;\nmod model;\n#[cfg(test)]\nmod testing;\n",
    )
    .unwrap();
    std::fs::create_dir(src.join("model")).unwrap();
    std::fs::write(
        src.join("model/mod.rs"),
        "//! The model.\n// crate::engine in a comment is no import\nuse crate::{model::{x, y}, engine::Query};\n#[cfg(test)]\nmod tests {\n    use crate::engine::Query;\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("engine.rs"),
        "use crate::model::Site;\nfn f() { crate::time::now(); }\n",
    )
    .unwrap();
    std::fs::write(src.join("testing.rs"), "use crate::engine::Query;\n").unwrap();
    let found = violations(src);
    assert_eq!(
        found,
        [
            format!(
                "{}: `engine` uses `time`, which is on no layer of lib.rs",
                src.join("engine.rs").display()
            ),
            format!(
                "{}: `model` (layer 1) uses `engine` (layer 2)",
                src.join("model/mod.rs").display()
            ),
        ]
    );
}
