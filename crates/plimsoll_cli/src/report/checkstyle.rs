//! Checkstyle XML (version 4.3), as Jenkins' warnings plugin and many review tools read it.

use std::io::{self, Write};

use plimsoll_linter::Severity;

use super::xml::escape;
use super::FileReport;

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for file in files {
        writeln!(out, r#"  <file name="{}">"#, escape(&file.path))?;
        for d in &file.diagnostics {
            let at = file.position(d.span.start);
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Style => "info",
            };
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{severity}" message="{}" source="plimsoll.{}"/>"#,
                at.line,
                at.column,
                escape(&d.message),
                d.rule.name
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
