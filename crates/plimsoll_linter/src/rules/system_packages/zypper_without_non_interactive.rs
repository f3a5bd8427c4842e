use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager};
use super::{insert_after, runs};

/// Subcommands that ask for confirmation.
const ASKS: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
];

declare_rule! {
    /// ## What it does
    /// Flags `zypper install` (`in`, `remove`, `rm`, `source-install`, `si`,
    /// `patch`) without `--non-interactive` (`-n`), `--no-confirm` or `-y`.
    ///
    /// ## Why is this bad?
    /// zypper asks "Continue? [y/n/v/...? shows all options] (y)" and waits
    /// for an answer. A build has no terminal to give one, so the build
    /// fails or hangs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install curl=8.6.0 && zypper clean
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0 && zypper clean
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `--non-interactive` is inserted right after `zypper`, where
    /// zypper reads its global options; it only answers prompts with their
    /// default. Not offered in exec form.
    ///
    /// ## References
    /// hadolint DL3034.
    pub struct ZypperWithoutNonInteractive {
        name: "zypper-without-non-interactive",
        code: "PL210",
        aliases: ["DL3034"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "zypper without --non-interactive waits for an answer the build cannot give",
    }
}

impl Rule for ZypperWithoutNonInteractive {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for zypper in package_commands(&run.script.commands) {
                if zypper.manager != Manager::Zypper
                    || !zypper.is(ASKS)
                    || zypper.has_option(Some('n'), &["non-interactive", "no-confirm"])
                    || zypper.has_option(Some('y'), &[])
                {
                    continue;
                }
                let Some(name) = zypper.name_word() else {
                    continue;
                };
                let fix = insert_after(&run, name, "--non-interactive");
                let diagnostic = checker
                    .report(
                        zypper.head_span(),
                        format!("`{}` without `--non-interactive`: the confirmation prompt stops the build", zypper.action()),
                    )
                    .help("add `--non-interactive` after `zypper` (or `-y` after the subcommand)");
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::safe("Add `--non-interactive`", vec![edit]));
                }
            }
        }
    }
}
