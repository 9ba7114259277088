//! `cinder completions SHELL`: print a completion script for the CLI.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::cmd::{Context, Status};
use crate::error::Error;

pub(crate) fn run(_ctx: Context, args: &CompletionsArgs) -> Result<Status, Error> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "cinder", &mut out);
    std::io::stdout()
        .write_all(&out)
        .map_err(|e| Error::write("<stdout>", e))?;
    Ok(Status::Success)
}
