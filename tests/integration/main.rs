//! cinder's integration tests: the real binary on real files. One test
//! binary; one module per command or concern.

mod check;
mod conformance;
mod import;
mod query;
mod support;
