//! Offsets in joined text (a logical line) → offsets in the original source.

use serde::Serialize;

use crate::Span;

/// Maps each byte of a text that was assembled from pieces of the source (a
/// continued instruction) back to where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceMap {
    /// `(offset in text, offset in source)` at the start of each piece.
    segments: Vec<(u32, u32)>,
}

impl SourceMap {
    /// Start a piece; a piece at the same text offset as the last one replaces it
    /// (offsets must stay strictly increasing for the binary search).
    pub(crate) fn push(&mut self, text_offset: usize, source_offset: usize) {
        let segment = (text_offset as u32, source_offset as u32);
        match self.segments.last_mut() {
            Some(last) if last.0 == segment.0 => *last = segment,
            _ => self.segments.push(segment),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Source offset of byte `offset` of the text.
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

    /// Source span of `start..end` of the text (`text_len` bounds empty spans at the end).
    pub fn span(&self, start: usize, end: usize, text_len: usize) -> Span {
        if end <= start {
            let at = if start >= text_len && start > 0 {
                self.source_offset(start - 1) + 1
            } else {
                self.source_offset(start)
            };
            return Span::empty(at);
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }

    /// The map of the sub-text starting at `start` (offsets re-based to 0).
    pub(crate) fn slice_from(&self, start: usize) -> SourceMap {
        let mut out = SourceMap::default();
        out.push(0, self.source_offset(start));
        for &(text, source) in &self.segments {
            if text as usize > start {
                out.segments.push((text - start as u32, source));
            }
        }
        out
    }
}
