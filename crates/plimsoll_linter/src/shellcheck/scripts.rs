//! The scripts of a Dockerfile as ShellCheck should see them, and the way back
//! from a position in such a script to the Dockerfile.

use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::{Instruction, Keyword, Span};

use crate::semantic::{SemanticModel, ShellKind};

/// Lines ShellCheck sees before the script itself: the shebang and one line
/// declaring the variables in scope. Findings on them are not the user's.
pub(super) const HEADER_LINES: usize = 2;

/// Variables every build has: BuildKit's proxy arguments.
const PREDEFINED: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// One RUN script for ShellCheck.
pub(super) struct Script {
    /// What ShellCheck reads: [`HEADER_LINES`] lines, then `body`.
    pub text: String,
    /// Byte offset of the body in `text`.
    pub body_start: usize,
    body: Body,
}

/// Where the body's bytes are in the Dockerfile.
enum Body {
    /// The logical line of a shell-form RUN (continuations removed).
    ShellForm { instruction: usize, offset: usize },
    /// The body of `RUN <<EOF`, a verbatim slice of the source when `exact`.
    Heredoc { span: Span, exact: bool },
}

impl Script {
    /// The source span of bytes `start..end` of the body.
    pub fn source_span(&self, model: &SemanticModel<'_>, start: usize, end: usize) -> Span {
        match self.body {
            Body::ShellForm {
                instruction,
                offset,
            } => model
                .instruction(instruction)
                .innermost()
                .original_span(offset + start, offset + end),
            Body::Heredoc { span, exact: true } => {
                let clamp = |o: usize| (span.start as usize + o).min(span.end as usize);
                Span::new(clamp(start), clamp(end))
            }
            Body::Heredoc { span, exact: false } => span,
        }
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }
}

/// Every RUN (ONBUILD RUN included) that a POSIX shell runs: shell-form
/// command lines and lone `<<EOF` bodies without a foreign `#!` line.
pub(super) fn collect(model: &SemanticModel<'_>) -> Vec<Script> {
    let mut scripts = Vec::new();
    for (index, instruction) in model.file.instructions.iter().enumerate() {
        let run = instruction.innermost();
        if run.keyword != Keyword::Run || model.states[index].shell != ShellKind::Posix {
            continue;
        }
        let Some(shell) = shell_program(model, index) else {
            continue;
        };
        let Some(CommandForm::Shell(arg)) = run.command_form() else {
            continue;
        };
        let (body_text, body) = if run.heredocs.is_empty() {
            (
                arg.value.as_str(),
                Body::ShellForm {
                    instruction: index,
                    offset: run.original_offset_of(arg),
                },
            )
        } else {
            // Only the simple case is a plain script; `RUN cat <<EOF >file`
            // mixes a command line with data.
            let [heredoc] = &run.heredocs[..] else {
                continue;
            };
            if !arg.value.trim_start().starts_with("<<")
                || arg.value.split_whitespace().count() != 1
            {
                continue;
            }
            if heredoc
                .content
                .strip_prefix("#!")
                .is_some_and(|line| !names_posix_shell(line.lines().next().unwrap_or("")))
            {
                continue;
            }
            let exact = heredoc.content.len() == heredoc.body_span.len();
            (
                heredoc.content.as_str(),
                Body::Heredoc {
                    span: heredoc.body_span,
                    exact,
                },
            )
        };
        let header = header(model, index, &shell);
        scripts.push(Script {
            body_start: header.len(),
            text: header + body_text,
            body,
        });
    }
    scripts
}

/// `#!<shell>` and a line exporting every ENV and ARG name in scope, so that
/// ShellCheck knows them (one line whatever their number: positions in the
/// body stay fixed, and the cost stays linear).
fn header(model: &SemanticModel<'_>, index: usize, shell: &str) -> String {
    let mut names: Vec<&str> = PREDEFINED.to_vec();
    names.extend(model.env_at(index).into_iter().map(|(k, _)| k));
    let (start, stageless) = match model.states[index].stage {
        Some(stage) => (model.stages[stage].body.start.min(index), false),
        // Before any FROM (hadolint's fragments): everything declared so far.
        None => (0, true),
    };
    // An ONBUILD trigger runs in a later build, where this build's ARGs are
    // gone; ENV values are part of the image and stay.
    let onbuild = model.file.instructions[index].keyword == Keyword::Onbuild;
    for instruction in &model.file.instructions[start..index] {
        if !onbuild {
            names.extend(instruction.arg_declarations().map(|d| d.name));
        }
        if stageless && instruction.keyword == Keyword::Env {
            names.extend(instruction.key_values().map(|pair| pair.key.value.as_str()));
        }
    }
    names.retain(|n| is_identifier(n));
    names.sort_unstable();
    names.dedup();
    let exports: Vec<String> = names.iter().map(|n| format!("{n}=1")).collect();
    format!("#!{shell}\nexport {}\n", exports.join(" "))
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The shell that runs RUN at `index`: `/bin/sh` unless a SHELL instruction of
/// the stage (or a stage it is built on) says otherwise. `None` for a shell
/// ShellCheck does not understand.
fn shell_program(model: &SemanticModel<'_>, index: usize) -> Option<String> {
    let state = &model.states[index];
    // The model tracks SHELL within stages; before any FROM, look for it.
    if state.stage.is_some() && !state.shell_set {
        return Some("/bin/sh".to_string());
    }
    // The instructions that could have set it: the stage and the stages it
    // is built on, or everything so far in a file without FROM.
    let ranges: Vec<std::ops::Range<usize>> = match state.stage {
        Some(stage) => model
            .stage_chain(stage)
            .into_iter()
            .map(|s| {
                let body = model.stages[s].body.clone();
                let end = if s == stage { index } else { body.end };
                body.start..end.max(body.start)
            })
            .collect(),
        None => std::iter::once(0..index).collect(),
    };
    let last_shell = ranges.into_iter().rev().find_map(|range| {
        model.file.instructions[range]
            .iter()
            .rev()
            .find(|i| i.keyword == Keyword::Shell)
    });
    let Some(Some(CommandForm::Exec(args))) = last_shell.map(Instruction::command_form) else {
        return Some("/bin/sh".to_string());
    };
    let program = args.first()?.value.as_str();
    names_posix_shell(program).then(|| shebang_for(program))
}

/// ShellCheck knows sh, bash, dash, ksh and busybox; Alpine's `ash` is
/// checked as POSIX sh.
fn shebang_for(program: &str) -> String {
    if program.rsplit('/').next() == Some("ash") {
        "/bin/sh".to_string()
    } else {
        program.to_string()
    }
}

/// `/bin/bash`, `sh`, `/usr/bin/env bash`...: a shell ShellCheck knows.
fn names_posix_shell(command: &str) -> bool {
    let mut words = command.split_whitespace();
    let mut program = words.next().unwrap_or("");
    if program.ends_with("/env") {
        program = words.next().unwrap_or("");
    }
    matches!(
        program.rsplit('/').next().unwrap_or(""),
        "sh" | "bash" | "dash" | "ksh" | "ash" | "busybox"
    )
}
