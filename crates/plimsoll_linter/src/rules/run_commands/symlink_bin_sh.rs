use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::runs;

declare_rule! {
    /// ## What it does
    /// Flags `ln` that replaces `/bin/sh` (`ln -sf /bin/bash /bin/sh`).
    ///
    /// ## Why is this bad?
    /// Relinking `/bin/sh` changes the shell of every script in the image
    /// that starts with `#!/bin/sh`, including the distribution's own
    /// maintainer scripts, which are written for the original shell. To run
    /// the Dockerfile's `RUN` instructions with another shell, `SHELL` says
    /// so without touching the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL4005 flags any `ln` with `/bin/sh` among its arguments,
    /// including links that point *to* `/bin/sh` from elsewhere
    /// (`ln -s /bin/sh /usr/local/bin/sh`), which leave `/bin/sh` as it is.
    /// plimsoll flags only links whose name is `/bin/sh` (or `/usr/bin/sh`).
    ///
    /// ## References
    /// hadolint DL4005.
    pub struct SymlinkBinSh {
        name: "symlink-bin-sh",
        code: "PL314",
        aliases: ["DL4005"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "ln replaces /bin/sh: use SHELL to change the shell of RUN",
    }
}

impl Rule for SymlinkBinSh {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                if command.program() != Some("ln") {
                    continue;
                }
                // `ln [opts] target link`: the link is the last operand;
                // `-t dir` puts links into a directory, never at /bin/sh.
                if command.has_flag(Some('t'), Some("target-directory")) {
                    continue;
                }
                let operands: Vec<_> = command.positional_args().collect();
                let [.., link] = operands.as_slice() else {
                    continue;
                };
                if operands.len() < 2
                    || !matches!(link.text.trim_end_matches('/'), "/bin/sh" | "/usr/bin/sh")
                {
                    continue;
                }
                checker
                    .report(
                        link.span,
                        "replacing /bin/sh changes the shell of every `#!/bin/sh` script in the image",
                    )
                    .help("use `SHELL [\"/bin/bash\", \"-c\"]` to run RUN instructions with another shell");
            }
        }
    }
}
