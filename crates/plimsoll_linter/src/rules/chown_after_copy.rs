use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};
use crate::semantic::{join_path, SemanticModel};
use crate::shell::{Connector, Nesting, ShellCommand, ShellScript};
use crate::text_edit::instruction_removal;

use super::copy_paths::is_within;

declare_rule! {
    /// ## What it does
    /// Flags `RUN chown` or `RUN chmod` on files that an earlier `COPY`/`ADD`
    /// of the same stage wrote: recursively on a directory that contains
    /// copied files, or directly on a copied file.
    ///
    /// ## Why is this bad?
    /// Each instruction is a layer, and a layer stores every file it changes
    /// in full. Changing the owner or mode of copied files writes all of them
    /// again: the image ships every copied byte twice, and pulls get slower.
    /// `COPY --chown=` and `COPY --chmod=` set ownership and mode as the files
    /// are written, in the same layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// RUN chown -R node:node /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY --chown=node:node . /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--chown=OWNER` (or `--chmod=MODE`, octal modes only) to
    /// the COPY and removes the command from the RUN, and the whole RUN when
    /// nothing else is left in it. It is offered only when the command is
    /// the first of its RUN (alone, or followed by `&&`), names exactly the
    /// COPY's destination, and nothing between the COPY and the RUN writes
    /// files.
    ///
    /// It is **safe** when the COPY writes one file to an explicit path and
    /// the command changes exactly that file. For a directory it is
    /// **unsafe**: `chown -R /app` also changes `/app` itself and files that
    /// were there before the COPY (from the base image or a `WORKDIR`),
    /// while `COPY --chown` changes only what it copies, so a program that
    /// writes into `/app` at run time may lose that right.
    ///
    /// ## Differences from other tools
    /// hadolint has no equivalent rule.
    pub struct ChownAfterCopy {
        name: "chown-after-copy",
        code: "PL006",
        aliases: [],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "chown/chmod of copied files in a later RUN stores every file twice",
    }
}

/// A COPY destination in the stage so far: where files landed.
struct Copied {
    /// Index of the COPY/ADD instruction.
    index: usize,
    /// Absolute path of what the COPY wrote (a directory or a file).
    path: String,
    /// The COPY put a directory's contents here: which files are inside is unknown.
    is_directory: bool,
    line: u32,
    text: String,
}

impl Rule for ChownAfterCopy {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for stage in &model.stages {
            let mut copied: Vec<Copied> = Vec::new();
            for (index, instruction) in model.stage_instructions(stage) {
                let workdir = &model.states[index].workdir;
                if let Some(view) = instruction.as_copy() {
                    // A copy into `/` (a rootfs overlay) is too broad to attribute later changes to.
                    copied.extend(
                        copied_paths(index, instruction, view, workdir)
                            .into_iter()
                            .filter(|c| c.path != "/"),
                    );
                    continue;
                }
                let Some(script) = model.run_script(index) else {
                    continue;
                };
                for command in &script.commands {
                    let Some((tool, option, paths)) = ownership_change(command) else {
                        continue;
                    };
                    let recursive = command.args.iter().any(|a| {
                        let t = a.text.as_str();
                        t == "--recursive"
                            || (t.starts_with('-') && !t.starts_with("--") && t.contains('R'))
                    });
                    let hit = paths.iter().find_map(|target| {
                        let target = join_path(workdir, target);
                        copied.iter().rev().find(|c| {
                            if recursive {
                                target != "/"
                                    && (is_within(&target, &c.path) || is_within(&c.path, &target))
                            } else {
                                // One path: only a file the COPY certainly wrote. A file inside a
                                // copied directory may have come from elsewhere (a download).
                                !c.is_directory && target == c.path
                            }
                        })
                    });
                    let Some(copy) = hit else { continue };
                    let fix = ownership_fix(model, index, script, command, &copied, copy);
                    let flag = if tool == "chown" {
                        "--chown"
                    } else {
                        "--chmod"
                    };
                    let message = format!(
                        "`{}` rewrites files that `{}` (line {}) added: they are stored twice, once in each layer",
                        checker.text(command.span).trim(),
                        copy.text,
                        copy.line,
                    );
                    let diagnostic = checker.report(command.span, message).help(format!(
                        "set it while copying: `{} {flag}={option} ...`, and drop the {tool}",
                        copy.text.split_whitespace().next().unwrap_or("COPY")
                    ));
                    if let Some(fix) = fix {
                        diagnostic.fix(fix);
                    }
                }
            }
        }
    }
}

/// For `chown`/`chmod`: the tool, the owner or mode argument, and the paths.
fn ownership_change(command: &ShellCommand) -> Option<(&'static str, String, Vec<String>)> {
    let tool = match command.program()? {
        "chown" => "chown",
        "chmod" => "chmod",
        _ => return None,
    };
    let mut positional = command
        .args
        .iter()
        .map(|a| a.text.as_str())
        .filter(|t| !is_option(tool, t));
    let option = positional.next()?.to_string();
    let paths: Vec<String> = positional
        .filter(|p| !p.contains('$'))
        .map(|p| p.trim_end_matches("/*").trim_end_matches('*').to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (!paths.is_empty()).then_some((tool, option, paths))
}

/// An option of chown/chmod rather than the owner, mode or a path. A chmod mode
/// like `-x` looks like an option, so only chmod's real option letters count.
fn is_option(tool: &str, word: &str) -> bool {
    if word.starts_with("--") {
        return true;
    }
    match tool {
        "chmod" => is_chmod_flag(word),
        _ => word.starts_with('-') && word.len() > 1,
    }
}

/// chmod's own options (as opposed to a mode like `-x` or `+x`).
fn is_chmod_flag(word: &str) -> bool {
    word.starts_with('-')
        && word.len() > 1
        && word[1..]
            .chars()
            .all(|c| matches!(c, 'R' | 'v' | 'c' | 'f' | 'h' | 'H' | 'L' | 'P'))
}

/// Where a COPY/ADD wrote, one entry per source.
fn copied_paths(
    index: usize,
    instruction: &plimsoll_syntax::Instruction,
    view: plimsoll_syntax::typed::CopyView<'_>,
    workdir: &str,
) -> Vec<Copied> {
    let Some(destination) = view.destination else {
        return Vec::new();
    };
    let dest = join_path(workdir, &destination.value);
    let into_directory = destination.value.ends_with('/') || view.sources.len() > 1;
    let text = format!(
        "{} {}",
        instruction.keyword_text,
        view.sources
            .iter()
            .chain(std::iter::once(destination))
            .map(|a| a.value.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    view.sources
        .iter()
        .map(|source| {
            let name = source
                .value
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            // A file source copied into a directory lands at dir/name; a
            // directory's contents land in the directory itself.
            let is_file = name.contains('.') && name != "." && !name.contains('*');
            let path = if into_directory && is_file {
                format!("{}/{name}", dest.trim_end_matches('/'))
            } else {
                dest.clone()
            };
            Copied {
                index,
                path,
                is_directory: !is_file,
                line: instruction.start_line,
                text: text.clone(),
            }
        })
        .collect()
}

/// Instructions that write no files: a chown after them sees what the COPY wrote.
const NO_FILES_WRITTEN: &[Keyword] = &[
    Keyword::Env,
    Keyword::Arg,
    Keyword::Label,
    Keyword::Expose,
    Keyword::Stopsignal,
    Keyword::Healthcheck,
    Keyword::Cmd,
    Keyword::Entrypoint,
    Keyword::User,
    Keyword::Maintainer,
];

/// The `--chown`/`--chmod` rewrite of `command` (in the RUN at `run_index`)
/// onto the COPY that wrote what it changes; `None` unless the rewrite is
/// clearly the same change (see the rule's "Fix safety").
fn ownership_fix(
    model: &SemanticModel<'_>,
    run_index: usize,
    script: &ShellScript,
    command: &ShellCommand,
    copied: &[Copied],
    copy: &Copied,
) -> Option<Fix> {
    let source = model.source;
    let (tool, value, target) = plain_ownership_change(command)?;
    let flag = if tool == "chown" { "chown" } else { "chmod" };
    let copy_instruction = model.instruction(copy.index);
    if copy_instruction.flag(flag).is_some()
        || copy_instruction.keyword_text.len() != copy_instruction.keyword_span.len()
    {
        return None;
    }
    let workdir = &model.states[run_index].workdir;
    let target = join_path(workdir, target);
    // Everything the COPY wrote, one entry per source.
    let entries: Vec<&Copied> = copied.iter().filter(|c| c.index == copy.index).collect();
    let recursive = command
        .args
        .iter()
        .any(|a| a.text.starts_with('-') && a.text.contains('R'))
        || command.args.iter().any(|a| a.text == "--recursive");
    // One file at a path that is surely the file: `COPY a.sh /bin/` or
    // `COPY a.sh /bin/a.sh`. (`COPY a.sh /opt` may put it inside a folder /opt.)
    let single_file = entries.len() == 1
        && !entries[0].is_directory
        && entries[0].path == target
        && copy_names_the_file(copy_instruction);
    let whole_directory = recursive && entries.iter().all(|c| c.is_directory && c.path == target);
    if !single_file && !whole_directory {
        return None;
    }
    // Nothing between the COPY and the RUN may write files.
    if (copy.index + 1..run_index)
        .any(|i| !NO_FILES_WRITTEN.contains(&model.instruction(i).keyword))
    {
        return None;
    }
    // The command is the RUN's first, alone or followed by `&&`.
    let top: Vec<&ShellCommand> = script
        .commands
        .iter()
        .filter(|c| c.nesting == Nesting::TopLevel && c.wrapped_by.is_none())
        .collect();
    if script.has_syntax_errors
        || top.first().is_none_or(|first| first.span != command.span)
        || !command.redirects.is_empty()
        || !command.assignments.is_empty()
    {
        return None;
    }
    let run = model.instruction(run_index);
    let removal = match top.get(1) {
        None if script.commands.len() == 1 => instruction_removal(source, run),
        Some(next) if next.connector == Connector::And => {
            plimsoll_syntax::Span::new(command.span.start as usize, next.span.start as usize)
        }
        _ => return None,
    };
    let edits = vec![
        Edit::insert(
            copy_instruction.keyword_span.end,
            format!(" --{flag}={value}"),
        ),
        Edit::delete(removal),
    ];
    let title = format!(
        "Copy with `--{flag}={value}` and drop the {tool}{}",
        if top.len() == 1 { " RUN" } else { "" }
    );
    Some(if single_file {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_edit(title, edits)
    })
}

/// `chown [-R] owner path` or `chmod [-R] octal path` with static words only
/// and nothing a COPY flag cannot say (other options, globs, several paths).
fn plain_ownership_change(command: &ShellCommand) -> Option<(&'static str, &str, &str)> {
    let tool = match command.program()? {
        "chown" => "chown",
        "chmod" => "chmod",
        _ => return None,
    };
    if command.wrapped_by.is_some() || command.args.iter().any(|a| !a.is_static) {
        return None;
    }
    let (options, operands): (Vec<&str>, Vec<&str>) =
        command.args.iter().map(|a| a.text.as_str()).partition(|t| {
            t.starts_with('-') && t.len() > 1 && (tool == "chown" || is_chmod_flag(t))
        });
    let plain_option = |o: &&str| {
        *o == "--recursive"
            || (!o.starts_with("--") && o[1..].chars().all(|c| matches!(c, 'R' | 'v' | 'f' | 'c')))
    };
    if !options.iter().all(plain_option) {
        return None;
    }
    let [value, path] = operands.as_slice() else {
        return None;
    };
    let valid = if tool == "chown" {
        // `user`, `user:group`, `uid:gid`; not `user.group` or `:group`.
        let mut parts = value.split(':');
        let name = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
                && !p.starts_with('-')
        };
        parts.next().is_some_and(name) && parts.next().is_none_or(name) && parts.next().is_none()
    } else {
        (3..=4).contains(&value.len()) && value.chars().all(|c| ('0'..='7').contains(&c))
    };
    let plain_path = !path.contains(['*', '?', '[', '{', '~']) && !path.is_empty();
    (valid && plain_path).then_some((tool, *value, *path))
}

/// Does the COPY's destination name the copied file itself (a folder ending
/// in `/`, or the same base name as its one source)?
fn copy_names_the_file(instruction: &plimsoll_syntax::Instruction) -> bool {
    let Some(view) = instruction.as_copy() else {
        return false;
    };
    let (Some(destination), [source]) = (view.destination, view.sources) else {
        return false;
    };
    let base = |p: &str| {
        p.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string()
    };
    destination.value.ends_with('/') || base(&destination.value) == base(&source.value)
}
