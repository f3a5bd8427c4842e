use plimsoll_syntax::Keyword;

use crate::checker::Checker;
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
    /// ## References
    /// BuildKit check `ConsistentInstructionCasing`.
    pub struct ConsistentInstructionCasing {
        name: "consistent-instruction-casing",
        code: "PL103",
        aliases: ["ConsistentInstructionCasing"],
        category: Style,
        severity: Warning,
        fix: None,
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
                checker
                    .report(
                        instruction.keyword_span,
                        format!("Command '{text}' should match the case of the command majority ({case})"),
                    )
                    .help(format!(
                        "write `{}`",
                        if majority_lower { text.to_lowercase() } else { text.to_uppercase() }
                    ));
            }
        }
    }
}
