use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::settings::LabelType;

use super::{check_label_values, formats};

declare_rule! {
    /// ## What it does
    /// Flags a label of type `url` in the `label-schema` option whose value is
    /// not an absolute URI (RFC 3986: a scheme, `:`, then valid URI characters).
    ///
    /// ## Why is this bad?
    /// Tools follow these labels (`org.opencontainers.image.source`,
    /// `org.opencontainers.image.documentation`); a bare host name or a value
    /// with spaces is not a link.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.url" = "url" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.url="example.com/app"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.url="https://example.com/app"
    /// ```
    ///
    /// ## Differences from hadolint
    /// Values that contain a variable are not judged (known only at build
    /// time), and empty values are left to `label-empty`.
    ///
    /// ## References
    /// hadolint DL3052 (`label-schema` type `url`); RFC 3986.
    pub struct LabelInvalidUrl {
        name: "label-invalid-url",
        code: "PL505",
        aliases: ["DL3052"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "A `url` label of the label schema is not a valid URL",
    }
}

impl Rule for LabelInvalidUrl {
    fn check(&self, checker: &mut Checker<'_>) {
        check_label_values(
            checker,
            LabelType::Url,
            formats::is_url,
            |key| format!("Label `{key}` is not a valid URL"),
            "use an absolute URL with a scheme, such as `https://example.com/app`",
        );
    }
}
