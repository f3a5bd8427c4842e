//! `.dockerignore` files with the semantics of Docker's `patternmatcher` and
//! `ignorefile` packages, and BuildKit's choice of which ignore file applies.

use std::fmt;
use std::path::{Path, PathBuf};

use regex_automata::hybrid::dfa::DFA;
use regex_automata::{Anchored, Input};

use crate::gopath::{self, GoGlob};
use crate::goregex;

/// A pattern that Docker would refuse; the build fails with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// 1-based line of the ignore file (or position in a pattern list).
    pub line: usize,
    /// The pattern as written, without surrounding whitespace.
    pub pattern: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: invalid pattern `{}`: {}",
            self.line, self.pattern, self.message
        )
    }
}

impl std::error::Error for PatternError {}

/// How one pattern is tested against a path, mirroring Docker's fast paths:
/// their byte-level comparisons decide some corner cases, so they are kept.
#[derive(Debug)]
enum Matcher {
    Exact(String),
    /// The pattern ended in `**` and had no other wildcard.
    Prefix(String),
    /// The pattern started with `**` and had no other wildcard. Bytes, since
    /// Docker slices two bytes off, even in the middle of a leading BOM.
    Suffix(Vec<u8>),
    Regex {
        regex: regex::Regex,
        /// For asking whether anything below a directory could match; `None`
        /// when it could not be built, which means "assume it could".
        dfa: Option<Box<DFA>>,
    },
}

impl Matcher {
    fn matches(&self, path: &str) -> bool {
        match self {
            Self::Exact(exact) => path == exact,
            Self::Prefix(prefix) => path.as_bytes().starts_with(prefix.as_bytes()),
            Self::Suffix(suffix) => {
                path.as_bytes().ends_with(suffix)
                    || (suffix.first() == Some(&b'/') && path.as_bytes() == &suffix[1..])
            }
            Self::Regex { regex, .. } => regex.is_match(path),
        }
    }

    /// Whether some path starting with `prefix` could match. May answer `true`
    /// wrongly, never `false` wrongly.
    fn may_match_with_prefix(&self, prefix: &str) -> bool {
        match self {
            Self::Exact(exact) => exact.starts_with(prefix),
            Self::Prefix(p) => p.starts_with(prefix) || prefix.starts_with(p.as_str()),
            Self::Suffix(_) => true,
            Self::Regex { dfa: None, .. } => true,
            Self::Regex { dfa: Some(dfa), .. } => {
                let mut cache = dfa.create_cache();
                let input = Input::new(prefix).anchored(Anchored::Yes);
                let Ok(mut state) = dfa.start_state_forward(&mut cache, &input) else {
                    return true;
                };
                for &byte in prefix.as_bytes() {
                    match dfa.next_state(&mut cache, state, byte) {
                        Ok(next) if next.is_dead() => return false,
                        Ok(next) => state = next,
                        Err(_) => return true,
                    }
                }
                true
            }
        }
    }
}

/// One pattern of an ignore file.
#[derive(Debug)]
pub struct IgnorePattern {
    line: usize,
    source: String,
    glob: String,
    exception: bool,
    matcher: Matcher,
}

impl IgnorePattern {
    /// 1-based line in the ignore file (or position in a pattern list).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The line as written, without surrounding whitespace.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The pattern Docker matches with: cleaned, without `!` or leading `/`.
    pub fn glob(&self) -> &str {
        &self.glob
    }

    /// Whether this is a `!` exception that re-includes paths.
    pub fn is_exception(&self) -> bool {
        self.exception
    }

    /// Whether the pattern matches `path` or one of its parent directories,
    /// which is what makes it apply to `path`.
    pub fn applies_to(&self, path: &str) -> bool {
        self.applies(path, &gopath::dir(path))
    }

    /// `parent` is `filepath.Dir(path)`, computed once per path by callers.
    fn applies(&self, path: &str, parent: &str) -> bool {
        self.matcher.matches(path)
            || (parent != "." && parent_prefixes(parent).any(|dir| self.matcher.matches(dir)))
    }
}

/// `a`, `a/b`, `a/b/c` for `a/b/c`: the directories Docker tries in turn.
fn parent_prefixes(parent: &str) -> impl Iterator<Item = &str> {
    parent
        .match_indices('/')
        .map(|(i, _)| &parent[..i])
        .chain(std::iter::once(parent))
}

/// A parsed `.dockerignore`: decides which paths of a build context Docker
/// leaves out.
#[derive(Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<IgnorePattern>,
}

impl DockerIgnore {
    /// Parses the text of a `.dockerignore` file the way Docker reads it.
    ///
    /// A line is a comment only when `#` is its very first byte; whitespace
    /// around a line and after a leading `!` is trimmed; a UTF-8 BOM on the
    /// first line is dropped; `filepath.Clean` is applied and one leading `/`
    /// removed. The first pattern Docker would reject is returned as an error.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let mut patterns = Vec::new();
        for (index, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if index == 0 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            if line.starts_with('#') {
                continue;
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            let (exception, body) = match trimmed.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, trimmed),
            };
            let mut normalized = if body.is_empty() {
                String::new()
            } else {
                let cleaned = gopath::clean(body);
                match cleaned.strip_prefix('/') {
                    Some(rest) if !rest.is_empty() => rest.to_owned(),
                    _ => cleaned,
                }
            };
            if exception {
                normalized.insert(0, '!');
            }
            if let Some(pattern) = compile(index + 1, trimmed, &normalized)? {
                patterns.push(pattern);
            }
        }
        Ok(Self { patterns })
    }

    /// Builds a matcher from patterns given one by one, as BuildKit does for
    /// `COPY --exclude`: no comments, no leading-`/` removal. Errors name the
    /// 1-based position of the pattern.
    pub fn from_patterns<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let mut compiled = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let pattern = pattern.as_ref();
            if let Some(p) = compile(index + 1, pattern.trim(), pattern)? {
                compiled.push(p);
            }
        }
        Ok(Self { patterns: compiled })
    }

    /// The patterns in file order.
    pub fn patterns(&self) -> &[IgnorePattern] {
        &self.patterns
    }

    /// Whether Docker leaves `path` (relative to the context root,
    /// `/`-separated) out of the build context.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.excluded_by(path).is_some()
    }

    /// The pattern that finally excludes `path`, for diagnostics; `None` when
    /// the path is kept.
    ///
    /// Patterns are tried in order, each one only when it could change the
    /// decision so far, and the last one that applies wins.
    pub fn excluded_by(&self, path: &str) -> Option<&IgnorePattern> {
        let parent = gopath::dir(path);
        let mut decisive: Option<&IgnorePattern> = None;
        for pattern in &self.patterns {
            if pattern.exception != decisive.is_some() {
                continue;
            }
            if pattern.applies(path, &parent) {
                decisive = if pattern.exception {
                    None
                } else {
                    Some(pattern)
                };
            }
        }
        decisive
    }

    /// Whether an exception pattern might re-include something strictly below
    /// directory `dir`. When it cannot, and `dir` itself is excluded, every
    /// path below `dir` is excluded too, so a walker may skip the directory.
    pub fn may_reinclude_below(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.patterns
            .iter()
            .any(|p| p.exception && p.matcher.may_match_with_prefix(&prefix))
    }

    /// Whether directory `dir` and everything below it are excluded, so that
    /// a walk can skip it without reading it.
    pub fn can_prune(&self, dir: &str) -> bool {
        self.is_excluded(dir) && !self.may_reinclude_below(dir)
    }
}

/// Docker's second pass over a pattern (`NewPatternMatcher`) and compilation.
/// `None` for a pattern that is blank at that point.
fn compile(
    line: usize,
    source: &str,
    normalized: &str,
) -> Result<Option<IgnorePattern>, PatternError> {
    let error = |message: String| PatternError {
        line,
        pattern: source.to_owned(),
        message,
    };
    let trimmed = normalized.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let cleaned = gopath::clean(trimmed);
    let (exception, glob) = match cleaned.strip_prefix('!') {
        Some("") => return Err(error("illegal exclusion pattern: \"!\"".to_owned())),
        Some(rest) => (true, rest.to_owned()),
        None => (false, cleaned),
    };
    // Docker validates with filepath.Match even though it matches by regexp.
    GoGlob::parse(&glob).map_err(|m| error(format!("syntax error in pattern: {m}")))?;
    let matcher = match docker_regex(&glob) {
        Kind::Exact => Matcher::Exact(glob.clone()),
        Kind::Prefix => Matcher::Prefix(glob.strip_suffix("**").unwrap_or(&glob).to_owned()),
        Kind::Suffix => Matcher::Suffix(glob.as_bytes().get(2..).unwrap_or_default().to_vec()),
        Kind::Regex(go_source) => {
            let rust_source = goregex::translate(&go_source)
                .map_err(|m| error(format!("syntax error in pattern: {m}")))?;
            let regex = regex::Regex::new(&rust_source)
                .map_err(|e| error(format!("syntax error in pattern: {e}")))?;
            let dfa = exception
                .then(|| DFA::new(&rust_source).ok().map(Box::new))
                .flatten();
            Matcher::Regex { regex, dfa }
        }
    };
    Ok(Some(IgnorePattern {
        line,
        source: source.to_owned(),
        glob,
        exception,
        matcher,
    }))
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    /// Go regexp source.
    Regex(String),
}

/// Docker's translation of a cleaned pattern into a Go regexp, together with
/// the fast path Docker picks for it.
///
/// `*` and `?` never cross `/`; `**` spans any number of directories; a `\`
/// escapes the next character; `[`, `]` and `^` reach the regexp untouched,
/// so classes follow regexp rules (`[^a]` negates, `[!a]` does not).
fn docker_regex(glob: &str) -> Kind {
    #[derive(PartialEq)]
    enum Fast {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let mut chars = glob.chars().peekable();
    // Go's text/scanner, which Docker reads the pattern with, skips a BOM.
    chars.next_if_eq(&'\u{feff}');
    let mut re = String::from("^");
    let mut fast = Fast::Exact;
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.next_if_eq(&'*').is_some() => {
                chars.next_if_eq(&'/');
                if chars.peek().is_none() {
                    if fast == Fast::Exact {
                        fast = Fast::Prefix;
                    } else {
                        re.push_str(".*");
                        fast = Fast::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    fast = Fast::Regex;
                }
                if first {
                    fast = Fast::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                fast = Fast::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                fast = Fast::Regex;
            }
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                re.push('\\');
                re.push(c);
            }
            '\\' => match chars.next() {
                Some(escaped) => {
                    re.push('\\');
                    re.push(escaped);
                    fast = Fast::Regex;
                }
                None => re.push('\\'),
            },
            '[' | ']' => {
                re.push(c);
                fast = Fast::Regex;
            }
            other => re.push(other),
        }
        first = false;
    }
    match fast {
        Fast::Exact => Kind::Exact,
        Fast::Prefix => Kind::Prefix,
        Fast::Suffix => Kind::Suffix,
        Fast::Regex => {
            re.push('$');
            Kind::Regex(re)
        }
    }
}

/// Where the ignore file for a build was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFileKind {
    /// `<Dockerfile name>.dockerignore` beside the Dockerfile.
    DockerfileSpecific,
    /// `.dockerignore` at the root of the build context.
    ContextRoot,
}

/// The ignore file that applies to a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreFile {
    /// Its location.
    pub path: PathBuf,
    /// Which of the two places it came from.
    pub kind: IgnoreFileKind,
}

/// Finds the ignore file BuildKit uses when building `dockerfile` with
/// `context`: `<Dockerfile name>.dockerignore` next to the Dockerfile (for
/// example `api.Dockerfile.dockerignore`) wins over `<context>/.dockerignore`.
pub fn find_ignore_file(dockerfile: &Path, context: &Path) -> Option<IgnoreFile> {
    let specific = dockerfile.file_name().map(|name| {
        let mut name = name.to_os_string();
        name.push(".dockerignore");
        dockerfile.with_file_name(name)
    });
    if let Some(path) = specific.filter(|p| p.is_file()) {
        return Some(IgnoreFile {
            path,
            kind: IgnoreFileKind::DockerfileSpecific,
        });
    }
    let root = context.join(".dockerignore");
    root.is_file().then_some(IgnoreFile {
        path: root,
        kind: IgnoreFileKind::ContextRoot,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        DockerIgnore::parse(text).expect("valid ignore file")
    }

    #[test]
    fn patterns_keep_their_line_numbers() {
        let ig = ignore("# comment\n\n  *.log  \n! /keep.log\r\n");
        let seen: Vec<_> = ig
            .patterns()
            .iter()
            .map(|p| (p.line(), p.source(), p.glob(), p.is_exception()))
            .collect();
        assert_eq!(
            seen,
            [
                (3, "*.log", "*.log", false),
                (4, "! /keep.log", "keep.log", true)
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_pattern() {
        let err = DockerIgnore::parse("ok\n# fine\nbad[\n").expect_err("unbalanced [");
        assert_eq!(err.line, 3);
        assert_eq!(err.pattern, "bad[");
        assert!(err
            .to_string()
            .starts_with("line 3: invalid pattern `bad[`"));
        let err = DockerIgnore::parse("a\n!\n").expect_err("lone !");
        assert_eq!(err.line, 2);
        // Accepted by filepath.Match, rejected by Go's regexp.
        assert_eq!(
            DockerIgnore::parse("x\\q").map(|_| ()).map_err(|e| e.line),
            Err(1)
        );
    }

    #[test]
    fn excluded_by_names_the_deciding_pattern() {
        let ig = ignore("*.log\n!keep.log\nlogs\n");
        assert_eq!(ig.excluded_by("a.log").map(IgnorePattern::line), Some(1));
        assert_eq!(ig.excluded_by("keep.log").map(IgnorePattern::line), None);
        assert_eq!(
            ig.excluded_by("logs/keep.log").map(IgnorePattern::line),
            Some(3)
        );
    }

    #[test]
    fn pruning_is_allowed_only_when_no_exception_reaches_below() {
        let ig = ignore("build\n!build/*/keep\nvendor\n!src/**\n");
        assert!(!ig.can_prune("build"));
        assert!(ig.can_prune("vendor"));
        assert!(!ig.can_prune("src"), "not excluded at all");
        let ig = ignore("*\n!**/*.go\n");
        assert!(!ig.can_prune("anything"));
        let ig = ignore("a\n!a/b/c\n");
        assert!(!ig.can_prune("a"));
        assert!(!ig.can_prune("a/b"));
        assert!(ig.can_prune("a/x"));
    }

    #[test]
    fn go_regexp_corners() {
        // `[` and `*` inside a class are read the way Docker's regexp reads them.
        assert!(ignore("[[]x").is_excluded("[x"));
        assert!(ignore("a\\<b").is_excluded("a<b"));
        assert!(ignore("\\bx").is_excluded("x"));
        assert!(ignore("x\\d").is_excluded("x1"));
        // A BOM is only stripped on the first line.
        assert!(ignore("a\n\u{feff}b").is_excluded("\u{feff}b"));
    }

    #[test]
    fn no_pattern_text_panics() {
        const ALPHABET: &[char] = &[
            'a', 'b', '/', '*', '?', '[', ']', '^', '!', '\\', '-', '.', '{', '}', ':', 'p', 'x',
            '0', '1', '(', ')', '|', '$', ' ', '#', '\u{feff}', 'é', '\n',
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5_000 {
            let len = (next() % 12) as usize;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            if let Ok(ig) = DockerIgnore::parse(&text) {
                for path in ["a", "a/b", "[", "x/.", "é/b"] {
                    ig.is_excluded(path);
                    ig.can_prune(path);
                }
            }
            let _ = DockerIgnore::from_patterns(&[text.as_str()]);
        }
    }

    #[test]
    fn dockerfile_specific_ignore_file_wins() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let ctx = tmp.path();
        let dockerfile = ctx.join("docker").join("api.Dockerfile");
        std::fs::create_dir_all(ctx.join("docker")).expect("mkdir");
        std::fs::write(&dockerfile, "FROM scratch\n").expect("write");
        assert_eq!(find_ignore_file(&dockerfile, ctx), None);

        std::fs::write(ctx.join(".dockerignore"), "x\n").expect("write");
        let found = find_ignore_file(&dockerfile, ctx).expect("root file");
        assert_eq!(found.kind, IgnoreFileKind::ContextRoot);

        let specific = ctx.join("docker").join("api.Dockerfile.dockerignore");
        std::fs::write(&specific, "y\n").expect("write");
        assert_eq!(
            find_ignore_file(&dockerfile, ctx),
            Some(IgnoreFile {
                path: specific,
                kind: IgnoreFileKind::DockerfileSpecific
            })
        );
    }
}
