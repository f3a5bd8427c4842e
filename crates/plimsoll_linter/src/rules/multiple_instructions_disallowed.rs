use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one of the
    /// same kind in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// Only the last one takes effect; the earlier one is dead code that
    /// misleads readers about what the container runs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// CMD ["node", "server.js"]
    /// CMD ["npm", "start"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// CMD ["npm", "start"]
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL4003/DL4004/DL3012 report the later instruction; plimsoll (like
    /// BuildKit) reports the one that is ignored. A stage built on another
    /// starts fresh.
    ///
    /// ## References
    /// BuildKit check `MultipleInstructionsDisallowed`; hadolint DL4003 (CMD), DL4004 (ENTRYPOINT), DL3012 (HEALTHCHECK).
    pub struct MultipleInstructionsDisallowed {
        name: "multiple-instructions-disallowed",
        code: "PL109",
        aliases: ["MultipleInstructionsDisallowed", "DL4003", "DL4004", "DL3012"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage is used",
    }
}

impl Rule for MultipleInstructionsDisallowed {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for stage in &model.stages {
            let mut last: [Option<usize>; 3] = [None; 3];
            for (index, instruction) in model.stage_instructions(stage) {
                let slot = match instruction.keyword {
                    Keyword::Cmd => 0,
                    Keyword::Entrypoint => 1,
                    Keyword::Healthcheck => 2,
                    _ => continue,
                };
                if let Some(previous) = last[slot].replace(index) {
                    let previous = model.instruction(previous);
                    checker
                        .report(
                            previous.span,
                            format!(
                                "Multiple {} instructions should not be used in the same stage because only the last one will be used",
                                instruction.keyword.as_str()
                            ),
                        )
                        .help(format!("remove this one: line {} overrides it", instruction.start_line));
                }
            }
        }
    }
}
