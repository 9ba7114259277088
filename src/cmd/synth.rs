//! `cinder synth` (hidden): write a synthetic Firefox-shaped site for benchmarks.

use std::io::Write;

use crate::cli::SynthArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;

pub(crate) fn run(_ctx: Context, args: &SynthArgs) -> Result<Status, Error> {
    if !(args.scale.is_finite() && args.scale > 0.0) {
        return Err(Error::Usage(format!(
            "--scale must be a positive number, not {}",
            args.scale
        )));
    }
    let nonempty = std::fs::read_dir(&args.out).is_ok_and(|mut d| d.next().is_some());
    if nonempty {
        return Err(Error::Usage(format!(
            "`{}` is not empty; choose a new directory",
            args.out.display()
        )));
    }
    let files = crate::synth::site(args.scale, args.seed);
    crate::synth::write(&args.out, &files).map_err(|e| Error::write(&args.out, e))?;
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let _ = writeln!(
        std::io::stderr(),
        "wrote a synthetic site to `{}`: {} files, {bytes} bytes (scale {}, seed {})",
        args.out.display(),
        files.len(),
        args.scale,
        args.seed
    );
    Ok(Status::Success)
}
