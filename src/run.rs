//! Running a command: parse the arguments, dispatch, and turn the result into
//! output and an exit code. This is the only place that picks exit codes:
//! 0 success, 1 a finding (errors in the site, a difference), 2 a usage or
//! operational error.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Color, Command, ImportCommand, ServerConfigCommand};
use crate::cmd::{self, Context, Status};
use crate::diag::Style;
use crate::error::Error;

/// Runs cinder with these arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let ctx = Context {
        style: if color { Style::Color } else { Style::Plain },
    };
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(ctx, &args),
        Command::Query(args) => cmd::query::run(ctx, &args),
        Command::Import(ImportCommand::Balrog(args)) => cmd::import::run(ctx, &args),
        Command::Build(args) => cmd::build::run(ctx, &args),
        Command::Serve(args) => cmd::serve::run(ctx, &args),
        Command::Publish(args) => cmd::publish::run(ctx, &args),
        Command::Explain(args) => cmd::explain::run(ctx, &args),
        Command::Diff(args) => cmd::diff::run(ctx, &args),
        Command::NextChange(args) => cmd::next_change::run(ctx, &args),
        Command::ServerConfig(ServerConfigCommand::Nginx(args)) => {
            cmd::server_config::nginx(ctx, &args)
        }
        Command::ServerConfig(ServerConfigCommand::Apache(args)) => {
            cmd::server_config::apache(ctx, &args)
        }
        Command::ServerConfig(ServerConfigCommand::Caddy(args)) => {
            cmd::server_config::caddy(ctx, &args)
        }
        Command::ServerConfig(ServerConfigCommand::Plain(args)) => {
            cmd::server_config::plain(ctx, &args)
        }
        Command::ServerConfig(ServerConfigCommand::Cloudfront(args)) => {
            cmd::server_config::cloudfront(ctx, &args)
        }
        Command::ServerConfig(ServerConfigCommand::Cloudflare(args)) => {
            cmd::server_config::cloudflare(ctx, &args)
        }
        Command::ServerConfig(ServerConfigCommand::Policies(args)) => {
            cmd::server_config::policies(ctx, &args)
        }
        Command::Init(args) => cmd::init::run(ctx, &args),
        Command::Schema(args) => cmd::schema::run(ctx, &args),
        Command::Completions(args) => cmd::completions::run(ctx, &args),
        Command::Man(args) => cmd::man::run(ctx, &args),
        Command::Synth(args) => cmd::synth::run(ctx, &args),
        Command::Bench(crate::cli::BenchCommand::RawWrite(args)) => {
            cmd::bench::raw_write(ctx, &args)
        }
        Command::Bench(crate::cli::BenchCommand::Eval(args)) => cmd::bench::eval(ctx, &args),
        Command::Bench(crate::cli::BenchCommand::EdgeIndex(args)) => {
            cmd::bench::edge_index(ctx, &args)
        }
    };
    match result {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::Findings) => ExitCode::from(1),
        Err(Error::Write { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}
