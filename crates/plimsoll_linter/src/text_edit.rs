//! Line-level helpers for fixes and the optimizer, which edit the original
//! text: whole-instruction spans, the file's newline, indentation.

use plimsoll_syntax::{Instruction, Span};

/// Offset of the start of the line holding `offset`.
pub(crate) fn line_start(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Offset just after the newline that ends the line holding `offset` (the end
/// of the file when the line has no newline).
pub(crate) fn next_line_start(source: &str, offset: usize) -> usize {
    source
        .get(offset..)
        .and_then(|after| after.find('\n'))
        .map_or(source.len(), |i| offset + i + 1)
}

/// The lines an instruction occupies, from the start of its first line to
/// after the newline of its last (continuations and heredoc bodies included).
pub(crate) fn instruction_lines(source: &str, instruction: &Instruction) -> Span {
    let start = line_start(source, instruction.span.start as usize);
    let end = next_line_start(source, (instruction.span.end as usize).max(start));
    Span::new(start, end)
}

/// `\r\n` when the file's first line ends that way, else `\n`.
pub(crate) fn newline(source: &str) -> &'static str {
    match source.find('\n') {
        Some(i) if i > 0 && source.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The blanks before the first word of the line holding `offset`.
pub(crate) fn indentation(source: &str, offset: usize) -> &str {
    let start = line_start(source, offset);
    let line = &source[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// The start of the comment lines directly above the line at `offset`
/// (comments describe, and pragmas target, the instruction below them).
pub(crate) fn comment_block_start(source: &str, offset: usize) -> usize {
    let mut start = line_start(source, offset);
    while start > 0 {
        let previous = line_start(source, start - 1);
        if source[previous..start].trim_start().starts_with('#') {
            start = previous;
        } else {
            break;
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instruction_lines_cover_continuations_and_the_newline() {
        let source = "FROM a\n  RUN x \\\n  y\nCMD z";
        let file = plimsoll_syntax::parse(source);
        let run = &file.instructions[1];
        assert_eq!(
            instruction_lines(source, run).text(source),
            "  RUN x \\\n  y\n"
        );
        assert_eq!(
            instruction_lines(source, &file.instructions[2]).text(source),
            "CMD z"
        );
        assert_eq!(indentation(source, run.span.start as usize), "  ");
        assert_eq!(newline("A\r\nB"), "\r\n");
        assert_eq!(newline("A\nB\r\n"), "\n");
    }
}
