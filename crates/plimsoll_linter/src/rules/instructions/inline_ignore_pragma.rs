use crate::checker::Checker;
use crate::pragma::is_inline_ignore;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags inline suppression comments: `# hadolint ignore=...` and
    /// `# plimsoll ignore=...` above an instruction. File-wide (`global`) and
    /// stage-wide (`stage`) pragmas are not flagged.
    ///
    /// ## Why is this bad?
    /// Teams that want every finding fixed rather than silenced can turn this
    /// rule on to make suppressions visible in review. It is off by default:
    /// a suppression with a reason is usually fine.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// # hadolint ignore=DL3008
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint's DL1001 has severity `ignore` (off); plimsoll keeps the rule
    /// off by default and reports at `info` when it is selected. plimsoll's own
    /// `# plimsoll ignore=` pragma is flagged too.
    ///
    /// ## References
    /// hadolint DL1001.
    pub struct InlineIgnorePragma {
        name: "inline-ignore-pragma",
        code: "PL400",
        aliases: ["DL1001"],
        category: Maintainability,
        severity: Info,
        fix: None,
        summary: "Inline ignore pragmas silence findings instead of fixing them",
        default_enabled: false
    }
}

impl Rule for InlineIgnorePragma {
    fn check(&self, checker: &mut Checker<'_>) {
        // Comments inside a continuation are not pragmas (they suppress nothing).
        for comment in checker.file.comments.iter().filter(|c| !c.in_continuation) {
            if !is_inline_ignore(&comment.text) {
                continue;
            }
            let tool = comment.text.split_whitespace().next().unwrap_or("hadolint");
            checker
                .report(
                    comment.span,
                    format!("inline `# {tool} ignore=` pragma: the finding is silenced, not fixed"),
                )
                .help("fix what the named rule reports, or disable the rule in the configuration with a reason");
        }
    }
}
