//! ShellCheck's `json1` output, and its positions as byte offsets.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Output {
    pub comments: Vec<Comment>,
}

/// One finding. Lines and columns are 1-based; columns count characters
/// (a tab is one) and `end_column` is exclusive.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Comment {
    pub file: String,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub level: String,
    pub code: u32,
    pub message: String,
    pub fix: Option<CommentFix>,
}

#[derive(Debug, Deserialize)]
pub(super) struct CommentFix {
    pub replacements: Vec<Replacement>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Replacement {
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub replacement: String,
}

/// Line starts of a text, to turn ShellCheck's (line, column) into offsets.
pub(super) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The byte offset of 1-based `line`, `column`; a column past the end of
    /// the line is its end. `None` for a line that does not exist.
    pub fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let content = &self.text[start..end];
        let within = content
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(content.len(), |(i, _)| i);
        Some(start + within)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let lines = Lines::new("a\n\técho é$x\nlast");
        assert_eq!(lines.offset(1, 1), Some(0));
        assert_eq!(lines.offset(2, 1), Some(2));
        // Line 2 is a tab and `écho é$x`: `$x` is its 8th character, and
        // each `é` is two bytes.
        assert_eq!(lines.offset(2, 8), Some(2 + 9));
        assert_eq!(lines.offset(2, 99), Some(2 + 11));
        assert_eq!(lines.offset(3, 5), Some(18));
        assert_eq!(lines.offset(4, 1), None);
        assert_eq!(lines.offset(0, 1), None);
    }

    #[test]
    fn reads_json1() {
        let text = r#"{"comments":[{"file":"a.sh","line":3,"endLine":3,"column":7,"endColumn":9,"level":"info","code":2086,"message":"Double quote","fix":{"replacements":[{"column":7,"endColumn":7,"endLine":3,"insertionPoint":"afterEnd","line":3,"precedence":7,"replacement":"\""}]}}]}"#;
        let output: Output = serde_json::from_str(text).unwrap();
        let comment = &output.comments[0];
        assert_eq!((comment.code, comment.line, comment.column), (2086, 3, 7));
        assert_eq!(
            comment.fix.as_ref().unwrap().replacements[0].replacement,
            "\""
        );
    }
}
