//! A logical line: physical lines joined at continuations, with a map from
//! every byte of the joined text back to the original source.

use crate::Span;

#[derive(Debug, Default)]
pub(crate) struct LogicalLine {
    pub text: String,
    /// `(offset in text, offset in source)` at the start of each joined piece.
    segments: Vec<(u32, u32)>,
}

impl LogicalLine {
    pub fn push(&mut self, source_offset: usize, piece: &str) {
        if piece.is_empty() {
            return;
        }
        self.segments
            .push((self.text.len() as u32, source_offset as u32));
        self.text.push_str(piece);
    }

    /// Source offset of byte `offset` of the joined text.
    pub fn source_offset(&self, offset: usize) -> usize {
        let offset = offset as u32;
        let index = match self.segments.binary_search_by_key(&offset, |s| s.0) {
            Ok(i) => i,
            Err(0) => return self.segments.first().map_or(0, |s| s.1 as usize),
            Err(i) => i - 1,
        };
        let (text_start, source_start) = self.segments[index];
        (source_start + (offset - text_start)) as usize
    }

    /// Source span of `start..end` of the joined text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let at = if start >= self.text.len() && start > 0 {
                self.source_offset(start - 1) + 1
            } else {
                self.source_offset(start)
            };
            return Span::empty(at);
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_joined_pieces() {
        let source = "RUN a \\\n  b";
        let mut line = LogicalLine::default();
        line.push(0, "RUN a ");
        line.push(8, "  b");
        assert_eq!(line.text, "RUN a   b");
        let b = line.text.find('b').unwrap();
        assert_eq!(line.span(b, b + 1).text(source), "b");
        assert_eq!(line.span(4, 9).text(source), "a \\\n  b");
    }
}
