use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM image AS Name`) that is not all lowercase.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names, so `AS Builder` and `--from=builder`
    /// name the same stage: the mixed-case spelling suggests a distinction that
    /// does not exist.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS BuilderBase
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS builder-base
    /// ```
    ///
    /// ## References
    /// BuildKit check `StageNameCasing`.
    pub struct StageNameCasing {
        name: "stage-name-casing",
        code: "PL101",
        aliases: ["StageNameCasing"],
        category: Style,
        severity: Warning,
        fix: None,
        summary: "Stage names should be lowercase",
    }
}

impl Rule for StageNameCasing {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            // BuildKit checks only the three-argument form `image AS name`.
            let Some(from) = instruction
                .as_from()
                .filter(|_| instruction.args.len() == 3)
            else {
                continue;
            };
            let Some(name) = from.stage_name else {
                continue;
            };
            if name.value != name.value.to_lowercase() {
                checker
                    .report(
                        name.span,
                        format!("Stage name '{}' should be lowercase", name.value),
                    )
                    .help(format!("write it as `{}`", name.value.to_lowercase()));
            }
        }
    }
}
