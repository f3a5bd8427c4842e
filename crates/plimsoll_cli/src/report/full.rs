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

/// Lines longer than this (in bytes) are never printed in a snippet, and a
/// finding spanning more lines than `MAX_SNIPPET_LINES` gets no snippet: a
/// minified or generated file must not flood the terminal.
const MAX_SNIPPET_LINE: usize = 4096;
const MAX_SNIPPET_LINES: usize = 200;

/// Below this many findings in a file, rendering on one thread is faster than
/// starting rayon's pool.
const PARALLEL_RENDER_FROM: usize = 64;

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
        let (span_first, span_last) = self.file.lines_of(span.offset(), span.len());
        // Context lines only when they are short enough to show.
        let mut first = span_first;
        while first > 0
            && span_first - first < context_lines_before
            && self.file.line_len(first - 1) <= MAX_SNIPPET_LINE
        {
            first -= 1;
        }
        let mut last = span_last;
        while last + 1 < index.line_count()
            && last - span_last < context_lines_after
            && self.file.line_len(last + 1) <= MAX_SNIPPET_LINE
        {
            last += 1;
        }
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

impl FileReport {
    /// 0-based first and last line of a span.
    fn lines_of(&self, offset: usize, len: usize) -> (usize, usize) {
        let last_offset = (offset + len.saturating_sub(1)).max(offset);
        (
            self.line_index.line_of(offset as u32),
            self.line_index.line_of(last_offset as u32),
        )
    }

    fn line_len(&self, line: usize) -> usize {
        self.line_index.line_span(line, &self.source).len()
    }

    /// Can the lines of `span` be shown in a snippet?
    fn showable(&self, span: plimsoll_syntax::Span) -> bool {
        let (first, last) = self.lines_of(span.start as usize, span.len());
        last - first < MAX_SNIPPET_LINES
            && (first..=last).all(|line| self.line_len(line) <= MAX_SNIPPET_LINE)
    }
}

/// Adapter: our diagnostic as a miette diagnostic.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a IndexedSource<'a>,
    /// Without a snippet (lines too long), the help says where instead.
    snippet: bool,
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
        let mut lines = Vec::new();
        if !self.snippet {
            let file = self.source.file;
            let at = file.position(self.diagnostic.span.start);
            lines.push(format!(
                "at {}:{}:{} (the lines are too long to show)",
                file.path, at.line, at.column
            ));
        }
        if let Some(help) = self.diagnostic.help.as_deref().filter(|h| !h.is_empty()) {
            lines.push(help.to_string());
        }
        if let Some(fix) = &self.diagnostic.fix {
            lines.push(match fix.applicability {
                Applicability::Safe => format!("fix available: {}", fix.title),
                Applicability::Unsafe => format!("unsafe fix available: {}", fix.title),
            });
        }
        lines.push(format!("see: plimsoll rule {}", self.diagnostic.rule.name));
        Some(Box::new(lines.join("\n")))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet
            .then_some(self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.snippet {
            return None;
        }
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
        let render = |diagnostic: &Diagnostic| {
            let mut text = String::new();
            handler
                .render_report(
                    &mut text,
                    &Rendered {
                        diagnostic,
                        source: &source,
                        snippet: file.showable(diagnostic.span),
                    },
                )
                .map(|()| text)
        };
        // miette renders one report at a time; reports are independent, so many
        // are rendered on all cores (and written in order). A few are not worth
        // starting the thread pool for.
        let rendered: Vec<Result<String, std::fmt::Error>> =
            if file.diagnostics.len() < PARALLEL_RENDER_FROM {
                file.diagnostics.iter().map(render).collect()
            } else {
                file.diagnostics.par_iter().map(render).collect()
            };
        for report in rendered {
            writeln!(out, "{}", report.map_err(io::Error::other)?)?;
        }
    }
    writeln!(out, "{}", super::summary(files))
}
