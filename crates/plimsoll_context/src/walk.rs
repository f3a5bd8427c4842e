//! Listing what a build context sends to the builder, within limits.

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use walkdir::WalkDir;

use crate::dockerignore::DockerIgnore;

/// Bounds on a context walk, so that linting never hangs on a huge tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkLimits {
    /// The most entries (files, directories, symlinks) the walk looks at,
    /// those sent and those `.dockerignore` excludes together.
    pub max_entries: usize,
    /// How long the walk may take.
    pub max_duration: Duration,
}

impl Default for WalkLimits {
    fn default() -> Self {
        Self {
            max_entries: 200_000,
            max_duration: Duration::from_secs(5),
        }
    }
}

impl WalkLimits {
    /// The defaults, unless `PLIMSOLL_CONTEXT_MAX_ENTRIES` or
    /// `PLIMSOLL_CONTEXT_TIMEOUT_MS` say otherwise (for huge trees, and for
    /// tests that need a walk cut short).
    pub fn from_env() -> WalkLimits {
        let mut limits = WalkLimits::default();
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if let Some(n) = number("PLIMSOLL_CONTEXT_MAX_ENTRIES") {
            limits.max_entries = usize::try_from(n).unwrap_or(usize::MAX);
        }
        if let Some(ms) = number("PLIMSOLL_CONTEXT_TIMEOUT_MS") {
            limits.max_duration = Duration::from_millis(ms);
        }
        limits
    }
}

/// What kind of filesystem object an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory that is itself part of the context.
    Dir,
    /// A symbolic link, reported and never followed.
    Symlink {
        /// Where it points, as stored in the link; `None` if unreadable.
        target: Option<PathBuf>,
    },
    /// A socket, FIFO or device.
    Other,
}

/// One entry of a build context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// Relative to the context root, `/`-separated.
    pub path: String,
    /// Its kind.
    pub kind: EntryKind,
    /// Size in bytes of the entry itself (for a symlink, of the link).
    pub size: u64,
}

/// Why a walk stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// [`WalkLimits::max_entries`] was reached and more entries remained.
    EntryLimit(usize),
    /// [`WalkLimits::max_duration`] ran out.
    TimeLimit(Duration),
}

impl fmt::Display for Truncation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EntryLimit(limit) => write!(f, "stopped after {limit} entries"),
            Self::TimeLimit(limit) => write!(f, "stopped after {} ms", limit.as_millis()),
        }
    }
}

/// Something the walk could not read; the rest of the walk goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    /// Relative path, `/`-separated (empty for the root).
    pub path: String,
    /// The error.
    pub message: String,
}

/// The result of walking a build context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextListing {
    /// Entries that are sent to the builder, in a stable order (sorted by
    /// name within each directory, parents before children).
    pub entries: Vec<ContextEntry>,
    /// Entries that `.dockerignore` leaves out, in walk order. A directory
    /// whose whole subtree is excluded is listed once and not read.
    pub excluded: Vec<ContextEntry>,
    /// `Some` when a limit cut the walk short: `entries` is then incomplete.
    pub truncated: Option<Truncation>,
    /// Entries that could not be read.
    pub problems: Vec<WalkProblem>,
}

impl ContextListing {
    /// The entry at `path`, if listed.
    pub fn get(&self, path: &str) -> Option<&ContextEntry> {
        self.entries.iter().find(|e| e.path == path)
    }
}

/// Lists the context rooted at `root` as Docker would send it, leaving out
/// what `ignore` excludes.
///
/// Symlinks are listed, never followed. An excluded directory is not read at
/// all unless a `!` exception could re-include something below it; in that
/// case it is read but, being excluded, not listed itself. Errors only when
/// `root` is not a readable directory.
pub fn walk_context(
    root: &Path,
    ignore: Option<&DockerIgnore>,
    limits: &WalkLimits,
) -> io::Result<ContextListing> {
    if !std::fs::metadata(root)?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("build context {} is not a directory", root.display()),
        ));
    }
    let started = Instant::now();
    let mut listing = ContextListing::default();
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(next) = walker.next() {
        if started.elapsed() >= limits.max_duration {
            listing.truncated = Some(Truncation::TimeLimit(limits.max_duration));
            break;
        }
        let entry = match next {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map(|p| relative(root, p)).unwrap_or_default();
                listing.problems.push(WalkProblem {
                    path,
                    message: err.to_string(),
                });
                continue;
            }
        };
        let path = relative(root, entry.path());
        let file_type = entry.file_type();
        if listing.entries.len() + listing.excluded.len() >= limits.max_entries {
            listing.truncated = Some(Truncation::EntryLimit(limits.max_entries));
            break;
        }
        if ignore.is_some_and(|ig| ig.is_excluded(&path)) {
            if file_type.is_dir() && !ignore.is_some_and(|ig| ig.may_reinclude_below(&path)) {
                walker.skip_current_dir();
            }
            listing.excluded.push(ContextEntry {
                path,
                kind: kind_of(file_type, entry.path()),
                size: 0,
            });
            continue;
        }
        let size = match entry.metadata() {
            Ok(metadata) if !file_type.is_dir() => metadata.len(),
            Ok(_) => 0,
            Err(err) => {
                listing.problems.push(WalkProblem {
                    path,
                    message: err.to_string(),
                });
                continue;
            }
        };
        let kind = kind_of(file_type, entry.path());
        listing.entries.push(ContextEntry { path, kind, size });
    }
    Ok(listing)
}

fn kind_of(file_type: std::fs::FileType, path: &Path) -> EntryKind {
    if file_type.is_symlink() {
        EntryKind::Symlink {
            target: std::fs::read_link(path).ok(),
        }
    } else if file_type.is_dir() {
        EntryKind::Dir
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

/// `path` relative to `root`, joined with `/` whatever the platform.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in rel.components() {
        if let Component::Normal(name) = component {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&name.to_string_lossy());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, contents: &str) {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create dirs");
        }
        fs::write(path, contents).expect("write file");
    }

    fn paths(listing: &ContextListing) -> Vec<&str> {
        listing.entries.iter().map(|e| e.path.as_str()).collect()
    }

    fn walk(root: &Path, ignore: &str) -> ContextListing {
        let ignore = DockerIgnore::parse(ignore).expect("valid ignore file");
        walk_context(root, Some(&ignore), &WalkLimits::default()).expect("walk")
    }

    #[test]
    fn lists_files_with_sizes_and_dirs_in_stable_order() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "b.txt", "12345");
        write(tmp.path(), "a/x.rs", "");
        let listing = walk_context(tmp.path(), None, &WalkLimits::default()).expect("walk");
        assert_eq!(paths(&listing), ["a", "a/x.rs", "b.txt"]);
        assert_eq!(listing.get("b.txt").map(|e| e.size), Some(5));
        assert_eq!(listing.get("a").map(|e| &e.kind), Some(&EntryKind::Dir));
        assert_eq!(listing.truncated, None);
    }

    #[test]
    fn nested_ignored_dirs_are_left_out() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "src/main.rs", "");
        write(tmp.path(), "web/node_modules/pkg/index.js", "");
        write(tmp.path(), "node_modules/x/y.js", "");
        write(tmp.path(), "target/debug/app", "");
        let listing = walk(tmp.path(), "**/node_modules\ntarget\n");
        assert_eq!(paths(&listing), ["src", "src/main.rs", "web"]);
        let excluded: Vec<&str> = listing.excluded.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(excluded, ["node_modules", "target", "web/node_modules"]);
    }

    #[test]
    fn exception_re_includes_below_an_ignored_dir() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "vendor/keep/a.txt", "");
        write(tmp.path(), "vendor/drop/b.txt", "");
        write(tmp.path(), "vendor/c.txt", "");
        let listing = walk(tmp.path(), "vendor\n!vendor/keep\n");
        assert_eq!(paths(&listing), ["vendor/keep", "vendor/keep/a.txt"]);
    }

    #[test]
    fn ignored_dir_without_possible_exception_is_not_read() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "keep.md", "");
        write(tmp.path(), "build/out.md", "");
        let ignore = DockerIgnore::parse("build\n!*.md\n").expect("valid");
        // `*` stays within one directory, so `!*.md` cannot reach into build/.
        assert!(ignore.can_prune("build"));
        let listing =
            walk_context(tmp.path(), Some(&ignore), &WalkLimits::default()).expect("walk");
        assert_eq!(paths(&listing), ["keep.md"]);
        let reaching = DockerIgnore::parse("build\n!**/*.md\n").expect("valid");
        assert!(!reaching.can_prune("build"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_reported_not_followed() {
        let outside = tempfile::tempdir().expect("tempdir");
        write(outside.path(), "secret/key.pem", "x");
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "app.py", "");
        std::os::unix::fs::symlink(outside.path().join("secret"), tmp.path().join("link"))
            .expect("symlink");
        let listing = walk_context(tmp.path(), None, &WalkLimits::default()).expect("walk");
        assert_eq!(paths(&listing), ["app.py", "link"]);
        assert_eq!(
            listing.get("link").map(|e| &e.kind),
            Some(&EntryKind::Symlink {
                target: Some(outside.path().join("secret"))
            })
        );
    }

    #[test]
    fn entry_limit_flags_truncation() {
        let tmp = tempfile::tempdir().expect("tempdir");
        for name in ["a", "b", "c", "d"] {
            write(tmp.path(), name, "");
        }
        let limits = WalkLimits {
            max_entries: 3,
            ..WalkLimits::default()
        };
        let listing = walk_context(tmp.path(), None, &limits).expect("walk");
        assert_eq!(paths(&listing), ["a", "b", "c"]);
        assert_eq!(listing.truncated, Some(Truncation::EntryLimit(3)));

        let exact = WalkLimits {
            max_entries: 4,
            ..WalkLimits::default()
        };
        let listing = walk_context(tmp.path(), None, &exact).expect("walk");
        assert_eq!(listing.truncated, None, "nothing was cut");
    }

    #[test]
    fn time_limit_flags_truncation() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "a", "");
        let limits = WalkLimits {
            max_duration: Duration::ZERO,
            ..WalkLimits::default()
        };
        let listing = walk_context(tmp.path(), None, &limits).expect("walk");
        assert!(listing.entries.is_empty());
        assert_eq!(
            listing.truncated,
            Some(Truncation::TimeLimit(Duration::ZERO))
        );
    }

    #[test]
    fn root_must_be_a_directory() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), "file", "");
        assert!(walk_context(&tmp.path().join("file"), None, &WalkLimits::default()).is_err());
        assert!(walk_context(&tmp.path().join("missing"), None, &WalkLimits::default()).is_err());
    }
}
