//! cinder: Balrog's update rules and releases, expanded ahead of time into a
//! tree of static responses.
//!
//! Data flows one way: `load` reads the site into the typed `model`, the
//! `engine` evaluates requests exactly as Balrog does, `render` writes the
//! response bodies, `space` and `routing` name the tree's files and which one
//! answers a URL, `plan` holds the whole tree in memory and `output` writes
//! it; the commands in `cmd` put these together.
//!
//! The modules stand in layers, from the ground up. A module uses only
//! modules of the layers below its own, never one beside or above it (the
//! `layers` test reads this list and checks every `use crate::` of the
//! library against it):
//!
//! 1. `error` `time` `source` `segment` `yaml_out`: no knowledge of sites
//! 2. `diag`: problems found in a site's files
//! 3. `model`: the site as typed data
//! 4. `engine`: Balrog's evaluation of a query
//! 5. `render`: response bodies
//! 6. `space`: the client-parameter space and the tree's file names
//! 7. `load` `import` `routing`: reading sites, importing Balrog's, which file answers a URL
//! 8. `response`: the answer to one URL
//! 9. `plan` `explain`: the tree in memory, explanations
//! 10. `diff` `output` `site_writer`: comparing and writing trees, writing sites
//! 11. `publish` `schema` `server` `synth`: publishing trees to object storage, JSON Schemas,
//!     web-server configs and edge functions, synthetic sites
//! 12. `cli`: the command line, as clap reads it
//! 13. `cmd`: one module per subcommand
//! 14. `run`: arguments to exit code

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

#[cfg(test)]
mod layers;

pub use run::run;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod testing;
