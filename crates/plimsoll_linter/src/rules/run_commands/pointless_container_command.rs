use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::runs;

declare_rule! {
    /// ## What it does
    /// Flags commands in `RUN` that only make sense on a running machine with
    /// a person at it: `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`,
    /// `top`, `kill`, `mount`, `ifconfig`.
    ///
    /// ## Why is this bad?
    /// A `RUN` executes once, at build time, in a throwaway container with no
    /// terminal and no init system. An editor or `ssh` session waits for input
    /// that never comes; `ps`, `free`, `top` and `ifconfig` describe the build
    /// container, and their output is lost in the build log; `shutdown`,
    /// `service`, `kill` and `mount` act on processes and devices that do not
    /// exist in the image (and `mount` needs privileges a build does not have).
    /// Whatever they do is not in the image that runs later.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN service nginx start
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL3001's message names `ifconfig`, but its check leaves it
    /// out; plimsoll checks it too, as the message promises. Commands run
    /// through a wrapper (`sudo service x start`) are found as well.
    ///
    /// ## References
    /// hadolint DL3001.
    pub struct PointlessContainerCommand {
        name: "pointless-container-command",
        code: "PL300",
        aliases: ["DL3001"],
        category: Correctness,
        severity: Info,
        fix: None,
        summary: "a RUN calls an interactive or machine-administration command that does nothing useful at build time",
    }
}

/// The commands, and why each is pointless in a build.
const POINTLESS: &[(&str, &str)] = &[
    (
        "ssh",
        "an interactive remote session has no terminal at build time",
    ),
    ("vim", "an editor waits for input that a build never gives"),
    (
        "shutdown",
        "there is no machine to shut down in a build container",
    ),
    (
        "service",
        "services started during a build are gone when the layer is saved",
    ),
    (
        "ps",
        "it lists the processes of the throwaway build container",
    ),
    (
        "free",
        "it reports the memory of the throwaway build container",
    ),
    (
        "top",
        "it monitors the throwaway build container and needs a terminal",
    ),
    (
        "kill",
        "the processes it signals live only while this RUN runs",
    ),
    (
        "mount",
        "mounts made during a build are not saved in the image",
    ),
    (
        "ifconfig",
        "it shows the network of the throwaway build container",
    ),
];

impl Rule for PointlessContainerCommand {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                let Some(program) = command.program() else {
                    continue;
                };
                let Some((_, why)) = POINTLESS.iter().find(|(name, _)| *name == program) else {
                    continue;
                };
                let Some(name) = &command.name else { continue };
                checker
                    .report(
                        name.span,
                        format!("`{program}` makes no sense in a RUN: {why}"),
                    )
                    .help("do this when the container runs (CMD, ENTRYPOINT, a healthcheck), or drop it");
            }
        }
    }
}
