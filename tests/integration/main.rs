//! cinder's integration tests: the real binary on real files. One test
//! binary; one module per command or concern.

mod bench;
mod build;
mod check;
mod conformance;
mod diff;
mod firefox;
mod fixture;
mod hostile;
mod hosts;
mod http;
mod import;
mod incremental;
mod init;
mod lints;
mod publish;
mod query;
mod schedule;
mod support;
mod tooling;
