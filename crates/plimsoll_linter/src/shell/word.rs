//! Words: quote removal, and whether the value is known before run time.

use std::ops::Range;

use plimsoll_syntax::Span;
use tree_sitter::Node;

use super::ShellWord;

/// The text being walked and how its offsets reach the source. A child script
/// (`bash <<EOF` body) is parsed on its own, so its node offsets start at `base`.
pub(super) struct Text<'a> {
    full: &'a str,
    base: usize,
    map: &'a dyn Fn(usize, usize) -> Span,
}

impl<'a> Text<'a> {
    pub(super) fn new(full: &'a str, base: usize, map: &'a dyn Fn(usize, usize) -> Span) -> Self {
        Text { full, base, map }
    }

    /// `node`'s range in the whole text.
    pub(super) fn range(&self, node: Node<'_>) -> Range<usize> {
        self.base + node.start_byte()..self.base + node.end_byte()
    }

    pub(super) fn slice(&self, node: Node<'_>) -> &'a str {
        self.full.get(self.range(node)).unwrap_or("")
    }

    pub(super) fn span(&self, node: Node<'_>) -> Span {
        let range = self.range(node);
        (self.map)(range.start, range.end)
    }

    /// The span of an empty range just after `node` (a missing value).
    pub(super) fn span_after(&self, node: Node<'_>) -> Span {
        let end = self.range(node).end;
        (self.map)(end, end)
    }
}

/// Kinds whose value is only known at run time.
const EXPANSIONS: &[&str] = &[
    "simple_expansion",
    "expansion",
    "command_substitution",
    "arithmetic_expansion",
    "process_substitution",
];

/// Kinds made of other word parts: an expansion may hide one level down.
const CONTAINERS: &[&str] = &[
    "command_name",
    "concatenation",
    "string",
    "translated_string",
    "variable_assignment",
];

/// Containers nest only a few levels in the grammar; deeper means a surprise,
/// and the raw text is kept instead of recursing.
const MAX_PARTS_DEPTH: usize = 8;

pub(super) fn word(node: Node<'_>, src: &Text<'_>) -> ShellWord {
    let raw = src.slice(node).to_string();
    if has_expansion(node) {
        return ShellWord {
            text: raw.clone(),
            raw,
            span: src.span(node),
            is_static: false,
        };
    }
    let mut value = Value::default();
    value.push_node(node, src, 0);
    ShellWord {
        is_static: !value.is_pattern(),
        text: value.text,
        raw,
        span: src.span(node),
    }
}

/// A word with a fixed value and no source node (a heredoc delimiter).
pub(super) fn literal(text: String, raw: &str, span: Span) -> ShellWord {
    ShellWord {
        text,
        raw: raw.to_string(),
        span,
        is_static: true,
    }
}

fn has_expansion(node: Node<'_>) -> bool {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if EXPANSIONS.contains(&current.kind()) {
            return true;
        }
        if CONTAINERS.contains(&current.kind()) {
            let mut cursor = current.walk();
            stack.extend(current.children(&mut cursor));
        }
    }
    false
}

/// The value of a word without expansions, and whether it is a pattern the
/// shell would still expand (glob, brace, tilde).
#[derive(Default)]
struct Value {
    text: String,
    glob: bool,
    /// An unquoted `[` waiting for its `]`.
    bracket_open: bool,
    /// An unquoted `{`, then whether a `,` or `..` followed it.
    brace_open: bool,
    brace_list: bool,
    brace: bool,
    tilde: bool,
}

impl Value {
    fn is_pattern(&self) -> bool {
        self.glob || self.brace || self.tilde
    }

    fn push_node(&mut self, node: Node<'_>, src: &Text<'_>, depth: usize) {
        let raw = src.slice(node);
        match node.kind() {
            "word" | "number" => self.push_unquoted(raw),
            "raw_string" => self.push_quoted(strip_quotes(raw, "'", "'")),
            "string" => self.push_quoted(&unescape_double_quoted(strip_quotes(raw, "\"", "\""))),
            "translated_string" => {
                self.push_quoted(&unescape_double_quoted(strip_quotes(raw, "$\"", "\"")))
            }
            "ansi_c_string" => self.push_quoted(&decode_ansi_c(strip_quotes(raw, "$'", "'"))),
            "brace_expression" => {
                self.brace = true;
                self.text.push_str(raw);
            }
            _ if CONTAINERS.contains(&node.kind()) && depth < MAX_PARTS_DEPTH => {
                let mut cursor = node.walk();
                for child in node.children(&mut cursor) {
                    self.push_node(child, src, depth + 1);
                }
            }
            // Operators inside a word (`=` of an assignment) and rarer literals.
            _ => self.text.push_str(raw),
        }
    }

    /// Quoted text: kept as is, never a pattern.
    fn push_quoted(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Unquoted text: backslash escapes removed, pattern characters noted.
    fn push_unquoted(&mut self, raw: &str) {
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('\n') | None => {}
                    Some(next) => self.text.push(next),
                }
                continue;
            }
            match c {
                '~' if self.text.is_empty() => self.tilde = true,
                '*' | '?' => self.glob = true,
                '[' => self.bracket_open = true,
                ']' if self.bracket_open => self.glob = true,
                '{' => self.brace_open = true,
                ',' if self.brace_open => self.brace_list = true,
                '.' if self.brace_open && chars.peek() == Some(&'.') => self.brace_list = true,
                '}' if self.brace_list => self.brace = true,
                _ => {}
            }
            self.text.push(c);
        }
    }
}

fn strip_quotes<'t>(raw: &'t str, open: &str, close: &str) -> &'t str {
    let inner = raw.strip_prefix(open).unwrap_or(raw);
    inner.strip_suffix(close).unwrap_or(inner)
}

/// Inside double quotes a backslash escapes only `"`, `\`, `$`, a backtick and a newline.
fn unescape_double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some(next @ ('"' | '\\' | '$' | '`')) => out.push(next),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `$'...'`: the common escapes; others are kept as written.
fn decode_ansi_c(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(next @ ('\\' | '\'' | '"')) => out.push(next),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}
