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
            // A line that is only an escape still starts an instruction (an
            // empty one, at EOF): anchor its spans there, not at offset 0.
            if self.map.is_empty() {
                self.map.push(0, source_offset);
            }
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

    #[test]
    fn an_empty_line_is_anchored_where_it_starts() {
        let mut line = LogicalLine::default();
        line.push(7, "");
        assert_eq!(line.span(0, 0), Span::empty(7));
        // Text pushed later replaces the anchor instead of adding a second segment at 0.
        line.push(9, "RUN");
        assert_eq!(line.span(0, 3), Span::new(9, 12));
    }
}
