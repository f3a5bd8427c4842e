use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::Manager;
use super::report_rpm_install_without_yes;

declare_rule! {
    /// ## What it does
    /// Flags `yum install` (also `groupinstall`, `localinstall`, `group
    /// install`, `module install`) without `-y` / `--assumeyes`.
    ///
    /// ## Why is this bad?
    /// yum asks "Is this ok [y/N]" before installing. A build has no terminal
    /// to answer, so yum takes the default, no, and the build fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `-y` is inserted after the install subcommand; it only answers
    /// the prompt that would otherwise fail the build. Not offered in exec form.
    ///
    /// ## References
    /// hadolint DL3030.
    pub struct YumInstallWithoutYes {
        name: "yum-install-without-yes",
        code: "PL207",
        aliases: ["DL3030"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "yum install without -y fails at the confirmation prompt",
    }
}

impl Rule for YumInstallWithoutYes {
    fn check(&self, checker: &mut Checker<'_>) {
        report_rpm_install_without_yes(checker, Manager::Yum, |_| {
            "add `-y`: `yum install -y <package>`".to_string()
        });
    }
}
