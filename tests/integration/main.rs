//! cinder's integration tests: the real binary on real files. One test
//! binary; one module per command or concern.

mod build;
mod check;
mod conformance;
mod diff;
mod firefox;
mod import;
mod init;
mod lints;
mod nginx;
mod query;
mod schedule;
mod serve;
mod support;
mod tooling;
