use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Reports text that BuildKit's parser rejects: a duplicated or invalid
    /// parser directive, an unterminated heredoc, a JSON array with a
    /// non-string element, `ENV`/`LABEL` without a value or mixing
    /// `key=value` with bare words, a line over 64 KiB, a file with no
    /// instructions.
    ///
    /// ## Why is this bad?
    /// `docker build` stops with an error before building anything. plimsoll
    /// carries on after the bad instruction, so the other rules still see the
    /// rest of the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine
    /// CMD ["serve", 8080]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine
    /// CMD ["serve", "8080"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint (DL1000) has its own parser, which rejects some files
    /// BuildKit accepts (heredoc terminators directly followed by the next
    /// line, whitespace-only continuation lines, `RUN --mount` without
    /// `target=`) and stops at the first error. plimsoll's parser matches
    /// BuildKit's verdict on every file of the conformance suites and keeps
    /// going after an error.
    pub struct ParseError {
        name: "parse-error",
        code: "PL000",
        aliases: ["DL1000"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "BuildKit cannot parse this",
    }
}

impl Rule for ParseError {
    fn check(&self, checker: &mut Checker<'_>) {
        for error in &checker.file.errors {
            checker.report(error.span, error.message.clone());
        }
    }
}
