use plimsoll_syntax::{Keyword, Span};

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::knowledge::{DependencyInstall, DEPENDENCY_INSTALLS};
use crate::rule::{declare_rule, Rule};
use crate::semantic::{normalize_path, SemanticModel};
use crate::shell::{Nesting, ShellCommand, ShellScript};
use crate::text_edit;

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
    /// ## Fix safety
    /// The fix inserts a COPY of the manifests in place of the sources COPY
    /// (`COPY package.json package-lock.json* ./`; optional manifests as
    /// patterns that may match nothing; for pip, the files named by `-r`),
    /// and moves the sources COPY to just after the install. It is offered
    /// only when the COPY has one source (the context or one folder), the
    /// install runs in its destination, nothing but ENV/ARG/LABEL/EXPOSE/USER
    /// lies between them, and every command of the RUN is an install or
    /// needs no sources (`rm`, `pip install --upgrade pip`, `npm cache ...`).
    ///
    /// It is **unsafe**: an install can read more than its manifests. npm and
    /// yarn run the package's own `postinstall`/`prepare` scripts, workspaces
    /// need every member's `package.json`, a requirements file can say `-e .`,
    /// a Gemfile can say `gemspec`, and `composer install` builds an
    /// autoloader from the sources. And when `.dockerignore` does not exclude
    /// `node_modules/` (or a local virtualenv), the moved COPY now overwrites
    /// what the install made. Check the install still works.
    ///
    /// ## Differences from other tools
    /// hadolint has no ordering rule. This is plimsoll's own check.
    pub struct CacheBustingCopy {
        name: "cache-busting-copy",
        code: "PL001",
        aliases: [],
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        summary: "COPY of the whole context before a dependency install: every source change re-runs the install",
    }
}

/// One COPY that busts the cache of a later dependency install.
pub(crate) struct CacheBust {
    /// The volatile COPY/ADD.
    pub copy_index: usize,
    pub install: &'static DependencyInstall,
    /// The install command, as written.
    pub command: String,
    /// The COPY sources, for the diagnostic.
    pub span: Span,
    pub message: String,
    pub help: String,
    /// Manifests first, then the install, then the rest; `None` when the
    /// rewrite is not clear (see the rule's "Fix safety").
    pub split: Option<SplitCopy>,
}

/// The manifests-first rewrite of a COPY before an install.
pub(crate) struct SplitCopy {
    /// The sources of the new manifest COPY, as written into it.
    pub manifests: Vec<String>,
    pub edits: Vec<Edit>,
    /// The sources COPY and the install RUN.
    pub copy_index: usize,
    pub run_index: usize,
    /// Where the manifests are in the context: `""` or `app/`.
    pub prefix: String,
    /// Context paths the install cannot do without (the first manifest, or
    /// the files named by `-r`).
    pub required: Vec<String>,
    /// Context paths of the other manifests (written above as patterns that
    /// may match nothing).
    pub optional: Vec<String>,
}

/// Every COPY that busts an install's cache, first install per COPY.
pub(crate) fn cache_busts(model: &SemanticModel<'_>) -> Vec<CacheBust> {
    let mut found = Vec::new();
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
                let text = command.span.text(model.source).trim().to_string();
                found.push(CacheBust {
                    copy_index: copy.index,
                    install,
                    message: format!(
                        "`{}` copies the sources before `{text}` (RUN on line {line}): any source change re-runs the dependency install",
                        copy.describe(),
                    ),
                    help: format!(
                        "copy {manifests} first, run the install, then copy the rest of the sources"
                    ),
                    command: text,
                    span,
                    split: split_copy(model, copy, index, script, command, install),
                });
            }
        }
    }
    found
}

impl Rule for CacheBustingCopy {
    fn check(&self, checker: &mut Checker<'_>) {
        for bust in cache_busts(checker.model) {
            let diagnostic = checker.report(bust.span, bust.message).help(bust.help);
            if let Some(split) = bust.split {
                diagnostic.fix(Fix::unsafe_edit(
                    format!(
                        "Copy {} first, install, then copy the rest",
                        split.manifests.join(" ")
                    ),
                    split.edits,
                ));
            }
        }
    }
}

/// Instructions a COPY of the sources may move past: they read no files.
const MOVABLE_PAST: &[Keyword] = &[
    Keyword::Env,
    Keyword::Arg,
    Keyword::Label,
    Keyword::Expose,
    Keyword::User,
];

/// Commands that may share the RUN with the install without needing the sources.
fn needs_no_sources(command: &ShellCommand) -> bool {
    if dependency_install(command).is_some() {
        return true;
    }
    let Some(program) = command.program() else {
        // A bare assignment.
        return command.name.is_none();
    };
    let sub = command.subcommand().map(|w| w.text.as_str());
    match program {
        "rm" | "true" | "echo" | "set" | "export" => true,
        // `pip install --upgrade pip wheel`: named packages, no paths or files.
        "pip" | "pip3" => {
            sub == Some("install")
                && command.args.iter().all(|a| {
                    a.is_static
                        && !a.text.contains('/')
                        && !a.text.starts_with('.')
                        && !["-r", "-e", "-c"].iter().any(|f| a.text.starts_with(f))
                        && !a.text.starts_with("--requirement")
                        && !a.text.starts_with("--editable")
                        && !a.text.starts_with("--constraint")
                })
        }
        "npm" | "yarn" | "pnpm" => matches!(sub, Some("cache" | "config")),
        _ => false,
    }
}

/// The manifests-first rewrite, when it is clear: one whole-context (or one
/// directory) source, the install runs in the COPY's destination, only
/// file-less instructions in between, and the RUN needs nothing but manifests.
fn split_copy(
    model: &SemanticModel<'_>,
    copy: &ContextCopy<'_>,
    run_index: usize,
    script: &ShellScript,
    command: &ShellCommand,
    install: &DependencyInstall,
) -> Option<SplitCopy> {
    let source = model.source;
    let [only] = copy.sources else { return None };
    let destination = copy.instruction.as_copy()?.destination?;
    if !copy.is_volatile
        || only.value.contains(['$', '*', '?', '['])
        || destination.value.contains('$')
        || only.span.text(source) != only.value
        || destination.span.text(source) != destination.value
        || normalize_path(&model.states[run_index].workdir) != normalize_path(&copy.destination)
        || copy.instruction.heredocs.len()
            + copy
                .instruction
                .flags
                .iter()
                .filter(|f| f.name == "from")
                .count()
            > 0
    {
        return None;
    }
    if (copy.index + 1..run_index).any(|i| !MOVABLE_PAST.contains(&model.instruction(i).keyword)) {
        return None;
    }
    if script.has_syntax_errors
        || script
            .commands
            .iter()
            .any(|c| c.nesting != Nesting::TopLevel || !needs_no_sources(c))
    {
        return None;
    }
    // Where the manifests are in the context: `.` → the root, `app/` → `app/`.
    let prefix = match only.value.trim_start_matches("./").trim_end_matches('/') {
        "" | "." => String::new(),
        dir => format!("{dir}/"),
    };
    let mut manifests: Vec<String> = Vec::new();
    let (mut required, mut optional_paths) = (Vec::new(), Vec::new());
    if install.manifests.first() == Some(&"requirements.txt") {
        // pip reads the files named by `-r`; a file in a folder may include
        // its neighbours, so the folder is copied.
        for file in requirement_files(command)? {
            required.push(format!("{prefix}{}", file.trim_start_matches("./")));
            let entry = match file.rsplit_once('/') {
                Some((dir, _)) => format!("{prefix}{dir}/"),
                None => format!("{prefix}{file}"),
            };
            if !manifests.contains(&entry) {
                manifests.push(entry);
            }
        }
    } else {
        for (i, manifest) in install.manifests.iter().enumerate() {
            // Only the first manifest must exist: an optional one is copied by
            // a pattern that may match nothing.
            let optional = if i > 0 && !manifest.contains('*') {
                "*"
            } else {
                ""
            };
            manifests.push(format!("{prefix}{manifest}{optional}"));
            if i == 0 {
                required.push(format!("{prefix}{manifest}"));
            } else {
                optional_paths.push(format!("{prefix}{manifest}"));
            }
        }
    }
    if manifests.is_empty() || manifests.iter().any(|m| m.contains("..")) {
        return None;
    }
    Some(SplitCopy {
        edits: split_edits(model, copy.index, run_index, &manifests)?,
        manifests,
        copy_index: copy.index,
        run_index,
        prefix,
        required,
        optional: optional_paths,
    })
}

/// The edits of the manifests-first rewrite with `manifests` (as written
/// into the new COPY; a name ending in `/` is a folder, copied on its own):
/// the manifest COPY replaces the sources COPY, which moves after the RUN.
pub(crate) fn split_edits(
    model: &SemanticModel<'_>,
    copy_index: usize,
    run_index: usize,
    manifests: &[String],
) -> Option<Vec<Edit>> {
    let source = model.source;
    let instruction = model.instruction(copy_index);
    let destination = instruction.as_copy()?.destination?;
    let into = match destination.value.as_str() {
        "." => "./".to_string(),
        d if d.ends_with('/') => d.to_string(),
        d => format!("{d}/"),
    };
    let flags: Vec<&str> = instruction
        .flags
        .iter()
        .filter(|f| matches!(f.name.as_str(), "chown" | "chmod" | "link"))
        .map(|f| f.span.text(source))
        .collect();
    // Files in one COPY; a folder (of requirement files) in its own, to a
    // folder of the same name.
    let copy_line = |sources: &[&String], to: &str| {
        let mut words = vec!["COPY".to_string()];
        words.extend(flags.iter().map(|f| f.to_string()));
        words.extend(sources.iter().map(|s| s.to_string()));
        words.push(to.to_string());
        words.join(" ")
    };
    let (folders, files): (Vec<&String>, Vec<&String>) =
        manifests.iter().partition(|m| m.ends_with('/'));
    let mut lines = Vec::new();
    if !files.is_empty() {
        lines.push(copy_line(&files, &into));
    }
    for folder in folders {
        let name = folder
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(folder);
        lines.push(copy_line(&[folder], &format!("{into}{name}/")));
    }
    let newline = text_edit::newline(source);
    let copy_lines = text_edit::instruction_lines(source, instruction);
    let indent = text_edit::indentation(source, instruction.span.start as usize);
    let manifest_copy: String = lines
        .iter()
        .map(|line| format!("{indent}{line}{newline}"))
        .collect();
    // Comments above the COPY describe it (or are pragmas for it): they move along.
    let comments_start = text_edit::comment_block_start(source, copy_lines.start as usize);
    let copy_lines = Span::new(comments_start, copy_lines.end as usize);
    let mut moved = copy_lines.text(source).to_string();
    if !moved.ends_with('\n') {
        moved.push_str(newline);
    }
    let run = model.instruction(run_index);
    let after_run = text_edit::next_line_start(source, run.span.end as usize);
    let moved = if after_run == source.len() && !source.ends_with('\n') {
        format!("{newline}{}", moved.trim_end_matches(['\r', '\n']))
    } else {
        moved
    };
    Some(vec![
        Edit::replace(copy_lines, manifest_copy),
        Edit::insert(after_run as u32, moved),
    ])
}

/// The static `-r FILE` / `--requirement FILE` arguments of a pip install.
fn requirement_files(command: &ShellCommand) -> Option<Vec<&str>> {
    let mut files = Vec::new();
    let mut args = command.args.iter();
    while let Some(arg) = args.next() {
        let text = arg.text.as_str();
        let file = if text == "-r" || text == "--requirement" {
            args.next()?
        } else if let Some(file) = text.strip_prefix("--requirement=") {
            if !arg.is_static {
                return None;
            }
            files.push(file);
            continue;
        } else if let Some(file) = text
            .strip_prefix("-r")
            .filter(|f| !f.is_empty() && !text.starts_with("--"))
        {
            if !arg.is_static {
                return None;
            }
            files.push(file);
            continue;
        } else {
            continue;
        };
        if !file.is_static {
            return None;
        }
        files.push(file.text.as_str());
    }
    Some(files)
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
