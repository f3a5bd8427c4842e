//! `plimsoll parse FILE`: BuildKit's AST dump, or our AST as JSON.

use std::io::Write;

use plimsoll_syntax::{buildkit_dump, parse};

use crate::args::{ParseArgs, ParseFormat};
use crate::ExitStatus;

pub fn run(args: &ParseArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let source = super::read_dockerfile(&args.file, u64::MAX)?;
    let file = parse(&source);
    let write_error = |e: std::io::Error| format!("writing output: {e}");
    match args.format {
        ParseFormat::Buildkit => {
            if let Some(error) = file.errors.first() {
                // BuildKit stops at its first error; report it the way BuildKit words it.
                eprintln!(
                    "{}:{}: {}",
                    args.file.display(),
                    error.buildkit_lines.0,
                    error.message
                );
                return Ok(ExitStatus::Findings);
            }
            out.write_all(buildkit_dump(&file).as_bytes())
                .map_err(write_error)?;
        }
        ParseFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &file).map_err(|e| e.to_string())?;
            writeln!(out).map_err(write_error)?;
            if !file.errors.is_empty() {
                return Ok(ExitStatus::Findings);
            }
        }
    }
    Ok(ExitStatus::Success)
}
