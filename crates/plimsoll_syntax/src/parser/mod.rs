//! The parser: physical lines → directives, comments and logical lines →
//! instructions. It follows BuildKit's `parser.Parse` step by step (see
//! `../shared/reference/buildkit-parser.md`), but it keeps going after an
//! error so that one bad line does not hide the rest of the file.

mod directive;
mod heredoc;
mod json;
mod logical;
mod split;

use crate::ast::{
    Comment, Directive, Dockerfile, Heredoc, Instruction, Keyword, ParseError, ParseWarning,
};
use crate::Span;
use logical::LogicalLine;

/// BuildKit reads lines with Go's `bufio.Scanner`, whose token limit is 64 KiB.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// Parse Dockerfile text. Never panics; errors are returned inside the AST.
pub fn parse(source: &str) -> Dockerfile {
    Parser::new(source).run()
}

/// A physical line: `start..content_end` is its text without trailing CR/LF.
#[derive(Clone, Copy)]
struct PhysicalLine {
    start: usize,
    content_end: usize,
}

struct Parser<'s> {
    source: &'s str,
    /// Next byte to read.
    pos: usize,
    /// Number of physical lines read so far (BuildKit's `currentLine`).
    line_number: u32,
    escape: u8,
    directives: directive::DirectiveScanner,
    out: Dockerfile,
}

impl<'s> Parser<'s> {
    fn new(source: &'s str) -> Self {
        Parser {
            source,
            pos: 0,
            line_number: 0,
            escape: b'\\',
            directives: directive::DirectiveScanner::default(),
            out: Dockerfile {
                directives: Vec::new(),
                escape: '\\',
                instructions: Vec::new(),
                comments: Vec::new(),
                errors: Vec::new(),
                warnings: Vec::new(),
            },
        }
    }

    fn next_line(&mut self) -> Option<PhysicalLine> {
        if self.pos >= self.source.len() {
            return None;
        }
        let bytes = self.source.as_bytes();
        let mut start = self.pos;
        let end = memchr_newline(&bytes[start..]).map_or(bytes.len(), |i| start + i + 1);
        self.pos = end;
        if self.line_number == 0 && bytes[start..end].starts_with(b"\xEF\xBB\xBF") {
            start += 3;
        }
        let mut content_end = end;
        while content_end > start && matches!(bytes[content_end - 1], b'\r' | b'\n') {
            content_end -= 1;
        }
        // Go's bufio.Scanner needs the line *and* one more byte (the newline, or
        // room to see EOF) in its 64 KiB buffer: 65,535 content bytes is the most.
        let needed = end - self.pos_line_start(start) + usize::from(!bytes[..end].ends_with(b"\n"));
        if needed > MAX_LINE_BYTES {
            self.error(
                "dockerfile line greater than max allowed size of 65535".into(),
                Span::new(start, content_end),
                (self.line_number + 1, self.line_number + 1),
            );
        }
        self.line_number += 1;
        Some(PhysicalLine { start, content_end })
    }

    /// The byte where the physical line began, BOM included (the limit counts it).
    fn pos_line_start(&self, start: usize) -> usize {
        if self.line_number == 0 && start == 3 {
            0
        } else {
            start
        }
    }

    fn text(&self, start: usize, end: usize) -> &'s str {
        &self.source[start..end]
    }

    fn error(&mut self, message: String, span: Span, lines: (u32, u32)) {
        self.out.errors.push(ParseError {
            message,
            span,
            buildkit_lines: lines,
        });
    }

    fn run(mut self) -> Dockerfile {
        let mut prev_comments: Vec<String> = Vec::new();
        while let Some(first) = self.next_line() {
            let raw = self.text(first.start, first.content_end);
            let indent = raw.len() - raw.trim_start().len();
            let stripped_start = first.start + indent;
            let stripped = &raw[indent..];

            if let Some(found) = self.directives.scan(stripped) {
                self.handle_directive(found, stripped_start, first);
                continue;
            }
            if stripped.starts_with('#') {
                // BuildKit trims from the second byte of the raw line, not after the '#'.
                let text = raw.get(1..).unwrap_or("").trim();
                if text.is_empty() {
                    prev_comments.clear();
                } else {
                    prev_comments.push(text.to_string());
                }
                self.push_comment(stripped_start, first.content_end, false);
                continue;
            }

            let start_line = self.line_number;
            let mut logical = LogicalLine::default();
            let (piece, mut ended) = trim_continuation(stripped, self.escape);
            if ended && piece.is_empty() {
                continue;
            }
            logical.push(stripped_start, piece);
            let mut last_end = first.content_end;
            let mut empty_lines = Vec::new();
            while !ended {
                let Some(next) = self.next_line() else { break };
                last_end = next.content_end;
                let raw = self.text(next.start, next.content_end);
                let trimmed = raw.trim_start();
                if trimmed.starts_with('#') {
                    let hash = next.start + (raw.len() - trimmed.len());
                    self.push_comment(hash, next.content_end, true);
                    continue;
                }
                if trimmed.is_empty() {
                    empty_lines.push(Span::new(next.start, next.content_end));
                    continue;
                }
                let (piece, is_end) = trim_continuation(raw, self.escape);
                ended = is_end;
                logical.push(next.start, piece);
            }
            let end_line = self.line_number;

            let mut instruction =
                match split::instruction_from_line(&logical, 0, logical.text.len(), self.escape) {
                    Ok(instruction) => instruction,
                    Err(message) => {
                        let span = Span::new(stripped_start, last_end);
                        self.error(message, span, (start_line, end_line));
                        prev_comments.clear();
                        continue;
                    }
                };
            if !empty_lines.is_empty() {
                self.out.warnings.push(ParseWarning {
                    message: format!("Empty continuation line found in: {}", logical.text),
                    span: instruction.span,
                });
            }
            instruction.empty_continuation_lines = empty_lines;
            instruction.start_line = start_line;
            instruction.prev_comments = std::mem::take(&mut prev_comments);

            if can_contain_heredoc(&instruction) && logical.text.contains("<<") {
                if let Err(span) = self.read_heredocs(&logical.text, &mut instruction) {
                    self.error(
                        "unterminated heredoc".into(),
                        Span::new(instruction.span.start as usize, span.end as usize),
                        (start_line, self.line_number),
                    );
                    continue;
                }
            }
            instruction.end_line = self.line_number;
            self.out.instructions.push(instruction);
        }
        if self.out.instructions.is_empty() && self.out.errors.is_empty() {
            let end = self.source.len();
            self.error(
                "file with no instructions".into(),
                Span::empty(end),
                (self.line_number, self.line_number),
            );
        }
        self.out.escape = char::from(self.escape);
        self.out
    }

    fn push_comment(&mut self, hash: usize, end: usize, in_continuation: bool) {
        let text = self.source[hash..end].trim_start();
        let text = text.strip_prefix('#').unwrap_or(text).trim().to_string();
        self.out.comments.push(Comment {
            text,
            span: Span::new(hash, end),
            in_continuation,
        });
    }

    fn handle_directive(&mut self, found: directive::Found, line_start: usize, line: PhysicalLine) {
        // BuildKit reports directive errors on the 0-based line index.
        let reported = self.line_number - 1;
        let span = Span::new(line_start, line.content_end);
        match found {
            directive::Found::Duplicate(name) => self.error(
                format!("only one {name} parser directive can be used"),
                span,
                (reported, reported),
            ),
            directive::Found::Directive {
                name,
                value,
                value_start,
                value_end,
            } => {
                if name == "escape" {
                    match value.as_str() {
                        "\\" => self.escape = b'\\',
                        "`" => self.escape = b'`',
                        _ => self.error(
                            format!("invalid escape token '{value}' does not match ` or \\"),
                            span,
                            (reported, reported),
                        ),
                    }
                }
                self.out.directives.push(Directive {
                    name,
                    value,
                    span,
                    value_span: Span::new(line_start + value_start, line_start + value_end),
                });
            }
        }
    }

    /// Read the bodies of the heredocs announced on the instruction line.
    /// On EOF before a terminator, returns the span read so far.
    fn read_heredocs(&mut self, line: &str, instruction: &mut Instruction) -> Result<(), Span> {
        for start in heredoc::heredocs_in_line(line) {
            let body_start = self.pos;
            let mut terminator = None;
            while let Some(next) = self.next_line() {
                let mut candidate = self.text(next.start, next.content_end);
                if start.chomp {
                    candidate = candidate.trim_start_matches('\t');
                }
                if candidate == start.name {
                    terminator = Some(next);
                    break;
                }
            }
            let Some(terminator) = terminator else {
                return Err(Span::new(body_start, self.source.len()));
            };
            instruction.heredocs.push(Heredoc {
                name: start.name,
                file_descriptor: start.file_descriptor,
                expand: start.expand,
                chomp: start.chomp,
                content: self.source[body_start..terminator.start].to_string(),
                body_span: Span::new(body_start, terminator.start),
                terminator_span: Span::new(terminator.start, terminator.content_end),
            });
            instruction.span.end = terminator.content_end as u32;
        }
        Ok(())
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// BuildKit's continuation regex `([^E])E[ \t]*$|^E[ \t]*$`: returns the line
/// without the escape and trailing blanks, and whether the instruction ends here.
fn trim_continuation(line: &str, escape: u8) -> (&str, bool) {
    let without_blanks = line.trim_end_matches([' ', '\t']);
    let bytes = without_blanks.as_bytes();
    match bytes.split_last() {
        Some((&last, before)) if last == escape => {
            if before.last() == Some(&escape) {
                (line, true)
            } else {
                (&without_blanks[..bytes.len() - 1], false)
            }
        }
        _ => (line, true),
    }
}

/// BuildKit reads heredocs only for RUN, COPY and ADD (also as an ONBUILD
/// trigger), and never in exec form.
fn can_contain_heredoc(instruction: &Instruction) -> bool {
    let target = if instruction.keyword == Keyword::Onbuild {
        instruction.trigger.as_deref().unwrap_or(instruction)
    } else {
        instruction
    };
    matches!(target.keyword, Keyword::Run | Keyword::Copy | Keyword::Add) && !target.json
}
