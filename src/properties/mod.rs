//! Property tests: generated inputs (text, paths, URLs, versions, whole
//! sites and requests) that no input may panic on, hang on or escape the
//! tree with, and that `query` and the built tree answer alike. Run by
//! `cargo test`; the case counts keep them to seconds.

mod parsers;
mod paths;
mod sites;

use proptest::test_runner::Config;

/// `cases` cases, without files of failures left in the source tree (a
/// failure prints its minimal input; make it a regression test).
fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}
