use plimsoll_syntax::{Instruction, Keyword};

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::SemanticModel;
use crate::shell::Nesting;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` (only comments or
    /// blank lines between them) with the same flags, when each of the two
    /// runs a single command.
    ///
    /// ## Why is this bad?
    /// Every `RUN` adds a layer. Two one-command `RUN`s in a row are usually
    /// one step split in two: joined with `&&` (or written as one heredoc
    /// script) they make one layer, and files that the second deletes are
    /// never stored by the first.
    ///
    /// This rule follows hadolint's narrow conditions on purpose: a `RUN`
    /// that is already a chain (`a && b`) is left alone, because splitting
    /// long steps is a legitimate way to keep the build cache fine-grained.
    /// Different flags (`--mount`, `--network`) keep `RUN`s apart: they
    /// cannot be merged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint counts the commands of PowerShell and cmd `RUN`s as if they
    /// were bash; plimsoll does not parse those shells and leaves their
    /// `RUN`s out. The script of a child shell (`bash -c '...'`) is one
    /// argument, as in hadolint.
    ///
    /// ## References
    /// hadolint DL3059.
    pub struct ConsecutiveRunInstructions {
        name: "consecutive-run-instructions",
        code: "PL310",
        aliases: ["DL3059"],
        category: Cache,
        severity: Info,
        fix: None,
        summary: "two consecutive single-command RUNs with the same flags: consider one RUN",
    }
}

impl Rule for ConsecutiveRunInstructions {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let instructions = &model.file.instructions;
        for index in 1..instructions.len() {
            let (previous, current) = (&instructions[index - 1], &instructions[index]);
            if previous.keyword != Keyword::Run || current.keyword != Keyword::Run {
                continue;
            }
            if flags_of(previous) != flags_of(current) {
                continue;
            }
            if !is_single_command(model, index - 1) || !is_single_command(model, index) {
                continue;
            }
            checker
                .report(
                    current.keyword_span,
                    format!(
                        "this RUN and the one on line {} each run one command: two layers where one would do",
                        previous.start_line
                    ),
                )
                .help("join them with `&&` in one RUN (or one heredoc script)");
        }
    }
}

/// The flags as written, order ignored (BuildKit reads them as a set).
fn flags_of(run: &Instruction) -> Vec<&str> {
    let mut flags: Vec<&str> = run.flags.iter().map(|f| f.raw.as_str()).collect();
    flags.sort_unstable();
    flags
}

/// Exactly one command, as hadolint counts: commands in substitutions count,
/// a wrapper's command does not count twice (`sudo make` is one), and the
/// script given to a child shell (`bash -c '...'`) is one word of its command.
fn is_single_command(model: &SemanticModel<'_>, index: usize) -> bool {
    model.run_script(index).is_some_and(|script| {
        script
            .commands
            .iter()
            .filter(|c| c.wrapped_by.is_none() && c.nesting != Nesting::ChildShell)
            .count()
            == 1
    })
}
