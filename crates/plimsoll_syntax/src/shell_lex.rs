//! BuildKit's word lexer (`frontend/dockerfile/shell/lex.go`), reimplemented:
//! the `$VAR` / `${VAR:-x}` expansion and quote removal that the builder
//! applies to ENV, LABEL, COPY, WORKDIR, USER and other arguments.
//!
//! Three views of a word:
//! - [`parse_word`]: typed parts with byte offsets (literal, quoted, variable
//!   with its modifier), for rules that ask "which variables does this use?";
//! - [`variable_references`]: just the `$NAME` / `${NAME…}` references;
//! - [`Lexer::process_word`] / [`Lexer::process_words`]: BuildKit's expansion,
//!   with its options, error messages and the set of unset names it looked up.
//!
//! All three are driven by one iterative tokenizer with an explicit stack, so
//! `${a:-${b:-…}}` nested 10,000 deep expands exactly as BuildKit expands it
//! without deep recursion. Only [`parse_word`], which builds a tree (and trees
//! are dropped and compared recursively), refuses more than [`MAX_NESTING`]
//! levels.
//!
//! Expansion is evaluated while tokenizing, left to right, because that is
//! what fixes which error BuildKit reports: `${A?unset}${` fails on `A`, not
//! on the syntax error that follows.
//!
//! ```
//! use plimsoll_syntax::shell_lex::Lexer;
//! let env = |name: &str| (name == "HOME").then(|| "/root".to_string());
//! let expansion = Lexer::default().process_word("${HOME}/${CACHE:-.cache}", &env).unwrap();
//! assert_eq!(expansion.result, "/root/.cache");
//! assert!(expansion.unmatched.contains("CACHE"));
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// [`parse_word`] reports deeper nesting (of `${…}` words and double quotes)
/// as an error instead of building a tree that deep.
pub const MAX_NESTING: usize = 128;

/// A lexing or expansion error, worded as BuildKit words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// BuildKit's message. From [`Lexer::process_word`] and
    /// [`Lexer::process_words`] it carries BuildKit's `failed to process "…": `
    /// prefix; from [`parse_word`] and [`variable_references`] it is bare.
    pub message: String,
    /// Byte offset in the input where lexing stopped.
    pub offset: u32,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LexError {}

/// A variable reference in a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// Byte range of the name itself.
    pub name_start: u32,
    pub name_end: u32,
    /// `${…}` rather than `$NAME`.
    pub braced: bool,
    pub modifier: Option<Modifier>,
    /// Byte range of the whole reference (`$` to `}`) in the input.
    pub start: u32,
    pub end: u32,
}

/// `${name<modifier>}`. The words are parsed like any word; in patterns and
/// replacements (`#`, `%`, `/`) BuildKit keeps the escape characters, so
/// their literal text does too (`\*` is a literal star there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modifier {
    /// `:-` / `-`: a default.
    Default { colon: bool, word: Vec<WordPart> },
    /// `:+` / `+`: an alternative.
    Alternative { colon: bool, word: Vec<WordPart> },
    /// `:?` / `?`: an error message (empty means BuildKit's default message).
    Required { colon: bool, message: Vec<WordPart> },
    /// `#` / `##`. `longest` reflects the source text; BuildKit decides on the
    /// expanded pattern, so `${v#"#"x}` also strips the longest match.
    RemovePrefix {
        longest: bool,
        pattern: Vec<WordPart>,
    },
    /// `%` / `%%` (see [`Modifier::RemovePrefix`] about `longest`).
    RemoveSuffix {
        longest: bool,
        pattern: Vec<WordPart>,
    },
    /// `/` / `//`.
    Replace {
        all: bool,
        pattern: Vec<WordPart>,
        replacement: Vec<WordPart>,
    },
}

/// One part of a word, with its byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPart {
    /// Unquoted text, escapes removed (kept in patterns, see [`Modifier`]).
    Literal {
        text: String,
        start: u32,
        end: u32,
    },
    /// `'…'`; the range includes the quotes, `text` does not.
    SingleQuoted {
        text: String,
        start: u32,
        end: u32,
    },
    /// `"…"`; the range includes the quotes.
    DoubleQuoted {
        parts: Vec<WordPart>,
        start: u32,
        end: u32,
    },
    Variable(Variable),
}

/// A variable reference found by [`variable_references`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableRef {
    pub name: String,
    /// Byte range of the name.
    pub name_start: u32,
    pub name_end: u32,
    /// Byte range of the whole reference (`$` to `}`).
    pub start: u32,
    pub end: u32,
    pub braced: bool,
}

// ---------------------------------------------------------------------------
// Character classes (Go's `unicode` package)
// ---------------------------------------------------------------------------

/// Go's `unicode.IsDigit`: decimal digits (Nd) only.
fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.general_category() == GeneralCategory::DecimalNumber
}

/// Go's `unicode.IsLetter`: the L categories.
fn is_go_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.general_category_group() == GeneralCategoryGroup::Letter
}

fn is_name_char(c: char) -> bool {
    is_go_letter(c) || is_go_digit(c) || c == '_'
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// Go's `unicode.IsSpace` is the White_Space property, as is Rust's.
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// What Go's `string(rune)` makes of the scanner's EOF (-1).
const EOF_RUNE: char = '\u{FFFD}';

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

/// What a `${name<op>` opens.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Default {
        colon: bool,
    },
    Alternative {
        colon: bool,
    },
    Required {
        colon: bool,
    },
    RemovePrefix {
        longest: bool,
    },
    RemoveSuffix {
        longest: bool,
    },
    Replace {
        all: bool,
    },
    /// `${v:x…}`: BuildKit reads the word before rejecting the modifier
    /// (and does not reject it at all for an unset name under SkipUnsetEnv).
    Unsupported {
        chars: String,
    },
}

impl Op {
    /// The modifier as written, for SkipUnsetEnv's verbatim output.
    fn written(&self) -> Cow<'_, str> {
        let with_colon = |colon: bool, c: char| {
            Cow::Owned(if colon {
                format!(":{c}")
            } else {
                c.to_string()
            })
        };
        match self {
            Op::Default { colon } => with_colon(*colon, '-'),
            Op::Alternative { colon } => with_colon(*colon, '+'),
            Op::Required { colon } => with_colon(*colon, '?'),
            Op::RemovePrefix { .. } => Cow::Borrowed("#"),
            Op::RemoveSuffix { .. } => Cow::Borrowed("%"),
            Op::Replace { .. } => Cow::Borrowed("/"),
            Op::Unsupported { chars } => Cow::Borrowed(chars),
        }
    }
}

#[derive(Debug)]
enum Event<'a> {
    /// Literal output. `splits`: an unquoted, unescaped character, so
    /// whitespace in it separates words.
    Text {
        text: Cow<'a, str>,
        start: usize,
        end: usize,
        splits: bool,
    },
    SingleQuoted {
        content: &'a str,
        start: usize,
        end: usize,
    },
    DoubleOpen {
        start: usize,
    },
    DoubleClose {
        end: usize,
    },
    /// `$name` or `${name}`.
    Var {
        name: &'a str,
        name_start: usize,
        start: usize,
        end: usize,
        braced: bool,
    },
    /// `${name<op>`: the modifier's word follows, up to `ModSep` or `ModClose`.
    ModOpen {
        name: &'a str,
        name_start: usize,
        start: usize,
        op: Op,
    },
    /// The `/` between a replacement's pattern and its replacement.
    ModSep,
    ModClose {
        end: usize,
    },
}

#[derive(Debug, Clone, Copy)]
enum Frame {
    /// A word up to `stop` (`None`: the end of input). `raw` is BuildKit's
    /// rawEscapes, which double quotes inside the word inherit.
    Word {
        stop: Option<char>,
        raw: bool,
    },
    Double {
        raw: bool,
    },
}

/// The scanner of `lex.go` turned inside out: instead of recursing into
/// `${…}` and quotes it keeps a frame stack and hands out one event at a time.
struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    escape: char,
    quotes: bool,
    frames: Vec<Frame>,
    max_frames: Option<usize>,
}

impl<'a> Tokenizer<'a> {
    fn new(src: &'a str, escape: char, quotes: bool, raw_escapes: bool) -> Self {
        Tokenizer {
            src,
            // Go's text/scanner drops a byte order mark at the very start.
            pos: if src.starts_with('\u{FEFF}') { 3 } else { 0 },
            escape,
            quotes,
            frames: vec![Frame::Word {
                stop: None,
                raw: raw_escapes,
            }],
            max_frames: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or_default()
    }

    /// An error at the current position. BuildKit replaces any error that
    /// surfaces at the end of input from inside `${…}` by that substitution's
    /// own message, level by level, so the outermost open one wins.
    fn fail(&self, message: String) -> LexError {
        let at_end = self.pos >= self.src.len();
        let message = self
            .frames
            .iter()
            .filter(|_| at_end)
            .find_map(|frame| match frame {
                Frame::Word {
                    stop: Some('/'), ..
                } => Some("syntax error: missing '/' in ${}"),
                Frame::Word { stop: Some(_), .. } => Some("syntax error: missing '}'"),
                _ => None,
            })
            .map_or(message, str::to_string);
        LexError {
            message,
            offset: self.pos as u32,
        }
    }

    fn push_frame(&mut self, frame: Frame) -> Result<(), LexError> {
        if let Some(max) = self.max_frames {
            if self.frames.len() > max {
                return Err(self.fail(format!(
                    "variable substitutions nested deeper than {max} levels"
                )));
            }
        }
        self.frames.push(frame);
        Ok(())
    }

    fn text(&self, start: usize, from: usize, splits: bool) -> Event<'a> {
        Event::Text {
            text: Cow::Borrowed(self.slice(from, self.pos)),
            start,
            end: self.pos,
            splits,
        }
    }

    fn next_event(&mut self) -> Result<Option<Event<'a>>, LexError> {
        loop {
            let Some(&frame) = self.frames.last() else {
                return Ok(None);
            };
            let start = self.pos;
            match frame {
                Frame::Word { stop, raw } => {
                    let Some(c) = self.peek() else {
                        if let Some(stop) = stop {
                            return Err(self.fail(format!(
                                "unexpected end of statement while looking for matching {stop}"
                            )));
                        }
                        self.frames.pop();
                        return Ok(None);
                    };
                    if Some(c) == stop {
                        self.bump();
                        self.frames.pop();
                        if c == '/' {
                            self.frames.push(Frame::Word {
                                stop: Some('}'),
                                raw: true,
                            });
                            return Ok(Some(Event::ModSep));
                        }
                        return Ok(Some(Event::ModClose { end: self.pos }));
                    }
                    if c == '$' {
                        return self.dollar().map(Some);
                    }
                    if self.quotes && c == '\'' {
                        return self.single_quoted().map(Some);
                    }
                    if self.quotes && c == '"' {
                        self.bump();
                        self.push_frame(Frame::Double { raw })?;
                        return Ok(Some(Event::DoubleOpen { start }));
                    }
                    self.bump();
                    if c != self.escape {
                        return Ok(Some(self.text(start, start, true)));
                    }
                    let after_escape = self.pos;
                    if self.bump().is_none() && !raw {
                        // A trailing escape is dropped.
                        continue;
                    }
                    let from = if raw { start } else { after_escape };
                    return Ok(Some(self.text(start, from, false)));
                }
                Frame::Double { raw } => {
                    let Some(c) = self.peek() else {
                        return Err(self.fail(
                            "unexpected end of statement while looking for matching double-quote"
                                .into(),
                        ));
                    };
                    if c == '"' {
                        self.bump();
                        self.frames.pop();
                        return Ok(Some(Event::DoubleClose { end: self.pos }));
                    }
                    if c == '$' {
                        return self.dollar().map(Some);
                    }
                    self.bump();
                    if c != self.escape {
                        return Ok(Some(self.text(start, start, false)));
                    }
                    let after_escape = self.pos;
                    match self.peek() {
                        None if raw => return Ok(Some(self.text(start, start, false))),
                        None => continue,
                        Some(n) if n == '"' || n == '$' || n == self.escape => {
                            self.bump();
                            let from = if raw { start } else { after_escape };
                            return Ok(Some(self.text(start, from, false)));
                        }
                        Some(_) if raw => {
                            // BuildKit writes the escape once for rawEscapes and
                            // once more because it escapes nothing here.
                            let mut twice = String::with_capacity(2 * c.len_utf8());
                            twice.push(c);
                            twice.push(c);
                            return Ok(Some(Event::Text {
                                text: Cow::Owned(twice),
                                start,
                                end: self.pos,
                                splits: false,
                            }));
                        }
                        Some(_) => return Ok(Some(self.text(start, start, false))),
                    }
                }
            }
        }
    }

    fn single_quoted(&mut self) -> Result<Event<'a>, LexError> {
        let start = self.pos;
        self.bump();
        let rest = self.slice(self.pos, self.src.len());
        let Some(len) = rest.find('\'') else {
            self.pos = self.src.len();
            return Err(self.fail(
                "unexpected end of statement while looking for matching single-quote".into(),
            ));
        };
        let content = self.slice(self.pos, self.pos + len);
        self.pos += len + 1;
        Ok(Event::SingleQuoted {
            content,
            start,
            end: self.pos,
        })
    }

    /// BuildKit's `processName`: a digit run, one special parameter, or a run
    /// of letters, digits and `_`.
    fn name(&mut self) -> (usize, &'a str) {
        let start = self.pos;
        match self.peek() {
            Some(c) if is_go_digit(c) => {
                while self.peek().is_some_and(is_go_digit) {
                    self.bump();
                }
            }
            Some(c) if is_special_param(c) => {
                self.bump();
            }
            _ => {
                while self.peek().is_some_and(is_name_char) {
                    self.bump();
                }
            }
        }
        (start, self.slice(start, self.pos))
    }

    fn dollar(&mut self) -> Result<Event<'a>, LexError> {
        let start = self.pos;
        self.bump();
        if self.peek() != Some('{') {
            let (name_start, name) = self.name();
            if name.is_empty() {
                return Ok(self.text(start, start, true));
            }
            return Ok(Event::Var {
                name,
                name_start,
                start,
                end: self.pos,
                braced: false,
            });
        }
        self.bump();
        match self.peek() {
            None => return Err(self.fail("syntax error: missing '}'".into())),
            Some('{' | '}' | ':') => return Err(self.fail("syntax error: bad substitution".into())),
            _ => {}
        }
        let (name_start, name) = self.name();
        let unsupported = |lexer: &Self, chars: &str| {
            lexer.fail(format!("unsupported modifier ({chars}) in substitution"))
        };
        let (op, stop, raw) = match self.bump() {
            Some('}') => {
                return Ok(Event::Var {
                    name,
                    name_start,
                    start,
                    end: self.pos,
                    braced: true,
                })
            }
            Some(':') => {
                let kind = self.bump();
                match kind {
                    Some('-') => (Op::Default { colon: true }, '}', false),
                    Some('+') => (Op::Alternative { colon: true }, '}', false),
                    Some('?') => (Op::Required { colon: true }, '}', false),
                    Some(k @ ('#' | '%')) => return Err(unsupported(self, &format!(":{k}"))),
                    other => {
                        let chars = format!(":{}", other.unwrap_or(EOF_RUNE));
                        (Op::Unsupported { chars }, '}', false)
                    }
                }
            }
            Some('-') => (Op::Default { colon: false }, '}', false),
            Some('+') => (Op::Alternative { colon: false }, '}', false),
            Some('?') => (Op::Required { colon: false }, '}', false),
            Some(c @ ('#' | '%')) => {
                let longest = self.peek() == Some(c);
                if longest {
                    self.bump();
                }
                if c == '#' {
                    (Op::RemovePrefix { longest }, '}', true)
                } else {
                    (Op::RemoveSuffix { longest }, '}', true)
                }
            }
            Some('/') => {
                let all = self.peek() == Some('/');
                if all {
                    self.bump();
                }
                (Op::Replace { all }, '/', true)
            }
            other => return Err(unsupported(self, &other.unwrap_or(EOF_RUNE).to_string())),
        };
        self.push_frame(Frame::Word {
            stop: Some(stop),
            raw,
        })?;
        Ok(Event::ModOpen {
            name,
            name_start,
            start,
            op,
        })
    }
}

// ---------------------------------------------------------------------------
// Typed parsing
// ---------------------------------------------------------------------------

/// A tree node still being filled.
enum Open<'a> {
    Double {
        start: usize,
        parts: Vec<WordPart>,
    },
    Modifier {
        name: &'a str,
        name_start: usize,
        start: usize,
        op: Op,
        word: Vec<WordPart>,
        pattern: Option<Vec<WordPart>>,
    },
}

/// Parse a word into typed parts (quotes and escapes interpreted as BuildKit
/// does, nothing expanded). `escape` is the file's escape character.
///
/// Errors are BuildKit's syntax errors (without the `failed to process`
/// prefix); nesting deeper than [`MAX_NESTING`] is an error too.
pub fn parse_word(input: &str, escape: char) -> Result<Vec<WordPart>, LexError> {
    let mut tokenizer = Tokenizer::new(input, escape, true, false);
    tokenizer.max_frames = Some(MAX_NESTING);
    let mut top = Vec::new();
    let mut open: Vec<Open<'_>> = Vec::new();
    while let Some(event) = tokenizer.next_event()? {
        let part = match event {
            Event::Text {
                text, start, end, ..
            } => {
                push_literal(current(&mut open, &mut top), &text, start, end);
                continue;
            }
            Event::SingleQuoted {
                content,
                start,
                end,
            } => WordPart::SingleQuoted {
                text: content.to_string(),
                start: start as u32,
                end: end as u32,
            },
            Event::DoubleOpen { start } => {
                open.push(Open::Double {
                    start,
                    parts: Vec::new(),
                });
                continue;
            }
            Event::ModOpen {
                name,
                name_start,
                start,
                op,
            } => {
                open.push(Open::Modifier {
                    name,
                    name_start,
                    start,
                    op,
                    word: Vec::new(),
                    pattern: None,
                });
                continue;
            }
            Event::ModSep => {
                if let Some(Open::Modifier { word, pattern, .. }) = open.last_mut() {
                    *pattern = Some(std::mem::take(word));
                }
                continue;
            }
            Event::Var {
                name,
                name_start,
                start,
                end,
                braced,
            } => WordPart::Variable(Variable {
                name: name.to_string(),
                name_start: name_start as u32,
                name_end: (name_start + name.len()) as u32,
                braced,
                modifier: None,
                start: start as u32,
                end: end as u32,
            }),
            Event::DoubleClose { end } => match open.pop() {
                Some(Open::Double { start, parts }) => WordPart::DoubleQuoted {
                    parts,
                    start: start as u32,
                    end: end as u32,
                },
                _ => continue,
            },
            Event::ModClose { end } => {
                let Some(Open::Modifier {
                    name,
                    name_start,
                    start,
                    op,
                    word,
                    pattern,
                }) = open.pop()
                else {
                    continue;
                };
                let modifier = match op {
                    Op::Default { colon } => Modifier::Default { colon, word },
                    Op::Alternative { colon } => Modifier::Alternative { colon, word },
                    Op::Required { colon } => Modifier::Required {
                        colon,
                        message: word,
                    },
                    Op::RemovePrefix { longest } => Modifier::RemovePrefix {
                        longest,
                        pattern: word,
                    },
                    Op::RemoveSuffix { longest } => Modifier::RemoveSuffix {
                        longest,
                        pattern: word,
                    },
                    Op::Replace { all } => Modifier::Replace {
                        all,
                        pattern: pattern.unwrap_or_default(),
                        replacement: word,
                    },
                    Op::Unsupported { chars } => {
                        return Err(tokenizer
                            .fail(format!("unsupported modifier ({chars}) in substitution")))
                    }
                };
                WordPart::Variable(Variable {
                    name: name.to_string(),
                    name_start: name_start as u32,
                    name_end: (name_start + name.len()) as u32,
                    braced: true,
                    modifier: Some(modifier),
                    start: start as u32,
                    end: end as u32,
                })
            }
        };
        current(&mut open, &mut top).push(part);
    }
    Ok(top)
}

fn current<'v>(open: &'v mut [Open<'_>], top: &'v mut Vec<WordPart>) -> &'v mut Vec<WordPart> {
    match open.last_mut() {
        Some(Open::Double { parts, .. }) => parts,
        Some(Open::Modifier { word, .. }) => word,
        None => top,
    }
}

fn push_literal(parts: &mut Vec<WordPart>, text: &str, start: usize, end: usize) {
    if let Some(WordPart::Literal {
        text: last,
        end: last_end,
        ..
    }) = parts.last_mut()
    {
        if *last_end as usize == start {
            last.push_str(text);
            *last_end = end as u32;
            return;
        }
    }
    parts.push(WordPart::Literal {
        text: text.to_string(),
        start: start as u32,
        end: end as u32,
    });
}

/// Every variable referenced in `parts`, in source order, including those
/// inside modifier words, patterns and replacements.
pub fn variables(parts: &[WordPart]) -> Vec<&Variable> {
    let mut out = Vec::new();
    // Iterative: the tree can be MAX_NESTING deep.
    let mut pending: Vec<&WordPart> = parts.iter().rev().collect();
    while let Some(part) = pending.pop() {
        match part {
            WordPart::Variable(v) => {
                out.push(v);
                match &v.modifier {
                    Some(
                        Modifier::Default { word, .. }
                        | Modifier::Alternative { word, .. }
                        | Modifier::Required { message: word, .. }
                        | Modifier::RemovePrefix { pattern: word, .. }
                        | Modifier::RemoveSuffix { pattern: word, .. },
                    ) => pending.extend(word.iter().rev()),
                    Some(Modifier::Replace {
                        pattern,
                        replacement,
                        ..
                    }) => {
                        pending.extend(replacement.iter().rev());
                        pending.extend(pattern.iter().rev());
                    }
                    None => {}
                }
            }
            WordPart::DoubleQuoted { parts, .. } => pending.extend(parts.iter().rev()),
            WordPart::Literal { .. } | WordPart::SingleQuoted { .. } => {}
        }
    }
    out
}

/// The variable references in a word (outer before inner, in source order),
/// without expanding anything and without a nesting limit. Fails where
/// [`parse_word`] fails on syntax.
pub fn variable_references(input: &str, escape: char) -> Result<Vec<VariableRef>, LexError> {
    let mut tokenizer = Tokenizer::new(input, escape, true, false);
    let mut refs = Vec::new();
    // Indices into `refs` of the `${…}` whose end is not known yet.
    let mut open = Vec::new();
    while let Some(event) = tokenizer.next_event()? {
        let reference =
            |name: &str, name_start: usize, start: usize, end: usize, braced| VariableRef {
                name: name.to_string(),
                name_start: name_start as u32,
                name_end: (name_start + name.len()) as u32,
                start: start as u32,
                end: end as u32,
                braced,
            };
        match event {
            Event::Var {
                name,
                name_start,
                start,
                end,
                braced,
            } => refs.push(reference(name, name_start, start, end, braced)),
            Event::ModOpen {
                name,
                name_start,
                start,
                op,
            } => {
                if let Op::Unsupported { chars } = op {
                    // parse_word rejects it at the closing brace; so do we.
                    open.push(Err(chars));
                } else {
                    open.push(Ok(refs.len()));
                    refs.push(reference(name, name_start, start, start, true));
                }
            }
            Event::ModClose { end } => match open.pop() {
                Some(Ok(index)) => {
                    if let Some(r) = refs.get_mut(index) {
                        r.end = end as u32;
                    }
                }
                Some(Err(chars)) => {
                    return Err(
                        tokenizer.fail(format!("unsupported modifier ({chars}) in substitution"))
                    )
                }
                None => {}
            },
            Event::Text { .. }
            | Event::SingleQuoted { .. }
            | Event::DoubleOpen { .. }
            | Event::DoubleClose { .. }
            | Event::ModSep => {}
        }
    }
    Ok(refs)
}

// ---------------------------------------------------------------------------
// Expansion
// ---------------------------------------------------------------------------

/// BuildKit's lexer settings (`shell.Lex`).
#[derive(Debug, Clone, Copy)]
pub struct Lexer {
    /// The file's escape character (`\` or `` ` ``).
    pub escape: char,
    /// Keep quote characters in the result (`RawQuotes`).
    pub raw_quotes: bool,
    /// Keep escape characters in the result (`RawEscapes`).
    pub raw_escapes: bool,
    /// Leave references to unset names as written (`SkipUnsetEnv`).
    pub skip_unset_env: bool,
    /// Treat quotes as ordinary characters (`SkipProcessQuotes`, used for
    /// heredoc bodies).
    pub skip_process_quotes: bool,
    /// Environment names compare case-insensitively (Windows): names are
    /// looked up as [`normalize_env_key`] spells them, so the lookup must
    /// store its keys that way too.
    pub case_insensitive_env: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer {
            escape: '\\',
            raw_quotes: false,
            raw_escapes: false,
            skip_unset_env: false,
            skip_process_quotes: false,
            case_insensitive_env: false,
        }
    }
}

/// An environment key as BuildKit stores it: unchanged, or upper-cased (Go's
/// per-character `strings.ToUpper`) when names are case-insensitive.
pub fn normalize_env_key(name: &str, case_insensitive: bool) -> Cow<'_, str> {
    if !case_insensitive {
        return Cow::Borrowed(name);
    }
    Cow::Owned(
        name.chars()
            .map(|c| {
                // Go maps one character to one character; where Unicode's full
                // mapping expands (ß → SS) Go leaves the character alone.
                let mut upper = c.to_uppercase();
                match (upper.next(), upper.next()) {
                    (Some(u), None) => u,
                    _ => c,
                }
            })
            .collect(),
    )
}

/// The result of expanding a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// `ProcessWord`'s result.
    pub result: String,
    /// The result split into words as `ProcessWords` splits it.
    pub words: Vec<String>,
    /// Names that were looked up and found.
    pub matched: BTreeSet<String>,
    /// Names that were looked up and not set (UndefinedVar's input).
    pub unmatched: BTreeSet<String>,
}

/// Word splitting state (BuildKit's `wordsStruct`).
#[derive(Default)]
struct Words {
    words: Vec<String>,
    word: String,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, c: char) {
        if !is_go_space(c) {
            self.word.push(c);
            self.in_word = true;
        } else if self.in_word && !self.word.is_empty() {
            // `<<` and the blanks after it stay in the word, so that a heredoc
            // operator written `<< EOF` is one word.
            if self.word.trim_end_matches(is_go_space).ends_with("<<") {
                self.word.push(c);
            } else {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        }
    }

    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

/// Where expanded text goes: the word being built, an open double quote, or
/// the word of an open `${name<op>…}`.
enum Sink<'a> {
    Double(String),
    Modifier {
        name: &'a str,
        op: Op,
        word: String,
        pattern: Option<String>,
    },
}

struct Expander<'e> {
    lexer: Lexer,
    env: &'e dyn Fn(&str) -> Option<String>,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
}

impl Lexer {
    /// Expand and remove quotes, without splitting (BuildKit's `ProcessWord`,
    /// `ProcessWordWithMatches`). `env` looks a name up.
    pub fn process_word(
        &self,
        input: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Expansion, LexError> {
        let mut expander = Expander {
            lexer: *self,
            env,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
        };
        let (result, words) = expander.run(input).map_err(|e| LexError {
            message: format!(
                "failed to process {}: {}",
                crate::go_quote(input),
                e.message
            ),
            offset: e.offset,
        })?;
        Ok(Expansion {
            result,
            words,
            matched: expander.matched,
            unmatched: expander.unmatched,
        })
    }

    /// Expand, then split into words (BuildKit's `ProcessWords`).
    pub fn process_words(
        &self,
        input: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<String>, LexError> {
        self.process_word(input, env).map(|e| e.words)
    }
}

impl Expander<'_> {
    fn lookup(&mut self, name: &str) -> Option<String> {
        let key = normalize_env_key(name, self.lexer.case_insensitive_env);
        let value = (self.env)(&key);
        let seen = if value.is_some() {
            &mut self.matched
        } else {
            &mut self.unmatched
        };
        seen.insert(name.to_string());
        value
    }

    fn run(&mut self, input: &str) -> Result<(String, Vec<String>), LexError> {
        let lexer = self.lexer;
        let mut tokenizer = Tokenizer::new(
            input,
            lexer.escape,
            !lexer.skip_process_quotes,
            lexer.raw_escapes,
        );
        let mut result = String::new();
        let mut words = Words::default();
        let mut sinks: Vec<Sink<'_>> = Vec::new();
        while let Some(event) = tokenizer.next_event()? {
            // (text, whether it came from `$`: only that and plain characters
            // are split into words; quoted and escaped text is not)
            let (text, from_dollar): (Cow<'_, str>, bool) = match event {
                Event::Text { text, splits, .. } => (text, splits),
                Event::SingleQuoted { content, .. } if lexer.raw_quotes => {
                    (Cow::Owned(format!("'{content}'")), false)
                }
                Event::SingleQuoted { content, .. } => (Cow::Borrowed(content), false),
                Event::DoubleOpen { .. } => {
                    let open = if lexer.raw_quotes { "\"" } else { "" };
                    sinks.push(Sink::Double(open.to_string()));
                    continue;
                }
                Event::DoubleClose { .. } => {
                    let Some(Sink::Double(mut text)) = sinks.pop() else {
                        continue;
                    };
                    if lexer.raw_quotes {
                        text.push('"');
                    }
                    (Cow::Owned(text), false)
                }
                Event::Var { name, braced, .. } => {
                    let value = match self.lookup(name) {
                        Some(value) => value,
                        None if lexer.skip_unset_env && braced => format!("${{{name}}}"),
                        None if lexer.skip_unset_env => format!("${name}"),
                        None => String::new(),
                    };
                    (Cow::Owned(value), true)
                }
                Event::ModOpen { name, op, .. } => {
                    sinks.push(Sink::Modifier {
                        name,
                        op,
                        word: String::new(),
                        pattern: None,
                    });
                    continue;
                }
                Event::ModSep => {
                    if let Some(Sink::Modifier { word, pattern, .. }) = sinks.last_mut() {
                        *pattern = Some(std::mem::take(word));
                    }
                    continue;
                }
                Event::ModClose { .. } => {
                    let Some(Sink::Modifier {
                        name,
                        op,
                        word,
                        pattern,
                    }) = sinks.pop()
                    else {
                        continue;
                    };
                    let value = self
                        .modify(name, &op, word, pattern)
                        .map_err(|message| tokenizer.fail(message))?;
                    (Cow::Owned(value), true)
                }
            };
            match sinks.last_mut() {
                Some(Sink::Double(buffer) | Sink::Modifier { word: buffer, .. }) => {
                    buffer.push_str(&text);
                }
                None => {
                    result.push_str(&text);
                    if from_dollar {
                        words.add_string(&text);
                    } else {
                        words.add_raw(&text);
                    }
                }
            }
        }
        Ok((result, words.finish()))
    }

    /// A closed `${name<op>word}`, with its word already expanded.
    fn modify(
        &mut self,
        name: &str,
        op: &Op,
        mut word: String,
        pattern: Option<String>,
    ) -> Result<String, String> {
        if let Op::RemovePrefix { longest: true } = op {
            word.insert(0, '#');
        }
        if let Op::RemoveSuffix { longest: true } = op {
            word.insert(0, '%');
        }
        let value = self.lookup(name);
        if self.lexer.skip_unset_env && value.is_none() {
            return Ok(match op {
                Op::Replace { .. } => {
                    // BuildKit writes a single `/` even for `//`.
                    format!("${{{name}/{}/{word}}}", pattern.unwrap_or_default())
                }
                _ => format!("${{{name}{}{word}}}", op.written()),
            });
        }
        let set = value.is_some();
        let value = value.unwrap_or_default();
        let missing = |colon: bool| !set || (colon && value.is_empty());
        match op {
            Op::Default { colon } => Ok(if missing(*colon) { word } else { value }),
            Op::Alternative { colon } => Ok(if missing(*colon) { String::new() } else { word }),
            Op::Required { colon } => {
                let default = if !set {
                    "is not allowed to be unset"
                } else if *colon && value.is_empty() {
                    "is not allowed to be empty"
                } else {
                    return Ok(value);
                };
                let message = if word.is_empty() { default } else { &word };
                Err(format!("{name}: {message}"))
            }
            Op::RemovePrefix { .. } => {
                let (greedy, pattern) = strip_marker(&word, '#');
                trim_prefix(pattern, &value, greedy)
            }
            Op::RemoveSuffix { .. } => {
                let (greedy, pattern) = strip_marker(&word, '%');
                let reversed = reverse_pattern(pattern);
                let value: String = value.chars().rev().collect();
                Ok(trim_prefix(&reversed, &value, greedy)?
                    .chars()
                    .rev()
                    .collect())
            }
            Op::Replace { all } => {
                let pattern = pattern.unwrap_or_default();
                let program = Program::compile(&pattern, true)
                    .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
                Ok(if *all {
                    program.replace_all(&value, &word)
                } else {
                    match program.find_at(&value, 0, false) {
                        Some((start, end)) => {
                            let (head, tail) = (&value[..start], &value[end..]);
                            format!("{head}{word}{tail}")
                        }
                        None => value,
                    }
                })
            }
            Op::Unsupported { chars } => {
                Err(format!("unsupported modifier ({chars}) in substitution"))
            }
        }
    }
}

/// `##` / `%%` are decided on the expanded pattern's first character.
fn strip_marker(word: &str, marker: char) -> (bool, &str) {
    match word.strip_prefix(marker) {
        Some(rest) => (true, rest),
        None => (false, word),
    }
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let program = Program::compile(pattern, greedy)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match program.find_at(value, 0, true) {
        Some((_, end)) => value[end..].to_string(),
        None => value.to_string(),
    })
}

/// Reverse a pattern but keep each `\x` escape in front of its character, so
/// that a suffix match becomes a prefix match on the reversed value.
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec!['\0'; chars.len()];
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let at = last - i;
        match (chars[i], chars.get(i + 1)) {
            ('\\', Some(&next)) if at >= 1 => {
                out[at - 1] = '\\';
                out[at] = next;
                i += 2;
            }
            (c, _) => {
                out[at] = c;
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

// ---------------------------------------------------------------------------
// Patterns: BuildKit turns `*`, `?` and literals into a Go regexp; this is a
// small Pike VM with the same leftmost-first priorities (linear time, so a
// hostile pattern cannot stall the linter).
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Inst {
    Char(char),
    /// Go's `.`: any character but a newline.
    Any,
    /// Try the first branch before the second.
    Split(usize, usize),
    Jump(usize),
    Match,
}

struct Program {
    insts: Vec<Inst>,
}

impl Program {
    /// `greedy`: `*` prefers the longest run (Go's `.*`) or the shortest (`.*?`).
    fn compile(pattern: &str, greedy: bool) -> Result<Program, String> {
        let mut insts = Vec::new();
        // Go's text/scanner skips a leading byte order mark here too.
        let mut chars = pattern
            .strip_prefix('\u{FEFF}')
            .unwrap_or(pattern)
            .chars()
            .peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    let split = insts.len();
                    let (body, exit) = (split + 1, split + 3);
                    insts.push(if greedy {
                        Inst::Split(body, exit)
                    } else {
                        Inst::Split(exit, body)
                    });
                    insts.push(Inst::Any);
                    insts.push(Inst::Jump(split));
                }
                '?' => insts.push(Inst::Any),
                '\\' => {
                    // `\}` and `\/` only protect the delimiter: the escape goes.
                    if matches!(chars.peek(), Some('}' | '/')) {
                        continue;
                    }
                    match chars.next() {
                        Some(e @ ('*' | '?' | '\\')) => insts.push(Inst::Char(e)),
                        other => {
                            return Err(format!("invalid escape '\\{}'", other.unwrap_or(EOF_RUNE)))
                        }
                    }
                }
                c => insts.push(Inst::Char(c)),
            }
        }
        insts.push(Inst::Match);
        Ok(Program { insts })
    }

    /// Add the thread at `pc` and everything reachable without consuming input,
    /// in priority order.
    fn add_thread(
        &self,
        list: &mut Vec<(usize, usize)>,
        seen: &mut [usize],
        generation: usize,
        stack: &mut Vec<usize>,
        pc: usize,
        start: usize,
    ) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            let Some(mark) = seen.get_mut(pc) else {
                continue;
            };
            if *mark == generation {
                continue;
            }
            *mark = generation;
            match self.insts[pc] {
                Inst::Jump(to) => stack.push(to),
                Inst::Split(first, second) => {
                    stack.push(second);
                    stack.push(first);
                }
                Inst::Char(_) | Inst::Any | Inst::Match => list.push((pc, start)),
            }
        }
    }

    /// The leftmost-first match starting at or after `from` (exactly at `from`
    /// when `anchored`), as byte offsets.
    fn find_at(&self, hay: &str, from: usize, anchored: bool) -> Option<(usize, usize)> {
        let mut seen = vec![usize::MAX; self.insts.len()];
        let (mut current, mut next) = (Vec::new(), Vec::new());
        let mut stack = Vec::new();
        let mut found = None;
        let mut pos = from;
        let mut generation = 0;
        loop {
            if found.is_none() && (!anchored || pos == from) {
                self.add_thread(&mut current, &mut seen, generation, &mut stack, 0, pos);
            }
            if current.is_empty() {
                break;
            }
            let c = hay.get(pos..).and_then(|rest| rest.chars().next());
            let after = pos + c.map_or(0, char::len_utf8);
            for &(pc, start) in &current {
                let advances = match self.insts[pc] {
                    Inst::Match => {
                        // Lower-priority threads cannot win any more.
                        found = Some((start, pos));
                        break;
                    }
                    Inst::Char(want) => c == Some(want),
                    Inst::Any => c.is_some_and(|c| c != '\n'),
                    Inst::Split(..) | Inst::Jump(..) => false,
                };
                if advances {
                    self.add_thread(
                        &mut next,
                        &mut seen,
                        generation + 1,
                        &mut stack,
                        pc + 1,
                        start,
                    );
                }
            }
            std::mem::swap(&mut current, &mut next);
            next.clear();
            generation += 1;
            if c.is_none() {
                break;
            }
            pos = after;
        }
        found
    }

    /// Go's `Regexp.ReplaceAllString`: successive non-overlapping matches, an
    /// empty match right after a match is skipped, and `$0` / `${0}` in the
    /// replacement stand for the match.
    fn replace_all(&self, value: &str, replacement: &str) -> String {
        let mut out = String::new();
        let (mut last_end, mut search) = (0, 0);
        while search <= value.len() {
            let Some((start, end)) = self.find_at(value, search, false) else {
                break;
            };
            out.push_str(value.get(last_end..start).unwrap_or_default());
            if end > last_end || start == 0 {
                expand_template(
                    &mut out,
                    replacement,
                    value.get(start..end).unwrap_or_default(),
                );
            }
            last_end = end;
            let width = value
                .get(search..)
                .and_then(|rest| rest.chars().next())
                .map_or(0, char::len_utf8);
            search = if search + width > end {
                search + width
            } else if search + 1 > end {
                search + 1
            } else {
                end
            };
        }
        out.push_str(value.get(last_end..).unwrap_or_default());
        out
    }
}

/// Go's `Regexp.Expand` for a regexp without groups: `$$` is `$`, `$0` and
/// `${0}` are the match, other well-formed references are empty, and a
/// malformed one is literal.
fn expand_template(out: &mut String, template: &str, matched: &str) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (inner, braced) = match rest.strip_prefix('{') {
            Some(inner) => (inner, true),
            None => (rest, false),
        };
        let len = inner
            .find(|c: char| !is_name_char(c))
            .unwrap_or(inner.len());
        let name = &inner[..len];
        let after = &inner[len..];
        let after = if braced {
            after.strip_prefix('}')
        } else {
            Some(after)
        };
        match after {
            Some(after) if !name.is_empty() => {
                if name == "0" {
                    out.push_str(matched);
                }
                rest = after;
            }
            _ => out.push('$'),
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(word: &str, env: &[(&str, &str)]) -> Result<String, String> {
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        Lexer::default()
            .process_word(word, &lookup)
            .map(|e| e.result)
            .map_err(|e| e.message)
    }

    #[test]
    fn patterns_follow_go_regexp_priorities() {
        let env = [("V", "a/b/c.tar.gz"), ("N", "x\ny")];
        assert_eq!(expand("${V#*/}", &env).unwrap(), "b/c.tar.gz");
        assert_eq!(expand("${V##*/}", &env).unwrap(), "c.tar.gz");
        assert_eq!(expand("${V%.*}", &env).unwrap(), "a/b/c.tar");
        assert_eq!(expand("${V%%.*}", &env).unwrap(), "a/b/c");
        // Go's `.` does not match a newline.
        assert_eq!(expand("${N#*y}", &env).unwrap(), "x\ny");
        assert_eq!(expand("${N/?/-}", &env).unwrap(), "-\ny");
    }

    #[test]
    fn replace_all_matches_go() {
        let env = [("V", "abc")];
        // The empty match after `abc` is skipped.
        assert_eq!(expand("${V//*/x}", &env).unwrap(), "x");
        // An empty pattern matches between characters.
        assert_eq!(expand("${V//$E/-}", &env).unwrap(), "-a-b-c-");
        // `$0` is the match (it reaches the replacement through a variable).
        let env = [("V", "abc"), ("R", "<$0>"), ("D", "$$")];
        assert_eq!(expand("${V//b/$R}", &env).unwrap(), "a<b>c");
        assert_eq!(expand("${V//b/$D}", &env).unwrap(), "a$c");
        assert_eq!(expand("${V/b/$R}", &env).unwrap(), "a<$0>c");
    }

    #[test]
    fn pattern_errors() {
        let env = [("V", "abc"), ("P", "a\\"), ("Q", "\\x")];
        assert_eq!(
            expand("${V#$P}", &env).unwrap_err(),
            "failed to process \"${V#$P}\": invalid pattern (a\\) in substitution: invalid escape '\\\u{FFFD}'"
        );
        // Suffix patterns are reported reversed, as BuildKit reports them.
        assert_eq!(
            expand("${V%$Q}", &env).unwrap_err(),
            "failed to process \"${V%$Q}\": invalid pattern (\\x) in substitution: invalid escape '\\x'"
        );
    }

    #[test]
    fn reverse_pattern_keeps_escapes() {
        assert_eq!(reverse_pattern("a\\*c"), "c\\*a");
        assert_eq!(reverse_pattern("ab\\"), "\\ba");
        assert_eq!(reverse_pattern(""), "");
    }
}
