//! A logical line: physical lines joined at continuations, with a map from
//! every byte of the joined text back to the original source.

use crate::source_map::SourceMap;
use crate::Span;

#[derive(Debug, Default)]
pub(crate) struct LogicalLine {
    pub text: String,
    pub map: SourceMap,
}

impl LogicalLine {
    pub fn push(&mut self, source_offset: usize, piece: &str) {
        if piece.is_empty() {
            return;
        }
        self.map.push(self.text.len(), source_offset);
        self.text.push_str(piece);
    }

    /// Source span of `start..end` of the joined text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        self.map.span(start, end, self.text.len())
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
        let sub = line.map.slice_from(4);
        assert_eq!(sub.span(4, 5, 5).text(source), "b");
    }
}
