//! Byte offset → line/column conversion, built once per file.

use crate::Span;

/// Start offsets of every line. Only `\n` ends a line (as in BuildKit); a lone
/// `\r` is part of the line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

/// A 1-based line and column. `column` counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex {
            line_starts,
            len: source.len() as u32,
        }
    }

    /// Number of lines; a final newline starts one more (empty) line.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line containing `offset` (offsets past the end map to the last line).
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset.min(self.len)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Span of 0-based `line`, without its line terminator (`\n` or `\r\n`).
    pub fn line_span(&self, line: usize, source: &str) -> Span {
        let start = self.line_start(line) as usize;
        let mut end = self
            .line_starts
            .get(line + 1)
            .map(|&next| next as usize - 1)
            .unwrap_or(source.len());
        if end > start && source.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// 1-based line and column (in characters) of `offset`.
    pub fn line_column(&self, offset: u32, source: &str) -> LineColumn {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = clamp_to_char_boundary(source, offset as usize);
        let column = source.get(start..end).map_or(0, |s| s.chars().count());
        LineColumn {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// 0-based line and UTF-16 column of `offset`, as the Language Server Protocol counts.
    pub fn utf16_position(&self, offset: u32, source: &str) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = clamp_to_char_boundary(source, offset as usize);
        let column = source
            .get(start..end)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum::<usize>());
        (line as u32, column as u32)
    }

    /// Byte offset of a 0-based line and UTF-16 column; columns past the line end clamp to it.
    pub fn offset_of_utf16(&self, line: u32, column: u32, source: &str) -> u32 {
        let line = line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let span = self.line_span(line, source);
        let mut remaining = column as usize;
        let mut offset = span.start as usize;
        for c in span.text(source).chars() {
            if remaining < c.len_utf16() {
                break;
            }
            remaining -= c.len_utf16();
            offset += c.len_utf8();
        }
        offset as u32
    }
}

fn clamp_to_char_boundary(source: &str, mut offset: usize) -> usize {
    offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let src = "FROM x\nRUN echo é😀 z\n";
        let index = LineIndex::new(src);
        let z = src.find('z').unwrap() as u32;
        assert_eq!(
            index.line_column(z, src),
            LineColumn {
                line: 2,
                column: 13
            }
        );
        assert_eq!(index.utf16_position(z, src), (1, 13));
        assert_eq!(index.offset_of_utf16(1, 13, src), z);
    }

    #[test]
    fn lone_cr_does_not_end_a_line() {
        let src = "FROM x\rRUN a\nRUN b";
        let index = LineIndex::new(src);
        assert_eq!(index.line_count(), 2);
        assert_eq!(index.line_of(src.find("RUN b").unwrap() as u32), 1);
    }

    #[test]
    fn line_span_excludes_crlf() {
        let src = "FROM x\r\nRUN a\r\n";
        let index = LineIndex::new(src);
        assert_eq!(index.line_span(0, src).text(src), "FROM x");
        assert_eq!(index.line_span(1, src).text(src), "RUN a");
    }
}
