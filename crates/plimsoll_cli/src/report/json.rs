//! A JSON array of findings; the schema is documented in docs/output-formats.md.

use std::io::{self, Write};

use serde::Serialize;

use plimsoll_linter::{Applicability, Category, FileChange, Severity};
use plimsoll_syntax::Span;

use super::FileReport;

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: u32,
    end: u32,
    content: &'a str,
}

/// A change to another file (`.dockerignore`): append `lines`, creating the
/// file if missing, skipping lines it already has.
#[derive(Serialize)]
struct JsonFileChange<'a> {
    kind: &'static str,
    path: String,
    lines: &'a [String],
    comment: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    file_changes: Vec<JsonFileChange<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    code: &'static str,
    aliases: &'static [&'static str],
    severity: Severity,
    category: Category,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    span: Span,
    message: &'a str,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &diagnostics(files))?;
    writeln!(out)
}

/// One JSON object per line, for streaming consumers.
pub fn write_lines(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for diagnostic in diagnostics(files) {
        serde_json::to_writer(&mut *out, &diagnostic)?;
        writeln!(out)?;
    }
    Ok(())
}

fn diagnostics(files: &[FileReport]) -> Vec<JsonDiagnostic<'_>> {
    let mut all = Vec::new();
    for file in files {
        for d in &file.diagnostics {
            let (start, end) = file.range(d.span);
            all.push(JsonDiagnostic {
                rule: d.rule.name,
                code: d.rule.code,
                aliases: d.rule.aliases,
                severity: d.severity,
                category: d.rule.category,
                file: &file.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                span: d.span,
                message: &d.message,
                help: d.help.as_deref(),
                fix: d.fix.as_ref().map(|fix| JsonFix {
                    applicability: fix.applicability,
                    title: &fix.title,
                    edits: fix
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            start: e.span.start,
                            end: e.span.end,
                            content: &e.content,
                        })
                        .collect(),
                    file_changes: fix
                        .file_changes
                        .iter()
                        .map(|change| match change {
                            FileChange::AppendLines {
                                path,
                                lines,
                                comment,
                            } => JsonFileChange {
                                kind: "append-lines",
                                path: super::display_path(path),
                                lines,
                                comment: comment.as_deref(),
                            },
                        })
                        .collect(),
                }),
            });
        }
    }
    all
}
