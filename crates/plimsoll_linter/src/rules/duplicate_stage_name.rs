use std::collections::HashSet;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a stage name that an earlier `FROM ... AS` already used
    /// (compared lower-cased, as BuildKit does).
    ///
    /// ## Why is this bad?
    /// `COPY --from=name` and `--target name` can only mean one stage; the
    /// second definition makes the file ambiguous to readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine AS build
    /// FROM golang AS Build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine AS assets
    /// FROM golang AS build
    /// ```
    ///
    /// ## References
    /// BuildKit check `DuplicateStageName`; hadolint DL3024.
    pub struct DuplicateStageName {
        name: "duplicate-stage-name",
        code: "PL104",
        aliases: ["DuplicateStageName", "DL3024"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "Stage names should be unique",
    }
}

impl Rule for DuplicateStageName {
    fn check(&self, checker: &mut Checker<'_>) {
        let mut seen = HashSet::new();
        for instruction in &checker.file.instructions {
            let Some(name) = instruction.as_from().and_then(|f| f.stage_name) else {
                continue;
            };
            let lower = name.value.to_lowercase();
            if !seen.insert(lower.clone()) {
                checker.report(
                    name.span,
                    format!("Duplicate stage name \"{lower}\", stage names should be unique"),
                );
            }
        }
    }
}
