use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::settings::LabelType;

use super::{check_label_values, formats};

declare_rule! {
    /// ## What it does
    /// Flags a label of type `email` in the `label-schema` option whose value is
    /// not an e-mail address (RFC 5322 `addr-spec`: `local@domain`).
    ///
    /// ## Why is this bad?
    /// The schema asks for an address to write to; a name, or a name with the
    /// address in angle brackets, is not one.
    ///
    /// ## Example
    /// With `label-schema = { maintainer = "email" }`:
    /// ```dockerfile
    /// LABEL maintainer="Jane Doe <jane@example.org>"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL maintainer="jane@example.org"
    /// ```
    ///
    /// ## Differences from hadolint
    /// Values that contain a variable are not judged, and empty values are left
    /// to `label-empty`.
    ///
    /// ## References
    /// hadolint DL3058 (`label-schema` type `email`); RFC 5322 §3.4.1.
    pub struct LabelInvalidEmail {
        name: "label-invalid-email",
        code: "PL510",
        aliases: ["DL3058"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "An `email` label of the label schema is not an e-mail address",
    }
}

impl Rule for LabelInvalidEmail {
    fn check(&self, checker: &mut Checker<'_>) {
        check_label_values(
            checker,
            LabelType::Email,
            formats::is_email,
            |key| {
                format!("Label `{key}` is not a valid e-mail address: it must conform to RFC 5322")
            },
            "write the bare address: `jane@example.org`",
        );
    }
}
