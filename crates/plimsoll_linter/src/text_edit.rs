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

/// Is the line starting at `start` blank (or the end of the file)?
fn blank_line_at(source: &str, start: usize) -> bool {
    let end = next_line_start(source, start);
    source[start..end].trim().is_empty()
}

/// What to delete to remove an instruction for good: its lines, the comment
/// lines directly above it (they describe it, or are pragmas for it), and a
/// blank line below it when one is also above, so no double gap is left.
pub(crate) fn instruction_removal(source: &str, instruction: &Instruction) -> Span {
    let lines = instruction_lines(source, instruction);
    let start = comment_block_start(source, lines.start as usize);
    let mut end = lines.end as usize;
    let blank_above = start == 0 || blank_line_at(source, line_start(source, start - 1));
    if blank_above && end < source.len() && blank_line_at(source, end) {
        end = next_line_start(source, end);
    }
    Span::new(start, end)
}

/// The lines of `instruction` with the comments directly above it, and
/// whether a blank line precedes them (then the span starts at that blank
/// line, so that moving the block away leaves no double gap).
pub(crate) fn instruction_block(source: &str, instruction: &Instruction) -> (Span, bool) {
    let lines = instruction_lines(source, instruction);
    let start = comment_block_start(source, lines.start as usize);
    if start > 0 {
        let previous = line_start(source, start - 1);
        if blank_line_at(source, previous) {
            return (Span::new(previous, lines.end as usize), true);
        }
    }
    (Span::new(start, lines.end as usize), false)
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
        let source = "FROM a\n\n# why\nRUN x\n\nCMD y\n";
        let file = plimsoll_syntax::parse(source);
        let removal = instruction_removal(source, &file.instructions[1]);
        assert_eq!(removal.text(source), "# why\nRUN x\n\n");
        let (block, blank) = instruction_block(source, &file.instructions[1]);
        assert_eq!((block.text(source), blank), ("\n# why\nRUN x\n", true));
        assert_eq!(newline("A\nB\r\n"), "\n");
    }
}
