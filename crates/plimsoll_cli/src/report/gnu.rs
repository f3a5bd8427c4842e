//! GNU style: `file:line:col: severity: message [rule]`, what Emacs and Vim parse.

use std::io::{self, Write};

use super::FileReport;

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for file in files {
        for d in &file.diagnostics {
            let at = file.position(d.span.start);
            writeln!(
                out,
                "{}:{}:{}: {}: {} [{}]",
                file.path,
                at.line,
                at.column,
                d.severity.as_str(),
                d.message,
                d.rule.name
            )?;
        }
    }
    Ok(())
}
