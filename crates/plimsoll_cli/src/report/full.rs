//! Human output through miette: a source snippet, a label on the exact span,
//! the help line, and the rule name with a link to its documentation.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use plimsoll_linter::{Applicability, Diagnostic, Severity};

use super::FileReport;

/// Adapter: our diagnostic as a miette diagnostic.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<Arc<String>>,
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
        .with_width(100);
    for file in files {
        let source = NamedSource::new(&file.path, Arc::clone(&file.source));
        for diagnostic in &file.diagnostics {
            let mut rendered = String::new();
            handler
                .render_report(
                    &mut rendered,
                    &Rendered {
                        diagnostic,
                        source: &source,
                    },
                )
                .map_err(io::Error::other)?;
            writeln!(out, "{rendered}")?;
        }
    }
    writeln!(out, "{}", super::summary(files))
}
