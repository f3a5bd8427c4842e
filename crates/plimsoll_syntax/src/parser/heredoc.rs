//! Heredoc detection on an instruction line, as BuildKit does it: split the
//! line into shell words (quotes and escapes kept raw, `$VAR` left alone),
//! then match each word against `^(\d*)<<(-?)\s*([^<]*)$`.

use nom::bytes::complete::{tag, take_while};
use nom::combinator::{eof, opt};
use nom::{IResult, Parser};

/// A heredoc announced on the instruction line; its body is read afterwards.
#[derive(Debug, PartialEq)]
pub(crate) struct HeredocStart {
    pub name: String,
    pub file_descriptor: u32,
    pub expand: bool,
    pub chomp: bool,
}

/// All heredocs announced in `line` (the whole logical line, keyword included), in order.
pub(crate) fn heredocs_in_line(line: &str) -> Vec<HeredocStart> {
    raw_words(line)
        .unwrap_or_default()
        .iter()
        .filter_map(|word| heredoc_word(word))
        .collect()
}

/// `(\d*)<<(-?)\s*([^<]*)` over a whole word: (fd digits, chomp, rest).
fn heredoc_operator(word: &str) -> IResult<&str, (&str, bool, &str)> {
    let (input, digits) = take_while(|c: char| c.is_ascii_digit())(word)?;
    let (input, _) = tag("<<")(input)?;
    let (input, dash) = opt(tag("-")).parse(input)?;
    let (input, _) = take_while(|c| matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r'))(input)?;
    let (input, rest) = take_while(|c| c != '<')(input)?;
    let (input, _) = eof(input)?;
    Ok((input, (digits, dash.is_some(), rest)))
}

fn heredoc_word(word: &str) -> Option<HeredocStart> {
    let (_, (digits, chomp, rest)) = heredoc_operator(word).ok()?;
    if rest.is_empty() {
        return None;
    }
    let (words, quotes_removed) = unquoted_words(rest)?;
    let [name] = <[String; 1]>::try_from(words).ok()?;
    Some(HeredocStart {
        name,
        // Go's ParseUint error (overflow) yields 0, as here.
        file_descriptor: digits.parse().unwrap_or(0),
        expand: !quotes_removed,
        chomp,
    })
}

fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Does a word that ends here keep the following blanks (`<< EOF` is one word)?
fn is_bare_heredoc_operator(word: &str) -> bool {
    let rest = word
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_end_matches(is_go_space);
    rest == "<<" || rest == "<<-"
}

/// Split a line into words keeping quotes and escapes; `None` when a quote or
/// `${` is unterminated (BuildKit then finds no heredocs at all).
fn raw_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                word.push(c);
                loop {
                    let q = chars.next()?;
                    word.push(q);
                    if q == '\'' {
                        break;
                    }
                }
            }
            '"' => {
                word.push(c);
                loop {
                    let q = chars.next()?;
                    word.push(q);
                    match q {
                        '"' => break,
                        '\\' => word.push(chars.next()?),
                        _ => {}
                    }
                }
            }
            '\\' => {
                word.push(c);
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                word.push(c);
                let mut depth = 0usize;
                loop {
                    let q = chars.next()?;
                    word.push(q);
                    match q {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            c if is_go_space(c) => {
                if is_bare_heredoc_operator(&word) {
                    word.push(c);
                } else if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    Some(words)
}

/// Shell words of a heredoc delimiter with quotes and escapes removed, and
/// whether any quote was removed (which turns expansion off).
fn unquoted_words(text: &str) -> Option<(Vec<String>, bool)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quotes_removed = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quotes_removed = true;
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        q => word.push(q),
                    }
                }
            }
            '"' => {
                quotes_removed = true;
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => {
                            let escaped = chars.next()?;
                            if !matches!(escaped, '"' | '$' | '\\') {
                                word.push('\\');
                            }
                            word.push(escaped);
                        }
                        q => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c if is_go_space(c) => {
                if in_word && !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    Some((words, quotes_removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, u32)> {
        heredocs_in_line(line)
            .into_iter()
            .map(|h| (h.name, h.expand, h.chomp, h.file_descriptor))
            .collect()
    }

    #[test]
    fn finds_heredocs_like_buildkit() {
        assert_eq!(names("RUN <<EOF"), [("EOF".into(), true, false, 0)]);
        assert_eq!(names("RUN << EOF"), [("EOF".into(), true, false, 0)]);
        assert_eq!(names("RUN 3<<-'E'"), [("E".into(), false, true, 3)]);
        assert_eq!(
            names(r#"COPY <<"EOF" <<'E2' <<E"O"F3 /dst/"#),
            [
                ("EOF".into(), false, false, 0),
                ("E2".into(), false, false, 0),
                ("EOF3".into(), false, false, 0)
            ]
        );
        assert_eq!(names("RUN <<EOF>out"), [("EOF>out".into(), true, false, 0)]);
        assert_eq!(names("RUN <<$X"), [("$X".into(), true, false, 0)]);
        assert_eq!(names(r"RUN <<eo\'f"), [("eo'f".into(), true, false, 0)]);
    }

    #[test]
    fn ignores_what_buildkit_ignores() {
        assert!(names(r#"RUN echo "<<EOF" a<<B"#).is_empty());
        assert!(names(r#"RUN <<"""#).is_empty());
        assert!(names(r"RUN \<<EOF").is_empty());
        assert!(names("RUN <<'EOF").is_empty());
        assert!(names(r#"RUN cat <<< "str" && echo $((1<<2))"#).is_empty());
    }
}
