//! A snapshot of one build context: what the builder would receive, which
//! ignore file decided it, and the text of the few files rules read.
//!
//! Everything that touches the disk happens here, before linting: the linter's
//! rules only read the snapshot.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::dockerignore::{find_ignore_file, DockerIgnore, IgnoreFile};
use crate::walk::{walk_context, ContextEntry, ContextListing, EntryKind, WalkLimits};

/// How the context directory was chosen; rules are more careful with a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextOrigin {
    /// The Dockerfile's folder, assumed because nothing else was said.
    DockerfileFolder,
    /// Named by the user (`--context DIR`).
    Explicit,
    /// The context of a Compose service that builds this Dockerfile.
    Compose {
        /// The Compose file.
        file: PathBuf,
        /// The service.
        service: String,
    },
}

impl ContextOrigin {
    /// Whether the user (or their Compose file) said which context the build
    /// uses, rather than plimsoll assuming the Dockerfile's folder.
    pub fn is_stated(&self) -> bool {
        !matches!(self, Self::DockerfileFolder)
    }

    /// How the context was chosen, for notes and verbose output.
    pub fn describe(&self) -> String {
        match self {
            Self::DockerfileFolder => "the Dockerfile's folder".to_owned(),
            Self::Explicit => "--context".to_owned(),
            Self::Compose { file, service } => {
                format!("service `{service}` of {}", file.display())
            }
        }
    }
}

/// The ignore file in force and its patterns.
#[derive(Debug)]
pub struct LoadedIgnore {
    /// Where it is and which of BuildKit's two places it came from.
    pub file: IgnoreFile,
    /// Its patterns.
    pub rules: DockerIgnore,
}

/// An ignore file Docker would refuse: the build fails before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreProblem {
    /// The ignore file.
    pub path: PathBuf,
    /// 1-based line, when the problem is a pattern.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// Walks shared by the Dockerfiles of one run: the same folder with the same
/// ignore file sends the same files, and a folder of fifty Dockerfiles should
/// be walked once, not fifty times.
#[derive(Debug, Default)]
pub struct WalkCache {
    listings: Mutex<HashMap<(PathBuf, Option<PathBuf>), ContextListing>>,
}

impl WalkCache {
    fn listing(
        &self,
        key: (PathBuf, Option<PathBuf>),
        walk: impl FnOnce() -> io::Result<ContextListing>,
    ) -> io::Result<ContextListing> {
        let cached = self
            .listings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(listing) = cached {
            return Ok(listing);
        }
        // Walk without holding the lock: other folders need not wait.
        let listing = walk()?;
        self.listings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, listing.clone());
        Ok(listing)
    }
}

/// What a build of one Dockerfile would send to the builder.
#[derive(Debug)]
pub struct BuildContext {
    /// The context directory.
    pub root: PathBuf,
    /// How it was chosen.
    pub origin: ContextOrigin,
    /// The ignore file in force, if any.
    pub ignore: Option<LoadedIgnore>,
    /// An ignore file that exists but could not be used.
    pub ignore_problem: Option<IgnoreProblem>,
    /// What the walk found.
    pub listing: ContextListing,
    /// What was noticed while choosing the context (a Compose file that
    /// could not be read, services that disagree); first in [`Self::notes`].
    pub origin_notes: Vec<String>,
    index: HashMap<String, usize>,
    texts: HashMap<String, String>,
}

impl BuildContext {
    /// Walks `root` as the context for `dockerfile` (which picks the ignore
    /// file: `<name>.dockerignore` beside it wins over `<root>/.dockerignore`).
    /// Errors only when `root` is not a readable directory.
    pub fn load(
        root: &Path,
        dockerfile: Option<&Path>,
        origin: ContextOrigin,
        limits: &WalkLimits,
    ) -> io::Result<Self> {
        Self::load_shared(root, dockerfile, origin, limits, &WalkCache::default())
    }

    /// [`BuildContext::load`], reusing a walk of the same folder with the
    /// same ignore file from `cache`.
    pub fn load_shared(
        root: &Path,
        dockerfile: Option<&Path>,
        origin: ContextOrigin,
        limits: &WalkLimits,
        cache: &WalkCache,
    ) -> io::Result<Self> {
        let found = match dockerfile {
            Some(dockerfile) => find_ignore_file(dockerfile, root),
            None => {
                let path = root.join(".dockerignore");
                path.is_file().then_some(IgnoreFile {
                    path,
                    kind: crate::IgnoreFileKind::ContextRoot,
                })
            }
        };
        let mut ignore = None;
        let mut ignore_problem = None;
        if let Some(file) = found {
            match read_ignore(&file.path) {
                Ok(rules) => ignore = Some(LoadedIgnore { file, rules }),
                Err(problem) => ignore_problem = Some(problem),
            }
        }
        let key = (
            root.to_path_buf(),
            ignore.as_ref().map(|i: &LoadedIgnore| i.file.path.clone()),
        );
        let listing = cache.listing(key, || {
            walk_context(root, ignore.as_ref().map(|i| &i.rules), limits)
        })?;
        let mut context = Self::from_listing(root.to_path_buf(), origin, listing, ignore);
        context.ignore_problem = ignore_problem;
        Ok(context)
    }

    /// A snapshot from parts already at hand (tests, editors with unsaved
    /// buffers): nothing is read from disk.
    pub fn from_listing(
        root: PathBuf,
        origin: ContextOrigin,
        listing: ContextListing,
        ignore: Option<LoadedIgnore>,
    ) -> Self {
        let index = listing
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.clone(), i))
            .collect();
        Self {
            root,
            origin,
            ignore,
            ignore_problem: None,
            listing,
            origin_notes: Vec::new(),
            index,
            texts: HashMap::new(),
        }
    }

    /// The entry sent at `path` (relative, `/`-separated).
    pub fn entry(&self, path: &str) -> Option<&ContextEntry> {
        self.index.get(path).map(|&i| &self.listing.entries[i])
    }

    /// Whether `.dockerignore` leaves `path` out.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.ignore
            .as_ref()
            .is_some_and(|i| i.rules.is_excluded(path))
    }

    /// Whether the listing is complete, so that "not found" means absent.
    pub fn is_complete(&self) -> bool {
        self.listing.truncated.is_none()
    }

    /// Reads the text of `paths` for rules to look at later. Only regular
    /// files of the listing are read (never a symlink, never outside the
    /// context), each only when at most `max_bytes` long. Invalid UTF-8 is
    /// replaced. Returns how many files were read.
    pub fn read_texts<S: AsRef<str>>(&mut self, paths: &[S], max_bytes: u64) -> usize {
        let mut read = 0;
        for path in paths {
            let path = path.as_ref();
            if self.texts.contains_key(path) {
                continue;
            }
            let Some(entry) = self.entry(path) else {
                continue;
            };
            if entry.kind != EntryKind::File || entry.size > max_bytes {
                continue;
            }
            if let Some(text) = read_regular_file(&self.root.join(path), max_bytes) {
                self.texts.insert(path.to_owned(), text);
                read += 1;
            }
        }
        read
    }

    /// Gives `path` a text without reading the disk (tests, unsaved buffers).
    pub fn set_text(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.texts.insert(path.into(), text.into());
    }

    /// The text of `path`, if it was read with [`BuildContext::read_texts`].
    pub fn text(&self, path: &str) -> Option<&str> {
        self.texts.get(path).map(String::as_str)
    }

    /// Things the user should know about this snapshot: a walk cut short, an
    /// unusable ignore file, unreadable entries.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.origin_notes.clone();
        let root = self.root.display();
        if let Some(cut) = self.listing.truncated {
            notes.push(format!(
                "build context {root}: walk {cut}; context checks that need the whole listing \
                 (missing COPY sources) are skipped, the others see only what was listed"
            ));
        }
        if let Some(problem) = &self.ignore_problem {
            let line = problem.line.map(|l| format!(":{l}")).unwrap_or_default();
            notes.push(format!(
                "{}{line}: {} (Docker refuses this ignore file; it was not applied)",
                problem.path.display(),
                problem.message
            ));
        }
        if let Some(first) = self.listing.problems.first() {
            notes.push(format!(
                "build context {root}: {} entr{} could not be read (first: {}: {})",
                self.listing.problems.len(),
                if self.listing.problems.len() == 1 {
                    "y"
                } else {
                    "ies"
                },
                first.path,
                first.message
            ));
        }
        notes
    }
}

fn read_ignore(path: &Path) -> Result<DockerIgnore, IgnoreProblem> {
    let bytes = std::fs::read(path).map_err(|e| IgnoreProblem {
        path: path.to_path_buf(),
        line: None,
        message: e.to_string(),
    })?;
    DockerIgnore::parse(&String::from_utf8_lossy(&bytes)).map_err(|e| IgnoreProblem {
        path: path.to_path_buf(),
        line: Some(e.line),
        message: format!("invalid pattern `{}`: {}", e.pattern, e.message),
    })
}

/// The text of a regular file (not a symlink), at most `max_bytes` long.
fn read_regular_file(path: &Path, max_bytes: u64) -> Option<String> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > max_bytes {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(max_bytes)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IgnoreFileKind;
    use std::fs;

    fn write(root: &Path, rel: &str, contents: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }

    #[test]
    fn load_applies_the_dockerfile_specific_ignore_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        write(root, "api.Dockerfile", "FROM scratch\n");
        write(root, "api.Dockerfile.dockerignore", "secret.txt\n");
        write(root, ".dockerignore", "app.py\n");
        write(root, "app.py", "print()\n");
        write(root, "secret.txt", "x");
        let context = BuildContext::load(
            root,
            Some(&root.join("api.Dockerfile")),
            ContextOrigin::DockerfileFolder,
            &WalkLimits::default(),
        )
        .expect("load");
        let ignore = context.ignore.as_ref().expect("ignore file");
        assert_eq!(ignore.file.kind, IgnoreFileKind::DockerfileSpecific);
        assert!(context.entry("app.py").is_some());
        assert!(context.entry("secret.txt").is_none());
        assert!(context.is_excluded("secret.txt"));
        assert!(context.notes().is_empty());
    }

    #[test]
    fn a_bad_ignore_file_is_a_note_not_an_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        write(tmp.path(), ".dockerignore", "ok\n[\n");
        write(tmp.path(), "ok", "");
        let context = BuildContext::load(
            tmp.path(),
            None,
            ContextOrigin::Explicit,
            &WalkLimits::default(),
        )
        .expect("load");
        assert!(context.ignore.is_none());
        assert_eq!(
            context.ignore_problem.as_ref().and_then(|p| p.line),
            Some(2)
        );
        assert!(context.entry("ok").is_some(), "nothing is applied");
        assert!(context.notes()[0].contains(".dockerignore:2: invalid pattern `[`"));
    }

    #[test]
    fn read_texts_reads_only_small_listed_regular_files() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        write(root, "small.sh", "#!/bin/sh\nexec app\n");
        write(root, "big.txt", &"x".repeat(100));
        write(root, "ignored.txt", "no");
        write(root, ".dockerignore", "ignored.txt\n");
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("small.sh"), root.join("link.sh")).expect("symlink");
        let mut context =
            BuildContext::load(root, None, ContextOrigin::Explicit, &WalkLimits::default())
                .expect("load");
        let read = context.read_texts(
            &[
                "small.sh",
                "big.txt",
                "ignored.txt",
                "link.sh",
                "../x",
                "missing",
            ],
            50,
        );
        assert_eq!(read, 1);
        assert_eq!(context.text("small.sh"), Some("#!/bin/sh\nexec app\n"));
        assert_eq!(context.text("big.txt"), None, "over the size bound");
        assert_eq!(context.text("ignored.txt"), None, "not sent");
        assert_eq!(context.text("link.sh"), None, "symlinks are not followed");
    }

    #[test]
    fn truncation_is_a_note() {
        let tmp = tempfile::tempdir().expect("tempdir");
        for name in ["a", "b", "c"] {
            write(tmp.path(), name, "");
        }
        let limits = WalkLimits {
            max_entries: 2,
            ..WalkLimits::default()
        };
        let context =
            BuildContext::load(tmp.path(), None, ContextOrigin::Explicit, &limits).expect("load");
        assert!(!context.is_complete());
        assert!(context.notes()[0].contains("walk stopped after 2 entries"));
    }

    #[test]
    fn one_walk_per_folder_and_ignore_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        let limits = WalkLimits::default();
        let cache = WalkCache::default();
        let load = |cache: &WalkCache| {
            BuildContext::load_shared(dir.path(), None, ContextOrigin::Explicit, &limits, cache)
                .unwrap()
        };
        assert!(load(&cache).entry("a.txt").is_some());
        // A file created after the first walk is not seen through the cache
        // (the same run) but is by a fresh walk.
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        assert!(load(&cache).entry("b.txt").is_none());
        assert!(load(&WalkCache::default()).entry("b.txt").is_some());
        // Another ignore file is another walk.
        std::fs::write(dir.path().join(".dockerignore"), "a.txt\n").unwrap();
        let ignored = load(&cache);
        assert!(ignored.entry("a.txt").is_none() && ignored.entry("b.txt").is_some());
    }
}
