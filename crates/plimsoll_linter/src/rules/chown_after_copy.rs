use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::join_path;
use crate::shell::ShellCommand;

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
    /// ## Differences from other tools
    /// hadolint has no equivalent rule.
    pub struct ChownAfterCopy {
        name: "chown-after-copy",
        code: "PL006",
        aliases: [],
        category: Size,
        severity: Warning,
        fix: None,
        summary: "chown/chmod of copied files in a later RUN stores every file twice",
    }
}

/// A COPY destination in the stage so far: where files landed.
struct Copied {
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
                        copied_paths(instruction, view, workdir)
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
                    checker.report(command.span, message).help(format!(
                        "set it while copying: `{} {flag}={option} ...`, and drop the {tool}",
                        copy.text.split_whitespace().next().unwrap_or("COPY")
                    ));
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
                path,
                is_directory: !is_file,
                line: instruction.start_line,
                text: text.clone(),
            }
        })
        .collect()
}
