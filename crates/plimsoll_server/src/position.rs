//! Byte offsets ↔ LSP positions.
//!
//! The linter speaks byte offsets; LSP speaks 0-based lines and columns in the
//! negotiated encoding (UTF-16 code units unless the client offers better).
//! LSP lines end at `\n`, `\r\n` or a lone `\r`, which is not quite BuildKit's
//! rule (only `\n`), so the server keeps its own line table.

use lsp_types::{Position, PositionEncodingKind, Range};
use plimsoll_syntax::Span;

/// What a column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    /// The best encoding the client offers: UTF-8 needs no counting, UTF-16 is
    /// the protocol's default and what every client understands.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or(&[]);
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }
}

/// Start offsets of the lines of one text, as LSP counts lines.
#[derive(Debug, Clone)]
pub struct LineTable {
    starts: Vec<usize>,
    len: usize,
}

impl LineTable {
    pub fn new(text: &str) -> LineTable {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        LineTable {
            starts,
            len: text.len(),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset.min(self.len)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// The text of `line` without its line break.
    fn line_text<'a>(&self, line: usize, text: &'a str) -> &'a str {
        let start = self.line_start(line);
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let content = text.get(start..end).unwrap_or("");
        content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content)
    }

    /// The position of a byte offset (an offset inside a character counts from
    /// that character's start).
    pub fn position(&self, offset: usize, text: &str, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = match encoding {
            Encoding::Utf8 => offset - start,
            _ => text
                .get(start..offset)
                .map_or(0, |s| s.chars().map(|c| encoding.units(c)).sum()),
        };
        Position::new(line as u32, column as u32)
    }

    /// The byte offset of a position. A column past the end of its line means
    /// the end of the line, a line past the end of the text means the end of
    /// the text, and a column inside a character means that character's start.
    pub fn offset(&self, position: Position, text: &str, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let start = self.line_start(line);
        let mut remaining = position.character as usize;
        let mut offset = start;
        for c in self.line_text(line, text).chars() {
            let units = encoding.units(c);
            if remaining < units {
                break;
            }
            remaining -= units;
            offset += c.len_utf8();
        }
        offset
    }

    pub fn range(&self, span: Span, text: &str, encoding: Encoding) -> Range {
        Range::new(
            self.position(span.start as usize, text, encoding),
            self.position(span.end as usize, text, encoding),
        )
    }

    /// Byte offsets of a range, ordered and within the text.
    pub fn span(&self, range: Range, text: &str, encoding: Encoding) -> (usize, usize) {
        let start = self.offset(range.start, text, encoding);
        let end = self.offset(range.end, text, encoding);
        (start.min(end), start.max(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_as_two() {
        let text = "FROM x\nRUN echo é😀 z\n";
        let table = LineTable::new(text);
        let z = text.find('z').unwrap();
        assert_eq!(
            table.position(z, text, Encoding::Utf16),
            Position::new(1, 13)
        );
        assert_eq!(
            table.position(z, text, Encoding::Utf32),
            Position::new(1, 12)
        );
        assert_eq!(
            table.position(z, text, Encoding::Utf8),
            Position::new(1, 16)
        );
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let position = table.position(z, text, encoding);
            assert_eq!(table.offset(position, text, encoding), z);
        }
    }

    #[test]
    fn positions_inside_a_character_and_past_the_line_clamp() {
        let text = "A😀B\r\nC";
        let table = LineTable::new(text);
        // Column 2 is between the two halves of the emoji.
        assert_eq!(table.offset(Position::new(0, 2), text, Encoding::Utf16), 1);
        assert_eq!(table.offset(Position::new(0, 99), text, Encoding::Utf16), 6);
        assert_eq!(table.offset(Position::new(1, 0), text, Encoding::Utf16), 8);
        assert_eq!(
            table.offset(Position::new(7, 0), text, Encoding::Utf16),
            text.len()
        );
        // An offset inside the emoji reports the emoji's start.
        assert_eq!(
            table.position(3, text, Encoding::Utf16),
            Position::new(0, 1)
        );
    }

    #[test]
    fn lone_carriage_return_ends_a_line_for_lsp() {
        let text = "FROM a\rRUN b\r\nRUN c\n";
        let table = LineTable::new(text);
        assert_eq!(
            table.position(text.find("RUN b").unwrap(), text, Encoding::Utf16),
            Position::new(1, 0)
        );
        assert_eq!(
            table.position(text.find("RUN c").unwrap(), text, Encoding::Utf16),
            Position::new(2, 0)
        );
    }
}
