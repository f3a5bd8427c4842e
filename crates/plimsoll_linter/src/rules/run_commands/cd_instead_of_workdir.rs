use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};
use crate::shell::{Connector, Nesting, ShellCommand};

use super::support::{is_verbatim, runs, Run};

declare_rule! {
    /// ## What it does
    /// Flags `cd` in a `RUN` script.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`: the next instruction
    /// starts in the `WORKDIR` again, so scripts that `cd` grow long chains
    /// that repeat the directory, and readers have to track where each command
    /// runs. `WORKDIR` sets the directory once, for every later instruction
    /// and for the container, and creates it if needed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// RUN cd /app && npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// When the script starts with `cd <absolute path> && ...`, the fix puts
    /// `WORKDIR <path>` before the `RUN` and removes the `cd`. It is unsafe:
    /// the new working directory stays for every later instruction (relative
    /// `COPY` destinations, later `RUN`s, `CMD`), and `WORKDIR` creates a
    /// missing directory where `cd` would have failed.
    ///
    /// ## Differences from hadolint
    /// hadolint DL3003 flags every `cd`. plimsoll leaves out a `cd` that
    /// `WORKDIR` cannot replace: inside `( ... )` or `$( ... )`, where it
    /// ends with the subshell (`(cd sub && make)`, `DIR=$(cd x && pwd)`), and
    /// into a directory only known at run time (`cd "$(mktemp -d)"`).
    ///
    /// ## References
    /// hadolint DL3003; ShellCheck SC2164.
    pub struct CdInsteadOfWorkdir {
        name: "cd-instead-of-workdir",
        code: "PL301",
        aliases: ["DL3003"],
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        summary: "cd in a RUN: use WORKDIR to switch directories",
    }
}

impl Rule for CdInsteadOfWorkdir {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for (position, command) in run.script.commands.iter().enumerate() {
                if command.program() != Some("cd") {
                    continue;
                }
                if matches!(command.nesting, Nesting::Subshell | Nesting::Substitution) {
                    continue;
                }
                let target = command.args.iter().find(|a| !a.text.starts_with('-'));
                if target.is_some_and(|t| t.raw.contains("$(") || t.raw.contains('`')) {
                    continue;
                }
                let fix = workdir_fix(checker, &run, position, command);
                let diagnostic = checker
                    .report(
                        command.span,
                        "`cd` lasts only until the end of this RUN: use WORKDIR to switch directories",
                    )
                    .help("set the directory with `WORKDIR <dir>` before the RUN");
                if let Some(fix) = fix {
                    diagnostic.fix(fix);
                }
            }
        }
    }
}

/// `RUN cd /abs && rest` → `WORKDIR /abs` + `RUN rest`, when that is a plain
/// text edit: the `cd` is the first command, the path is a plain absolute
/// word, and nothing but the `&&` (and line continuations) sits between it and
/// the next command.
fn workdir_fix(
    checker: &Checker<'_>,
    run: &Run<'_>,
    position: usize,
    command: &ShellCommand,
) -> Option<Fix> {
    if position != 0 || run.onbuild || run.is_exec_form() || !run.instruction.heredocs.is_empty() {
        return None;
    }
    if command.nesting != Nesting::TopLevel || !command.redirects.is_empty() {
        return None;
    }
    let [target] = command.args.as_slice() else {
        return None;
    };
    let plain = target.is_static
        && target.text.starts_with('/')
        && target
            .text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+@".contains(c));
    if !plain || !is_verbatim(checker.source, target) {
        return None;
    }
    let next = run.script.commands.get(position + 1)?;
    if next.connector != Connector::And || next.nesting != Nesting::TopLevel {
        return None;
    }
    let between = checker
        .source
        .get(command.span.end as usize..next.span.start as usize)?;
    let only_and = between
        .replace("&&", "")
        .replace(checker.file.escape, "")
        .trim()
        .is_empty();
    if !only_and {
        return None;
    }
    // Keep the RUN's indentation for the new WORKDIR line.
    let start = run.instruction.span.start as usize;
    let line_start = checker.source[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &checker.source[line_start..start];
    if !indent.trim().is_empty()
        || checker.model.instruction(run.index).span.start as usize != start
    {
        return None;
    }
    Some(Fix::unsafe_edit(
        format!("Move `cd {}` into a WORKDIR", target.text),
        vec![
            Edit::insert(start as u32, format!("WORKDIR {}\n{indent}", target.text)),
            Edit::delete(
                command
                    .span
                    .cover(plimsoll_syntax::Span::empty(next.span.start as usize)),
            ),
        ],
    ))
}
