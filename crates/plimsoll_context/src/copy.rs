//! Which context entries a `COPY`/`ADD` source takes.

use std::collections::HashMap;
use std::fmt;

use crate::dockerignore::DockerIgnore;
use crate::gopath::{self, GoGlob};
use crate::walk::{ContextEntry, ContextListing, EntryKind};

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
    Ok(resolve_copy(source, listing, excludes, false)?
        .into_iter()
        .map(|copied| copied.entry)
        .collect())
}

/// One context entry that a COPY source takes, and where it lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedEntry<'a> {
    /// The entry in the context.
    pub entry: &'a ContextEntry,
    /// Its path below the destination directory; empty for a directory the
    /// source matched itself, whose contents land in the destination.
    pub target: String,
    /// A file the source matched itself (never with `--parents`): it lands at
    /// the destination when that names a file (one source, no trailing `/`),
    /// else at `target` (its name) inside the destination.
    pub named_file: bool,
}

/// [`resolve_copy_source`], telling also where each entry lands below the
/// destination. With `parents` (`COPY --parents`), BuildKit splits the source
/// at its first `/./`: the part before is the directory the copy starts
/// from (the context root when there is no `/./`), the part after is a
/// pattern with `.dockerignore` semantics (`**` spans directories, a matched
/// directory brings everything below it). Each file keeps its path relative
/// to that starting directory, the directories leading to it included, and
/// `--exclude` patterns are matched against that same relative path.
pub fn resolve_copy<'a>(
    source: &str,
    listing: &'a ContextListing,
    excludes: &[&str],
    parents: bool,
) -> Result<Vec<CopiedEntry<'a>>, CopySourceError> {
    let excludes = DockerIgnore::from_patterns(excludes).map_err(CopySourceError::Exclude)?;
    if parents {
        return resolve_parents(source, listing, &excludes);
    }
    let relative = rooted_clean(source);
    let matcher = if relative.is_empty() {
        None
    } else {
        Some(
            SourceMatcher::new(&relative).map_err(|message| CopySourceError::Source {
                source: source.to_owned(),
                message,
            })?,
        )
    };
    let mut taken = Vec::new();
    for entry in &listing.entries {
        let (below, root) = match &matcher {
            None => (Some(entry.path.as_str()), None),
            Some(matcher) => match matched_root(&entry.path, matcher) {
                Some(root) => (
                    Some(
                        entry.path[root.len()..]
                            .strip_prefix('/')
                            .unwrap_or_default(),
                    ),
                    Some(root),
                ),
                None => (None, None),
            },
        };
        match below {
            Some("") => {
                let named_file = entry.kind != EntryKind::Dir;
                let name = entry.path.rsplit('/').next().unwrap_or(&entry.path);
                taken.push(CopiedEntry {
                    entry,
                    target: if named_file {
                        name.to_owned()
                    } else {
                        String::new()
                    },
                    named_file,
                });
            }
            Some(rel) if !excludes.is_excluded(rel) => {
                // The whole context keeps its paths; a matched directory's
                // contents land in the destination.
                let target = if root.is_none() { &entry.path } else { rel };
                taken.push(CopiedEntry {
                    entry,
                    target: target.to_owned(),
                    named_file: false,
                });
            }
            _ => {}
        }
    }
    Ok(taken)
}

/// The two halves of a `--parents` source, split at its first `/./` the way
/// BuildKit splits it: the directory the copy starts from (empty for the
/// context root) and the pattern below it (empty for everything), both
/// cleaned and relative.
pub fn parents_pivot(source: &str) -> (String, String) {
    let (root, pattern) = source.split_once("/./").unwrap_or(("", source));
    (rooted_clean(root), rooted_clean(pattern))
}

/// The context path a source names: cleaned, relative to the context root,
/// with a `--parents` pivot dropped (`./src/./app` → `src/app`); empty for
/// the whole context. Wildcards are kept.
pub fn source_context_path(source: &str, parents: bool) -> String {
    if !parents {
        return rooted_clean(source);
    }
    match parents_pivot(source) {
        (root, pattern) if root.is_empty() => pattern,
        (root, pattern) if pattern.is_empty() => root,
        (root, pattern) => format!("{root}/{pattern}"),
    }
}

/// The context path BuildKit requires to exist for `source`, failing the
/// build when it does not: a source without wildcards; with `--parents`,
/// also the directory before a `/./` pivot when that has no wildcards. A
/// wildcard that matches nothing is allowed. `None` for the whole context.
pub fn required_source_path(source: &str, parents: bool) -> Option<String> {
    let path = if !parents {
        (!gopath::has_wildcards(source)).then(|| rooted_clean(source))?
    } else {
        let (root, pattern) = source.split_once("/./").unwrap_or(("", source));
        if gopath::has_wildcards(root) {
            return None;
        }
        if gopath::has_wildcards(pattern) {
            rooted_clean(root)
        } else {
            source_context_path(source, true)
        }
    };
    (!path.is_empty()).then_some(path)
}

/// `source` as BuildKit normalizes it: cleaned as if below `/`, then made
/// relative; empty for the root.
fn rooted_clean(source: &str) -> String {
    gopath::clean(&format!("/{source}"))
        .trim_start_matches('/')
        .to_owned()
}

fn resolve_parents<'a>(
    source: &str,
    listing: &'a ContextListing,
    excludes: &DockerIgnore,
) -> Result<Vec<CopiedEntry<'a>>, CopySourceError> {
    let invalid = |message: String| CopySourceError::Source {
        source: source.to_owned(),
        message,
    };
    let (root, pattern) = parents_pivot(source);
    let include = if pattern.is_empty() {
        None
    } else {
        Some(DockerIgnore::from_patterns(&[&pattern]).map_err(|e| invalid(e.message))?)
    };
    // The directories the copy starts from: the part before the pivot may
    // itself have wildcards.
    let roots: Vec<&str> = if root.is_empty() {
        vec![""]
    } else {
        let matcher = SourceMatcher::new(&root).map_err(invalid)?;
        listing
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Dir && matcher.matches(&e.path))
            .map(|e| e.path.as_str())
            .collect()
    };
    let mut targets: HashMap<&str, String> = HashMap::new();
    for entry in &listing.entries {
        let path = entry.path.as_str();
        let Some(rel) = roots.iter().find_map(|root| {
            if root.is_empty() {
                Some(path)
            } else {
                path.strip_prefix(root)?.strip_prefix('/')
            }
        }) else {
            continue;
        };
        let included = include.as_ref().is_none_or(|p| p.is_excluded(rel));
        if !included || excludes.is_excluded(rel) {
            continue;
        }
        // The directories leading to a copied entry are created too.
        let offset = path.len() - rel.len();
        for (at, _) in rel.match_indices('/') {
            targets
                .entry(&path[..offset + at])
                .or_insert_with(|| rel[..at].to_owned());
        }
        targets.entry(path).or_insert_with(|| rel.to_owned());
    }
    Ok(listing
        .entries
        .iter()
        .filter_map(|entry| {
            targets.get(entry.path.as_str()).map(|target| CopiedEntry {
                entry,
                target: target.clone(),
                named_file: false,
            })
        })
        .collect())
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

    /// A small project: docs, a Rust crate, npm manifests.
    const SAMPLE: &[&str] = &[
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
    ];

    fn resolve(source: &str, excludes: &[&str]) -> Vec<String> {
        let ctx = listing(SAMPLE);
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
        // Cleaned as if below `/`, as BuildKit does: `..` cannot leave the context.
        assert_eq!(resolve("../README.md", &[]), ["README.md"]);
        assert_eq!(resolve("src/../README.md", &[]), ["README.md"]);
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

    /// `(path, target)` of what the source takes, with `--parents` when asked.
    fn copied(source: &str, excludes: &[&str], parents: bool) -> Vec<(String, String)> {
        let ctx = listing(SAMPLE);
        resolve_copy(source, &ctx, excludes, parents)
            .expect("valid patterns")
            .into_iter()
            .map(|c| (c.entry.path.clone(), c.target))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn without_parents_a_directory_lands_as_its_contents() {
        assert_eq!(
            copied("./src/util", &[], false),
            pairs(&[("src/util", ""), ("src/util/mod.rs", "mod.rs")])
        );
        let ctx = listing(&["README.md", "src", "src/main.rs"]);
        let named = resolve_copy("*.md", &ctx, &[], false).expect("valid");
        assert_eq!(named.len(), 1);
        assert!(named[0].named_file);
        assert_eq!(named[0].target, "README.md");
        let whole = resolve_copy(".", &ctx, &[], false).expect("valid");
        assert!(whole
            .iter()
            .all(|c| c.target == c.entry.path && !c.named_file));
    }

    #[test]
    fn parents_keep_the_path_from_the_context_root() {
        assert_eq!(
            copied("./src/*.rs", &[], true),
            pairs(&[
                ("src", "src"),
                ("src/main.rs", "src/main.rs"),
                ("src/lib.rs", "src/lib.rs"),
            ])
        );
        // A named file keeps its directories: it is not `named_file`.
        assert_eq!(
            copied("src/util/mod.rs", &[], true),
            pairs(&[
                ("src", "src"),
                ("src/util", "src/util"),
                ("src/util/mod.rs", "src/util/mod.rs"),
            ])
        );
    }

    #[test]
    fn parents_pivot_keeps_only_the_path_after_it() {
        assert_eq!(
            copied("./src/./util/*.rs", &[], true),
            pairs(&[("src/util", "util"), ("src/util/mod.rs", "util/mod.rs")])
        );
        assert_eq!(
            copied("src/./main.rs", &[], true),
            pairs(&[("src/main.rs", "main.rs")])
        );
        // Only the first `/./` pivots; later ones are cleaned away.
        assert_eq!(
            copied("src/./util/./mod.rs", &[], true),
            pairs(&[("src/util", "util"), ("src/util/mod.rs", "util/mod.rs")])
        );
        // Everything below the pivot directory.
        assert_eq!(
            copied("docs/./", &[], true),
            pairs(&[
                ("docs/a.md", "a.md"),
                ("docs/img", "img"),
                ("docs/img/logo.png", "img/logo.png"),
            ])
        );
    }

    #[test]
    fn parents_patterns_follow_dockerignore_rules() {
        // `**` spans directories, the top level included.
        assert_eq!(
            copied("**/*.md", &[], true),
            pairs(&[
                ("README.md", "README.md"),
                ("docs", "docs"),
                ("docs/a.md", "docs/a.md"),
            ])
        );
        // `*` stays within one element; a matched directory brings its contents.
        assert_eq!(
            copied("*/img", &[], true),
            pairs(&[
                ("docs", "docs"),
                ("docs/img", "docs/img"),
                ("docs/img/logo.png", "docs/img/logo.png"),
            ])
        );
        // A wildcard before the pivot picks several starting directories.
        assert_eq!(
            copied("*/./*.md", &[], true),
            pairs(&[("docs/a.md", "a.md")])
        );
    }

    #[test]
    fn parents_excludes_are_relative_to_the_pivot() {
        assert_eq!(
            copied("src/./", &["util", "lib.rs"], true),
            pairs(&[("src/main.rs", "main.rs")])
        );
        // Without a pivot they are relative to the context root.
        assert_eq!(
            copied("src", &["src/util"], true),
            pairs(&[
                ("src", "src"),
                ("src/main.rs", "src/main.rs"),
                ("src/lib.rs", "src/lib.rs"),
            ])
        );
        assert_eq!(copied("src", &["util"], true).len(), 5);
    }

    #[test]
    fn parents_with_a_missing_start_or_match_take_nothing() {
        assert!(copied("nope/./*.rs", &[], true).is_empty());
        assert!(copied("src/./*.go", &[], true).is_empty());
        assert!(copied("src/nope.rs", &[], true).is_empty());
        // The start must be a directory.
        assert!(copied("README.md/./x", &[], true).is_empty());
    }

    #[test]
    fn context_and_required_paths() {
        assert_eq!(
            source_context_path("./src/./app/*.go", true),
            "src/app/*.go"
        );
        assert_eq!(source_context_path("/./app", true), "app");
        assert_eq!(source_context_path("./src/./", true), "src");
        assert_eq!(source_context_path("./src/./app", false), "src/app");
        assert_eq!(source_context_path("../x/", false), "x");
        assert_eq!(source_context_path(".", true), "");
        assert_eq!(parents_pivot("./a/./b/./c"), ("a".into(), "b/c".into()));
        assert_eq!(parents_pivot("a/b"), (String::new(), "a/b".into()));

        assert_eq!(
            required_source_path("src/app.py", false),
            Some("src/app.py".into())
        );
        assert_eq!(required_source_path("*.py", false), None);
        assert_eq!(required_source_path("./", false), None);
        assert_eq!(
            required_source_path("./scripts/./entry.sh", true),
            Some("scripts/entry.sh".into())
        );
        // The directory before the pivot must exist even when the rest is a wildcard.
        assert_eq!(
            required_source_path("./src/./*.go", true),
            Some("src".into())
        );
        assert_eq!(required_source_path("src/*/./x", true), None);
        assert_eq!(required_source_path("**/*.go", true), None);
    }

    #[test]
    fn bad_parents_patterns_are_errors() {
        let ctx = listing(&["a"]);
        assert!(matches!(
            resolve_copy("a/./[", &ctx, &[], true),
            Err(CopySourceError::Source { .. })
        ));
        assert!(matches!(
            resolve_copy("[/./a", &ctx, &[], true),
            Err(CopySourceError::Source { .. })
        ));
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
