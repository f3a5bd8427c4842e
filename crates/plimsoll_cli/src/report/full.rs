//! Human output through miette: a source snippet, a label on the exact span,
//! the help line, and the rule name with a link to its documentation.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use plimsoll_linter::{Applicability, Diagnostic, Severity};
use rayon::prelude::*;

use super::FileReport;

/// The file's text for miette, with line lookups through our line index:
/// miette's own `SourceCode` for strings scans from the start of the file for
/// every report, which is quadratic when a large file has many findings.
struct IndexedSource<'a> {
    file: &'a FileReport,
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'s>(
        &'s self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'s> + 's>, MietteError> {
        let text = self.file.source.as_str();
        let index = &self.file.line_index;
        if span.offset() + span.len() > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = index
            .line_of(span.offset() as u32)
            .saturating_sub(context_lines_before);
        let last_offset = (span.offset() + span.len().saturating_sub(1)).max(span.offset());
        let last =
            (index.line_of(last_offset as u32) + context_lines_after).min(index.line_count() - 1);
        let start = index.line_start(first) as usize;
        let end = index.line_start(last + 1).min(text.len() as u32) as usize;
        let end = if last + 1 >= index.line_count() {
            text.len()
        } else {
            end
        };
        // miette reads the header's `line:column` from this column (in characters).
        let column = text
            .get(start..span.offset())
            .map_or(0, |before| before.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.path.clone(),
            &text.as_bytes()[start..end],
            (start, end - start).into(),
            first,
            column,
            last - first + 1,
        )))
    }
}

/// Adapter: our diagnostic as a miette diagnostic.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a IndexedSource<'a>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} ({})",
            self.diagnostic.rule.name, self.diagnostic.rule.code
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info | Severity::Style => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.diagnostic.help.as_deref().unwrap_or("");
        let fix = match &self.diagnostic.fix {
            Some(fix) => match fix.applicability {
                Applicability::Safe => format!("\nfix available: {}", fix.title),
                Applicability::Unsafe => format!("\nunsafe fix available: {}", fix.title),
            },
            None => String::new(),
        };
        let docs = format!("\nsee: plimsoll rule {}", self.diagnostic.rule.name);
        Some(Box::new(
            format!("{help}{fix}{docs}").trim_start().to_string(),
        ))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diagnostic.span;
        // The message above already says what is wrong; the label only marks where.
        let label = LabeledSpan::new_with_span(
            None,
            SourceSpan::new((span.start as usize).into(), span.len()),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

pub fn write(files: &[FileReport], out: &mut dyn Write, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        // Wrapping costs two thirds of the rendering time; terminals wrap long lines anyway.
        .with_wrap_lines(false);
    for file in files {
        let source = IndexedSource { file };
        // miette renders one report at a time; reports are independent, so render
        // them on all cores and write them in order.
        let rendered: Vec<Result<String, std::fmt::Error>> = file
            .diagnostics
            .par_iter()
            .map(|diagnostic| {
                let mut text = String::new();
                handler
                    .render_report(
                        &mut text,
                        &Rendered {
                            diagnostic,
                            source: &source,
                        },
                    )
                    .map(|()| text)
            })
            .collect();
        for report in rendered {
            writeln!(out, "{}", report.map_err(io::Error::other)?)?;
        }
    }
    writeln!(out, "{}", super::summary(files))
}
