use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a stage named `scratch` or `context`.
    ///
    /// ## Why is this bad?
    /// Those names already mean something to BuildKit (the empty image, the
    /// build context); a stage with that name shadows them in `COPY --from`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine AS scratch
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine AS base
    /// ```
    ///
    /// ## References
    /// BuildKit check `ReservedStageName`; hadolint DL3063.
    pub struct ReservedStageName {
        name: "reserved-stage-name",
        code: "PL105",
        aliases: ["ReservedStageName", "DL3063"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "Stage names should not be the reserved words scratch or context",
    }
}

impl Rule for ReservedStageName {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some(name) = instruction.as_from().and_then(|f| f.stage_name) else {
                continue;
            };
            let lower = name.value.to_lowercase();
            if lower == "scratch" || lower == "context" {
                checker.report(
                    name.span,
                    format!(
                        "Stage name should not use the same name as reserved stage \"{lower}\""
                    ),
                );
            }
        }
    }
}
