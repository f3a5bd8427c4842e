//! Reporters: one module per output format, all reading the same
//! [`FileReport`]s. A reporter never knows a rule.

mod checkstyle;
mod concise;
mod full;
mod github;
mod gitlab;
mod gnu;
mod json;
mod junit;
mod sarif;
mod xml;

use std::io::{self, Write};
use std::sync::Arc;

use plimsoll_linter::{Diagnostic, LintWarning};
use plimsoll_syntax::{LineColumn, LineIndex, Span};

use crate::args::OutputFormat;

/// Everything found in one file.
pub struct FileReport {
    /// The path as the user should see it.
    pub path: String,
    pub source: Arc<String>,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: Vec<LintWarning>,
}

impl FileReport {
    pub fn position(&self, offset: u32) -> LineColumn {
        self.line_index.line_column(offset, &self.source)
    }

    /// 1-based start and end positions of a span. The end column is exclusive.
    pub fn range(&self, span: Span) -> (LineColumn, LineColumn) {
        (self.position(span.start), self.position(span.end))
    }
}

pub fn write_report(
    format: OutputFormat,
    files: &[FileReport],
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full::write(files, out, color),
        OutputFormat::Concise => concise::write(files, out),
        OutputFormat::Json => json::write(files, out),
        OutputFormat::JsonLines => json::write_lines(files, out),
        OutputFormat::Sarif => sarif::write(files, out),
        OutputFormat::Checkstyle => checkstyle::write(files, out),
        OutputFormat::Gitlab => gitlab::write(files, out),
        OutputFormat::Github => github::write(files, out),
        OutputFormat::Junit => junit::write(files, out),
        OutputFormat::Gnu => gnu::write(files, out),
    }
}

/// A path for reports: `/` separators, no leading `./`.
pub fn display_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    match text.strip_prefix("./") {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// `Found 3 problems (1 fixable with --fix).` or `All checks passed.`
pub fn summary(files: &[FileReport]) -> String {
    let total: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let fixable: usize = files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| d.fix.is_some())
        .count();
    match total {
        0 => "All checks passed.".to_string(),
        1 => format!("Found 1 problem{}.", fixable_note(fixable)),
        n => format!("Found {n} problems{}.", fixable_note(fixable)),
    }
}

fn fixable_note(fixable: usize) -> String {
    if fixable == 0 {
        String::new()
    } else {
        format!(" ({fixable} with a fix available)")
    }
}
