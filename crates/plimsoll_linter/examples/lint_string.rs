//! Embedding plimsoll: lint a Dockerfile held in a string, show the findings
//! with line and column, and apply the safe fixes.
//!
//! `cargo run -p plimsoll_linter --example lint_string [FILE]` (a built-in
//! sample when no file is given).

use plimsoll_linter::api::LineIndex;
use plimsoll_linter::{fix_all, lint_source, Settings};

const SAMPLE: &str = "\
FROM ubuntu:22.04
MAINTAINER Jane Doe <jane@example.org>
ENV APP_HOME /app
RUN apt-get update && apt-get install -y curl
CMD node server.js
";

fn main() -> Result<(), String> {
    let source = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?,
        None => SAMPLE.to_string(),
    };
    // The defaults; a program could load a plimsoll.toml with `plimsoll_linter::config`.
    let settings = Settings::default();

    let output = lint_source(&source, &settings);
    let lines = LineIndex::new(&source);
    for d in &output.diagnostics {
        let at = lines.line_column(d.span.start, &source);
        let fix = d
            .fix
            .as_ref()
            .map_or(String::new(), |f| format!(" (fix: {})", f.title));
        println!(
            "{}:{}: {} {} [{}] {}{fix}",
            at.line,
            at.column,
            d.severity.as_str(),
            d.rule.code,
            d.rule.name,
            d.message
        );
    }

    let fixed = fix_all(&source, &settings, false);
    println!(
        "\n{} fix(es) applied; the file becomes:\n",
        fixed.applied.len()
    );
    print!("{}", fixed.source);
    Ok(())
}
