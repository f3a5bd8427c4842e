use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// It is deprecated; the author belongs in the standard OCI label
    /// `org.opencontainers.image.authors`, which tools read.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.org>
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.org>"
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the label carries the same text (quotes and backslashes escaped).
    ///
    /// ## References
    /// BuildKit check `MaintainerDeprecated`; hadolint DL4000.
    pub struct MaintainerDeprecated {
        name: "maintainer-deprecated",
        code: "PL106",
        aliases: ["MaintainerDeprecated", "DL4000"],
        category: Maintainability,
        severity: Warning,
        fix: Always,
        summary: "MAINTAINER is deprecated: use a LABEL",
    }
}

impl Rule for MaintainerDeprecated {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            if instruction.keyword != Keyword::Maintainer {
                continue;
            }
            let author = instruction.args.first().map_or("", |a| a.value.as_str());
            let quoted = author.replace('\\', "\\\\").replace('"', "\\\"");
            let replacement = format!("LABEL org.opencontainers.image.authors=\"{quoted}\"");
            checker
                .report(
                    instruction.span,
                    "Maintainer instruction is deprecated in favor of using label",
                )
                .help("use `LABEL org.opencontainers.image.authors=\"...\"`")
                .fix(Fix::safe(
                    "Replace with LABEL org.opencontainers.image.authors",
                    vec![Edit::replace(instruction.span, replacement)],
                ));
        }
    }
}
