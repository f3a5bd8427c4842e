use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::settings::LabelType;

use super::{check_label_values, formats};

declare_rule! {
    /// ## What it does
    /// Flags a label of type `spdx` in the `label-schema` option whose value is
    /// not an SPDX license expression made of known SPDX license identifiers
    /// (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`).
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.licenses` is defined as an SPDX expression;
    /// license scanners cannot read `MIT License` or `BSD`.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.licenses" = "spdx" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache License 2.0"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts a single license identifier only; plimsoll accepts any
    /// valid SPDX expression (`MIT OR Apache-2.0`), as the OCI annotation
    /// `org.opencontainers.image.licenses` allows. Values that contain a
    /// variable are not judged, and empty values are left to `label-empty`.
    ///
    /// ## References
    /// hadolint DL3054 (`label-schema` type `spdx`); the SPDX license list and
    /// expression syntax (via the `spdx` crate).
    pub struct LabelInvalidSpdx {
        name: "label-invalid-spdx",
        code: "PL507",
        aliases: ["DL3054"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "An `spdx` label of the label schema is not an SPDX license expression",
    }
}

impl Rule for LabelInvalidSpdx {
    fn check(&self, checker: &mut Checker<'_>) {
        check_label_values(
            checker,
            LabelType::Spdx,
            formats::is_spdx,
            |key| format!("Label `{key}` is not a valid SPDX license identifier or expression"),
            "use SPDX identifiers, such as `MIT` or `Apache-2.0 OR MIT`",
        );
    }
}
