use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager};
use super::{insert_after, runs};

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
        for run in runs(checker.model) {
            for install in package_commands(&run.script.commands) {
                if install.manager != Manager::Yum
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
                    .help("add `-y`: `yum install -y <package>`");
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::safe("Add `-y`", vec![edit]));
                }
            }
        }
    }
}
