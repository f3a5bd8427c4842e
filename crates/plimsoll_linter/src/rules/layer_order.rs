use crate::checker::Checker;
use crate::knowledge::{DOWNLOAD_COMMANDS, SYSTEM_PACKAGE_INSTALLS};
use crate::rule::{declare_rule, Rule};
use crate::semantic::join_path;
use crate::shell::{ShellCommand, ShellScript};

use super::copy_paths::{context_copy, is_within, ContextCopy};

declare_rule! {
    /// ## What it does
    /// Flags an expensive `RUN` (system packages with apt, apk, yum, dnf,
    /// zypper; tool downloads with curl or wget) placed after a `COPY`/`ADD`
    /// of the build context or a source directory, when the RUN uses nothing
    /// that COPY brought in.
    ///
    /// ## Why is this bad?
    /// Docker rebuilds every layer after the first one whose inputs changed.
    /// With the source COPY first, each edit to the sources re-runs the
    /// package installation below it, although the packages do not depend on
    /// the sources at all. Moved above the COPY, that layer stays cached.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// COPY . /src
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// COPY . /src
    /// ```
    ///
    /// ## How it decides
    /// The RUN must not mention the COPY's destination (or anything below it)
    /// nor the names of the copied files: a RUN that runs a copied script or
    /// builds the copied sources genuinely depends on the COPY.
    ///
    /// ## Differences from other tools
    /// hadolint has no ordering rule. This is plimsoll's own check.
    pub struct LayerOrder {
        name: "layer-order",
        code: "PL002",
        aliases: [],
        category: Cache,
        severity: Info,
        fix: None,
        summary: "Expensive RUN after a source COPY it does not use: move it above to keep it cached",
    }
}

impl Rule for LayerOrder {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for stage in &model.stages {
            let mut volatile: Vec<ContextCopy<'_>> = Vec::new();
            for (index, instruction) in model.stage_instructions(stage) {
                let workdir = &model.states[index].workdir;
                if let Some(copy) = context_copy(index, instruction, workdir) {
                    if copy.is_volatile {
                        volatile.push(copy);
                    }
                    continue;
                }
                if volatile.is_empty() {
                    continue;
                }
                let Some(script) = model.run_script(index) else {
                    continue;
                };
                let Some(expensive) = script.commands.iter().find(|c| is_expensive(c)) else {
                    continue;
                };
                if volatile
                    .iter()
                    .any(|copy| uses_copy(checker, script, workdir, copy))
                    || mentions_working_directory_use(script)
                {
                    continue;
                }
                let copy = &volatile[0];
                let message = format!(
                    "`{}` runs after `{}` (line {}) but uses nothing it copied: every source change re-runs it",
                    checker.text(expensive.span).trim(),
                    copy.describe(),
                    copy.instruction.start_line,
                );
                checker.report(expensive.span, message).help(format!(
                    "move this RUN above line {} so its layer stays cached",
                    copy.instruction.start_line
                ));
            }
        }
    }
}

fn is_expensive(command: &ShellCommand) -> bool {
    let Some(program) = command.program() else {
        return false;
    };
    if DOWNLOAD_COMMANDS.contains(&program) {
        return true;
    }
    SYSTEM_PACKAGE_INSTALLS.iter().any(|(name, subcommands)| {
        *name == program
            && (subcommands.is_empty()
                || command
                    .args
                    .iter()
                    .any(|a| subcommands.contains(&a.text.as_str())))
    })
}

/// Does any word of the script refer to what `copy` brought in: a path inside
/// its destination, a directory above it, or the name of a copied file?
fn uses_copy(
    checker: &Checker<'_>,
    script: &ShellScript,
    workdir: &str,
    copy: &ContextCopy<'_>,
) -> bool {
    script.commands.iter().any(|command| {
        command.name.iter().chain(&command.args).any(|word| {
            let text = checker.text(word.span);
            let looks_like_path = (word.text.contains('/') || word.text.starts_with('.'))
                && !word.text.contains("://");
            let path = join_path(workdir, &word.text);
            looks_like_path
                && (is_within(&path, &copy.destination)
                    || (path != "/" && is_within(&copy.destination, &path)))
                || copy.file_names.iter().any(|name| text.contains(name))
        })
    })
}

/// Build tools that read the working directory without naming it.
fn mentions_working_directory_use(script: &ShellScript) -> bool {
    const BUILD_TOOLS: &[&str] = &[
        "make",
        "cmake",
        "npm",
        "yarn",
        "pnpm",
        "pip",
        "pip3",
        "python",
        "python3",
        "go",
        "cargo",
        "mvn",
        "gradle",
        "./gradlew",
        "bundle",
        "composer",
        "dotnet",
        "mix",
        "sh",
        "bash",
    ];
    script
        .commands
        .iter()
        .any(|c| c.program().is_some_and(|p| BUILD_TOOLS.contains(&p)))
}
