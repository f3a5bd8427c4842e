use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::runs;

declare_rule! {
    /// ## What it does
    /// Flags `sudo` in a `RUN` script.
    ///
    /// ## Why is this bad?
    /// `sudo` is built for interactive logins: it reads `/etc/sudoers`, may
    /// ask for a password, wants a terminal for some policies, and changes the
    /// environment (`PATH`, `HOME`) in ways that differ between images. In a
    /// build it either does nothing (the build already runs as root) or hides
    /// a user switch that `USER` makes visible. To drop privileges in an
    /// entrypoint, `gosu`/`su-exec` exec the command directly, with no
    /// lingering parent process.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## References
    /// hadolint DL3004.
    pub struct SudoInRun {
        name: "sudo-in-run",
        code: "PL302",
        aliases: ["DL3004"],
        category: Security,
        severity: Error,
        fix: None,
        summary: "sudo in a RUN: switch users with USER, or gosu in an entrypoint",
    }
}

impl Rule for SudoInRun {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                if command.program() != Some("sudo") {
                    continue;
                }
                let Some(name) = &command.name else { continue };
                checker
                    .report(
                        name.span,
                        "do not use `sudo` in a build: its behaviour depends on sudoers, terminals and environment resets",
                    )
                    .help("run the command as root before switching with USER, or use gosu/su-exec to drop privileges");
            }
        }
    }
}
