use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::settings::LabelType;

use super::{check_label_values, formats};

declare_rule! {
    /// ## What it does
    /// Flags a label of type `rfc3339` in the `label-schema` option whose value
    /// is not an RFC 3339 date-time (`2024-05-01T12:30:00Z`,
    /// `2024-05-01T14:30:00.5+02:00`).
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.created` is defined as RFC 3339; tools parse
    /// it, and a date without time or zone is ambiguous.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.created" = "rfc3339" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## Differences from hadolint
    /// Values that contain a variable (`$BUILD_DATE`) are not judged, and empty
    /// values are left to `label-empty`. Dates are checked for real calendar
    /// days (`2023-02-29` is not one).
    ///
    /// ## References
    /// hadolint DL3053 (`label-schema` type `rfc3339`); RFC 3339 §5.6.
    pub struct LabelInvalidTimestamp {
        name: "label-invalid-timestamp",
        code: "PL506",
        aliases: ["DL3053"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "An `rfc3339` label of the label schema is not an RFC 3339 timestamp",
    }
}

impl Rule for LabelInvalidTimestamp {
    fn check(&self, checker: &mut Checker<'_>) {
        check_label_values(
            checker,
            LabelType::Rfc3339,
            formats::is_rfc3339,
            |key| format!("Label `{key}` is not a valid time format: it must conform to RFC 3339"),
            "write the date, `T`, the time and the zone: `2024-05-01T12:30:00Z`",
        );
    }
}
