//! Which text BuildKit gives the shell for an instruction, and how offsets in
//! that text map back to the Dockerfile.

use std::ops::Range;

use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::{Arg, Heredoc, Instruction, Span};

use super::walk::{self, SHELLS};
use super::{basename, Connector, Nesting, Redirect, ShellCommand, ShellScript, ShellWord};

pub(super) fn parse_instruction(instruction: &Instruction) -> ShellScript {
    match instruction.command_form() {
        Some(CommandForm::Shell(arg)) if instruction.heredocs.is_empty() => {
            let offset = instruction.original_offset_of(arg);
            ShellScript::parse_text(&arg.value, &|s, e| {
                instruction.original_span(offset + s, offset + e)
            })
        }
        Some(CommandForm::Shell(arg)) => match instruction.heredocs.first() {
            // BuildKit runs a lone `<<EOF` body as the script itself.
            Some(heredoc) if is_single_heredoc(&arg.value) => heredoc_script(heredoc),
            // tree-sitter-bash misreads a second heredoc on one line (its body
            // becomes commands): mask the operators instead of reassembling.
            _ if instruction.heredocs.len() > 1 => masked_heredocs_script(instruction, arg),
            _ => reassembled_script(instruction, arg),
        },
        Some(CommandForm::Exec(args)) => exec_form(instruction, args),
        _ => ShellScript::default(),
    }
}

/// BuildKit's `MustParseHeredoc`: the whole command line is one heredoc word
/// (`<<EOF`, `<<-'EOF'`, `0<< EOF`).
fn is_single_heredoc(line: &str) -> bool {
    let rest = line.trim().trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    !rest.contains('<') && rest.split_whitespace().count() == 1
}

/// `RUN <<EOF`: the body is the script, unless a `#!` line names another
/// interpreter (BuildKit then executes the body as a file).
fn heredoc_script(heredoc: &Heredoc) -> ShellScript {
    let base = heredoc.body_span.start as usize;
    // The body is a verbatim slice of the source; if not, point at all of it.
    let exact = heredoc.content.len() == heredoc.body_span.len();
    let map = |s: usize, e: usize| {
        if exact {
            Span::new(base + s, base + e)
        } else {
            heredoc.body_span
        }
    };
    if let Some(shebang) = heredoc.content.strip_prefix("#!") {
        let line = shebang.lines().next().unwrap_or("");
        let mut words = split_words(line, 2).map(|(start, text)| ShellWord {
            text: text.to_string(),
            raw: text.to_string(),
            span: map(start, start + text.len()),
            is_static: true,
        });
        if let Some(name) = words.next() {
            let command = ShellCommand {
                span: map(0, 2 + line.len()),
                name: Some(name),
                args: words.collect(),
                assignments: Vec::new(),
                redirects: Vec::new(),
                connector: Connector::Start,
                nesting: Nesting::TopLevel,
                wrapped_by: None,
            };
            let chain: Vec<_> = walk::wrapper_chain(command)
                .into_iter()
                .map(|(c, _)| c)
                .collect();
            // `#!/usr/bin/env bash`: still a shell script (the `#!` line is a comment).
            let runs_shell = chain
                .last()
                .and_then(ShellCommand::program)
                .is_some_and(|p| SHELLS.contains(&p));
            if !runs_shell {
                return ShellScript {
                    commands: chain,
                    has_syntax_errors: false,
                };
            }
        }
    }
    ShellScript::parse_text(&heredoc.content, &map)
}

/// Several heredocs: the command line with each heredoc word blanked out
/// (same length, so spans stay exact), then each heredoc attached to the last
/// command that starts before it, and its body walked when that is a shell.
fn masked_heredocs_script(instruction: &Instruction, arg: &Arg) -> ShellScript {
    let offset = instruction.original_offset_of(arg);
    let mut line = arg.value.clone();
    let words = heredoc_words(&line);
    for range in &words {
        line.replace_range(range.clone(), &" ".repeat(range.len()));
    }
    let mut script = ShellScript::parse_text(&line, &|s, e| {
        instruction.original_span(offset + s, offset + e)
    });
    if words.len() != instruction.heredocs.len() {
        return script;
    }
    let mut children = Vec::new();
    for (range, heredoc) in words.iter().zip(&instruction.heredocs) {
        let span = instruction.original_span(offset + range.start, offset + range.end);
        // `a && <<EOF b`: after an operator the heredoc leads the next command.
        let leads = line[..range.start]
            .trim_end()
            .ends_with(['&', '|', ';', '(', '{'])
            || line[..range.start].trim().is_empty();
        let command = if leads {
            script
                .commands
                .iter_mut()
                .find(|c| c.span.start >= span.end)
        } else {
            script
                .commands
                .iter_mut()
                .rev()
                .find(|c| c.span.start <= span.start)
        };
        let Some(command) = command else {
            continue;
        };
        let written = &arg.value[range.clone()];
        let operator = written.trim_start_matches(|c: char| c.is_ascii_digit());
        command.redirects.push(Redirect {
            descriptor: (operator.len() < written.len()).then_some(heredoc.file_descriptor),
            operator: if heredoc.chomp { "<<-" } else { "<<" }.to_string(),
            target: Some(ShellWord {
                text: heredoc.name.clone(),
                raw: written.to_string(),
                span,
                is_static: true,
            }),
            span,
        });
        command.span = command.span.cover(span);
        let reads_script = heredoc.file_descriptor == 0
            && command.program().is_some_and(|p| SHELLS.contains(&p))
            && walk::dash_c_script(&command.args).is_none();
        if reads_script {
            let mut child = heredoc_script(heredoc);
            for c in &mut child.commands {
                if c.nesting == Nesting::TopLevel {
                    c.nesting = Nesting::ChildShell;
                }
            }
            children.push(child);
        }
    }
    for child in children {
        script.has_syntax_errors |= child.has_syntax_errors;
        script.commands.extend(child.commands);
    }
    script.commands.sort_by_key(|c| c.span.start);
    script
}

/// The ranges of the heredoc words of a command line (`5<<EOF`, `<<-'X'`,
/// `<< EOF` as one), as BuildKit finds them: whole words only.
fn heredoc_words(line: &str) -> Vec<Range<usize>> {
    let words: Vec<_> = split_words(line, 0).collect();
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(&(start, word)) = words.get(index) {
        index += 1;
        let operator = word.trim_start_matches(|c: char| c.is_ascii_digit());
        if !operator.starts_with("<<") || operator[2..].contains('<') {
            continue;
        }
        let mut end = start + word.len();
        if matches!(operator, "<<" | "<<-") {
            let Some(&(next, delimiter)) = words.get(index) else {
                continue;
            };
            index += 1;
            end = next + delimiter.len();
        }
        out.push(start..end);
    }
    out
}

/// Whitespace-separated words of `line` with their offsets (plus `offset`).
fn split_words(line: &str, offset: usize) -> impl Iterator<Item = (usize, &str)> {
    line.split([' ', '\t'])
        .scan(offset, |at, word| {
            let start = *at;
            *at += word.len() + 1;
            Some((start, word))
        })
        .filter(|(_, word)| !word.is_empty())
}

/// Where a piece of the reassembled script comes from.
enum Target {
    /// Offset in [`Instruction::original`].
    Original(usize),
    /// Offset in the source (a heredoc body).
    Source(usize),
    /// Text with no exact source (an inserted newline, a delimiter): one span.
    Fixed(Span),
}

struct Piece {
    start: usize,
    target: Target,
}

/// Any other heredoc form: BuildKit appends `"\n" + body + delimiter` for each
/// heredoc to the command line and gives the result to the shell, which then
/// reads the bodies as heredocs itself.
fn reassembled_script(instruction: &Instruction, arg: &Arg) -> ShellScript {
    let offset = instruction.original_offset_of(arg);
    let line = arg.value.as_str();
    let mut text = String::with_capacity(line.len());
    let mut pieces = Vec::new();
    match split_leading_heredocs(line) {
        // `<<EOF bash`: written as `bash <<EOF`, which means the same.
        Some((heredocs, command)) => {
            pieces.push(Piece {
                start: 0,
                target: Target::Original(offset + command.start),
            });
            text.push_str(&line[command]);
            pieces.push(Piece {
                start: text.len(),
                target: Target::Fixed(instruction.original_span(offset, offset)),
            });
            text.push(' ');
            pieces.push(Piece {
                start: text.len(),
                target: Target::Original(offset + heredocs.start),
            });
            text.push_str(&line[heredocs]);
        }
        None => {
            pieces.push(Piece {
                start: 0,
                target: Target::Original(offset),
            });
            text.push_str(line);
        }
    }
    for heredoc in &instruction.heredocs {
        let body = heredoc.body_span;
        let mut push = |piece: &str, target: Target| {
            pieces.push(Piece {
                start: text.len(),
                target,
            });
            text.push_str(piece);
        };
        push("\n", Target::Fixed(Span::empty(body.start as usize)));
        let exact = heredoc.content.len() == body.len();
        let target = if exact {
            Target::Source(body.start as usize)
        } else {
            Target::Fixed(body)
        };
        push(&heredoc.content, target);
        push(&heredoc.name, Target::Fixed(heredoc.terminator_span));
    }
    let map = |s: usize, e: usize| map_pieces(instruction, &pieces, s, e);
    ShellScript::parse_text(&text, &map)
}

/// tree-sitter-bash cannot parse a heredoc before the command name (`<<EOF
/// bash`, valid POSIX). When the line starts with heredoc operators and then a
/// command with no heredoc of its own, the ranges of both parts.
fn split_leading_heredocs(line: &str) -> Option<(Range<usize>, Range<usize>)> {
    let words = split_words(line, 0).collect::<Vec<_>>();
    let mut count = 0;
    while let Some((_, word)) = words.get(count) {
        let op = word.trim_start_matches(|c: char| c.is_ascii_digit());
        if !op.starts_with("<<") || op.starts_with("<<<") {
            break;
        }
        // `<< EOF`: the delimiter is the next word.
        count += if matches!(op, "<<" | "<<-") { 2 } else { 1 };
    }
    let (first, _) = *words.first()?;
    let (last, last_word) = *words.get(count.checked_sub(1)?)?;
    let (command_start, _) = *words.get(count)?;
    let command = line.get(command_start..)?.trim_end();
    let is_command =
        !command.starts_with(['&', '|', ';', '<', '>', '(', ')']) && !command.contains("<<");
    is_command.then(|| {
        (
            first..last + last_word.len(),
            command_start..command_start + command.len(),
        )
    })
}

fn map_pieces(instruction: &Instruction, pieces: &[Piece], start: usize, end: usize) -> Span {
    let piece_at = |offset: usize| pieces.iter().rposition(|p| p.start <= offset).unwrap_or(0);
    let map_in = |index: usize, s: usize, e: usize| {
        let Some(piece) = pieces.get(index) else {
            return Span::empty(0);
        };
        let (s, e) = (s - piece.start, e - piece.start);
        match piece.target {
            Target::Original(o) => instruction.original_span(o + s, o + e),
            Target::Source(b) => Span::new(b + s, b + e),
            Target::Fixed(span) => span,
        }
    };
    let first = piece_at(start);
    let last = piece_at(end.saturating_sub(1).max(start));
    if first == last {
        return map_in(first, start, end.max(start));
    }
    let first_end = pieces.get(first + 1).map_or(end, |p| p.start);
    let last_start = pieces.get(last).map_or(start, |p| p.start);
    map_in(first, start, first_end).cover(map_in(last, last_start, end))
}

/// `["sh", "-c", "script"]` is a script; any other array is one command.
fn exec_form(instruction: &Instruction, args: &[Arg]) -> ShellScript {
    let words: Vec<ShellWord> = args
        .iter()
        .map(|a| ShellWord {
            text: a.value.clone(),
            raw: a.value.clone(),
            span: a.span,
            is_static: true,
        })
        .collect();
    let Some((name, rest)) = words.split_first() else {
        return ShellScript::default();
    };
    if SHELLS.contains(&basename(&name.text)) {
        if let Some(script) = walk::dash_c_script(rest).and_then(|i| args.get(i + 1)) {
            return exec_script(instruction, script);
        }
    }
    let span = rest
        .last()
        .map_or(name.span, |last| name.span.cover(last.span));
    let command = ShellCommand {
        name: Some(name.clone()),
        args: rest.to_vec(),
        assignments: Vec::new(),
        redirects: Vec::new(),
        span,
        connector: Connector::Start,
        nesting: Nesting::TopLevel,
        wrapped_by: None,
    };
    ShellScript {
        commands: walk::wrapper_chain(command)
            .into_iter()
            .map(|(c, _)| c)
            .collect(),
        has_syntax_errors: false,
    }
}

/// The script of an exec-form `sh -c`: exact spans when the JSON string is
/// written without escapes (its text then sits between the quotes as is),
/// else the whole string's span for every word.
fn exec_script(instruction: &Instruction, script: &Arg) -> ShellScript {
    let offset = instruction.original_offset_of(script);
    let verbatim = instruction
        .original
        .get(offset..)
        .and_then(|rest| rest.strip_prefix('"'))
        .and_then(|rest| rest.strip_prefix(script.value.as_str()))
        .is_some_and(|rest| rest.starts_with('"'));
    ShellScript::parse_text(&script.value, &|s, e| {
        if verbatim {
            instruction.original_span(offset + 1 + s, offset + 1 + e)
        } else {
            script.span
        }
    })
}
