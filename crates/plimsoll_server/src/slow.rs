//! The slow checks: ShellCheck (an external process) and the build context
//! (a walk of a folder), which `plimsoll check` runs and the fast lint of
//! every keystroke does not.
//!
//! They run on their own thread, on open, on save and when settings change,
//! never on the message loop nor on the lint worker, so a slow `shellcheck`
//! or a big context delays no diagnostic and no hover. What they find is
//! handed to the lint worker as [`Extras`] and reused by the fast lint of
//! later edits until the next save:
//!
//! - the context snapshot (the walk's listing and the few files read) is
//!   kept, and the context rules run on every edit against it; only the
//!   walk waits for a save;
//! - a ShellCheck finding is kept while its RUN instruction's text is
//!   unchanged, and moves with it; an edited RUN loses its findings until
//!   the next save runs ShellCheck again.

use std::collections::HashMap;
use std::path::PathBuf;

use plimsoll_linter::context::{
    copies_from_context, find_compose_context, prepare, wants_context, BuildContext, ContextOrigin,
    WalkCache, WalkLimits,
};
use plimsoll_linter::pragma::Suppressions;
use plimsoll_linter::{Diagnostic, Edit, Settings};
use plimsoll_syntax::{parse, Dockerfile, Span};

use crate::analysis::Snapshot;
use crate::workspace::{uri_to_path, ContextPlan};

/// What the slow checks found for one version of a document.
#[derive(Debug, Default)]
pub struct Extras {
    /// Set by the lint worker when it takes these; part of cache keys and
    /// pull result ids.
    pub generation: u64,
    /// The build context, walked once and reused by later edits.
    pub context: Option<BuildContext>,
    /// ShellCheck's findings, each tied to the text of its RUN instruction.
    pub shellcheck: Vec<Anchored>,
}

impl Extras {
    /// No context and no ShellCheck finding: linting with these is linting without.
    pub fn is_empty(&self) -> bool {
        self.context.is_none() && self.shellcheck.is_empty()
    }
}

/// A finding tied to the instruction it is in: where it is relative to that
/// instruction, and which instruction (its text, and which of the
/// instructions with that same text).
#[derive(Debug, Clone)]
pub struct Anchored {
    instruction: String,
    occurrence: usize,
    start: u32,
    diagnostic: Diagnostic,
}

/// The slow thread's state: the walks, cached per context folder.
#[derive(Default)]
pub struct SlowWorker {
    walks: HashMap<PathBuf, WalkCache>,
}

/// A slow check's result: what was found, and what the user should hear
/// (a context note, a ShellCheck that failed to run).
pub struct Checked {
    pub extras: Extras,
    pub notes: Vec<String>,
    pub errors: Vec<String>,
}

impl SlowWorker {
    /// Forget the walk of `snapshot`'s context: the next check walks again.
    pub fn forget_walk_of(&mut self, snapshot: &Snapshot) {
        if let Some((root, _, _)) = context_root(snapshot) {
            self.walks.remove(&root);
        }
    }

    /// Forget every walk (an ignore file changed).
    pub fn forget_walks(&mut self) {
        self.walks.clear();
    }

    /// Walk the context and run ShellCheck for `snapshot`.
    pub fn check(&mut self, snapshot: &Snapshot) -> Checked {
        let text = snapshot.text.as_str();
        let file = parse(text);
        let profile = &snapshot.profile;
        let mut notes = Vec::new();
        let mut errors = Vec::new();
        let mut context = None;
        if wants_context(&profile.rules) && copies_from_context(&file) {
            if let Some((root, origin, choice_notes)) = context_root(snapshot) {
                let dockerfile = uri_to_path(&snapshot.uri);
                let walks = self.walks.entry(root.clone()).or_default();
                let stated = origin.is_stated();
                match BuildContext::load_shared(
                    &root,
                    dockerfile.as_deref(),
                    origin,
                    &WalkLimits::from_env(),
                    walks,
                ) {
                    Ok(mut loaded) => {
                        loaded.origin_notes = choice_notes;
                        notes.extend(loaded.notes());
                        // Reads the few files the rules look into; the lint
                        // worker prepares again for later texts, reading only
                        // files not read yet.
                        if let Err(note) = prepare(&mut loaded, text, &file) {
                            notes.push(note);
                        }
                        context = Some(loaded);
                    }
                    // An assumed folder that cannot be read is no context,
                    // as in `plimsoll check`; a named one is worth a word.
                    Err(e) if stated => {
                        self.walks.remove(&root);
                        errors.push(format!("plimsoll: build context {}: {e}", root.display()));
                    }
                    Err(_) => {
                        self.walks.remove(&root);
                        notes.extend(choice_notes);
                    }
                }
            }
        }
        let mut shellcheck = Vec::new();
        if let Some(program) = &profile.shellcheck {
            match program.check(text, &file, &profile.settings) {
                Ok(found) => shellcheck = anchor(text, &file, found),
                Err(error) => errors.push(format!("plimsoll: {error}")),
            }
        }
        Checked {
            extras: Extras {
                generation: 0,
                context,
                shellcheck,
            },
            notes,
            errors,
        }
    }
}

/// The context folder of a document, how it was chosen, and notes about the
/// choice; `None` when the settings turn the context off or the document is
/// not a file. Without a folder in the settings, a Compose service that
/// builds the document gives its context, as in `plimsoll check`.
fn context_root(snapshot: &Snapshot) -> Option<(PathBuf, ContextOrigin, Vec<String>)> {
    match &snapshot.profile.context {
        ContextPlan::Off => None,
        ContextPlan::Folder(dir) => Some((dir.clone(), ContextOrigin::Explicit, Vec::new())),
        ContextPlan::DockerfileFolder => {
            let path = uri_to_path(&snapshot.uri)?;
            let lookup = find_compose_context(&path);
            if let Some(service) = lookup.found {
                let origin = ContextOrigin::Compose {
                    file: service.file,
                    service: service.service,
                };
                return Some((service.context, origin, lookup.notes));
            }
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty())?;
            Some((
                folder.to_path_buf(),
                ContextOrigin::DockerfileFolder,
                lookup.notes,
            ))
        }
    }
}

/// Which instruction, counting only those with the same text, each
/// instruction of `file` is: `(text, occurrence, start)`.
fn instruction_keys<'a>(text: &'a str, file: &Dockerfile) -> Vec<(&'a str, usize, u32)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    file.instructions
        .iter()
        .map(|i| {
            let source = i.span.text(text);
            let count = seen.entry(source).or_insert(0);
            let key = (source, *count, i.span.start);
            *count += 1;
            key
        })
        .collect()
}

/// Tie each finding to its instruction; a finding outside every
/// instruction (none should be) is dropped.
fn anchor(text: &str, file: &Dockerfile, found: Vec<Diagnostic>) -> Vec<Anchored> {
    let keys = instruction_keys(text, file);
    found
        .into_iter()
        .filter_map(|diagnostic| {
            let (i, instruction) = file.instructions.iter().enumerate().find(|(_, i)| {
                i.span.start <= diagnostic.span.start && diagnostic.span.end <= i.span.end
            })?;
            let (source, occurrence, start) = keys[i];
            debug_assert_eq!(start, instruction.span.start);
            Some(Anchored {
                instruction: source.to_owned(),
                occurrence,
                start,
                diagnostic,
            })
        })
        .collect()
}

/// The findings of `anchored` whose instruction is still in `text`, moved to
/// where it is now, without those the settings or a pragma of `file` now
/// turn off.
pub fn carry(
    anchored: &[Anchored],
    text: &str,
    file: &Dockerfile,
    settings: &Settings,
) -> Vec<Diagnostic> {
    if anchored.is_empty() {
        return Vec::new();
    }
    let keys = instruction_keys(text, file);
    let starts: HashMap<(&str, usize), u32> = keys
        .iter()
        .map(|&(source, occurrence, start)| ((source, occurrence), start))
        .collect();
    let suppressions = Suppressions::from_file(file);
    anchored
        .iter()
        .filter_map(|a| {
            let now = *starts.get(&(a.instruction.as_str(), a.occurrence))?;
            let moved = |span: Span| {
                Span::new(
                    (span.start - a.start + now) as usize,
                    (span.end - a.start + now) as usize,
                )
            };
            let mut diagnostic = a.diagnostic.clone();
            diagnostic.span = moved(diagnostic.span);
            if let Some(fix) = &mut diagnostic.fix {
                let end = a.start + a.instruction.len() as u32;
                if fix
                    .edits
                    .iter()
                    .all(|e| a.start <= e.span.start && e.span.end <= end)
                {
                    fix.edits = fix
                        .edits
                        .iter()
                        .map(|e| Edit::replace(moved(e.span), e.content.clone()))
                        .collect();
                } else {
                    diagnostic.fix = None;
                }
            }
            (settings.selects(diagnostic.rule)
                && !suppressions.is_suppressed(diagnostic.rule, diagnostic.span))
            .then_some(diagnostic)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_linter::shellcheck::meta;

    /// A finding on `needle` at byte `start`, with a fix quoting it.
    fn finding(start: usize, needle: &str, code: u32) -> Diagnostic {
        let mut d = Diagnostic::new(
            meta(code),
            Span::new(start, start + needle.len()),
            "m".to_owned(),
        );
        d.fix(plimsoll_linter::Fix::unsafe_edit(
            "quote",
            vec![Edit::replace(
                Span::new(start, start + needle.len()),
                format!("\"{needle}\""),
            )],
        ));
        d
    }

    #[test]
    fn findings_follow_unchanged_runs_and_leave_with_edited_ones() {
        let before = "FROM a\nRUN echo $A\nRUN echo $B\nRUN echo $A\n";
        let file = parse(before);
        let found = vec![
            finding(before.find("$B").unwrap(), "$B", 2086),
            finding(before.rfind("$A").unwrap(), "$A", 2086),
        ];
        let anchored = anchor(before, &file, found);
        assert_eq!(anchored.len(), 2);

        // A line added above, the $B RUN edited: the finding of the second
        // `RUN echo $A` moves down a line; the edited one is gone.
        let after = "FROM a\nENV X=1\nRUN echo $A\nRUN echo \"$B\"\nRUN echo $A\n";
        let carried = carry(&anchored, after, &parse(after), &Settings::default());
        assert_eq!(carried.len(), 1, "{carried:?}");
        let at = after.rfind("$A").unwrap();
        assert_eq!(carried[0].span, Span::new(at, at + 2));
        let edit = &carried[0].fix.as_ref().unwrap().edits[0];
        assert_eq!(edit.span, Span::new(at, at + 2));

        // A pragma added in the buffer silences the one below it; so does
        // ignoring the code.
        let pragma = "FROM a\nRUN echo $A\nRUN echo $B\n# plimsoll ignore=SC2086\nRUN echo $A\n";
        let carried = carry(&anchored, pragma, &parse(pragma), &Settings::default());
        assert_eq!(carried.len(), 1, "{carried:?}");
        assert_eq!(carried[0].span.text(pragma), "$B");
        let ignoring = Settings {
            ignore: vec!["SC2086".into()],
            ..Settings::default()
        };
        assert!(carry(&anchored, before, &file, &ignoring).is_empty());
    }
}
