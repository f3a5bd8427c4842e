use plimsoll_syntax::{Instruction, Keyword};

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::SemanticModel;

use super::support::{stage_of, unquote, with_triggers};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` or `ADD` to a relative destination when no `WORKDIR` was
    /// set in the stage or in the stages it is built on (`FROM <stage>`).
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which
    /// then comes from the base image: `/` in most, something else in some,
    /// and it can change when the base image does. Setting `WORKDIR` (or an
    /// absolute destination) says where the files go.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13
    /// COPY . app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.13
    /// WORKDIR /srv
    /// COPY . app/
    /// ```
    ///
    /// ## Differences from hadolint
    /// plimsoll checks ADD as well as COPY. For an `ONBUILD COPY`, which runs
    /// in the image built on this one, any WORKDIR of this stage counts (the
    /// image carries the last one), as does an `ONBUILD WORKDIR` before it.
    ///
    /// ## References
    /// hadolint DL3045.
    pub struct RelativeCopyWithoutWorkdir {
        name: "relative-copy-without-workdir",
        code: "PL410",
        aliases: ["DL3045"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "COPY to a relative destination with no WORKDIR set",
    }
}

impl Rule for RelativeCopyWithoutWorkdir {
    fn check(&self, checker: &mut Checker<'_>) {
        let escape = checker.file.escape;
        for (index, instruction, in_trigger) in with_triggers(&checker.file.instructions) {
            let Some(dest) = instruction.as_copy().and_then(|v| v.destination) else {
                continue;
            };
            let path = unquote(&dest.value, escape);
            if path.is_empty() || is_absolute(&path) || path.starts_with('$') {
                continue;
            }
            if workdir_set(checker.model, index, in_trigger) {
                continue;
            }
            checker
                .report(
                    dest.span,
                    format!("`{path}` is relative and no WORKDIR is set: the files land in whatever working directory the base image has"),
                )
                .help("set `WORKDIR /<dir>` before this line, or use an absolute destination");
        }
    }
}

/// `/x`, `\x`, `c:\x`, `c:/x`.
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

fn is_workdir(instruction: &Instruction) -> bool {
    instruction.keyword == Keyword::Workdir
}

/// Was a WORKDIR set for the instruction at `index`?
fn workdir_set(model: &SemanticModel<'_>, index: usize, in_trigger: bool) -> bool {
    let instructions = &model.file.instructions;
    let Some(stage) = stage_of(model, index) else {
        return instructions[..index].iter().any(is_workdir);
    };
    let chain = model.stage_chain(stage);
    let ancestors = &chain[..chain.len().saturating_sub(1)];
    let in_ancestor = ancestors.iter().any(|&s| {
        instructions[model.stages[s].body.clone()]
            .iter()
            .any(is_workdir)
    });
    let body = model.stages[stage].body.clone();
    if in_trigger {
        // The trigger runs in a later build, on an image that carries this
        // stage's last WORKDIR; or after an earlier ONBUILD WORKDIR.
        in_ancestor
            || instructions[body.clone()].iter().any(is_workdir)
            || instructions[body.start.min(index)..index]
                .iter()
                .any(|i| i.keyword == Keyword::Onbuild && is_workdir(i.innermost()))
    } else {
        in_ancestor
            || instructions[body.start.min(index)..index]
                .iter()
                .any(is_workdir)
    }
}
