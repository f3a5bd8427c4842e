//! The exec-form test: is the argument text a JSON array of strings?
//!
//! BuildKit feeds the text to Go's `encoding/json`. Three outcomes matter and
//! this module reproduces them: a valid array of strings (exec form), a valid
//! array with a non-string element (a hard parse error), and anything else
//! (silently treated as shell form). Nested values are validated without
//! recursion so hostile input cannot overflow the stack.

/// One decoded string element and its byte range (quotes included) in the input.
#[derive(Debug, PartialEq)]
pub(crate) struct JsonString {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, PartialEq)]
pub(crate) enum JsonArray {
    Strings(Vec<JsonString>),
    /// Valid JSON, but an element is not a string.
    NotAllStrings,
    /// Not valid JSON (or not an array): BuildKit falls back to shell form.
    Invalid,
}

/// Go's `encoding/json` nesting limit; deeper input is a syntax error there.
const MAX_DEPTH: usize = 10_000;

/// Parse `text` (which must start at `[` after leading whitespace) as BuildKit does.
pub(crate) fn parse_json_array(text: &str) -> JsonArray {
    let bytes = text.as_bytes();
    let trimmed = text.trim_start();
    let mut pos = text.len() - trimmed.len();
    if bytes.get(pos) != Some(&b'[') {
        return JsonArray::Invalid;
    }
    pos += 1;
    let mut strings = Vec::new();
    let mut all_strings = true;
    pos = skip_ws(bytes, pos);
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            pos = skip_ws(bytes, pos);
            if bytes.get(pos) == Some(&b'"') {
                let Some((value, end)) = parse_string(bytes, pos) else {
                    return JsonArray::Invalid;
                };
                strings.push(JsonString {
                    value,
                    start: pos,
                    end,
                });
                pos = end;
            } else {
                let Some(end) = skip_value(bytes, pos) else {
                    return JsonArray::Invalid;
                };
                all_strings = false;
                pos = end;
            }
            pos = skip_ws(bytes, pos);
            match bytes.get(pos) {
                Some(b',') => pos += 1,
                Some(b']') => {
                    pos += 1;
                    break;
                }
                _ => return JsonArray::Invalid,
            }
        }
    }
    if skip_ws(bytes, pos) != bytes.len() {
        return JsonArray::Invalid;
    }
    if all_strings {
        JsonArray::Strings(strings)
    } else {
        JsonArray::NotAllStrings
    }
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// Decode a JSON string starting at the opening quote; returns the value and the
/// offset after the closing quote.
fn parse_string(bytes: &[u8], start: usize) -> Option<(String, usize)> {
    let mut out: Vec<u8> = Vec::new();
    let mut pos = start + 1;
    loop {
        let b = *bytes.get(pos)?;
        match b {
            b'"' => {
                // The input is a &str and escapes produce valid UTF-8.
                return String::from_utf8(out).ok().map(|s| (s, pos + 1));
            }
            b'\\' => {
                let esc = *bytes.get(pos + 1)?;
                pos += 2;
                let simple = match esc {
                    b'"' => Some(b'"'),
                    b'\\' => Some(b'\\'),
                    b'/' => Some(b'/'),
                    b'b' => Some(8),
                    b'f' => Some(12),
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    b'u' => None,
                    _ => return None,
                };
                if let Some(byte) = simple {
                    out.push(byte);
                    continue;
                }
                let unit = hex4(bytes, pos)?;
                pos += 4;
                let c = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate pairs with a following `\uDC00-\uDFFF`;
                    // Go decodes a lone surrogate to U+FFFD.
                    let low = (bytes.get(pos) == Some(&b'\\') && bytes.get(pos + 1) == Some(&b'u'))
                        .then(|| hex4(bytes, pos + 2))
                        .flatten()
                        .filter(|low| (0xDC00..0xE000).contains(low));
                    match low {
                        Some(low) => {
                            pos += 6;
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                                .unwrap_or('\u{FFFD}')
                        }
                        None => '\u{FFFD}',
                    }
                } else {
                    char::from_u32(unit).unwrap_or('\u{FFFD}')
                };
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            0..=0x1f => return None,
            _ => {
                out.push(b);
                pos += 1;
            }
        }
    }
}

fn hex4(bytes: &[u8], pos: usize) -> Option<u32> {
    let digits = bytes.get(pos..pos + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Array,
    Object,
}

/// Validate one JSON value of any kind starting at `pos`; return the offset after it.
fn skip_value(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let mut stack: Vec<Container> = Vec::new();
    loop {
        // Expect a value.
        pos = skip_ws(bytes, pos);
        match *bytes.get(pos)? {
            b'"' => pos = parse_string(bytes, pos)?.1,
            b'[' => {
                if stack.len() + 2 > MAX_DEPTH {
                    return None;
                }
                pos = skip_ws(bytes, pos + 1);
                if bytes.get(pos) == Some(&b']') {
                    pos += 1;
                } else {
                    stack.push(Container::Array);
                    continue;
                }
            }
            b'{' => {
                if stack.len() + 2 > MAX_DEPTH {
                    return None;
                }
                pos = skip_ws(bytes, pos + 1);
                if bytes.get(pos) == Some(&b'}') {
                    pos += 1;
                } else {
                    stack.push(Container::Object);
                    pos = object_key(bytes, pos)?;
                    continue;
                }
            }
            b't' => pos = literal(bytes, pos, b"true")?,
            b'f' => pos = literal(bytes, pos, b"false")?,
            b'n' => pos = literal(bytes, pos, b"null")?,
            b'-' | b'0'..=b'9' => pos = number(bytes, pos)?,
            _ => return None,
        }
        // After a value: close finished containers, or move to the next element.
        loop {
            let Some(&top) = stack.last() else {
                return Some(pos);
            };
            pos = skip_ws(bytes, pos);
            match (*bytes.get(pos)?, top) {
                (b',', Container::Array) => {
                    pos += 1;
                    break;
                }
                (b',', Container::Object) => {
                    pos = object_key(bytes, skip_ws(bytes, pos + 1))?;
                    break;
                }
                (b']', Container::Array) | (b'}', Container::Object) => {
                    stack.pop();
                    pos += 1;
                }
                _ => return None,
            }
        }
    }
}

/// `"key" :` — returns the offset after the colon.
fn object_key(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos) != Some(&b'"') {
        return None;
    }
    let pos = skip_ws(bytes, parse_string(bytes, pos)?.1);
    (bytes.get(pos) == Some(&b':')).then_some(pos + 1)
}

fn literal(bytes: &[u8], pos: usize, word: &[u8]) -> Option<usize> {
    bytes
        .get(pos..pos + word.len())
        .filter(|s| *s == word)
        .map(|_| pos + word.len())
}

fn number(bytes: &[u8], mut pos: usize) -> Option<usize> {
    let digits = |bytes: &[u8], mut pos: usize| {
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        (pos > start).then_some(pos)
    };
    if bytes.get(pos) == Some(&b'-') {
        pos += 1;
    }
    if bytes.get(pos) == Some(&b'0') {
        pos += 1;
    } else {
        pos = digits(bytes, pos)?;
    }
    if bytes.get(pos) == Some(&b'.') {
        pos = digits(bytes, pos + 1)?;
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(bytes.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        pos = digits(bytes, pos)?;
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        match parse_json_array(text) {
            JsonArray::Strings(s) => s.into_iter().map(|s| s.value).collect(),
            other => panic!("expected strings, got {other:?}"),
        }
    }

    #[test]
    fn decodes_strings_and_escapes() {
        assert_eq!(
            values(r#"["a\tb", "\u0041", "c\\d"]"#),
            ["a\tb", "A", "c\\d"]
        );
        assert_eq!(values(r#"["\ud83d\ude00", "\ud800"]"#), ["😀", "\u{FFFD}"]);
        assert_eq!(values("[ ]"), Vec::<String>::new());
    }

    #[test]
    fn non_string_elements_are_distinguished_from_invalid_json() {
        assert_eq!(parse_json_array(r#"["a", 1]"#), JsonArray::NotAllStrings);
        assert_eq!(
            parse_json_array(r#"["a", {"b": [null, -1.5e3]}]"#),
            JsonArray::NotAllStrings
        );
        assert_eq!(parse_json_array(r#"['a']"#), JsonArray::Invalid);
        assert_eq!(parse_json_array(r#"["a",]"#), JsonArray::Invalid);
        assert_eq!(parse_json_array(r#"["a"] b"#), JsonArray::Invalid);
        assert_eq!(parse_json_array(r#"["c:\windows"]"#), JsonArray::Invalid);
        assert_eq!(parse_json_array("[01]"), JsonArray::Invalid);
    }

    #[test]
    fn deep_nesting_is_bounded_and_does_not_recurse() {
        let deep = format!("[{}{}]", "[".repeat(50_000), "]".repeat(50_000));
        assert_eq!(parse_json_array(&deep), JsonArray::Invalid);
        let ok = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert_eq!(parse_json_array(&ok), JsonArray::NotAllStrings);
    }
}
