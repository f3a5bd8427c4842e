use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::label_pairs;

declare_rule! {
    /// ## What it does
    /// With `strict-labels = true`, flags every LABEL key that the
    /// `label-schema` option does not list.
    ///
    /// ## Why is this bad?
    /// A team that fixes its image metadata in a schema wants to catch typos
    /// (`org.opencontainers.image.verison`) and labels nobody reads.
    ///
    /// ## Example
    /// With `label-schema = { version = "semver" }` and `strict-labels = true`:
    /// ```dockerfile
    /// LABEL version="1.0.0" owner="team-a"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL version="1.0.0"
    /// ```
    /// or add `owner` to the schema.
    ///
    /// ## Differences from hadolint
    /// One finding per superfluous key, at the key; hadolint reports the LABEL
    /// instruction once.
    ///
    /// ## References
    /// hadolint DL3050 (`strict-labels`).
    pub struct LabelSuperfluous {
        name: "label-superfluous",
        code: "PL503",
        aliases: ["DL3050"],
        category: Maintainability,
        severity: Info,
        fix: None,
        summary: "LABEL key is not in the label schema (strict-labels)",
    }
}

impl Rule for LabelSuperfluous {
    fn check(&self, checker: &mut Checker<'_>) {
        if !checker.options.strict_labels {
            return;
        }
        for pair in label_pairs(checker) {
            if pair.dynamic_key || checker.options.label_schema.contains_key(&pair.key) {
                continue;
            }
            checker
                .report(
                    pair.key_span,
                    format!(
                        "Superfluous label `{}`: it is not in the label schema",
                        pair.key
                    ),
                )
                .help("remove the label, or add it to `label-schema`");
        }
    }
}
