//! Which context entries a `COPY`/`ADD` source takes.

use std::fmt;

use crate::dockerignore::DockerIgnore;
use crate::gopath::{self, GoGlob};
use crate::walk::{ContextEntry, ContextListing};

/// A source or `--exclude` pattern that BuildKit would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySourceError {
    /// The source is not a valid `filepath.Match` pattern.
    Source {
        /// The source as given.
        source: String,
        /// What is wrong with it.
        message: String,
    },
    /// An `--exclude` pattern is invalid; its `line` is its 1-based position.
    Exclude(crate::PatternError),
}

impl fmt::Display for CopySourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Source { source, message } => {
                write!(f, "invalid source pattern `{source}`: {message}")
            }
            Self::Exclude(err) => write!(
                f,
                "invalid --exclude pattern `{}`: {}",
                err.pattern, err.message
            ),
        }
    }
}

impl std::error::Error for CopySourceError {}

/// The entries of `listing` that `COPY <source>` takes, with `--exclude`
/// patterns `excludes`; an empty result means the source matches nothing.
///
/// `source` is as written after variable expansion. Like BuildKit: it is
/// relative to the context root whether it starts with `/`, `./` or neither;
/// wildcards follow Go's `filepath.Match` (`*` and `?` stay within one path
/// element); a matched directory brings everything below it; `.` is the whole
/// context. Each `--exclude` pattern has `.dockerignore` semantics and is
/// matched against paths relative to the matched source, as BuildKit's copy
/// does, so the matched source itself is never excluded.
pub fn resolve_copy_source<'a>(
    source: &str,
    listing: &'a ContextListing,
    excludes: &[&str],
) -> Result<Vec<&'a ContextEntry>, CopySourceError> {
    let excludes = DockerIgnore::from_patterns(excludes).map_err(CopySourceError::Exclude)?;
    let cleaned = gopath::clean(source);
    let relative = cleaned.trim_start_matches('/');
    let matcher = if relative.is_empty() || relative == "." {
        None
    } else {
        Some(
            SourceMatcher::new(relative).map_err(|message| CopySourceError::Source {
                source: source.to_owned(),
                message,
            })?,
        )
    };
    let mut taken = Vec::new();
    for entry in &listing.entries {
        let below = match &matcher {
            None => Some(entry.path.as_str()),
            Some(matcher) => matched_root(&entry.path, matcher).map(|root| {
                entry.path[root.len()..]
                    .strip_prefix('/')
                    .unwrap_or_default()
            }),
        };
        match below {
            Some("") => taken.push(entry),
            Some(rel) if !excludes.is_excluded(rel) => taken.push(entry),
            _ => {}
        }
    }
    Ok(taken)
}

/// A source split the way BuildKit splits it: the path elements before the
/// first one with a wildcard are taken literally (even a `\` in them), the
/// rest is a `filepath.Match` pattern for the path below them.
struct SourceMatcher {
    literal: String,
    glob: Option<GoGlob>,
}

impl SourceMatcher {
    fn new(source: &str) -> Result<Self, String> {
        let elements: Vec<&str> = source.split('/').collect();
        let split = elements
            .iter()
            .position(|e| gopath::has_wildcards(e))
            .unwrap_or(elements.len());
        let glob = match elements[split..].join("/") {
            rest if rest.is_empty() => None,
            rest => Some(GoGlob::parse(&rest)?),
        };
        Ok(Self {
            literal: elements[..split].join("/"),
            glob,
        })
    }

    fn matches(&self, candidate: &str) -> bool {
        let Some(glob) = &self.glob else {
            return candidate == self.literal;
        };
        let rest = if self.literal.is_empty() {
            Some(candidate)
        } else {
            candidate
                .strip_prefix(self.literal.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        rest.is_some_and(|rest| glob.matches(rest))
    }
}

/// The shortest ancestor-or-self of `path` that the source matches: BuildKit
/// stops descending at the first match.
fn matched_root<'p>(path: &'p str, source: &SourceMatcher) -> Option<&'p str> {
    path.match_indices('/')
        .map(|(i, _)| &path[..i])
        .chain(std::iter::once(path))
        .find(|candidate| source.matches(candidate))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::EntryKind;

    fn listing(paths: &[&str]) -> ContextListing {
        ContextListing {
            entries: paths
                .iter()
                .map(|p| ContextEntry {
                    path: (*p).to_owned(),
                    kind: if p.contains('.') {
                        EntryKind::File
                    } else {
                        EntryKind::Dir
                    },
                    size: 0,
                })
                .collect(),
            ..ContextListing::default()
        }
    }

    fn resolve(source: &str, excludes: &[&str]) -> Vec<String> {
        let ctx = listing(&[
            "README.md",
            "docs",
            "docs/a.md",
            "docs/img",
            "docs/img/logo.png",
            "src",
            "src/main.rs",
            "src/lib.rs",
            "src/util",
            "src/util/mod.rs",
            "package.json",
            "package-lock.json",
        ]);
        resolve_copy_source(source, &ctx, excludes)
            .expect("valid patterns")
            .into_iter()
            .map(|e| e.path.clone())
            .collect()
    }

    #[test]
    fn dot_and_root_take_the_whole_context() {
        assert_eq!(resolve(".", &[]).len(), 12);
        assert_eq!(resolve("./", &[]).len(), 12);
        assert_eq!(resolve("/", &[]).len(), 12);
    }

    #[test]
    fn leading_slash_and_dot_slash_are_the_same() {
        assert_eq!(resolve("/README.md", &[]), ["README.md"]);
        assert_eq!(resolve("./README.md", &[]), ["README.md"]);
        assert_eq!(resolve("README.md", &[]), ["README.md"]);
    }

    #[test]
    fn directory_source_takes_everything_below() {
        assert_eq!(
            resolve("docs/", &[]),
            ["docs", "docs/a.md", "docs/img", "docs/img/logo.png"]
        );
    }

    #[test]
    fn star_stays_within_one_path_element() {
        assert_eq!(resolve("*.md", &[]), ["README.md"]);
        assert_eq!(
            resolve("package*.json", &[]),
            ["package.json", "package-lock.json"]
        );
        assert_eq!(resolve("src/*.rs", &[]), ["src/main.rs", "src/lib.rs"]);
        assert_eq!(resolve("*/*.md", &[]), ["docs/a.md"]);
    }

    #[test]
    fn wildcard_matching_a_directory_takes_its_contents() {
        assert_eq!(
            resolve("sr?", &[]),
            [
                "src",
                "src/main.rs",
                "src/lib.rs",
                "src/util",
                "src/util/mod.rs"
            ]
        );
    }

    #[test]
    fn escaped_wildcards_follow_buildkit() {
        let ctx = listing(&["a*b", "a*b/c.txt", "a\\*b", "a\\*b/c.txt"]);
        let take = |source: &str| -> Vec<&str> {
            resolve_copy_source(source, &ctx, &[])
                .expect("valid")
                .into_iter()
                .map(|e| e.path.as_str())
                .collect()
        };
        // An element whose only special character is an escape is literal.
        assert_eq!(take("a\\*b"), ["a\\*b", "a\\*b/c.txt"]);
        // In a wildcard element the escape works.
        assert_eq!(take("a\\*b/c.t?t"), ["a\\*b/c.txt"]);
        assert_eq!(take("a\\*?"), ["a*b", "a*b/c.txt"]);
    }

    #[test]
    fn missing_source_matches_nothing() {
        assert!(resolve("nope.txt", &[]).is_empty());
        assert!(resolve("*.go", &[]).is_empty());
        assert!(resolve("src/main", &[]).is_empty());
    }

    #[test]
    fn excludes_apply_relative_to_the_matched_source() {
        assert_eq!(
            resolve("src", &["*.rs"]),
            ["src", "src/util", "src/util/mod.rs"]
        );
        assert_eq!(resolve("src", &["**/*.rs"]), ["src", "src/util"]);
        assert_eq!(resolve(".", &["docs", "src", "*.json"]), ["README.md"]);
        let kept = resolve(".", &["docs", "!docs/a.md"]);
        assert!(kept.iter().any(|p| p == "docs/a.md"));
        assert!(!kept.iter().any(|p| p.starts_with("docs/img")));
    }

    #[test]
    fn bad_patterns_are_errors_not_panics() {
        let ctx = listing(&["a"]);
        assert!(matches!(
            resolve_copy_source("[", &ctx, &[]),
            Err(CopySourceError::Source { .. })
        ));
        assert!(matches!(
            resolve_copy_source(".", &ctx, &["ok", "[z-"]),
            Err(CopySourceError::Exclude(e)) if e.line == 2
        ));
    }
}
