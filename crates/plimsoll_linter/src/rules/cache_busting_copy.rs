use crate::checker::Checker;
use crate::knowledge::{DependencyInstall, DEPENDENCY_INSTALLS};
use crate::rule::{declare_rule, Rule};
use crate::shell::ShellCommand;

use super::copy_paths::{context_copy, is_within, ContextCopy};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY`/`ADD` that brings in the whole build context (`.`,
    /// `*`) or a source directory before a `RUN` in the same stage that
    /// installs dependencies from manifest files (`pip install -r`,
    /// `npm ci`, `yarn install`, `go mod download`, `bundle install`,
    /// `composer install`, `cargo fetch`, `dotnet restore`, `mix deps.get`, …)
    /// when the manifests were not copied on their own first.
    ///
    /// ## Why is this bad?
    /// A layer is rebuilt when anything it copies changes. Copying all the
    /// sources before the install ties the install layer to every source
    /// file: a one-line change to `app.py` re-downloads every dependency, and
    /// builds take minutes instead of seconds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// COPY . .
    /// ```
    ///
    /// The install only re-runs when `requirements.txt` changes.
    ///
    /// ## How it decides
    /// The install must run where the copy landed (its working directory, or
    /// a path argument, is inside the COPY destination), and no earlier COPY
    /// in the stage named one of the ecosystem's manifests (`package.json`,
    /// `package-lock.json`, `go.mod`, `Gemfile`, `*.csproj`, …). `npm install
    /// <package>` adds a named package and is not manifest-driven, so it is
    /// not flagged. `COPY --from` copies from another stage, not the context.
    ///
    /// ## Differences from other tools
    /// hadolint has no ordering rule. This is plimsoll's own check.
    pub struct CacheBustingCopy {
        name: "cache-busting-copy",
        code: "PL001",
        aliases: [],
        category: Cache,
        severity: Warning,
        fix: None,
        summary: "COPY of the whole context before a dependency install: every source change re-runs the install",
    }
}

impl Rule for CacheBustingCopy {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for stage in &model.stages {
            let mut copies: Vec<ContextCopy<'_>> = Vec::new();
            let mut reported: Vec<usize> = Vec::new();
            for (index, instruction) in model.stage_instructions(stage) {
                let workdir = &model.states[index].workdir;
                if let Some(copy) = context_copy(index, instruction, workdir) {
                    copies.push(copy);
                    continue;
                }
                let Some(script) = model.run_script(index) else {
                    continue;
                };
                for command in &script.commands {
                    let Some(install) = dependency_install(command) else {
                        continue;
                    };
                    if copies
                        .iter()
                        .any(|c| install.manifests.iter().any(|m| c.copies_manifest(m)))
                    {
                        continue;
                    }
                    let Some(copy) = copies
                        .iter()
                        .find(|c| c.is_volatile && installs_from(command, workdir, &c.destination))
                    else {
                        continue;
                    };
                    if reported.contains(&copy.index) {
                        continue;
                    }
                    reported.push(copy.index);
                    let line = model.instruction(index).start_line;
                    let manifests = manifest_list(install);
                    let span = copy.sources.first().map_or(copy.instruction.span, |first| {
                        copy.sources
                            .last()
                            .map_or(first.span, |last| first.span.cover(last.span))
                    });
                    let message = format!(
                        "`{}` copies the sources before `{}` (RUN on line {line}): any source change re-runs the dependency install",
                        copy.describe(),
                        checker.text(command.span).trim(),
                    );
                    checker.report(span, message).help(format!(
                        "copy {manifests} first, run the install, then copy the rest of the sources"
                    ));
                }
            }
        }
    }
}

/// Does this command install dependencies from a manifest? Which kind?
fn dependency_install(command: &ShellCommand) -> Option<&'static DependencyInstall> {
    let program = command.program()?;
    DEPENDENCY_INSTALLS.iter().find(|install| {
        if install.program != program {
            return false;
        }
        let mut args = command.args.iter().map(|a| a.text.as_str()).peekable();
        for expected in install.subcommand {
            let found = if expected.starts_with('-') {
                // A flag may come anywhere after the subcommand (`pip install --no-cache-dir -r x`),
                // also glued to its value (`-rrequirements.txt`) or spelled long (`--requirement`).
                args.by_ref().any(|word| {
                    word == *expected
                        || (word.starts_with(expected) && !word.starts_with("--"))
                        || (*expected == "-r" && word.starts_with("--requirement"))
                })
            } else {
                // Skip flags before the subcommand word (`npm --silent ci`).
                args.by_ref().find(|word| !word.starts_with('-')) == Some(*expected)
            };
            if !found {
                return false;
            }
        }
        if install.subcommand.is_empty() && args.peek().is_some_and(|w| !w.starts_with('-')) {
            return false;
        }
        install.allows_package_args || args.all(|word| word.starts_with('-'))
    })
}

/// Does the install read from `destination`: its working directory or one of
/// its path arguments lies inside it?
fn installs_from(command: &ShellCommand, workdir: &str, destination: &str) -> bool {
    is_within(workdir, destination)
        || command.args.iter().any(|arg| {
            // A path argument, or the value of `--flag=/path`.
            let text = arg.text.as_str();
            let path = match text.strip_prefix("--") {
                Some(flag) => flag.split_once('=').map_or("", |(_, value)| value),
                None if text.starts_with('-') => "",
                None => text,
            };
            path.contains('/') && is_within(&crate::semantic::join_path(workdir, path), destination)
        })
}

fn manifest_list(install: &DependencyInstall) -> String {
    let names: Vec<String> = install.manifests.iter().map(|m| format!("`{m}`")).collect();
    match names.as_slice() {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} (and {} if you have it)", rest.join(" / ")),
        [] => "the manifest files".to_string(),
    }
}
