use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::settings::LabelType;

use super::{check_label_values, formats};

declare_rule! {
    /// ## What it does
    /// Flags a label of type `semver` in the `label-schema` option whose value
    /// is not a semantic version 2.0.0 (`1.4.2`, `2.0.0-rc.1`, `1.0.0+build.5`).
    ///
    /// ## Why is this bad?
    /// Tools compare versions; `v1.4`, `1.4` or `latest` do not order.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.version" = "semver" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.4.0"
    /// ```
    ///
    /// ## Differences from hadolint
    /// Values that contain a variable (`$VERSION`) are not judged, and empty
    /// values are left to `label-empty`.
    ///
    /// ## References
    /// hadolint DL3056 (`label-schema` type `semver`); semver.org 2.0.0.
    pub struct LabelInvalidSemver {
        name: "label-invalid-semver",
        code: "PL509",
        aliases: ["DL3056"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "A `semver` label of the label schema is not a semantic version",
    }
}

impl Rule for LabelInvalidSemver {
    fn check(&self, checker: &mut Checker<'_>) {
        check_label_values(
            checker,
            LabelType::Semver,
            formats::is_semver,
            |key| format!("Label `{key}` does not conform to semantic versioning"),
            "use MAJOR.MINOR.PATCH, optionally with `-prerelease` and `+build`: `1.4.0`",
        );
    }
}
