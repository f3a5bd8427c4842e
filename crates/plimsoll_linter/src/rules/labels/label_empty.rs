use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::label_pairs;

declare_rule! {
    /// ## What it does
    /// Flags a label listed in the `label-schema` option whose value is empty.
    ///
    /// ## Why is this bad?
    /// The schema says the image must carry this information; an empty value
    /// satisfies the letter of the rule and nothing else.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.source" = "url" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source=""
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Differences from hadolint
    /// An empty value is reported once, here; hadolint also reports it as not
    /// matching the label's type (not a URL, not a version, …).
    ///
    /// ## References
    /// hadolint DL3051 (`label-schema`).
    pub struct LabelEmpty {
        name: "label-empty",
        code: "PL504",
        aliases: ["DL3051"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "A label of the label schema is empty",
    }
}

impl Rule for LabelEmpty {
    fn check(&self, checker: &mut Checker<'_>) {
        if checker.options.label_schema.is_empty() {
            return;
        }
        for pair in label_pairs(checker) {
            let in_schema = checker.options.label_schema.contains_key(&pair.key);
            if in_schema && !pair.dynamic_value && pair.value.is_empty() {
                checker
                    .report(pair.value_span, format!("Label `{}` is empty", pair.key))
                    .help("give the label a value");
            }
        }
    }
}
