//! Path segments and tree paths: what passes validation names a place
//! strictly inside its parent, whatever the text.

use std::path::{Component, Path};

use proptest::prelude::*;

use crate::plan::Plan;
use crate::segment::{check, check_path};

/// Text rich in what could climb out of a directory: dots, separators,
/// NUL, control characters, non-ASCII, long runs.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("/".to_owned()),
        Just("\\".to_owned()),
        Just("\0".to_owned()),
        Just("\n".to_owned()),
        Just("%2e".to_owned()),
        Just("~".to_owned()),
        Just("é".to_owned()),
        "[a-zA-Z0-9_-]{1,8}",
        any::<char>().prop_map(String::from),
        Just("x".repeat(256)),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(super::config(2_000))]

    #[test]
    fn a_valid_segment_is_one_name_inside_its_parent(s in hostile_text()) {
        if check(&s).is_ok() {
            let components: Vec<Component<'_>> = Path::new(&s).components().collect();
            prop_assert_eq!(components.len(), 1, "{:?}", s);
            prop_assert!(matches!(components[0], Component::Normal(_)), "{:?}", s);
            prop_assert!(s.len() <= 255);
            prop_assert!(!s.contains('\0'));
        }
    }

    #[test]
    fn a_valid_path_stays_strictly_inside_the_tree(parts in proptest::collection::vec(hostile_text(), 1..6)) {
        let path = parts.join("/");
        if check_path(&path).is_ok() {
            let root = Path::new("/srv/tree");
            let joined = root.join(&path);
            let below: Vec<Component<'_>> = joined.strip_prefix(root).unwrap().components().collect();
            prop_assert!(!below.is_empty());
            prop_assert!(below.iter().all(|c| matches!(c, Component::Normal(_))), "{:?}", path);
            prop_assert_eq!(below.len(), path.split('/').count());
        }
    }

    #[test]
    fn the_tree_size_counts_each_directory_once(
        paths in proptest::collection::btree_set("[ab]{1,2}(/[ab.]{1,2}){0,4}", 0..40)
    ) {
        // A file and a directory cannot share a name; keep paths that are
        // no other path's directory.
        let files: Vec<&String> = paths
            .iter()
            .filter(|p| !paths.iter().any(|q| q.starts_with(&format!("{p}/"))))
            .collect();
        let plan = Plan {
            files: files.iter().map(|p| ((*p).clone(), 0)).collect(),
            ..Plan::default()
        };
        let mut dirs = std::collections::BTreeSet::new();
        for p in &files {
            let mut at = 0;
            while let Some(i) = p[at..].find('/') {
                dirs.insert(&p[..at + i]);
                at += i + 1;
            }
        }
        let size = plan.size();
        prop_assert_eq!(size.files, files.len() as u64);
        prop_assert_eq!(size.directories, dirs.len() as u64);
    }
}
