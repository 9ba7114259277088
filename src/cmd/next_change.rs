//! `cinder next-change`: when the next scheduled change takes effect.

use std::io::Write;

use crate::cli::NextChangeArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::time::format;

/// Prints the time of the next scheduled change after `--at` (default now).
pub(crate) fn run(_ctx: Context, args: &NextChangeArgs) -> Result<Status, Error> {
    let loaded = super::load_at(&args.site)?;
    match loaded.schedule.iter().find(|t| **t > loaded.at) {
        Some(t) => {
            let _ = writeln!(std::io::stdout(), "{}", format(*t));
        }
        None => {
            let _ = writeln!(
                std::io::stderr(),
                "no scheduled change after {}",
                format(loaded.at)
            );
        }
    }
    Ok(Status::Success)
}
