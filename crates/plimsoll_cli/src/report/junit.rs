//! JUnit XML: one test case per file (failing with one failure per finding),
//! so CI dashboards show Dockerfiles as passed or failed tests.

use std::io::{self, Write};

use super::xml::escape;
use super::FileReport;

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let failures = files.iter().filter(|f| !f.diagnostics.is_empty()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="plimsoll" tests="{}" failures="{failures}">"#,
        files.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="plimsoll" tests="{}" failures="{failures}" errors="0" skipped="0">"#,
        files.len()
    )?;
    for file in files {
        let path = escape(&file.path);
        if file.diagnostics.is_empty() {
            writeln!(out, r#"    <testcase name="{path}" classname="plimsoll"/>"#)?;
            continue;
        }
        writeln!(out, r#"    <testcase name="{path}" classname="plimsoll">"#)?;
        for d in &file.diagnostics {
            let at = file.position(d.span.start);
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{}:{}: {} ({}): {}</failure>"#,
                escape(&d.message),
                d.severity.as_str(),
                path,
                at.line,
                at.column,
                d.rule.name,
                d.rule.code,
                escape(d.help.as_deref().unwrap_or(&d.message))
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
