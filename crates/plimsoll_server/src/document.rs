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

    /// A tiny deterministic generator, so the test needs no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// Valid (line, UTF-16 column) positions of `text`, on character boundaries,
    /// computed independently of `LineTable`: the text as UTF-16 units per line.
    fn positions(text: &str) -> Vec<(u32, u32, usize)> {
        let mut out = Vec::new();
        let mut offset = 0;
        for (line, content) in text.split('\n').enumerate() {
            let mut units = 0;
            for c in content.chars() {
                out.push((line as u32, units, offset));
                units += c.len_utf16() as u32;
                offset += c.len_utf8();
            }
            out.push((line as u32, units, offset));
            offset += 1;
        }
        out
    }

    #[test]
    fn random_incremental_edits_match_a_reference() {
        let pieces = ["a", "é", "😀", "\n", "RUN x\n", "", "\\\n", "字"];
        let mut rng = Lcg(7);
        let mut expected = String::from("FROM x\nRUN 😀 é\n");
        let mut doc = Document::new(expected.clone(), 1);
        for version in 2..400 {
            let valid = positions(&expected);
            let a = valid[rng.below(valid.len())];
            let b = valid[rng.below(valid.len())];
            let (start, end) = if a.2 <= b.2 { (a, b) } else { (b, a) };
            let insert = pieces[rng.below(pieces.len())];
            expected.replace_range(start.2..end.2, insert);
            doc.apply_changes(
                vec![change((start.0, start.1), (end.0, end.1), insert)],
                version,
                Encoding::Utf16,
            );
            assert_eq!(doc.text.as_str(), expected, "after edit {version}");
        }
    }
}
