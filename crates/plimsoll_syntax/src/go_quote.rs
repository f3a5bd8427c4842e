//! Go's `strconv.Quote`, reproduced exactly: BuildKit's AST dump quotes every
//! argument with it, and conformance means byte-identical dumps.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Quote `s` the way Go's `strconv.Quote` does (double quotes, Go escapes).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_quoted_char(&mut out, c);
    }
    out.push('"');
    out
}

fn push_quoted_char(out: &mut String, c: char) {
    use std::fmt::Write;
    match c {
        '"' | '\\' => {
            out.push('\\');
            out.push(c);
        }
        c if is_go_printable(c) => out.push(c),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space (no other space separators).
fn is_go_printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter
            | GeneralCategoryGroup::Mark
            | GeneralCategoryGroup::Number
            | GeneralCategoryGroup::Punctuation
            | GeneralCategoryGroup::Symbol
    )
}

/// Go's `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`.
pub fn go_quote_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.into_iter().map(go_quote).collect();
    format!("[{}]", quoted.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("é\t\u{0}"), r#""é\t\x00""#);
        assert_eq!(go_quote("\u{a0}"), r#""\u00a0""#);
        assert_eq!(go_quote("♥😀"), "\"♥😀\"");
        assert_eq!(go_quote("\u{7f}\u{85}"), r#""\x7f\u0085""#);
        assert_eq!(go_quote("\u{e0000}"), r#""\U000e0000""#);
        assert_eq!(go_quote_list(["--a", "--b=c d"]), r#"["--a" "--b=c d"]"#);
    }
}
