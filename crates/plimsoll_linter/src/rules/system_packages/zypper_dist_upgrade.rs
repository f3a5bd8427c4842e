use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager};
use super::runs;

declare_rule! {
    /// ## What it does
    /// Flags `zypper dist-upgrade` (`dup`) in a RUN.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade moves every package of the base image to
    /// whatever the repositories hold that day, possibly to a new release of
    /// the distribution: the image no longer matches its `FROM` tag, and two
    /// builds of the same Dockerfile differ. Take a newer base image instead,
    /// or update the packages you need by name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.5
    /// RUN zypper --non-interactive dist-upgrade
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// ```
    ///
    /// ## References
    /// hadolint DL3035.
    pub struct ZypperDistUpgrade {
        name: "zypper-dist-upgrade",
        code: "PL211",
        aliases: ["DL3035"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "zypper dist-upgrade in a build replaces the base image's packages",
    }
}

impl Rule for ZypperDistUpgrade {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for zypper in package_commands(&run.script.commands) {
                if zypper.manager != Manager::Zypper || !zypper.is(&["dist-upgrade", "dup"]) {
                    continue;
                }
                checker
                    .report(
                        zypper.head_span(),
                        format!("`{}` upgrades the whole distribution inside the build: the image no longer matches its base", zypper.action()),
                    )
                    .help("use a newer base image, or update the packages you need by name");
            }
        }
    }
}
