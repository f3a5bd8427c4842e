//! Reads a regular expression with Go's RE2 syntax and writes one with the same
//! meaning for the `regex` crate.
//!
//! Docker turns each `.dockerignore` pattern into Go regexp source, passing `[`,
//! `]`, `^` and `\x` escapes through untouched. The two dialects mostly agree,
//! but not on character classes (Rust nests `[...]` and has `&&`, `--`, `~~`),
//! on some escapes (`\<` is a word boundary in Rust, a literal in Go; octal),
//! or on `\d`/`\s`/`\w`/`\b` (ASCII in Go, Unicode in Rust). So the source is
//! parsed the Go way and every literal is re-emitted in a form Rust cannot
//! misread.

use std::iter::Peekable;
use std::str::Chars;

type Input<'a> = Peekable<Chars<'a>>;

/// Translates Go regexp source into `regex` crate source. Errors carry a short
/// description in Go's terms.
pub(crate) fn translate(go: &str) -> Result<String, String> {
    let mut out = String::with_capacity(go.len() * 2);
    let mut input = go.chars().peekable();
    while let Some(c) = input.next() {
        match c {
            '\\' => escape_outside_class(&mut input, &mut out)?,
            '[' => class(&mut input, &mut out)?,
            // Operators keep their meaning in both dialects.
            '(' | ')' | '|' | '.' | '^' | '$' | '*' | '+' | '?' => out.push(c),
            other => push_literal(&mut out, other),
        }
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    out.push_str(&format!("\\x{{{:X}}}", u32::from(c)));
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const SPACE: &[(char, char)] = &[('\t', '\n'), ('\x0C', '\r'), (' ', ' ')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

/// Go's Perl classes (`\d`, `\s`, `\w` and negations) as ASCII ranges.
fn perl_class(c: char) -> Option<(&'static [(char, char)], bool)> {
    match c {
        'd' => Some((DIGIT, false)),
        'D' => Some((DIGIT, true)),
        's' => Some((SPACE, false)),
        'S' => Some((SPACE, true)),
        'w' => Some((WORD, false)),
        'W' => Some((WORD, true)),
        _ => None,
    }
}

fn ranges_class(ranges: &[(char, char)], negated: bool) -> String {
    let mut class = String::from(if negated { "[^" } else { "[" });
    for &(lo, hi) in ranges {
        push_literal(&mut class, lo);
        class.push('-');
        push_literal(&mut class, hi);
    }
    class.push(']');
    class
}

fn escape_outside_class(input: &mut Input<'_>, out: &mut String) -> Result<(), String> {
    let Some(c) = input.next() else {
        return Err("trailing backslash at end of expression".to_owned());
    };
    if let Some((ranges, negated)) = perl_class(c) {
        out.push_str(&ranges_class(ranges, negated));
        return Ok(());
    }
    match c {
        'A' => out.push_str("\\A"),
        'z' => out.push_str("\\z"),
        // Go's word boundaries are ASCII-only.
        'b' => out.push_str("(?-u:\\b)"),
        'B' => out.push_str("(?-u:\\B)"),
        'Q' => {
            // Everything up to `\E` (or the end) is literal.
            while let Some(q) = input.next() {
                if q == '\\' && input.next_if_eq(&'E').is_some() {
                    break;
                }
                push_literal(out, q);
            }
        }
        'p' | 'P' => out.push_str(&unicode_class(c, input)?),
        _ => push_literal(out, single_escape(c, input)?),
    }
    Ok(())
}

/// `\pN`, `\p{Name}` and the `\P` negations; names are handed to the `regex`
/// crate, which knows the same Unicode categories and scripts as Go.
fn unicode_class(p: char, input: &mut Input<'_>) -> Result<String, String> {
    let name = match input.next() {
        Some('{') => {
            let mut name = String::new();
            loop {
                match input.next() {
                    Some('}') => break,
                    Some(c) => name.push(c),
                    None => return Err("invalid character class range: unterminated \\p{".into()),
                }
            }
            name
        }
        Some(c) => c.to_string(),
        None => return Err("invalid escape sequence: \\p at end".to_owned()),
    };
    let (negated, name) = match name.strip_prefix('^') {
        Some(rest) => (p == 'p', rest.to_owned()),
        None => (p == 'P', name),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("invalid character class range: \\p{{{name}}}"));
    }
    Ok(format!("\\{}{{{name}}}", if negated { 'P' } else { 'p' }))
}

/// Escapes that denote one character, valid inside and outside classes (Go's
/// `parseEscape`): punctuation, octal, `\x`, and the C control escapes.
fn single_escape(c: char, input: &mut Input<'_>) -> Result<char, String> {
    let invalid = || format!("invalid escape sequence: `\\{c}`");
    if c.is_ascii() && !c.is_ascii_alphanumeric() {
        return Ok(c);
    }
    match c {
        '0'..='7' => {
            // `\1`..`\7` alone would be a backreference, which RE2 rejects.
            if c != '0' && !input.peek().is_some_and(|d| ('0'..='7').contains(d)) {
                return Err(invalid());
            }
            let mut value = c.to_digit(8).unwrap_or(0);
            for _ in 0..2 {
                match input.peek().and_then(|d| d.to_digit(8)) {
                    Some(digit) => {
                        value = value * 8 + digit;
                        input.next();
                    }
                    None => break,
                }
            }
            char::from_u32(value).ok_or_else(invalid)
        }
        'x' => {
            let digits: String = if input.next_if_eq(&'{').is_some() {
                let mut digits = String::new();
                loop {
                    match input.next() {
                        Some('}') => break,
                        Some(d) if d.is_ascii_hexdigit() => digits.push(d),
                        _ => return Err(invalid()),
                    }
                }
                digits
            } else {
                let mut digits = String::new();
                for _ in 0..2 {
                    match input.next() {
                        Some(d) if d.is_ascii_hexdigit() => digits.push(d),
                        _ => return Err(invalid()),
                    }
                }
                digits
            };
            if digits.is_empty() || digits.len() > 8 {
                return Err(invalid());
            }
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(invalid)
        }
        'a' => Ok('\x07'),
        'f' => Ok('\x0C'),
        'n' => Ok('\n'),
        'r' => Ok('\r'),
        't' => Ok('\t'),
        'v' => Ok('\x0B'),
        _ => Err(invalid()),
    }
}

const POSIX_NAMES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// A class after its `[`, the Go way: a leading `]` is literal, `[` inside is
/// literal unless it opens `[:name:]`, `-` is literal where it cannot form a
/// range, and a range must not run backwards.
fn class(input: &mut Input<'_>, out: &mut String) -> Result<(), String> {
    let negated = input.next_if_eq(&'^').is_some();
    let mut items = String::new();
    let mut first = true;
    loop {
        let Some(&c) = input.peek() else {
            return Err("missing closing ]".to_owned());
        };
        if c == ']' && !first {
            input.next();
            break;
        }
        first = false;
        if c == '[' {
            if let Some(named) = posix_class(input)? {
                items.push_str(&named);
                continue;
            }
        }
        if c == '\\' {
            let mut ahead = input.clone();
            ahead.next();
            if let Some(e) = ahead.next() {
                if let Some((ranges, negated)) = perl_class(e) {
                    *input = ahead;
                    // Rust classes nest, so a negated Perl class is a nested class.
                    let nested = ranges_class(ranges, negated);
                    items.push_str(&nested);
                    continue;
                }
                if e == 'p' || e == 'P' {
                    *input = ahead;
                    items.push_str(&unicode_class(e, input)?);
                    continue;
                }
            }
        }
        let lo = class_char(input)?;
        let mut ahead = input.clone();
        let hi = if ahead.next() == Some('-') && ahead.peek().is_some_and(|n| *n != ']') {
            *input = ahead;
            let hi = class_char(input)?;
            if hi < lo {
                return Err(format!("invalid character class range: {lo}-{hi}"));
            }
            hi
        } else {
            lo
        };
        push_literal(&mut items, lo);
        if hi != lo {
            items.push('-');
            push_literal(&mut items, hi);
        }
    }
    out.push('[');
    if negated {
        out.push('^');
    }
    out.push_str(&items);
    out.push(']');
    Ok(())
}

fn class_char(input: &mut Input<'_>) -> Result<char, String> {
    match input.next() {
        None => Err("missing closing ]".to_owned()),
        Some('\\') => match input.next() {
            Some(e) => single_escape(e, input),
            None => Err("trailing backslash at end of expression".to_owned()),
        },
        Some(c) => Ok(c),
    }
}

/// `[:name:]` or `[:^name:]` at the input. Like Go, `:]` is searched for in the
/// whole rest of the expression; without one the `[` is an ordinary member.
fn posix_class(input: &mut Input<'_>) -> Result<Option<String>, String> {
    let rest: String = input.clone().collect();
    let Some(body) = rest.strip_prefix("[:") else {
        return Ok(None);
    };
    let Some(end) = body.find(":]") else {
        return Ok(None);
    };
    let name = &body[..end];
    let bare = name.strip_prefix('^').unwrap_or(name);
    if !POSIX_NAMES.contains(&bare) {
        return Err(format!("invalid character class range: [:{name}:]"));
    }
    // `[:` + name + `:]`
    for _ in 0..name.chars().count() + 4 {
        input.next();
    }
    Ok(Some(format!("[:{name}:]")))
}

#[cfg(test)]
mod tests {
    use super::translate;

    fn matches(go: &str, text: &str) -> bool {
        let rust = translate(go).expect("valid Go regexp");
        regex::Regex::new(&rust)
            .expect("translation is valid Rust regex")
            .is_match(text)
    }

    #[test]
    fn classes_read_the_go_way() {
        // `[` is a plain member in Go; Rust would open a nested class.
        assert!(matches("^[[]$", "["));
        // `&&` is intersection in Rust, two ampersands in Go.
        assert!(matches("^[a&&b]$", "&"));
        // A leading `]` is a member.
        assert!(matches("^[]a]$", "]"));
        assert!(matches("^[^]a]$", "b"));
        // Docker's `*` inside a user class: `[*]` becomes `[[^/]*]`.
        assert!(matches("^[[^/]*]$", "[[]"));
        assert!(matches("^[[:digit:]x]$", "7"));
        assert!(matches("^[a-]$", "-"));
    }

    #[test]
    fn escapes_read_the_go_way() {
        assert!(matches("^\\<$", "<"));
        assert!(matches("^\\d$", "7"));
        assert!(!matches("^\\d$", "٣"));
        assert!(matches("^\\101$", "A"));
        assert!(matches("^\\x41\\x{42}$", "AB"));
        assert!(matches("^\\Q*.\\E$", "*."));
    }

    #[test]
    fn invalid_go_syntax_is_an_error() {
        for bad in [
            "[",
            "[b-a]",
            "\\1",
            "\\q",
            "[[:nope:]]",
            "\\",
            "[\\b]",
            "\\x{}",
        ] {
            assert!(translate(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
