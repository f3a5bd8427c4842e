//! One logical line → one instruction: keyword, flags, and arguments split
//! the way BuildKit's `splitCommand` and per-keyword splitters do.

use super::json::{parse_json_array, JsonArray};
use super::logical::LogicalLine;
use crate::ast::{Arg, Flag, Instruction, Keyword};
use crate::Span;

/// How deep `ONBUILD ONBUILD …` may nest before the parser gives up.
///
/// BuildKit's parser recurses without limit (continuation lines make a logical
/// line arbitrarily long), but its build rejects any chain with the message
/// below. Past this depth we report that message instead of recursing: every
/// walk over the AST (drop, clone, serialize, dump) recurses per level, and each
/// level copies the rest of the line, so unbounded nesting overflows the stack
/// and costs quadratic memory.
const MAX_ONBUILD_DEPTH: usize = 64;

/// Parse `line.text[start..end]` as one instruction. Line numbers and heredocs
/// are filled in by the caller. Errors carry BuildKit's message.
pub(crate) fn instruction_from_line(
    line: &LogicalLine,
    start: usize,
    end: usize,
    escape: u8,
) -> Result<Instruction, String> {
    instruction_at_depth(line, start, end, escape, 0)
}

/// [`instruction_from_line`] for an instruction nested `depth` ONBUILDs deep.
fn instruction_at_depth(
    line: &LogicalLine,
    start: usize,
    end: usize,
    escape: u8,
    depth: usize,
) -> Result<Instruction, String> {
    let text = &line.text[start..end];
    let trimmed_start = start + (text.len() - text.trim_start().len());
    let trimmed_end = trimmed_start + text.trim().len();
    let trimmed = &line.text[trimmed_start..trimmed_end];

    // Split once on ASCII blanks: keyword, then the rest.
    let keyword_len = trimmed.find(is_ascii_blank).unwrap_or(trimmed.len());
    let keyword_text = &trimmed[..keyword_len];
    let keyword = Keyword::parse(keyword_text);
    let after_keyword = trimmed[keyword_len..].trim_start_matches(is_ascii_blank);
    let rest_start = trimmed_end - after_keyword.len();

    let (flags, args_start) = if keyword_len < trimmed.len() {
        extract_flags(line, rest_start, trimmed_end, escape)
    } else {
        (Vec::new(), trimmed_end)
    };
    let args_text = line.text[args_start..trimmed_end].trim();
    let args_start = args_start
        + (line.text[args_start..trimmed_end].len()
            - line.text[args_start..trimmed_end].trim_start().len());
    let args = ArgText {
        line,
        start: args_start,
        text: args_text,
        escape,
    };

    let mut instruction = Instruction {
        keyword,
        keyword_text: keyword_text.to_string(),
        keyword_span: line.span(trimmed_start, trimmed_start + keyword_len),
        span: line.span(trimmed_start, end.max(trimmed_start)),
        flags,
        args: Vec::new(),
        json: false,
        heredocs: Vec::new(),
        original: text.to_string(),
        original_map: line.map.slice_from(start),
        start_line: 0,
        end_line: 0,
        prev_comments: Vec::new(),
        trigger: None,
        empty_continuation_lines: Vec::new(),
    };
    match keyword {
        Keyword::Add | Keyword::Copy | Keyword::Volume => {
            (instruction.args, instruction.json) = args.maybe_json_list()?
        }
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
            (instruction.args, instruction.json) = args.maybe_json()?
        }
        Keyword::Arg => instruction.args = args.words().into_iter().map(|w| w.arg).collect(),
        Keyword::Env => instruction.args = args.name_values("ENV")?,
        Keyword::Label => instruction.args = args.name_values("LABEL")?,
        Keyword::Expose | Keyword::From => instruction.args = args.whitespace_split(),
        Keyword::Healthcheck => (instruction.args, instruction.json) = args.health_config()?,
        Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
            instruction.args = args.whole()
        }
        Keyword::Onbuild => {
            if !args_text.is_empty() {
                if depth >= MAX_ONBUILD_DEPTH {
                    return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into());
                }
                let trigger = instruction_at_depth(
                    line,
                    args_start,
                    args_start + args_text.len(),
                    escape,
                    depth + 1,
                )?;
                instruction.trigger = Some(Box::new(trigger));
            }
        }
        // BuildKit keeps unknown instructions with one empty argument.
        Keyword::Unknown => {
            instruction.args = vec![Arg {
                value: String::new(),
                span: line.span(args_start, args_start + args_text.len()),
            }]
        }
    }
    Ok(instruction)
}

/// BuildKit's `[\t\v\f\r ]` (the regexp it splits on).
fn is_ascii_blank(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// Go's `unicode.IsSpace(rune(b))` on a single byte: BuildKit's flag scanner
/// walks bytes, so 0x85 and 0xA0 (UTF-8 continuation bytes) count as spaces.
fn is_go_byte_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xA0)
}

/// BuildKit's `extractBuilderFlags`: leading `--flag` words. Returns the flags
/// and the offset where the arguments start.
fn extract_flags(line: &LogicalLine, start: usize, end: usize, escape: u8) -> (Vec<Flag>, usize) {
    let bytes = &line.text.as_bytes()[..end];
    let mut flags = Vec::new();
    let mut pos = start;
    loop {
        while pos < end && is_go_byte_space(bytes[pos]) {
            pos += 1;
        }
        if pos >= end {
            return (flags, end);
        }
        if !(bytes[pos] == b'-' && bytes.get(pos + 1) == Some(&b'-')) {
            return (flags, char_boundary(&line.text, pos));
        }
        let word_start = pos;
        // BuildKit converts each byte to a rune (mangling non-ASCII); keep both forms.
        let mut mangled = String::new();
        let mut clean: Vec<u8> = Vec::new();
        let mut value_start_in_clean = None;
        let mut value_source_start = None;
        let mut quote: Option<u8> = None;
        let mut blank_ok = false;
        while pos < end {
            let mut b = bytes[pos];
            match quote {
                None if is_go_byte_space(b) => break,
                None if b == b'\'' || b == b'"' => {
                    quote = Some(b);
                    blank_ok = true;
                    pos += 1;
                    continue;
                }
                Some(q) if b == q => {
                    quote = None;
                    pos += 1;
                    continue;
                }
                _ => {}
            }
            if b == escape {
                if pos + 1 == end {
                    pos += 1;
                    continue;
                }
                pos += 1;
                b = bytes[pos];
            }
            if b == b'=' && value_start_in_clean.is_none() {
                value_start_in_clean = Some(clean.len() + 1);
                value_source_start = Some(pos + 1);
            }
            mangled.push(char::from(b));
            clean.push(b);
            pos += 1;
        }
        let word_end = pos;
        if clean == b"--" {
            return (flags, char_boundary(&line.text, word_end));
        }
        if blank_ok || !clean.is_empty() {
            let clean = String::from_utf8_lossy(&clean).into_owned();
            let (name, value) = match value_start_in_clean {
                Some(v) => (
                    clean[2..v - 1].to_string(),
                    Some(clean.get(v..).unwrap_or("").to_string()),
                ),
                None => (clean.get(2..).unwrap_or("").to_string(), None),
            };
            let word_end_char = char_boundary(&line.text, word_end);
            let span = line.span(word_start, word_end_char);
            let value_span = value_source_start.map(|v| {
                let v = char_boundary(&line.text, v);
                if v >= word_end_char {
                    // `--chmod=` then a continuation: the empty value sits at the
                    // end of the flag, not after the escaped newline.
                    Span::empty(span.end as usize)
                } else {
                    line.span(v, word_end_char)
                }
            });
            flags.push(Flag {
                raw: mangled,
                name,
                value,
                span,
                value_span,
            });
        }
    }
}

/// The next char boundary at or after `pos` (BuildKit's byte-wise flag scan can
/// stop inside a multi-byte character; Go tolerates that, Rust slicing does not).
fn char_boundary(text: &str, mut pos: usize) -> usize {
    while pos < text.len() && !text.is_char_boundary(pos) {
        pos += 1;
    }
    pos
}

/// The argument text of one instruction, with its position in the logical line.
struct ArgText<'a> {
    line: &'a LogicalLine,
    start: usize,
    text: &'a str,
    escape: u8,
}

/// A word from `parseWords` and where it is in the argument text.
struct SpannedWord {
    arg: Arg,
    start: usize,
    end: usize,
}

impl ArgText<'_> {
    fn arg(&self, value: impl Into<String>, start: usize, end: usize) -> Arg {
        Arg {
            value: value.into(),
            span: self.line.span(self.start + start, self.start + end),
        }
    }

    fn whole(&self) -> Vec<Arg> {
        if self.text.is_empty() {
            return Vec::new();
        }
        vec![self.arg(self.text, 0, self.text.len())]
    }

    /// `regexp.Split(rest, -1)` on ASCII blanks: not quote-aware.
    fn whitespace_split(&self) -> Vec<Arg> {
        if self.text.is_empty() {
            return Vec::new();
        }
        let mut args = Vec::new();
        let mut word_start = 0;
        let mut in_blank = false;
        for (i, c) in self.text.char_indices() {
            if is_ascii_blank(c) {
                if !in_blank {
                    args.push(self.arg(&self.text[word_start..i], word_start, i));
                    in_blank = true;
                }
            } else if in_blank {
                word_start = i;
                in_blank = false;
            }
        }
        let tail = if in_blank {
            self.text.len()
        } else {
            word_start
        };
        args.push(self.arg(&self.text[tail..], tail, self.text.len()));
        args
    }

    fn json(&self) -> Result<Option<Vec<Arg>>, String> {
        match parse_json_array(self.text) {
            JsonArray::Strings(strings) => Ok(Some(
                strings
                    .into_iter()
                    .map(|s| self.arg(s.value, s.start, s.end))
                    .collect(),
            )),
            JsonArray::NotAllStrings => {
                Err("when using JSON array syntax, arrays must be comprised of strings only".into())
            }
            JsonArray::Invalid => Ok(None),
        }
    }

    /// RUN, CMD, ENTRYPOINT, SHELL: JSON array, else the whole text as one argument.
    fn maybe_json(&self) -> Result<(Vec<Arg>, bool), String> {
        if self.text.is_empty() {
            return Ok((Vec::new(), false));
        }
        Ok(match self.json()? {
            Some(args) => (args, true),
            None => (self.whole(), false),
        })
    }

    /// ADD, COPY, VOLUME: JSON array, else split on blanks.
    fn maybe_json_list(&self) -> Result<(Vec<Arg>, bool), String> {
        Ok(match self.json()? {
            Some(args) => (args, true),
            None => (self.whitespace_split(), false),
        })
    }

    /// HEALTHCHECK: a type word (`CMD`, `NONE`, …), then maybe-JSON.
    fn health_config(&self) -> Result<(Vec<Arg>, bool), String> {
        let bytes = self.text.as_bytes();
        let sep = bytes
            .iter()
            .position(|&b| is_go_byte_space(b))
            .unwrap_or(bytes.len());
        if sep == 0 {
            return Ok((Vec::new(), false));
        }
        let next = bytes[sep..]
            .iter()
            .position(|&b| !is_go_byte_space(b))
            .map_or(bytes.len(), |p| sep + p);
        let (sep, next) = (
            char_boundary(self.text, sep),
            char_boundary(self.text, next),
        );
        let command = ArgText {
            line: self.line,
            start: self.start + next,
            text: &self.text[next..],
            escape: self.escape,
        };
        let (mut rest, json) = command.maybe_json()?;
        let mut args = vec![self.arg(&self.text[..sep], 0, sep)];
        args.append(&mut rest);
        Ok((args, json))
    }

    /// BuildKit's `parseWords`: quote-aware words that keep quotes and escapes.
    fn words(&self) -> Vec<SpannedWord> {
        let escape = char::from(self.escape);
        let mut words = Vec::new();
        let mut word = String::new();
        let mut word_start = 0;
        let mut blank_ok = false;
        let mut in_word = false;
        let mut quote: Option<char> = None;
        let mut chars = self.text.char_indices().peekable();
        let finish = |word: &mut String, start: usize, end: usize, words: &mut Vec<SpannedWord>| {
            words.push(SpannedWord {
                arg: self.arg(std::mem::take(word), start, end),
                start,
                end,
            });
        };
        let mut last_end = 0;
        while let Some((i, c)) = chars.next() {
            let c_end = i + c.len_utf8();
            if !in_word {
                if c.is_whitespace() {
                    continue;
                }
                in_word = true;
                word_start = i;
            }
            match quote {
                None => {
                    if c.is_whitespace() {
                        if blank_ok || !word.is_empty() {
                            finish(&mut word, word_start, last_end, &mut words);
                        }
                        word.clear();
                        blank_ok = false;
                        in_word = false;
                        continue;
                    }
                    if c == '\'' || c == '"' {
                        quote = Some(c);
                        blank_ok = true;
                    }
                    if c == escape {
                        match chars.next() {
                            None => continue,
                            Some((j, next)) => {
                                word.push(c);
                                word.push(next);
                                last_end = j + next.len_utf8();
                                continue;
                            }
                        }
                    }
                    word.push(c);
                    last_end = c_end;
                }
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                    if c == escape && q != '\'' {
                        match chars.next() {
                            None => {
                                quote = None;
                                continue;
                            }
                            Some((j, next)) => {
                                word.push(c);
                                word.push(next);
                                last_end = j + next.len_utf8();
                                continue;
                            }
                        }
                    }
                    word.push(c);
                    last_end = c_end;
                }
            }
        }
        if in_word && (blank_ok || !word.is_empty()) {
            finish(&mut word, word_start, last_end.max(word_start), &mut words);
        }
        words
    }

    /// ENV and LABEL: `key value` (legacy) or `k=v k=v`, as flat triplets.
    fn name_values(&self, keyword: &str) -> Result<Vec<Arg>, String> {
        let words = self.words();
        let Some(first) = words.first() else {
            return Ok(Vec::new());
        };
        if !first.arg.value.contains('=') {
            let key_len = self
                .text
                .find(is_ascii_blank)
                .ok_or_else(|| format!("{keyword} must have two arguments"))?;
            let value_start = key_len
                + (self.text[key_len..].len()
                    - self.text[key_len..]
                        .trim_start_matches(is_ascii_blank)
                        .len());
            return Ok(vec![
                self.arg(&self.text[..key_len], 0, key_len),
                self.arg(&self.text[value_start..], value_start, self.text.len()),
                self.arg("", key_len, key_len),
            ]);
        }
        let mut args = Vec::with_capacity(words.len() * 3);
        for word in words {
            let Some((key, value)) = word.arg.value.split_once('=') else {
                return Err(format!(
                    "Syntax error - can't find = in {}. Must be of the form: name=value",
                    crate::go_quote(&word.arg.value)
                ));
            };
            let eq = word.start + key.len();
            args.push(self.arg(key, word.start, eq));
            args.push(self.arg(value, eq + 1, word.end.max(eq + 1)));
            args.push(self.arg("=", eq, eq + 1));
        }
        Ok(args)
    }
}
