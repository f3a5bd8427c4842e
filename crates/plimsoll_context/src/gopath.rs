//! Go's `path/filepath` behaviour for `/`-separated paths: `Clean`, `Dir` and
//! `Match`. Docker and BuildKit run these on every pattern and source path, so
//! their exact rules decide what a `.dockerignore` line or a COPY source means.

/// Go's `filepath.Clean`: collapses `//`, drops `.` elements, resolves `..`
/// lexically, removes a trailing `/`; an empty result is `.`.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    // `..` above a relative start is kept; above `/` it is dropped.
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let body = parts.join("/");
    if rooted {
        format!("/{body}")
    } else if body.is_empty() {
        ".".to_owned()
    } else {
        body
    }
}

/// Go's `filepath.Dir`: everything before the last `/`, cleaned.
pub(crate) fn dir(path: &str) -> String {
    let end = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..end])
}

/// One element of a `filepath.Match` pattern.
#[derive(Debug, Clone)]
enum Token {
    Literal(char),
    /// `?`: one character other than `/`.
    AnyChar,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `[...]`: like Go, a class may match `/`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A pattern with Go's `filepath.Match` syntax and semantics.
#[derive(Debug, Clone)]
pub(crate) struct GoGlob {
    tokens: Vec<Token>,
}

impl GoGlob {
    /// Parses `pattern`, rejecting exactly what `filepath.Match` reports as
    /// `ErrBadPattern` (Go validates the whole pattern, not only the part it
    /// needed for a match).
    pub(crate) fn parse(pattern: &str) -> Result<Self, String> {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    if !matches!(tokens.last(), Some(Token::Star)) {
                        tokens.push(Token::Star);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '\\' => match chars.next() {
                    Some(escaped) => tokens.push(Token::Literal(escaped)),
                    None => return Err("trailing backslash".to_owned()),
                },
                '[' => {
                    let negated = chars.next_if_eq(&'^').is_some();
                    let mut ranges = Vec::new();
                    loop {
                        if !ranges.is_empty() && chars.next_if_eq(&']').is_some() {
                            break;
                        }
                        let lo = class_char(&mut chars)?;
                        let hi = if chars.next_if_eq(&'-').is_some() {
                            class_char(&mut chars)?
                        } else {
                            lo
                        };
                        ranges.push((lo, hi));
                    }
                    tokens.push(Token::Class { negated, ranges });
                }
                other => tokens.push(Token::Literal(other)),
            }
        }
        Ok(Self { tokens })
    }

    /// Whether the whole of `name` matches.
    pub(crate) fn matches(&self, name: &str) -> bool {
        let text: Vec<char> = name.chars().collect();
        // reachable[j]: the tokens so far can consume exactly text[..j].
        let mut reachable = vec![false; text.len() + 1];
        reachable[0] = true;
        for token in &self.tokens {
            let mut next = vec![false; text.len() + 1];
            if let Token::Star = token {
                for j in 0..=text.len() {
                    next[j] = reachable[j] || (j > 0 && next[j - 1] && text[j - 1] != '/');
                }
            } else {
                for j in 0..text.len() {
                    next[j + 1] = reachable[j] && token_accepts(token, text[j]);
                }
            }
            reachable = next;
        }
        reachable[text.len()]
    }
}

/// BuildKit's `containsWildcards`: an unescaped `*`, `?` or `[`.
pub(crate) fn has_wildcards(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

fn token_accepts(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyChar => c != '/',
        Token::Star => false,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
        }
    }
}

/// One end of a class range, following Go's `getEsc`: `-` and `]` must be
/// escaped, and something has to follow (at least the closing `]`).
fn class_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<char, String> {
    let c = match chars.next() {
        None => return Err("unterminated character class".to_owned()),
        Some('-') => return Err("unescaped `-` in character class".to_owned()),
        Some(']') => return Err("empty character class or range".to_owned()),
        Some('\\') => chars
            .next()
            .ok_or_else(|| "unterminated character class".to_owned())?,
        Some(c) => c,
    };
    if chars.peek().is_none() {
        return Err("unterminated character class".to_owned());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        for (input, want) in [
            ("", "."),
            (".", "."),
            ("./a/", "a"),
            ("a//b/./c/..", "a/b"),
            ("../a", "../a"),
            ("a/../..", ".."),
            ("/../a", "/a"),
            ("/", "/"),
            ("//foo/", "/foo"),
        ] {
            assert_eq!(clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn dir_matches_go() {
        assert_eq!(dir("a"), ".");
        assert_eq!(dir("a/b"), "a");
        assert_eq!(dir("dir/x/"), "dir/x");
        assert_eq!(dir("/a"), "/");
    }

    #[test]
    fn glob_syntax_errors_match_go() {
        // Unlike regex syntax, Go's Match rejects `]` as the first class member.
        for bad in [
            "[", "[]", "[^]", "[]a]", "a\\", "[a-]", "[-a]", "[a", "[\\", "x[a-",
        ] {
            assert!(GoGlob::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        for good in ["[\\]]", "[a-c]", "*", "\\*", "[*]", "a]", "[^a]", "[[]"] {
            assert!(GoGlob::parse(good).is_ok(), "{good:?} should be accepted");
        }
    }

    #[test]
    fn glob_star_does_not_cross_slash_but_class_does() {
        let glob = |p: &str| GoGlob::parse(p).expect("valid pattern");
        assert!(glob("*.txt").matches("a.txt"));
        assert!(!glob("*.txt").matches("d/a.txt"));
        assert!(glob("*/*.txt").matches("d/a.txt"));
        assert!(!glob("a?b").matches("a/b"));
        assert!(glob("a[^x]b").matches("a/b"));
        assert!(glob("[^a]*").matches("bcd"));
        assert!(!glob("[^a]*").matches("abc"));
        assert!(glob("\\*").matches("*"));
        assert!(!glob("\\*").matches("x"));
        assert!(glob("a*b*c").matches("aXbYbc"));
    }
}
