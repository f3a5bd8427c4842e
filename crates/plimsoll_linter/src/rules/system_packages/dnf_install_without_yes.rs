use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::Manager;
use super::report_rpm_install_without_yes;

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
        report_rpm_install_without_yes(checker, Manager::Dnf, |install| {
            format!("add `-y`: `{} install -y <package>`", install.tool)
        });
    }
}
