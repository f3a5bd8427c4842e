use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags any instruction other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// Only global `ARG`s may come before the first stage; BuildKit stops
    /// with "no build stage in current context".
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source=https://example.org/app
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source=https://example.org/app
    /// ```
    ///
    /// ## References
    /// hadolint DL3061.
    pub struct InstructionBeforeFrom {
        name: "instruction-before-from",
        code: "PL412",
        aliases: ["DL3061"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "Only ARG may come before the first FROM",
    }
}

impl Rule for InstructionBeforeFrom {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            match instruction.keyword {
                Keyword::From => break,
                // Unknown keywords are not instructions at all (parse-error's business).
                Keyword::Arg | Keyword::Unknown => continue,
                _ => {
                    let keyword = instruction.keyword.as_str();
                    checker
                        .report(
                            instruction.keyword_span,
                            format!("{keyword} before the first FROM: only ARG may come before it, and the build fails"),
                        )
                        .help(format!("move this {keyword} into a stage, after a FROM"));
                }
            }
        }
    }
}
