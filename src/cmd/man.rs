//! `cinder man`: the man pages, from the CLI definition.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::cmd::{Context, Status};
use crate::error::Error;

pub(crate) fn run(_ctx: Context, args: &ManArgs) -> Result<Status, Error> {
    let command = Cli::command();
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
            clap_mangen::generate_to(command, dir).map_err(|e| Error::write(dir, e))?;
            let _ = writeln!(
                std::io::stderr(),
                "wrote the man pages to {}",
                dir.display()
            );
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| Error::write("stdout", e))?;
            std::io::stdout()
                .write_all(&out)
                .map_err(|e| Error::write("<stdout>", e))?;
        }
    }
    Ok(Status::Success)
}
