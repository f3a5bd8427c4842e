use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags instruction keywords whose case differs from the majority of the
    /// file (`copy` among `COPY`s, or a mixed-case `From`).
    ///
    /// ## Why is this bad?
    /// Consistent casing makes instructions easy to spot; the convention is
    /// uppercase. Ties count as uppercase, as in BuildKit.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// copy app /app
    /// COPY config /etc/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /app
    /// COPY config /etc/app
    /// ```
    ///
    /// ## Differences from BuildKit
    /// Same rule: global ARGs before the first FROM are neither counted nor
    /// checked; an ONBUILD counts as itself, not its trigger.
    ///
    /// ## Fix safety
    /// The fix rewrites the keyword in the majority's case. Keywords are
    /// case-insensitive, so the fix is safe.
    ///
    /// ## References
    /// BuildKit check `ConsistentInstructionCasing`.
    pub struct ConsistentInstructionCasing {
        name: "consistent-instruction-casing",
        code: "PL103",
        aliases: ["ConsistentInstructionCasing"],
        category: Style,
        severity: Warning,
        fix: Always,
        summary: "Instruction keywords should all use the same case",
    }
}

impl Rule for ConsistentInstructionCasing {
    fn check(&self, checker: &mut Checker<'_>) {
        let counted: Vec<_> = checker
            .file
            .instructions
            .iter()
            .enumerate()
            .filter(|(i, instruction)| {
                instruction.keyword == Keyword::From || checker.model.states[*i].stage.is_some()
            })
            .map(|(_, instruction)| instruction)
            .collect();
        let lower = counted
            .iter()
            .filter(|i| i.keyword_text == i.keyword_text.to_lowercase())
            .count();
        let upper = counted
            .iter()
            .filter(|i| i.keyword_text == i.keyword_text.to_uppercase())
            .count();
        let majority_lower = lower > upper;
        for instruction in counted {
            let text = &instruction.keyword_text;
            let in_majority = if majority_lower {
                *text == text.to_lowercase()
            } else {
                *text == text.to_uppercase()
            };
            if !in_majority {
                let case = if majority_lower {
                    "lowercase"
                } else {
                    "uppercase"
                };
                let fixed = if majority_lower {
                    text.to_lowercase()
                } else {
                    text.to_uppercase()
                };
                // A keyword written across a line continuation is left alone.
                let fixable =
                    checker.source.get(instruction.keyword_span.range()) == Some(text.as_str());
                let diagnostic = checker
                    .report(
                        instruction.keyword_span,
                        format!("Command '{text}' should match the case of the command majority ({case})"),
                    )
                    .help(format!("write `{fixed}`"));
                if fixable {
                    diagnostic.fix(Fix::safe(
                        format!("Write `{fixed}`"),
                        vec![Edit::replace(instruction.keyword_span, fixed)],
                    ));
                }
            }
        }
    }
}
