//! ShellCheck on RUN scripts: one `shellcheck` process per Dockerfile, its
//! findings mapped back to Dockerfile positions and reported as `SCxxxx`
//! rules that `--select`, `--ignore`, severities and pragmas understand.
//!
//! Unlike [`crate::lint`] this runs an external program, so callers opt in:
//! the CLI does when a `shellcheck` binary is found (or configured), the
//! language server off its message loop. Each script gets a `#!` line for the
//! stage's shell and one line exporting the ENV and ARG names in scope, so
//! ShellCheck does not flag variables the Dockerfile defines.

mod codes;
mod output;
mod scripts;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use plimsoll_syntax::{Dockerfile, Span};

use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::pragma::Suppressions;
use crate::semantic::SemanticModel;
use crate::settings::Settings;

pub use codes::{meta, parse_code, SHELLCHECK_SELECTOR};
use output::{Comment, Lines, Output};
use scripts::{Script, HEADER_LINES};

/// Codes left out, as hadolint does: SC2187 (ash has no shebang support
/// there), SC1090/SC1091 (files `source`d at build time are not available).
const EXCLUDED: &str = "SC2187,SC1090,SC1091";

/// A `shellcheck` executable to run.
#[derive(Debug, Clone)]
pub struct Shellcheck {
    binary: PathBuf,
}

/// Running ShellCheck failed (not: it found something).
#[derive(Debug)]
pub struct ShellcheckError {
    pub binary: PathBuf,
    pub message: String,
}

impl fmt::Display for ShellcheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "shellcheck ({}): {}",
            self.binary.display(),
            self.message
        )
    }
}

impl std::error::Error for ShellcheckError {}

impl Shellcheck {
    /// Use this executable.
    pub fn at(binary: impl Into<PathBuf>) -> Shellcheck {
        Shellcheck {
            binary: binary.into(),
        }
    }

    /// `shellcheck` from the directories of `path` (the value of `PATH`).
    pub fn find_in(path: &std::ffi::OsStr) -> Option<Shellcheck> {
        std::env::split_paths(path)
            .map(|dir| dir.join("shellcheck"))
            .find(|candidate| candidate.is_file())
            .map(Shellcheck::at)
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// ShellCheck's findings on the RUN scripts of `file`, filtered by the
    /// selection, severities and pragmas of `settings` and `file`. Files
    /// without POSIX RUN scripts, or where no SC code is selected, start no process.
    pub fn check(
        &self,
        source: &str,
        file: &Dockerfile,
        settings: &Settings,
    ) -> Result<Vec<Diagnostic>, ShellcheckError> {
        if !may_select_any_code(settings) {
            return Ok(Vec::new());
        }
        let model = SemanticModel::new(source, file);
        let scripts = scripts::collect(&model);
        if scripts.is_empty() {
            return Ok(Vec::new());
        }
        let comments = self.run(&scripts)?;
        let mut suppressions = Suppressions::from_file(file);
        if settings.disable_ignore_pragma {
            suppressions = suppressions.without_effect();
        }
        let mut diagnostics = Vec::new();
        for (index, comment) in comments {
            let Some(mut diagnostic) = to_diagnostic(&model, &scripts[index], &comment) else {
                continue;
            };
            if !settings.selects(diagnostic.rule)
                || suppressions.is_suppressed(diagnostic.rule, diagnostic.span)
            {
                continue;
            }
            if let Some(severity) = settings.severity_for(diagnostic.rule) {
                diagnostic.severity = severity;
            }
            diagnostics.push(diagnostic);
        }
        Ok(diagnostics)
    }

    /// One process for all scripts: each in its own file of a temporary
    /// directory. Returns each comment with the index of its script.
    fn run(&self, scripts: &[Script]) -> Result<Vec<(usize, Comment)>, ShellcheckError> {
        let error = |message: String| ShellcheckError {
            binary: self.binary.clone(),
            message,
        };
        let dir = tempfile::tempdir().map_err(|e| error(format!("temporary directory: {e}")))?;
        let mut paths = Vec::with_capacity(scripts.len());
        for (index, script) in scripts.iter().enumerate() {
            let path = dir.path().join(format!("run-{index}.sh"));
            std::fs::write(&path, &script.text)
                .map_err(|e| error(format!("{}: {e}", path.display())))?;
            paths.push(path);
        }
        // --norc: the same findings on every machine, whatever ~/.shellcheckrc says.
        let result = Command::new(&self.binary)
            .args(["--format=json1", "--severity=style", "--norc"])
            .arg(format!("--exclude={EXCLUDED}"))
            .args(&paths)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| error(format!("could not start: {e}")))?;
        // 0: clean, 1: findings; anything else is a failure of ShellCheck itself.
        if !matches!(result.status.code(), Some(0 | 1)) {
            let stderr = String::from_utf8_lossy(&result.stderr);
            return Err(error(format!(
                "exited with {}: {}",
                result.status,
                stderr.trim()
            )));
        }
        let output: Output = serde_json::from_slice(&result.stdout)
            .map_err(|e| error(format!("unreadable output: {e}")))?;
        Ok(output
            .comments
            .into_iter()
            .filter_map(|comment| {
                let index = paths
                    .iter()
                    .position(|p| Path::new(&comment.file) == p.as_path())?;
                Some((index, comment))
            })
            .collect())
    }
}

/// Could any SC code be selected? (If not, ShellCheck need not run.)
fn may_select_any_code(settings: &Settings) -> bool {
    let named_one = settings
        .select
        .iter()
        .flatten()
        .chain(&settings.extend_select)
        .any(|s| parse_code(s).is_some());
    named_one || settings.selects(&codes::ANY_CODE)
}

/// A comment as a diagnostic at its place in the Dockerfile; `None` for a
/// comment on the lines plimsoll added.
fn to_diagnostic(
    model: &SemanticModel<'_>,
    script: &Script,
    comment: &Comment,
) -> Option<Diagnostic> {
    let body = Lines::new(script.body());
    let body_line = |line: usize| line.checked_sub(HEADER_LINES).filter(|&l| l > 0);
    let start = body.offset(body_line(comment.line)?, comment.column)?;
    let end = body
        .offset(body_line(comment.end_line)?, comment.end_column)
        .unwrap_or(start)
        .max(start);
    let rule = meta(comment.code);
    let mut diagnostic = Diagnostic::new(
        rule,
        script.source_span(model, start, end),
        comment.message.clone(),
    );
    diagnostic.severity = match comment.level.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        _ => Severity::Style,
    };
    diagnostic.help(format!(
        "see https://www.shellcheck.net/wiki/SC{}",
        comment.code
    ));
    if let Some(fix) = comment.fix.as_ref().and_then(|fix| {
        let edits = fix
            .replacements
            .iter()
            .map(|r| {
                let start = body.offset(body_line(r.line)?, r.column)?;
                let end = body.offset(body_line(r.end_line)?, r.end_column)?;
                let span: Span = script.source_span(model, start, end.max(start));
                Some(Edit::replace(span, r.replacement.clone()))
            })
            .collect::<Option<Vec<_>>>()?;
        // ShellCheck's edits are suggestions about quoting and the like: they
        // change what the script does, so they are never applied silently.
        Some(Fix::unsafe_edit(
            format!("apply ShellCheck's suggestion for SC{}", comment.code),
            edits,
        ))
    }) {
        diagnostic.fix(fix);
    }
    Some(diagnostic)
}
