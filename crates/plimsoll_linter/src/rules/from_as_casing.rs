use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM image as name` where the `AS` keyword's case does not match
    /// the `FROM` keyword's (`FROM x as y`, `from x AS y`).
    ///
    /// ## Why is this bad?
    /// Mixed casing in one line reads as a typo and makes the file harder to
    /// scan. A mixed-case `From` is left to `consistent-instruction-casing`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12 as builder
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12 AS builder
    /// ```
    ///
    /// ## Fix safety
    /// The fix writes `AS` in the case of `FROM`. Keywords are
    /// case-insensitive, so the fix is safe.
    ///
    /// ## References
    /// BuildKit check `FromAsCasing`.
    pub struct FromAsCasing {
        name: "from-as-casing",
        code: "PL102",
        aliases: ["FromAsCasing"],
        category: Style,
        severity: Warning,
        fix: Always,
        summary: "The AS keyword should match the case of the FROM keyword",
    }
}

impl Rule for FromAsCasing {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some(as_word) = instruction.as_from().and_then(|f| f.as_keyword) else {
                continue;
            };
            let keyword = &instruction.keyword_text;
            let mismatch = if *keyword == keyword.to_lowercase() {
                as_word.value != as_word.value.to_lowercase()
            } else if *keyword == keyword.to_uppercase() {
                as_word.value != as_word.value.to_uppercase()
            } else {
                false
            };
            if mismatch {
                let fixed = if *keyword == keyword.to_lowercase() {
                    "as"
                } else {
                    "AS"
                };
                checker
                    .report(
                        as_word.span,
                        format!(
                            "'{}' and '{keyword}' keywords' casing do not match",
                            as_word.value
                        ),
                    )
                    .fix(Fix::safe(
                        format!("Write `{fixed}`"),
                        vec![Edit::replace(as_word.span, fixed)],
                    ));
            }
        }
    }
}
