//! The `plimsoll` command. Thin: argument parsing, file discovery, reporting
//! and exit codes; everything else is in the library crates.
//!
//! The binary itself belongs to the root package (`src/main.rs` here is its
//! entry point) so that `cargo install --path .` and pre-commit's Rust hooks
//! work from the repository root.

pub mod args;
mod commands;
mod discover;
pub mod report;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

/// Exit codes CI can rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing at or above the failure threshold.
    Success,
    /// 1: findings at or above the threshold (or a file BuildKit would reject, for `parse`).
    Findings,
    /// 2: usage, configuration or I/O error.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Findings => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Run the command line and return the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 0 for --help/--version and 2 for usage errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // The server owns standard output (the LSP channel): no lock taken here.
    if let Command::Server = cli.command {
        return match plimsoll_server::run_stdio() {
            Ok(()) => ExitStatus::Success.into(),
            Err(message) => {
                eprintln!("error: {message}");
                ExitStatus::Error.into()
            }
        };
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args, &mut out),
        Command::Parse(args) => commands::parse::run(args, &mut out),
        Command::Rules(args) => commands::rules::list(args, &mut out),
        Command::Rule { name } => commands::rules::show(name, &mut out),
        Command::CacheReport(args) => commands::cache_report::run(args, &mut out),
        Command::Optimize(args) => commands::optimize::run(args, &mut out),
        // Served and returned above, before standard output was locked.
        Command::Server => Ok(ExitStatus::Success),
    };
    let flushed = out.flush();
    match result {
        Ok(status) => {
            if let Err(e) = flushed {
                // A closed pipe (`| head`) is not worth an error message.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("error: writing output: {e}");
                    return ExitStatus::Error.into();
                }
            }
            status.into()
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitStatus::Error.into()
        }
    }
}
