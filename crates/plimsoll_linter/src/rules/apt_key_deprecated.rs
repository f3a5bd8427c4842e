use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `apt-key add` and `apt-key adv` in RUN.
    ///
    /// ## Why is this bad?
    /// `apt-key` is deprecated and gone from Debian 13 and Ubuntu 24.04 on:
    /// the RUN fails on a newer base image. It also trusts the key for every
    /// repository, not just the one it belongs to.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://deb.nodesource.com/gpgkey/nodesource.gpg.key | apt-key add -
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSL https://deb.nodesource.com/gpgkey/nodesource.gpg.key \
    ///       | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg \
    ///  && echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main" \
    ///       > /etc/apt/sources.list.d/nodesource.list
    /// ```
    ///
    /// ## Differences from other tools
    /// hadolint has no equivalent rule.
    pub struct AptKeyDeprecated {
        name: "apt-key-deprecated",
        code: "PL010",
        aliases: [],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "apt-key is deprecated and missing from current Debian and Ubuntu",
    }
}

impl Rule for AptKeyDeprecated {
    fn check(&self, checker: &mut Checker<'_>) {
        for index in 0..checker.file.instructions.len() {
            let Some(script) = checker.model.run_script(index) else {
                continue;
            };
            for command in script.commands_named("apt-key") {
                let Some(sub) = command.subcommand() else {
                    continue;
                };
                if !matches!(sub.text.as_str(), "add" | "adv") {
                    continue;
                }
                checker
                    .report(
                        command.name.as_ref().map_or(command.span, |n| n.span.cover(sub.span)),
                        format!("`apt-key {}` is deprecated and fails on Debian 13 and Ubuntu 24.04 and later", sub.text),
                    )
                    .help("store the key with `gpg --dearmor -o /etc/apt/keyrings/<name>.gpg` and name it in the source: `deb [signed-by=/etc/apt/keyrings/<name>.gpg] ...`");
            }
        }
    }
}
