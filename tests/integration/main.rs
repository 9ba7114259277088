//! cinder's integration tests: the real binary on real files. One test
//! binary; one module per command or concern.

mod build;
mod check;
mod conformance;
mod import;
mod nginx;
mod query;
mod serve;
mod support;
