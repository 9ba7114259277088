//! cinder: Balrog's update rules and releases, expanded ahead of time into a
//! tree of static responses.
//!
//! Data flows one way: `load` reads the site into the typed `model`, the
//! `engine` evaluates requests exactly as Balrog does, `render` writes the
//! response bodies; the commands in `cmd` put these together.

mod cli;
mod cmd;
mod diag;
mod diff;
mod engine;
mod error;
mod explain;
mod import;
mod load;
mod model;
mod output;
mod plan;
mod publish;
mod render;
mod response;
mod routing;
mod run;
mod schema;
mod segment;
mod server;
mod site_writer;
mod source;
mod space;
mod synth;
mod time;
mod yaml_out;

pub use run::run;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod testing;
