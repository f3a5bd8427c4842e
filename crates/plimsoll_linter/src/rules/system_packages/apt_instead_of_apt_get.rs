use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager};
use super::runs;

/// Subcommands `apt-get` runs the same way `apt` does.
const SAME_IN_APT_GET: &[&str] = &[
    "install",
    "update",
    "remove",
    "purge",
    "autoremove",
    "clean",
    "autoclean",
];

declare_rule! {
    /// ## What it does
    /// Flags the `apt` command in a RUN.
    ///
    /// ## Why is this bad?
    /// `apt` is the interactive front end: its output and behaviour may
    /// change between releases, and it warns "apt does not have a stable CLI
    /// interface. Use with caution in scripts." `apt-get` and `apt-cache` are
    /// the stable tools for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe, for `install`, `update`, `remove`, `purge`, `autoremove`, `clean`
    /// and `autoclean`: `apt-get` does the same with the same options. Other
    /// subcommands (`upgrade` installs new dependencies where `apt-get upgrade`
    /// does not; `search`, `show`, `list` belong to `apt-cache`) get no fix.
    ///
    /// ## References
    /// hadolint DL3027.
    pub struct AptInsteadOfAptGet {
        name: "apt-instead-of-apt-get",
        code: "PL206",
        aliases: ["DL3027"],
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        summary: "apt is for people; scripts use apt-get or apt-cache",
    }
}

impl Rule for AptInsteadOfAptGet {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for apt in package_commands(&run.script.commands) {
                if apt.manager != Manager::Apt {
                    continue;
                }
                let Some(name) = apt.name_word() else {
                    continue;
                };
                let fixable = !run.instruction.json && name.raw == "apt" && apt.is(SAME_IN_APT_GET);
                let diagnostic = checker
                    .report(
                        name.span,
                        "`apt` has no stable command-line interface; scripts should use `apt-get` or `apt-cache`",
                    )
                    .help("use `apt-get` (install, update, remove...) or `apt-cache` (search, show, policy)");
                if fixable {
                    diagnostic.fix(Fix::safe(
                        "Replace `apt` with `apt-get`",
                        vec![Edit::replace(name.span, "apt-get")],
                    ));
                }
            }
        }
    }
}
