use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::label_pairs;

declare_rule! {
    /// ## What it does
    /// Flags a LABEL key that does not follow Docker's key format: lower-case
    /// letters, digits, `.`, `-`, `_` and `/`, starting with a letter and ending
    /// with a letter or digit, without `..` or `--`, and outside the namespaces
    /// Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).
    ///
    /// A key is judged as written: a variable in it (`LABEL $KEY=x`) is flagged
    /// too, because the key an image ends up with should be visible in the file.
    ///
    /// ## Why is this bad?
    /// Tools that read labels expect reverse-DNS keys such as
    /// `org.opencontainers.image.source`. A key in a reserved namespace can clash
    /// with what Docker itself writes.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Version="1.0" com.docker.extension="x"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version="1.0"
    /// ```
    ///
    /// ## References
    /// hadolint DL3048; Docker's guidelines for label keys.
    pub struct LabelInvalidKey {
        name: "label-invalid-key",
        code: "PL501",
        aliases: ["DL3048"],
        category: Style,
        severity: Style,
        fix: None,
        summary: "LABEL key does not follow the label key format",
    }
}

/// Why `key` is not a valid label key, or `None` when it is.
fn key_problem(key: &str) -> Option<&'static str> {
    const RESERVED: [&str; 3] = ["com.docker.", "io.docker.", "org.dockerproject."];
    if RESERVED.iter().any(|prefix| key.starts_with(prefix)) {
        return Some("uses a namespace reserved by Docker");
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a lower-case letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("must end with a lower-case letter or a digit");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/'))
    {
        return Some("may only contain lower-case letters, digits, `.`, `-`, `_` and `/`");
    }
    if key.contains("..") || key.contains("--") {
        return Some("must not repeat `.` or `-`");
    }
    None
}

impl Rule for LabelInvalidKey {
    fn check(&self, checker: &mut Checker<'_>) {
        for pair in label_pairs(checker) {
            if let Some(problem) = key_problem(&pair.key) {
                checker
                    .report(
                        pair.key_span,
                        format!("Invalid label key `{}`: {problem}", pair.key),
                    )
                    .help("use a lower-case reverse-DNS key such as `org.example.version`");
            }
        }
    }
}
