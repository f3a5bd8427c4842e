//! An open document: its text, version and line table, kept in step with the
//! editor through full and incremental `didChange` events.

use std::sync::Arc;

use lsp_types::TextDocumentContentChangeEvent;

use crate::position::{Encoding, LineTable};

#[derive(Debug, Clone)]
pub struct Document {
    /// Shared with linting jobs; copied on write only while a job still holds it.
    pub text: Arc<String>,
    pub version: i32,
    pub lines: Arc<LineTable>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let lines = Arc::new(LineTable::new(&text));
        Document {
            text: Arc::new(text),
            version,
            lines,
        }
    }

    /// Apply `changes` in order: each range is relative to the text left by the
    /// one before it; a change without a range replaces the whole text.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => self.text = Arc::new(change.text),
                Some(range) => {
                    let (start, end) = self.lines.span(range, &self.text, encoding);
                    Arc::make_mut(&mut self.text).replace_range(start..end, &change.text);
                }
            }
            self.lines = Arc::new(LineTable::new(&self.text));
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(start.0, start.1),
                Position::new(end.0, end.1),
            )),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_with_utf16_columns() {
        let mut doc = Document::new("FROM x\nRUN echo 😀 a\n".into(), 1);
        doc.apply_changes(
            vec![
                // After the emoji (2 UTF-16 units): replace "a" with "b".
                change((1, 12), (1, 13), "b"),
                // Then insert a line at the top, relative to the new text.
                change((0, 0), (0, 0), "# c\n"),
            ],
            2,
            Encoding::Utf16,
        );
        assert_eq!(doc.text.as_str(), "# c\nFROM x\nRUN echo 😀 b\n");
        assert_eq!(doc.version, 2);
        doc.apply_changes(
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "FROM y\n".into(),
            }],
            3,
            Encoding::Utf16,
        );
        assert_eq!(doc.text.as_str(), "FROM y\n");
    }

    #[test]
    fn out_of_range_changes_clamp_instead_of_panicking() {
        let mut doc = Document::new("FROM x".into(), 1);
        doc.apply_changes(vec![change((9, 9), (3, 1), "!")], 2, Encoding::Utf16);
        assert_eq!(doc.text.as_str(), "FROM x!");
    }
}
