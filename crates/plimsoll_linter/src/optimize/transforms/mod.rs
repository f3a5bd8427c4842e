//! The transformations, in the order they are tried. Each looks at the
//! current text's model and proposes edits; the driver applies the first
//! proposal that keeps the file parsable and starts over.

mod copies;
mod moves;
mod runs;
mod suggest;

use plimsoll_syntax::{Dockerfile, Keyword};

use super::{OptimizeOptions, Proposal, Suggestion};
use crate::context::BuildContext;
use crate::semantic::SemanticModel;
use crate::shell::{Connector, Nesting, ShellCommand, ShellScript};

pub(crate) fn propose(
    model: &SemanticModel<'_>,
    options: &OptimizeOptions,
    context: Option<&BuildContext>,
) -> Vec<Proposal> {
    let mut proposals = Vec::new();
    proposals.extend(moves::split_context_copy(model, context));
    proposals.extend(moves::hoist_package_installs(model));
    proposals.extend(copies::copy_chown(model));
    if options.cache_mounts && uses_buildkit_syntax(model.file) {
        proposals.extend(runs::cache_mounts(model));
    }
    proposals.extend(runs::cleanup_into_layer(model));
    proposals.extend(runs::merge_runs(model));
    if options.link && uses_buildkit_syntax(model.file) {
        proposals.extend(copies::copy_link(model));
    }
    proposals
}

pub(crate) fn suggest(
    model: &SemanticModel<'_>,
    options: &OptimizeOptions,
    context: Option<&BuildContext>,
) -> Vec<Suggestion> {
    let mut suggestions = suggest::suggestions(model, context);
    if (options.cache_mounts || options.link) && !uses_buildkit_syntax(model.file) {
        suggestions.push(Suggestion {
            transformation: "buildkit-syntax",
            line: 1,
            message: "--cache-mounts and --link apply only to files that already use BuildKit \
                      syntax (a `# syntax=` directive, `RUN --mount`, `COPY --link`/`--chmod` or \
                      heredocs); add `# syntax=docker/dockerfile:1` first if every build of this \
                      file uses BuildKit"
                .into(),
        });
    }
    suggestions
}

/// Does the file already need BuildKit (so BuildKit-only syntax adds no new requirement)?
pub(crate) fn uses_buildkit_syntax(file: &Dockerfile) -> bool {
    file.directive("syntax").is_some()
        || file.instructions.iter().any(|i| {
            !i.heredocs.is_empty()
                || i.flags.iter().any(|f| {
                    (i.keyword == Keyword::Run && f.name == "mount")
                        || (matches!(i.keyword, Keyword::Copy | Keyword::Add)
                            && matches!(f.name.as_str(), "link" | "chmod" | "parents" | "exclude"))
                })
        })
}

/// The commands of a script that run at its top level, when the script is
/// plain: no syntax errors, no compound commands, subshells or functions.
/// Wrapped commands (`sudo x`) are left out; their wrapper is listed.
pub(crate) fn plain_commands(script: &ShellScript) -> Option<Vec<&ShellCommand>> {
    if script.has_syntax_errors {
        return None;
    }
    let mut top = Vec::new();
    for command in &script.commands {
        match command.nesting {
            Nesting::TopLevel if command.wrapped_by.is_none() => top.push(command),
            Nesting::TopLevel | Nesting::Substitution => {}
            _ => return None,
        }
    }
    (!top.is_empty()).then_some(top)
}

/// Every command after the first joined by `&&` (or a pipe, which binds tighter).
pub(crate) fn and_chain(commands: &[&ShellCommand]) -> bool {
    commands
        .iter()
        .skip(1)
        .all(|c| matches!(c.connector, Connector::And | Connector::Pipe))
}

/// Package-manager families: commands of one family belong in one layer.
pub(crate) fn family(program: &str) -> Option<&'static str> {
    Some(match program {
        "apt-get" | "apt" | "dpkg" | "apt-key" | "add-apt-repository" | "apt-mark" => "apt",
        "apk" => "apk",
        "yum" | "dnf" | "microdnf" | "tdnf" | "rpm" | "yum-config-manager" => "rpm",
        "zypper" => "zypper",
        "pip" | "pip3" => "pip",
        "npm" | "yarn" | "pnpm" => "npm",
        "gem" | "bundle" | "bundler" => "gem",
        _ => return None,
    })
}

/// Commands that go with any family without changing what the layer is for.
pub(crate) fn is_neutral(program: &str) -> bool {
    matches!(program, "rm" | "echo" | "true" | "mkdir")
}

/// Shell builtins whose effect outlives the command (so a later command
/// joined after them runs differently).
pub(crate) fn changes_shell_state(command: &ShellCommand) -> bool {
    match command.program() {
        None => true,
        Some(p) => matches!(
            p,
            "cd" | "pushd"
                | "popd"
                | "export"
                | "set"
                | "shopt"
                | "source"
                | "."
                | "umask"
                | "ulimit"
                | "trap"
                | "alias"
                | "unset"
                | "exec"
                | "exit"
                | "eval"
                | "declare"
                | "typeset"
                | "readonly"
                | "local"
                | "hash"
                | "enable"
                | "return"
        ),
    }
}
