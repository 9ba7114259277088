//! Version strings and request URLs: any text is parsed or refused
//! without a panic, and versions that parse are ordered consistently.

use std::cmp::Ordering;
use std::fmt::Write as _;

use proptest::prelude::*;

use crate::engine::query::parse_url;
use crate::model::version::{LooseVersion, MozVersion, PinVersion};

/// Version-like text: digits, dots, letters Mozilla versions use, and noise.
fn version_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}([ab][0-9]{0,2}|esr|pre|\\+)?",
        "[0-9a-z.+*-]{0,12}",
        any::<String>(),
    ]
}

/// URLs shaped like clients' requests, with odd values and escapes.
fn url_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[A-Za-z0-9._-]{0,10}",
        Just("%2e%2e".to_owned()),
        Just("%00".to_owned()),
        Just("%".to_owned()),
        Just("%ZZ".to_owned()),
        Just("..".to_owned()),
        Just("(x86)".to_owned()),
        Just("default".to_owned()),
        any::<String>(),
    ];
    let route = prop_oneof![Just(6usize), Just(3), Just(1), 0usize..8];
    let query = proptest::collection::vec(("[a-z%=&]{0,6}", "[a-z0-9%=&]{0,6}"), 0..4);
    (
        route,
        proptest::collection::vec(value, 0..12),
        query,
        any::<bool>(),
    )
        .prop_map(|(route, values, query, absolute)| {
            let mut url = String::new();
            if absolute {
                url.push_str("https://updates.example");
            }
            let _ = write!(url, "/update/{route}/{}", values.join("/"));
            url.push_str("/update.xml");
            if !query.is_empty() {
                let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                url.push('?');
                url.push_str(&q.join("&"));
            }
            url
        })
}

proptest! {
    #![proptest_config(super::config(1_000))]

    #[test]
    fn any_version_text_parses_or_is_refused(v in version_text()) {
        let _ = MozVersion::parse(&v);
        let _ = MozVersion::parse_strict(&v);
        let _ = PinVersion::parse(&v).map(|p| p.normalized());
        let _ = LooseVersion::parse(&v);
    }

    #[test]
    fn parsed_versions_are_totally_ordered(
        a in version_text(), b in version_text(), c in version_text()
    ) {
        let (Ok(a), Ok(b), Ok(c)) = (
            MozVersion::parse_strict(&a),
            MozVersion::parse_strict(&b),
            MozVersion::parse_strict(&c),
        ) else {
            return Ok(());
        };
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a.cmp(&a), Ordering::Equal);
        if a <= b && b <= c {
            prop_assert!(a <= c);
        }
    }

    #[test]
    fn loose_versions_compare_without_panic(a in version_text(), b in version_text()) {
        let (a, b) = (LooseVersion::parse(&a), LooseVersion::parse(&b));
        if let (Ok(x), Ok(y)) = (a.compare(&b), b.compare(&a)) {
            prop_assert_eq!(x, y.reverse());
        }
    }

    #[test]
    fn any_url_parses_or_is_refused(url in url_text(), ua in proptest::option::of(any::<String>())) {
        let _ = parse_url(&url, ua.as_deref());
    }

    #[test]
    fn any_text_as_a_url_parses_or_is_refused(url in any::<String>()) {
        let _ = parse_url(&url, None);
    }
}
