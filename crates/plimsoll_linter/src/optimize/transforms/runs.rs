//! RUN layers: merging the ones that belong together, cleaning a package
//! cache in the layer that filled it, BuildKit cache mounts.

use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::{Instruction, Keyword, Span};

use super::moves::is_cache_path;
use super::{and_chain, changes_shell_state, family, is_neutral, plain_commands};
use crate::optimize::profile::short;
use crate::optimize::Proposal;
use crate::semantic::{is_root_user, SemanticModel, ShellKind};
use crate::shell::ShellCommand;
use crate::text_edit;
use crate::Edit;

/// A shell-form RUN whose script can take `&& more` at its end (or be put
/// after `... &&`) without changing what runs: a plain `&&` chain, no
/// comments, no trailing `;`/`&`/continuation.
struct Joinable<'m> {
    index: usize,
    run: &'m Instruction,
    commands: Vec<&'m ShellCommand>,
    /// Where the script text starts and ends (trailing blanks excluded).
    text: Span,
}

fn joinable<'m>(model: &'m SemanticModel<'_>, index: usize) -> Option<Joinable<'m>> {
    let run = model.file.instructions.get(index)?;
    if run.keyword != Keyword::Run
        || !run.heredocs.is_empty()
        || model.states.get(index)?.shell != ShellKind::Posix
    {
        return None;
    }
    let CommandForm::Shell(arg) = run.command_form()? else {
        return None;
    };
    let script = model.run_script(index)?;
    let commands = plain_commands(script)?;
    if !and_chain(&commands) {
        return None;
    }
    let source = model.source;
    let text = arg.span.text(source);
    let trimmed = text.trim_end();
    let escape = model.file.escape;
    if arg.value.contains('#')
        || trimmed.ends_with(';')
        || (trimmed.ends_with('&') && !trimmed.ends_with("&&"))
        || trimmed.ends_with("&&")
        || trimmed.ends_with("||")
        || trimmed.ends_with('|')
        || trimmed.ends_with(escape)
    {
        return None;
    }
    Some(Joinable {
        index,
        run,
        commands,
        text: Span::new(
            arg.span.start as usize,
            arg.span.start as usize + trimmed.len(),
        ),
    })
}

/// The families of the commands, neutral ones left out; `None` if a command
/// belongs to no family.
fn families(commands: &[&ShellCommand]) -> Option<Vec<&'static str>> {
    let mut out = Vec::new();
    for command in commands {
        let Some(program) = command.program() else {
            // Bare assignments (`DEBIAN_FRONTEND=noninteractive`).
            continue;
        };
        if is_neutral(program) {
            continue;
        }
        let f = family(program)?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Some(out)
}

/// ` && \` and a new line, indented like the first script's continuation
/// lines (four spaces when it has none).
fn joiner(model: &SemanticModel<'_>, first: &Joinable<'_>) -> String {
    let source = model.source;
    let newline = text_edit::newline(source);
    let end = first.text.end as usize;
    let last_line_start = text_edit::line_start(source, end);
    let indent = if last_line_start > text_edit::line_start(source, first.run.span.start as usize) {
        text_edit::indentation(source, end).to_string()
    } else {
        "    ".to_string()
    };
    let indent = if indent.is_empty() {
        "    ".to_string()
    } else {
        indent
    };
    format!(" && {}{newline}{indent}", model.file.escape)
}

fn flags_text<'s>(source: &'s str, run: &Instruction) -> Vec<&'s str> {
    run.flags.iter().map(|f| f.span.text(source)).collect()
}

/// Two RUNs in a row of one package manager (`apt-get update` then
/// `apt-get install`, two `pip install`s) → one RUN joined with `&&`.
pub(super) fn merge_runs(model: &SemanticModel<'_>) -> Vec<Proposal> {
    let source = model.source;
    let mut proposals = Vec::new();
    for stage in &model.stages {
        for index in stage.body.clone() {
            let Some(first) = joinable(model, index) else {
                continue;
            };
            let Some(second) = joinable(model, index + 1) else {
                continue;
            };
            // Directly below, no comment or blank line between.
            let next_line = text_edit::next_line_start(source, first.run.span.end as usize);
            if text_edit::line_start(source, second.run.span.start as usize) != next_line
                || flags_text(source, first.run) != flags_text(source, second.run)
                || first.commands.iter().any(|c| changes_shell_state(c))
                || second.index >= stage.body.end
            {
                continue;
            }
            let (Some(a), Some(b)) = (families(&first.commands), families(&second.commands)) else {
                continue;
            };
            let mut all = a.clone();
            all.extend(b.iter().filter(|f| !a.contains(f)));
            if all.len() != 1 {
                continue;
            }
            let edit = Edit::replace(
                Span::new(first.text.end as usize, second.text.start as usize),
                joiner(model, &first),
            );
            proposals.push(Proposal {
                transformation: "merge-runs",
                at: first.run.span.start,
                title: format!(
                    "merge `{}` and `{}` into one RUN",
                    short(&first.run.original),
                    short(&second.run.original)
                ),
                why: if matches!(all[0], "apt" | "apk" | "rpm" | "zypper") {
                    format!(
                        "both are {} steps: one layer instead of two, and the install can never \
                         run against a stale package index cached in the layer before",
                        all[0]
                    )
                } else {
                    format!("both are {} steps: one layer instead of two", all[0])
                },
                assumes: None,
                edits: vec![edit],
                facts: None,
            });
        }
    }
    proposals
}

/// Which package manager's cache a cleanup command removes.
fn cleanup_family(command: &ShellCommand) -> Option<&'static str> {
    let program = command.program()?;
    let sub = command.subcommand().map(|s| s.text.as_str());
    match (program, sub) {
        ("apt-get" | "apt", Some("clean")) => Some("apt"),
        ("yum" | "dnf" | "microdnf" | "tdnf", Some("clean")) => Some("rpm"),
        ("rm", _) => {
            let paths: Vec<&str> = command.positional_args().map(|a| a.text.as_str()).collect();
            if paths.is_empty() || !paths.iter().all(|p| is_cache_path(p)) {
                None
            } else if paths
                .iter()
                .all(|p| p.starts_with("/var/lib/apt") || p.starts_with("/var/cache/apt"))
            {
                Some("apt")
            } else if paths.iter().all(|p| p.starts_with("/var/cache/apk")) {
                Some("apk")
            } else if paths.iter().all(|p| {
                [
                    "/var/cache/yum",
                    "/var/cache/dnf",
                    "/var/lib/dnf",
                    "/var/lib/yum",
                ]
                .iter()
                .any(|c| p.starts_with(c))
            }) {
                Some("rpm")
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Instructions that a cleanup may move above: they neither read nor write
/// the package caches and do not change who runs the cleanup.
fn cleanup_may_pass(instruction: &Instruction) -> bool {
    matches!(
        instruction.keyword,
        Keyword::Env
            | Keyword::Arg
            | Keyword::Label
            | Keyword::Expose
            | Keyword::Copy
            | Keyword::Add
            | Keyword::Cmd
            | Keyword::Entrypoint
            | Keyword::Healthcheck
            | Keyword::Stopsignal
            | Keyword::Maintainer
    )
}

/// `RUN apt-get install ...` ... `RUN rm -rf /var/lib/apt/lists/*` with no RUN
/// between → the cleanup joins the install's layer. A cleanup in its own
/// layer frees nothing: the cache is already stored in the layer below.
pub(super) fn cleanup_into_layer(model: &SemanticModel<'_>) -> Vec<Proposal> {
    let mut proposals = Vec::new();
    for stage in &model.stages {
        let mut last_run: Option<usize> = None;
        for index in stage.body.clone() {
            let instruction = model.instruction(index);
            if instruction.keyword != Keyword::Run {
                continue;
            }
            let previous = last_run.replace(index);
            let Some(previous) = previous else { continue };
            // Adjacent RUNs are merge-runs' business.
            if previous + 1 == index {
                continue;
            }
            let Some(cleanup) = joinable(model, index) else {
                continue;
            };
            let Some(install) = joinable(model, previous) else {
                continue;
            };
            let Some(kinds) = cleanup
                .commands
                .iter()
                .map(|c| cleanup_family(c))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let Some(kind) = kinds
                .first()
                .copied()
                .filter(|k| kinds.iter().all(|x| x == k))
            else {
                continue;
            };
            let creates = install.commands.iter().any(|c| {
                c.program().and_then(family) == Some(kind)
                    && c.subcommand().is_some_and(|s| {
                        matches!(
                            s.text.as_str(),
                            "install" | "update" | "add" | "upgrade" | "makecache"
                        )
                    })
            });
            let between_ok = (previous + 1..index).all(|i| {
                let ins = model.instruction(i);
                cleanup_may_pass(ins)
                    && ins.as_copy().and_then(|v| v.destination).is_none_or(|d| {
                        !is_cache_path(&crate::semantic::join_path(
                            &model.states[i].workdir,
                            &d.value,
                        ))
                    })
            });
            if !creates
                || !between_ok
                || install.commands.iter().any(|c| changes_shell_state(c))
                || !flags_text(model.source, install.run).is_empty()
                || !flags_text(model.source, cleanup.run).is_empty()
            {
                continue;
            }
            let text = cleanup.text.text(model.source);
            let mut edits = vec![Edit::insert(
                install.text.end,
                format!("{}{}", joiner(model, &install), text),
            )];
            edits.push(Edit::delete(text_edit::instruction_removal(
                model.source,
                cleanup.run,
            )));
            proposals.push(Proposal {
                transformation: "cleanup-into-layer",
                at: cleanup.run.span.start,
                title: format!(
                    "move `{}` into `{}`",
                    short(text),
                    short(&install.run.original)
                ),
                why: "a cache deleted in a later layer still ships in the layer that created it; \
                      deleted in the same RUN, it never gets into the image"
                    .into(),
                assumes: None,
                edits,
                facts: None,
            });
        }
    }
    proposals
}

/// With BuildKit: `--mount=type=cache` for apt lists and pip's cache instead
/// of deleting them (faster rebuilds, same image).
pub(super) fn cache_mounts(model: &SemanticModel<'_>) -> Vec<Proposal> {
    let mut proposals = Vec::new();
    for stage in &model.stages {
        for index in stage.body.clone() {
            let Some(run) = joinable(model, index) else {
                continue;
            };
            if run.run.flags.iter().any(|f| f.name == "mount") {
                continue;
            }
            let state = &model.states[index];
            let root = state.user.as_ref().is_none_or(|u| is_root_user(&u.user));
            let env = model.env_at(index);
            // apt: lists deleted at the end of the same RUN.
            let apt_update = run.commands.iter().any(|c| {
                matches!(c.program(), Some("apt-get" | "apt"))
                    && c.subcommand().is_some_and(|s| s.text == "update")
            });
            // Commands that empty what the mounts now hold: `rm` of apt's
            // lists or cache folders, `apt-get clean`.
            let apt_dirs =
                |p: &str| p.starts_with("/var/lib/apt/lists") || p.starts_with("/var/cache/apt");
            let removals: Vec<(usize, &&ShellCommand)> = run
                .commands
                .iter()
                .enumerate()
                .filter(|(_, c)| match c.program() {
                    Some("rm") => {
                        c.positional_args().count() > 0
                            && c.positional_args().all(|a| apt_dirs(&a.text))
                    }
                    Some("apt-get" | "apt") => c.subcommand().is_some_and(|s| s.text == "clean"),
                    _ => false,
                })
                .collect();
            let removes_lists = removals.iter().any(|(_, c)| {
                c.program() == Some("rm")
                    && c.positional_args()
                        .any(|a| a.text.starts_with("/var/lib/apt/lists"))
            });
            if apt_update && removes_lists && root && removals.iter().all(|(i, _)| *i > 0) {
                let removed: Option<Vec<Edit>> = removals
                    .iter()
                    .map(|(_, c)| remove_command(&run, c))
                    .collect::<Option<Vec<Vec<Edit>>>>()
                    .map(|v| v.into_iter().flatten().collect());
                if let Some(mut edits) = removed {
                    edits.push(Edit::insert(
                        run.run.keyword_span.end,
                        " --mount=type=cache,target=/var/cache/apt,sharing=locked \
                         --mount=type=cache,target=/var/lib/apt/lists,sharing=locked",
                    ));
                    proposals.push(Proposal {
                        transformation: "cache-mounts",
                        at: run.run.span.start,
                        title: "cache apt's lists and downloads in BuildKit cache mounts instead of deleting them".into(),
                        why: "the lists and downloads stay out of the image either way; with cache \
                              mounts, a rebuild reuses them"
                            .into(),
                        assumes: None,
                        edits,
                        facts: None,
                    });
                    continue;
                }
            }
            // pip: `--no-cache-dir` → `--cache-dir=` a cache mount. Naming the
            // folder makes it independent of the user and HOME: a user who
            // cannot write the mount gets no cache, as before.
            let no_cache_env = env.iter().any(|(k, _)| *k == "PIP_NO_CACHE_DIR");
            let no_cache_flags: Vec<Span> = run
                .commands
                .iter()
                .filter(|c| matches!(c.program(), Some("pip" | "pip3")))
                .flat_map(|c| {
                    c.args
                        .iter()
                        .filter(|a| a.raw == "--no-cache-dir")
                        .map(|a| a.span)
                })
                .collect();
            if !no_cache_flags.is_empty() && !no_cache_env {
                let mut edits: Vec<Edit> = no_cache_flags
                    .iter()
                    .map(|span| Edit::replace(*span, "--cache-dir=/root/.cache/pip"))
                    .collect();
                edits.push(Edit::insert(
                    run.run.keyword_span.end,
                    " --mount=type=cache,target=/root/.cache/pip",
                ));
                proposals.push(Proposal {
                    transformation: "cache-mounts",
                    at: run.run.span.start,
                    title: "let pip keep its cache in a BuildKit cache mount instead of --no-cache-dir"
                        .into(),
                    why: "the cache stays out of the image either way; with a cache mount, a rebuild \
                          reuses the downloaded wheels"
                        .into(),
                    assumes: None,
                    edits,
                    facts: None,
                });
            }
        }
    }
    proposals
}

/// Edits that remove `command` from an `&&` chain (with its `&&`).
fn remove_command(run: &Joinable<'_>, command: &ShellCommand) -> Option<Vec<Edit>> {
    let position = run.commands.iter().position(|c| c.span == command.span)?;
    if run.commands.len() < 2 || !command.redirects.is_empty() {
        return None;
    }
    let span = if position == 0 {
        Span::new(
            command.span.start as usize,
            run.commands[1].span.start as usize,
        )
    } else {
        // From the end of the command before it (dropping `&& \` and the line break).
        if run.commands[position].connector != crate::shell::Connector::And {
            return None;
        }
        Span::new(
            run.commands[position - 1].span.end as usize,
            command.span.end as usize,
        )
    };
    Some(vec![Edit::delete(span)])
}
