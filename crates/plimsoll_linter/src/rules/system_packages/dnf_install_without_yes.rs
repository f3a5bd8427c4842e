use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager};
use super::{insert_after, runs};

declare_rule! {
    /// ## What it does
    /// Flags `dnf install` and `microdnf install` (also `in`, `groupinstall`,
    /// `localinstall`, `group install`, `module install`; `dnf5` too) without
    /// `-y` / `--assumeyes`.
    ///
    /// ## Why is this bad?
    /// dnf asks "Is this ok [y/N]" before installing. A build has no terminal
    /// to answer, so dnf takes the default, no, and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `-y` is inserted after the install subcommand; it only answers
    /// the prompt that would otherwise fail the build. Not offered in exec form.
    ///
    /// ## Differences from hadolint
    /// `dnf in` (the short alias) and `dnf5` are checked too.
    ///
    /// ## References
    /// hadolint DL3038.
    pub struct DnfInstallWithoutYes {
        name: "dnf-install-without-yes",
        code: "PL214",
        aliases: ["DL3038"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "dnf install without -y fails at the confirmation prompt",
    }
}

impl Rule for DnfInstallWithoutYes {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for install in package_commands(&run.script.commands) {
                if install.manager != Manager::Dnf
                    || !install.rpm_installs()
                    || install.has_option(Some('y'), &["assumeyes"])
                {
                    continue;
                }
                let Some(verb) = install.verb_word() else {
                    continue;
                };
                let fix = insert_after(&run, verb, "-y");
                let diagnostic = checker
                    .report(
                        install.head_span(),
                        format!(
                            "`{}` without `-y`: the confirmation prompt fails the build",
                            install.action()
                        ),
                    )
                    .help(format!("add `-y`: `{} install -y <package>`", install.tool));
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::safe("Add `-y`", vec![edit]));
                }
            }
        }
    }
}
