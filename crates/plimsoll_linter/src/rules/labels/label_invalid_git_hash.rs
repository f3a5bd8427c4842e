use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::settings::LabelType;

use super::{check_label_values, formats};

declare_rule! {
    /// ## What it does
    /// Flags a label of type `hash` in the `label-schema` option whose value is
    /// not a lower-case hexadecimal git commit hash: abbreviated (7 to 39
    /// digits), full SHA-1 (40) or SHA-256 (64).
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.revision` ties the image to its source; a
    /// branch name or a tag moves, a commit hash does not.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.revision" = "hash" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.revision="43c572f1272b6b3171dd1db9e41b7027128ce080"
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts exactly 7 or 40 digits. Git abbreviates to more than 7
    /// digits in large repositories, and SHA-256 repositories have 64-digit
    /// hashes, so plimsoll accepts 7 to 40 and 64. Values that contain a
    /// variable are not judged, and empty values are left to `label-empty`.
    ///
    /// ## References
    /// hadolint DL3055 (`label-schema` type `hash`).
    pub struct LabelInvalidGitHash {
        name: "label-invalid-git-hash",
        code: "PL508",
        aliases: ["DL3055"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "A `hash` label of the label schema is not a git commit hash",
    }
}

impl Rule for LabelInvalidGitHash {
    fn check(&self, checker: &mut Checker<'_>) {
        check_label_values(
            checker,
            LabelType::Hash,
            formats::is_git_hash,
            |key| format!("Label `{key}` is not a valid git hash"),
            "use the commit hash in lower-case hexadecimal (`git rev-parse HEAD`)",
        );
    }
}
