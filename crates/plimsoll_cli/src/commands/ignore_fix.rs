//! Fixes that change a file other than the Dockerfile: the `.dockerignore`
//! lines of `context-bloat` and `secret-in-context`.
//!
//! Linting runs in parallel, but several Dockerfiles can read the same ignore
//! file, so these fixes are collected per Dockerfile ([`Pending`]) and applied
//! afterwards, one ignore file at a time: each fix is checked again against
//! the file as it is on disk and against what every Dockerfile of the run
//! that reads it names, then appended (or shown as a diff).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use plimsoll_linter::context::{newly_excluded, BuildContext, IgnoreFileKind};
use plimsoll_linter::fix::{append_lines, AppliedFix};
use plimsoll_linter::{Applicability, Diagnostic, FileChange};
use similar::TextDiff;

/// One fix waiting to append lines to an ignore file.
#[derive(Debug, Clone)]
pub struct PendingFix {
    pub rule: &'static str,
    pub title: String,
    pub lines: Vec<String>,
    pub comment: Option<String>,
}

/// What one Dockerfile contributes: the ignore file its build reads, what it
/// names there (never to be hidden), and its fixes for that file.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// The Dockerfile, for messages.
    pub dockerfile: String,
    /// The ignore file the build reads (or would create), if a fix may write it.
    pub target: Option<PathBuf>,
    pub protected: Vec<String>,
    pub fixes: Vec<PendingFix>,
}

impl Pending {
    /// Collects the ignore-file fixes of `diagnostics` that `unsafe_fixes`
    /// allows. A change to any other file is refused with a warning: only
    /// the ignore file the build reads may be written.
    pub fn collect(
        dockerfile: &Path,
        context: &BuildContext,
        source: &str,
        file: &plimsoll_syntax::Dockerfile,
        diagnostics: &[Diagnostic],
        unsafe_fixes: bool,
    ) -> (Pending, Vec<String>) {
        let mut warnings = Vec::new();
        let allowed = allowed_target(context);
        let mut pending = Pending {
            dockerfile: dockerfile.display().to_string(),
            target: allowed.clone(),
            protected: plimsoll_linter::context::protected_paths(source, file, context),
            fixes: Vec::new(),
        };
        for d in diagnostics {
            let Some(fix) = &d.fix else { continue };
            if fix.file_changes.is_empty()
                || !fix.edits.is_empty()
                || (fix.applicability == Applicability::Unsafe && !unsafe_fixes)
            {
                continue;
            }
            let mut lines = Vec::new();
            let mut comment = None;
            let mut refused = false;
            for change in &fix.file_changes {
                match change {
                    FileChange::AppendLines {
                        path,
                        lines: new,
                        comment: note,
                    } if Some(path) == allowed.as_ref() => {
                        lines.extend(new.iter().cloned());
                        comment = comment.or_else(|| note.clone());
                    }
                    other => {
                        warnings.push(format!(
                            "{}: fix `{}` ({}) would write {}, which is not the ignore file of \
                             this build; not applied",
                            pending.dockerfile,
                            fix.title,
                            d.rule.name,
                            other.path().display()
                        ));
                        refused = true;
                    }
                }
            }
            if !refused {
                pending.fixes.push(PendingFix {
                    rule: d.rule.name,
                    title: fix.title.clone(),
                    lines,
                    comment,
                });
            }
        }
        (pending, warnings)
    }
}

/// The only file a fix may write for this context: the ignore file in
/// force, or `<context>/.dockerignore` when there is none.
fn allowed_target(context: &BuildContext) -> Option<PathBuf> {
    let target = plimsoll_linter::context::ignore_fix_target(context)?;
    let root_file = context.root.join(".dockerignore");
    let specific = context.ignore.as_ref().is_some_and(|i| {
        i.file.kind == IgnoreFileKind::DockerfileSpecific && i.file.path == target
    });
    (target == root_file || specific).then_some(target)
}

/// What was done (or, with `--diff`, would be done) to one ignore file.
pub struct IgnoreFileResult {
    /// The path as shown to the user.
    pub path: String,
    pub applied: Vec<AppliedFix>,
    /// The unified diff, with `--diff`.
    pub diff: Option<String>,
    /// Whether the file was written.
    pub written: bool,
    /// The Dockerfiles that read it (to lint again after writing).
    pub readers: Vec<String>,
}

/// Groups files by the ignore file they read; the folder is canonicalized so
/// that `./.dockerignore` and `.dockerignore` are one file.
fn key(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default();
    parent
        .canonicalize()
        .map_or_else(|_| path.to_path_buf(), |p| p.join(name))
}

fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// Applies the pending fixes, one ignore file at a time (writing nothing
/// when `diff`). Returns what changed and warnings for what was not done.
pub fn apply(pending: &[Pending], diff: bool) -> (Vec<IgnoreFileResult>, Vec<String>) {
    let mut results = Vec::new();
    let mut warnings = Vec::new();
    if pending.iter().all(|p| p.fixes.is_empty()) {
        return (results, warnings);
    }
    // Dockerfiles grouped by the ignore file they read, in the order of the run.
    let mut groups: Vec<(&Path, Vec<&Pending>)> = Vec::new();
    let mut by_key: HashMap<PathBuf, usize> = HashMap::new();
    for p in pending {
        let Some(target) = &p.target else { continue };
        let at = *by_key.entry(key(target)).or_insert_with(|| {
            groups.push((target.as_path(), Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(p);
    }
    for (target, readers) in groups {
        if readers.iter().all(|r| r.fixes.is_empty()) {
            continue;
        }
        let name = shown(target);
        let existing = match read_existing(target) {
            Ok(existing) => existing,
            Err(why) => {
                warnings.push(format!("{name}: {why}; its fixes were not applied"));
                continue;
            }
        };
        let mut protected: Vec<&String> = readers.iter().flat_map(|p| &p.protected).collect();
        protected.sort();
        protected.dedup();
        let protected: Vec<String> = protected.into_iter().cloned().collect();
        let mut text = existing.clone();
        let mut applied = Vec::new();
        let several = readers.iter().filter(|r| !r.fixes.is_empty()).count() > 1;
        for reader in &readers {
            for fix in &reader.fixes {
                let current = text.clone().unwrap_or_default();
                match newly_excluded(&current, &fix.lines, &protected) {
                    Ok(None) => {}
                    Ok(Some(hidden)) => {
                        warnings.push(format!(
                            "{name}: fix `{}` ({}) of {} not applied: it would hide `{hidden}`, \
                             which a Dockerfile reading this file uses",
                            fix.title, fix.rule, reader.dockerfile
                        ));
                        continue;
                    }
                    Err(error) => {
                        warnings.push(format!(
                            "{name}: fix `{}` ({}) not applied: {error}",
                            fix.title, fix.rule
                        ));
                        continue;
                    }
                }
                if let Some(next) =
                    append_lines(text.as_deref(), &fix.lines, fix.comment.as_deref())
                {
                    text = Some(next);
                }
                applied.push(AppliedFix {
                    rule: fix.rule,
                    title: if several {
                        format!("{} for {}", fix.title, reader.dockerfile)
                    } else {
                        fix.title.clone()
                    },
                });
            }
        }
        if applied.is_empty() {
            continue;
        }
        let mut result = IgnoreFileResult {
            path: name.clone(),
            applied,
            diff: None,
            written: false,
            readers: readers.iter().map(|r| r.dockerfile.clone()).collect(),
        };
        if text != existing {
            let new_text = text.unwrap_or_default();
            if diff {
                let old_name = if existing.is_some() {
                    name.as_str()
                } else {
                    "/dev/null"
                };
                result.diff = Some(
                    TextDiff::from_lines(existing.as_deref().unwrap_or(""), &new_text)
                        .unified_diff()
                        .header(old_name, &name)
                        .to_string(),
                );
            } else if let Err(error) = write_regular(target, &new_text) {
                warnings.push(format!("{name}: {error}; its fixes were not applied"));
                continue;
            } else {
                result.written = true;
            }
        }
        results.push(result);
    }
    (results, warnings)
}

/// The file's text, `None` when it does not exist. A symlink, a directory
/// or a file that is not UTF-8 is refused: a fix never writes through a link.
fn read_existing(path: &Path) -> Result<Option<String>, String> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if metadata.file_type().is_symlink() {
        return Err("is a symbolic link, which plimsoll never writes through".to_owned());
    }
    if !metadata.is_file() {
        return Err("is not a regular file".to_owned());
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "is not valid UTF-8".to_owned())
}

/// Writes `text` to `path`, unless a symlink appeared there since it was read.
fn write_regular(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err("is no longer a regular file".to_owned());
    }
    std::fs::write(path, text).map_err(|e| e.to_string())
}
