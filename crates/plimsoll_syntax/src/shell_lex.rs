//! BuildKit's word lexer (`frontend/dockerfile/shell/lex.go`), reimplemented:
//! the `$VAR` / `${VAR:-x}` expansion and quote removal that the builder
//! applies to ENV, LABEL, COPY, WORKDIR, USER and other arguments.
//!
//! Two views of a word:
//! - [`parse_word`]: typed parts with byte offsets (literal, quoted, variable
//!   with its modifier), for rules that ask "which variables does this use?";
//! - [`Lexer::process_word`] / [`Lexer::process_words`]: BuildKit's expansion,
//!   with its options, error messages and the set of unset names it looked up.
//!
//! Nesting (`${a:-${b:-…}}`) is limited to [`MAX_NESTING`] levels so that
//! hostile input gets an error instead of overflowing the stack.

use std::collections::BTreeSet;
use std::fmt;

/// Deeper `${…}` nesting is reported as an error rather than recursed into.
pub const MAX_NESTING: usize = 128;

/// A lexing error, worded as BuildKit words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub message: String,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LexError {}

fn error<T>(message: impl Into<String>) -> Result<T, LexError> {
    Err(LexError {
        message: message.into(),
    })
}

/// A variable reference in a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// `${…}` rather than `$NAME`.
    pub braced: bool,
    pub modifier: Option<Modifier>,
    /// Byte range of the whole reference (`$` to `}`) in the input.
    pub start: u32,
    pub end: u32,
}

/// `${name<modifier>}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modifier {
    /// `:-` / `-`: a default.
    Default { colon: bool, word: Vec<WordPart> },
    /// `:+` / `+`: an alternative.
    Alternative { colon: bool, word: Vec<WordPart> },
    /// `:?` / `?`: an error message.
    Required { colon: bool, word: Vec<WordPart> },
    /// `#` / `##`.
    RemovePrefix { longest: bool, pattern: String },
    /// `%` / `%%`.
    RemoveSuffix { longest: bool, pattern: String },
    /// `/` / `//`.
    Replace {
        all: bool,
        pattern: String,
        replacement: String,
    },
}

/// One part of a word, with its byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPart {
    /// Unquoted text, escapes removed.
    Literal {
        text: String,
        start: u32,
        end: u32,
    },
    SingleQuoted {
        text: String,
        start: u32,
        end: u32,
    },
    DoubleQuoted {
        parts: Vec<WordPart>,
        start: u32,
        end: u32,
    },
    Variable(Variable),
}

/// Character stream with byte positions.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
}

fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// A variable name after `$`: a digit run, one special character, or letters/digits/`_`.
fn read_name(scanner: &mut Scanner<'_>) -> String {
    let mut name = String::new();
    while let Some(c) = scanner.peek() {
        if name.is_empty() && c.is_numeric() {
            while let Some(d) = scanner.peek().filter(|d| d.is_numeric()) {
                name.push(d);
                scanner.next();
            }
            return name;
        }
        if name.is_empty() && is_special_param(c) {
            scanner.next();
            return c.to_string();
        }
        if !(c.is_alphanumeric() || c == '_') {
            break;
        }
        name.push(c);
        scanner.next();
    }
    name
}

// ---------------------------------------------------------------------------
// Typed parsing
// ---------------------------------------------------------------------------

/// Parse a word into typed parts (quotes and escapes interpreted as BuildKit
/// does, nothing expanded). `escape` is the file's escape character.
pub fn parse_word(input: &str, escape: char) -> Result<Vec<WordPart>, LexError> {
    let mut scanner = Scanner {
        text: input,
        pos: 0,
    };
    parse_parts(&mut scanner, escape, None, 0)
}

fn push_literal(parts: &mut Vec<WordPart>, c: char, start: usize, end: usize) {
    if let Some(WordPart::Literal { text, end: e, .. }) = parts.last_mut() {
        if *e as usize == start {
            text.push(c);
            *e = end as u32;
            return;
        }
    }
    parts.push(WordPart::Literal {
        text: c.to_string(),
        start: start as u32,
        end: end as u32,
    });
}

fn parse_parts(
    scanner: &mut Scanner<'_>,
    escape: char,
    stop: Option<char>,
    depth: usize,
) -> Result<Vec<WordPart>, LexError> {
    let mut parts = Vec::new();
    while let Some(c) = scanner.peek() {
        let start = scanner.pos;
        if Some(c) == stop {
            scanner.next();
            return Ok(parts);
        }
        match c {
            '$' => parts.push(parse_dollar(scanner, escape, depth)?),
            '\'' => {
                scanner.next();
                let mut text = String::new();
                loop {
                    match scanner.next() {
                        None => return error(
                            "unexpected end of statement while looking for matching single-quote",
                        ),
                        Some('\'') => break,
                        Some(q) => text.push(q),
                    }
                }
                parts.push(WordPart::SingleQuoted {
                    text,
                    start: start as u32,
                    end: scanner.pos as u32,
                });
            }
            '"' => {
                scanner.next();
                let mut inner = Vec::new();
                loop {
                    let at = scanner.pos;
                    match scanner.peek() {
                        None => return error(
                            "unexpected end of statement while looking for matching double-quote",
                        ),
                        Some('"') => {
                            scanner.next();
                            break;
                        }
                        Some('$') => inner.push(parse_dollar(scanner, escape, depth)?),
                        Some(q) => {
                            scanner.next();
                            let mut ch = q;
                            if q == escape
                                && matches!(scanner.peek(), Some(n) if n == '"' || n == '$' || n == escape)
                            {
                                ch = scanner.next().unwrap_or(q);
                            }
                            push_literal(&mut inner, ch, at, scanner.pos);
                        }
                    }
                }
                parts.push(WordPart::DoubleQuoted {
                    parts: inner,
                    start: start as u32,
                    end: scanner.pos as u32,
                });
            }
            c => {
                scanner.next();
                if c == escape {
                    match scanner.next() {
                        Some(next) => push_literal(&mut parts, next, start, scanner.pos),
                        None => break,
                    }
                } else {
                    push_literal(&mut parts, c, start, scanner.pos);
                }
            }
        }
    }
    match stop {
        Some(_) => error("syntax error: missing '}'"),
        None => Ok(parts),
    }
}

/// Raw text up to an unescaped `stop` (patterns keep their escapes).
fn raw_until(scanner: &mut Scanner<'_>, stop: char, missing: &str) -> Result<String, LexError> {
    let mut text = String::new();
    loop {
        match scanner.next() {
            None => return error(missing),
            Some(c) if c == stop => return Ok(text),
            Some('\\') => {
                text.push('\\');
                if let Some(next) = scanner.next() {
                    text.push(next);
                }
            }
            Some(c) => text.push(c),
        }
    }
}

fn parse_dollar(
    scanner: &mut Scanner<'_>,
    escape: char,
    depth: usize,
) -> Result<WordPart, LexError> {
    let start = scanner.pos;
    scanner.next();
    let literal_dollar = |scanner: &Scanner<'_>| WordPart::Literal {
        text: "$".into(),
        start: start as u32,
        end: scanner.pos as u32,
    };
    if scanner.peek() != Some('{') {
        let name = read_name(scanner);
        if name.is_empty() {
            return Ok(literal_dollar(scanner));
        }
        return Ok(WordPart::Variable(Variable {
            name,
            braced: false,
            modifier: None,
            start: start as u32,
            end: scanner.pos as u32,
        }));
    }
    if depth >= MAX_NESTING {
        return error(format!(
            "variable substitutions nested deeper than {MAX_NESTING} levels"
        ));
    }
    scanner.next();
    match scanner.peek() {
        None => return error("syntax error: missing '}'"),
        Some('{' | '}' | ':') => return error("syntax error: bad substitution"),
        _ => {}
    }
    let name = read_name(scanner);
    let Some(op) = scanner.next() else {
        return error("syntax error: missing '}'");
    };
    let modifier = match op {
        '}' => None,
        '/' => {
            let all = scanner.peek() == Some('/');
            if all {
                scanner.next();
            }
            let pattern = raw_until(scanner, '/', "syntax error: missing '/' in ${}")?;
            let replacement = raw_until(scanner, '}', "syntax error: missing '}'")?;
            Some(Modifier::Replace {
                all,
                pattern,
                replacement,
            })
        }
        '#' | '%' => {
            let longest = scanner.peek() == Some(op);
            if longest {
                scanner.next();
            }
            let pattern = raw_until(scanner, '}', "syntax error: missing '}'")?;
            Some(if op == '#' {
                Modifier::RemovePrefix { longest, pattern }
            } else {
                Modifier::RemoveSuffix { longest, pattern }
            })
        }
        ':' | '-' | '+' | '?' => {
            let colon = op == ':';
            let kind = if colon { scanner.next() } else { Some(op) };
            match kind {
                Some(k @ ('-' | '+' | '?')) => {
                    let word = parse_parts(scanner, escape, Some('}'), depth + 1)?;
                    Some(match k {
                        '-' => Modifier::Default { colon, word },
                        '+' => Modifier::Alternative { colon, word },
                        _ => Modifier::Required { colon, word },
                    })
                }
                Some(k) => return error(format!("unsupported modifier (:{k}) in substitution")),
                None => return error("syntax error: missing '}'"),
            }
        }
        other => return error(format!("unsupported modifier ({other}) in substitution")),
    };
    Ok(WordPart::Variable(Variable {
        name,
        braced: true,
        modifier,
        start: start as u32,
        end: scanner.pos as u32,
    }))
}

/// Every variable referenced in `parts`, nested defaults included, in order.
pub fn variables(parts: &[WordPart]) -> Vec<&Variable> {
    let mut out = Vec::new();
    let mut stack: Vec<&[WordPart]> = vec![parts];
    // Iterative: defaults can nest deeply.
    let mut pending: Vec<&WordPart> = Vec::new();
    while let Some(list) = stack.pop() {
        pending.extend(list.iter().rev());
        while let Some(part) = pending.pop() {
            match part {
                WordPart::Variable(v) => {
                    out.push(v);
                    if let Some(
                        Modifier::Default { word, .. }
                        | Modifier::Alternative { word, .. }
                        | Modifier::Required { word, .. },
                    ) = &v.modifier
                    {
                        pending.extend(word.iter().rev());
                    }
                }
                WordPart::DoubleQuoted { parts, .. } => pending.extend(parts.iter().rev()),
                _ => {}
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Expansion
// ---------------------------------------------------------------------------

/// BuildKit's lexer settings.
#[derive(Debug, Clone, Copy)]
pub struct Lexer {
    pub escape: char,
    /// Keep quote characters in the result.
    pub raw_quotes: bool,
    /// Keep escape characters in the result.
    pub raw_escapes: bool,
    /// Leave `$NAME` as written when NAME is unset.
    pub skip_unset_env: bool,
    /// Environment names compare case-insensitively (Windows).
    pub case_insensitive_env: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer {
            escape: '\\',
            raw_quotes: false,
            raw_escapes: false,
            skip_unset_env: false,
            case_insensitive_env: false,
        }
    }
}

/// The result of expanding a word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
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
        if c.is_whitespace() {
            if self.in_word && !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.word.push(c);
            self.in_word = true;
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

struct Expander<'a, 'e> {
    lexer: Lexer,
    scanner: Scanner<'a>,
    env: &'e dyn Fn(&str) -> Option<String>,
    raw_escapes: bool,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
}

impl Lexer {
    /// Expand and remove quotes, without splitting (BuildKit's `ProcessWord`).
    pub fn process_word(
        &self,
        input: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Expansion, LexError> {
        let mut expander = Expander {
            lexer: *self,
            scanner: Scanner {
                text: input,
                pos: 0,
            },
            env,
            raw_escapes: self.raw_escapes,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
        };
        let (result, words) = expander
            .process_until(None, self.raw_escapes, 0)
            .map_err(|e| LexError {
                message: format!(
                    "failed to process {}: {}",
                    crate::go_quote(input),
                    e.message
                ),
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

impl Expander<'_, '_> {
    fn lookup(&mut self, name: &str) -> Option<String> {
        let value = if self.lexer.case_insensitive_env {
            (self.env)(name).or_else(|| (self.env)(&name.to_uppercase()))
        } else {
            (self.env)(name)
        };
        if value.is_some() {
            self.matched.insert(name.to_string());
        } else {
            self.unmatched.insert(name.to_string());
        }
        value
    }

    fn process_until(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
        depth: usize,
    ) -> Result<(String, Vec<String>), LexError> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let outcome = self.process_until_inner(stop, depth);
        self.raw_escapes = saved;
        outcome
    }

    fn process_until_inner(
        &mut self,
        stop: Option<char>,
        depth: usize,
    ) -> Result<(String, Vec<String>), LexError> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(c) = self.scanner.peek() {
            if Some(c) == stop {
                self.scanner.next();
                return Ok((result, words.finish()));
            }
            match c {
                '$' => {
                    let value = self.dollar(depth)?;
                    words.add_string(&value);
                    result.push_str(&value);
                }
                '\'' => {
                    let value = self.single_quoted()?;
                    words.add_raw(&value);
                    result.push_str(&value);
                }
                '"' => {
                    let value = self.double_quoted(depth)?;
                    words.add_raw(&value);
                    result.push_str(&value);
                }
                c => {
                    self.scanner.next();
                    if c == self.lexer.escape {
                        if self.raw_escapes {
                            words.add_raw(&c.to_string());
                            result.push(c);
                        }
                        let Some(next) = self.scanner.next() else {
                            break;
                        };
                        words.add_raw(&next.to_string());
                        result.push(next);
                    } else {
                        words.add_char(c);
                        result.push(c);
                    }
                }
            }
        }
        if let Some(stop) = stop {
            return error(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn single_quoted(&mut self) -> Result<String, LexError> {
        let mut out = String::new();
        let open = self.scanner.next();
        if self.lexer.raw_quotes {
            out.extend(open);
        }
        loop {
            match self.scanner.next() {
                None => {
                    return error(
                        "unexpected end of statement while looking for matching single-quote",
                    )
                }
                Some('\'') => {
                    if self.lexer.raw_quotes {
                        out.push('\'');
                    }
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self, depth: usize) -> Result<String, LexError> {
        let mut out = String::new();
        let open = self.scanner.next();
        if self.lexer.raw_quotes {
            out.extend(open);
        }
        loop {
            match self.scanner.peek() {
                None => {
                    return error(
                        "unexpected end of statement while looking for matching double-quote",
                    )
                }
                Some('"') => {
                    self.scanner.next();
                    if self.lexer.raw_quotes {
                        out.push('"');
                    }
                    return Ok(out);
                }
                Some('$') => {
                    let value = self.dollar(depth)?;
                    out.push_str(&value);
                }
                Some(_) => {
                    let Some(mut c) = self.scanner.next() else {
                        continue;
                    };
                    if c == self.lexer.escape {
                        match self.scanner.peek() {
                            // A trailing escape is dropped; the missing quote is reported next.
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.lexer.escape => {
                                if self.raw_escapes {
                                    out.push(c);
                                }
                                c = n;
                                self.scanner.next();
                            }
                            Some(_) => {}
                        }
                    }
                    out.push(c);
                }
            }
        }
    }

    fn dollar(&mut self, depth: usize) -> Result<String, LexError> {
        self.scanner.next();
        if self.scanner.peek() != Some('{') {
            let name = read_name(&mut self.scanner);
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.lexer.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        if depth >= MAX_NESTING {
            return error(format!(
                "variable substitutions nested deeper than {MAX_NESTING} levels"
            ));
        }
        self.scanner.next();
        match self.scanner.peek() {
            None => return error("syntax error: missing '}'"),
            Some('{' | '}' | ':') => return error("syntax error: bad substitution"),
            _ => {}
        }
        let name = read_name(&mut self.scanner);
        let Some(op) = self.scanner.next() else {
            return error("syntax error: missing '}'");
        };
        match op {
            '}' => Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.lexer.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            ':' | '+' | '-' | '?' | '#' | '%' => {
                let colon = op == ':';
                let mut ops = op.to_string();
                let kind = if colon {
                    let k = self.scanner.next();
                    ops.extend(k);
                    k
                } else {
                    Some(op)
                };
                let Some(kind) = kind else {
                    return error("syntax error: missing '}'");
                };
                if !matches!(kind, '+' | '-' | '?' | '#' | '%') {
                    return error(format!("unsupported modifier ({ops}) in substitution"));
                }
                let keeps_escapes = kind == '#' || kind == '%';
                if colon && keeps_escapes {
                    return error(format!("unsupported modifier ({ops}) in substitution"));
                }
                let word = match self.process_until(Some('}'), keeps_escapes, depth + 1) {
                    Ok((word, _)) => word,
                    Err(_) if self.scanner.peek().is_none() => {
                        return error("syntax error: missing '}'")
                    }
                    Err(e) => return Err(e),
                };
                let value = self.lookup(&name);
                if self.lexer.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{ops}{word}}}"));
                }
                let unset_or_null = value.as_deref().is_none_or(|v| colon && v.is_empty());
                match kind {
                    '-' => Ok(if unset_or_null {
                        word
                    } else {
                        value.unwrap_or_default()
                    }),
                    '+' => Ok(if unset_or_null { String::new() } else { word }),
                    '?' => match value {
                        None => error(format!(
                            "{name}: {}",
                            if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            }
                        )),
                        Some(v) if colon && v.is_empty() => error(format!(
                            "{name}: {}",
                            if word.is_empty() {
                                "is not allowed to be empty"
                            } else {
                                &word
                            }
                        )),
                        Some(v) => Ok(v),
                    },
                    _ => {
                        let value = value.unwrap_or_default();
                        let (longest, pattern) = match word.strip_prefix(kind) {
                            Some(rest) => (true, rest.to_string()),
                            None => (false, word),
                        };
                        let pattern = Pattern::parse(&pattern)?;
                        Ok(if kind == '#' {
                            pattern.trim_prefix(&value, longest)
                        } else {
                            pattern.trim_suffix(&value, longest)
                        })
                    }
                }
            }
            '/' => {
                let all = self.scanner.peek() == Some('/');
                if all {
                    self.scanner.next();
                }
                let pattern = match self.process_until(Some('/'), true, depth + 1) {
                    Ok((p, _)) => p,
                    Err(_) if self.scanner.peek().is_none() => {
                        return error("syntax error: missing '/' in ${}")
                    }
                    Err(e) => return Err(e),
                };
                let replacement = match self.process_until(Some('}'), true, depth + 1) {
                    Ok((r, _)) => r,
                    Err(_) if self.scanner.peek().is_none() => {
                        return error("syntax error: missing '}'")
                    }
                    Err(e) => return Err(e),
                };
                let value = self.lookup(&name);
                let Some(value) = value else {
                    if self.lexer.skip_unset_env {
                        return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                    }
                    return Ok(String::new());
                };
                let compiled = Pattern::parse(&pattern).map_err(|e| LexError {
                    message: format!("invalid pattern ({pattern}) in substitution: {}", e.message),
                })?;
                Ok(compiled.replace(&value, &replacement, all))
            }
            other => error(format!("unsupported modifier ({other}) in substitution")),
        }
    }
}

/// A `${v#pat}` glob: `*`, `?`, literal characters.
#[derive(Debug)]
struct Pattern {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Any,
    One,
    Char(char),
}

impl Pattern {
    fn parse(pattern: &str) -> Result<Pattern, LexError> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '*' => Token::Any,
                '?' => Token::One,
                '\\' => match chars.next() {
                    Some(e @ ('*' | '?' | '\\' | '}' | '/')) => Token::Char(e),
                    Some(other) => return error(format!("invalid escape '\\{other}'")),
                    None => Token::Char('\\'),
                },
                c => Token::Char(c),
            });
        }
        Ok(Pattern { tokens })
    }

    /// Does the pattern match all of `text`?
    fn matches(&self, text: &[char]) -> bool {
        let (mut p, mut t) = (0, 0);
        let (mut star, mut mark) = (None, 0);
        while t < text.len() {
            match self.tokens.get(p) {
                Some(Token::One) => {
                    p += 1;
                    t += 1;
                }
                Some(Token::Char(c)) if *c == text[t] => {
                    p += 1;
                    t += 1;
                }
                Some(Token::Any) => {
                    star = Some(p);
                    mark = t;
                    p += 1;
                }
                _ => match star {
                    Some(s) => {
                        p = s + 1;
                        mark += 1;
                        t = mark;
                    }
                    None => return false,
                },
            }
        }
        self.tokens[p..].iter().all(|t| *t == Token::Any)
    }

    fn trim_prefix(&self, value: &str, longest: bool) -> String {
        let chars: Vec<char> = value.chars().collect();
        let mut lengths: Box<dyn Iterator<Item = usize>> = if longest {
            Box::new((0..=chars.len()).rev())
        } else {
            Box::new(0..=chars.len())
        };
        match lengths.find(|&n| self.matches(&chars[..n])) {
            Some(n) => chars[n..].iter().collect(),
            None => value.to_string(),
        }
    }

    fn trim_suffix(&self, value: &str, longest: bool) -> String {
        let chars: Vec<char> = value.chars().collect();
        let mut starts: Box<dyn Iterator<Item = usize>> = if longest {
            Box::new(0..=chars.len())
        } else {
            Box::new((0..=chars.len()).rev())
        };
        match starts.find(|&s| self.matches(&chars[s..])) {
            Some(s) => chars[..s].iter().collect(),
            None => value.to_string(),
        }
    }

    /// Leftmost match, longest at that position (what Go's greedy regexp picks).
    fn find(&self, chars: &[char], from: usize) -> Option<(usize, usize)> {
        (from..=chars.len()).find_map(|start| {
            (start..=chars.len())
                .rev()
                .find(|&end| self.matches(&chars[start..end]))
                .map(|end| (start, end))
        })
    }

    fn replace(&self, value: &str, replacement: &str, all: bool) -> String {
        let chars: Vec<char> = value.chars().collect();
        let mut out = String::new();
        let mut pos = 0;
        while let Some((start, end)) = self.find(&chars, pos) {
            out.extend(&chars[pos..start]);
            out.push_str(replacement);
            if end == start {
                // An empty match: copy one character and move on, as Go does.
                if let Some(c) = chars.get(start) {
                    out.push(*c);
                }
                pos = start + 1;
            } else {
                pos = end;
            }
            if !all || pos > chars.len() {
                break;
            }
        }
        if pos <= chars.len() {
            out.extend(&chars[pos..]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_parts_have_byte_offsets() {
        let input = "é${HOME:-/root}\"$USER x\"'$lit'";
        let parts = parse_word(input, '\\').unwrap();
        let vars = variables(&parts);
        let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["HOME", "USER"]);
        assert_eq!(
            &input[vars[0].start as usize..vars[0].end as usize],
            "${HOME:-/root}"
        );
        assert_eq!(
            &input[vars[1].start as usize..vars[1].end as usize],
            "$USER"
        );
        assert!(matches!(&parts[3], WordPart::SingleQuoted { text, .. } if text == "$lit"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 10_000;
        let word = format!("{}x{}", "${a:-".repeat(depth), "}".repeat(depth));
        assert!(parse_word(&word, '\\').is_err());
        assert!(Lexer::default().process_word(&word, &|_| None).is_err());
        let shallow = format!("{}x{}", "${a:-".repeat(100), "}".repeat(100));
        assert_eq!(
            Lexer::default()
                .process_word(&shallow, &|_| None)
                .unwrap()
                .result,
            "x"
        );
    }

    #[test]
    fn backtick_escape_and_nul() {
        let lexer = Lexer {
            escape: '`',
            ..Lexer::default()
        };
        assert_eq!(
            lexer.process_word("a`$b\\c\0", &|_| None).unwrap().result,
            "a$b\\c\0"
        );
    }

    #[test]
    fn unterminated_quotes_are_errors() {
        assert!(parse_word("'abc", '\\').is_err());
        assert!(Lexer::default().process_word("\"abc", &|_| None).is_err());
    }
}
