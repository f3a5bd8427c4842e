//! The build context, for callers that lint with one.
//!
//! The caller (the CLI, an editor) builds a [`BuildContext`] snapshot with
//! [`BuildContext::load`], lets [`prepare`] read the few files the rules look
//! into, and passes it to [`crate::lint_with_context`]. Rules only read the
//! snapshot: all disk access happens here and in `plimsoll_context`, bounded
//! in entries, time and bytes, and never through a symlink.

use std::path::PathBuf;

use plimsoll_context::DockerIgnore;
use plimsoll_syntax::{Dockerfile, Keyword};

pub use plimsoll_context::{
    find_compose_context, relative_to_cwd, BuildContext, ComposeLookup, ComposeService,
    ContextEntry, ContextListing, ContextOrigin, EntryKind, IgnoreFileKind, Truncation, WalkCache,
    WalkLimits, COMPOSE_FILE_NAMES,
};

use crate::rules::context as family;
use crate::semantic::SemanticModel;
use crate::settings::ResolvedRules;

/// The most bytes read from one context file (scripts, `.npmrc`, keys).
pub const MAX_TEXT_BYTES: u64 = 256 * 1024;

/// The most context files read for one Dockerfile.
pub const MAX_FILES_READ: usize = 256;

/// Whether any of `rules` reads the build context: when none does, walking it
/// is wasted time.
pub fn wants_context(rules: &ResolvedRules) -> bool {
    rules.rules.iter().any(|(rule, _)| {
        family::RULES
            .iter()
            .any(|r| std::ptr::eq(r.meta(), rule.meta()))
    })
}

/// Does any COPY/ADD of `file` take something from the build context (no
/// `--from`, a source that is not a URL)? If none does, no context rule can
/// find anything, and the walk is skipped.
pub fn copies_from_context(file: &plimsoll_syntax::Dockerfile) -> bool {
    file.instructions.iter().any(|instruction| {
        instruction.flag("from").is_none()
            && instruction.as_copy().is_some_and(|view| {
                view.sources.iter().any(|source| {
                    let lower = source.value.to_ascii_lowercase();
                    !(lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("git@")
                        || lower.starts_with("<<"))
                })
            })
    })
}

/// Reads into `context` the text of the files the context rules inspect for
/// this Dockerfile: the entrypoint script it runs, and copied files whose
/// content tells whether they hold a secret (`.npmrc`, keys). Returns the
/// number of files read.
///
/// An assumed context (the Dockerfile's folder) in which none of the sources
/// the Dockerfile names exists is most likely not the build's context: the
/// error says so, and the caller should lint without it rather than report
/// every source as missing.
pub fn prepare(
    context: &mut BuildContext,
    source: &str,
    file: &Dockerfile,
) -> Result<usize, String> {
    let model = SemanticModel::new(source, file);
    if context.origin == ContextOrigin::DockerfileFolder && context.is_complete() {
        let named: Vec<_> = family::sources::context_sources(&model)
            .into_iter()
            .filter(|s| !s.is_whole_context() && !s.has_wildcards())
            .collect();
        let found = named.iter().any(|s| {
            s.resolve(&context.listing).is_some_and(|t| !t.is_empty())
                || family::sources::ignored_match(s, context).is_some()
        });
        if !named.is_empty() && !found {
            return Err(format!(
                "none of the {} COPY/ADD source{} named in this file exist in {}, its folder: \
                 the build must use another context; context checks skipped (pass --context DIR)",
                named.len(),
                if named.len() == 1 { "" } else { "s" },
                context.root.display()
            ));
        }
    }
    let mut wanted: Vec<String> = Vec::new();
    if let Some(script) = family::sources::entrypoint_script(&model, context) {
        wanted.push(script.context_path);
    }
    for source in family::sources::context_sources(&model) {
        let Some(taken) = source.resolve(&context.listing) else {
            continue;
        };
        wanted.extend(
            taken
                .into_iter()
                .filter(|e| e.kind == EntryKind::File && family::secret_needs_text(&e.path))
                .map(|e| e.path.clone()),
        );
        if wanted.len() >= MAX_FILES_READ {
            break;
        }
    }
    wanted.sort();
    wanted.dedup();
    wanted.truncate(MAX_FILES_READ);
    Ok(context.read_texts(&wanted, MAX_TEXT_BYTES))
}

/// The ignore file a `.dockerignore` fix writes for this context: the one in
/// force (`<name>.Dockerfile.dockerignore` beside the Dockerfile, or
/// `<context>/.dockerignore`), else `<context>/.dockerignore`, created. `None`
/// when an ignore file exists that Docker refuses: new lines would not help.
pub fn ignore_fix_target(context: &BuildContext) -> Option<PathBuf> {
    if context.ignore_problem.is_some() {
        return None;
    }
    Some(match &context.ignore {
        Some(loaded) => loaded.file.path.clone(),
        None => context.root.join(".dockerignore"),
    })
}

/// The patterns of the ignore file in force, one per line (comments and
/// blank lines dropped): what new lines are appended to.
pub fn ignore_patterns_text(context: &BuildContext) -> String {
    context.ignore.as_ref().map_or_else(String::new, |loaded| {
        loaded
            .rules
            .patterns()
            .iter()
            .map(|p| format!("{}\n", p.source()))
            .collect()
    })
}

/// The context paths this Dockerfile reads by name, which an ignore line
/// must never hide: what each `COPY`/`ADD` source other than the whole
/// context names (the file or directory, or each match of a wildcard), and
/// the same for `RUN --mount=type=bind` sources; and `.git` when a stage
/// runs `git` after copying it. Sorted, without repeats.
pub fn protected_paths(source: &str, file: &Dockerfile, context: &BuildContext) -> Vec<String> {
    let model = SemanticModel::new(source, file);
    protected_paths_of(&model, context)
}

pub(crate) fn protected_paths_of(model: &SemanticModel<'_>, context: &BuildContext) -> Vec<String> {
    let mut patterns: Vec<(String, Vec<String>, bool)> = family::sources::context_sources(model)
        .into_iter()
        .filter(|s| !s.is_whole_context())
        .map(|s| (s.path, s.excludes, s.parents))
        .collect();
    for stage in &model.stages {
        for (_, instruction) in model.stage_instructions(stage) {
            if instruction.keyword != Keyword::Run {
                continue;
            }
            for mount in instruction.flags.iter().filter(|f| f.name == "mount") {
                let Some(value) = &mount.value else { continue };
                // Keys and the type are read case-insensitively, as BuildKit does.
                let fields: Vec<(String, &str)> = value
                    .split(',')
                    .map(|f| f.split_once('=').unwrap_or((f, "")))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim_matches(['"', '\''])))
                    .collect();
                let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
                // `bind` is the default type; `from` mounts another image or stage.
                if get("from").is_some()
                    || get("type").is_some_and(|t| !t.eq_ignore_ascii_case("bind"))
                {
                    continue;
                }
                let source = get("source").or_else(|| get("src")).unwrap_or(".");
                if !plimsoll_context::source_context_path(source, false).is_empty() {
                    patterns.push((source.to_owned(), Vec::new(), false));
                }
            }
        }
    }
    let mut paths: Vec<String> = Vec::new();
    // A stage that runs `git` after copying needs the `.git` it copied.
    for source in family::sources::context_sources(model) {
        if !runs_git_after(model, source.index) {
            continue;
        }
        if let Some(taken) = source.resolve(&context.listing) {
            paths.extend(
                taken
                    .iter()
                    .filter(|e| e.path == ".git" || e.path.ends_with("/.git"))
                    .map(|e| e.path.clone()),
            );
        }
    }
    for (pattern, excludes, parents) in &patterns {
        let Some(taken) =
            family::sources::resolve_pattern(pattern, excludes, *parents, &context.listing)
        else {
            continue;
        };
        // What the source names: a file or directory, or each wildcard match.
        // Leaving out part of a copied directory is what a fix may do.
        let taken_paths: std::collections::HashSet<&str> =
            taken.iter().map(|e| e.path.as_str()).collect();
        paths.extend(
            taken
                .iter()
                .filter(|e| {
                    !e.path
                        .match_indices('/')
                        .any(|(i, _)| taken_paths.contains(&e.path[..i]))
                })
                .map(|e| e.path.clone()),
        );
    }
    paths.sort();
    paths.dedup();
    paths
}

/// Whether a `RUN` of the stage after instruction `index` runs `git`.
pub(crate) fn runs_git_after(model: &SemanticModel<'_>, index: usize) -> bool {
    let stage = model.states.get(index).and_then(|s| s.stage);
    model
        .stages
        .iter()
        .filter(|s| Some(s.index) == stage)
        .flat_map(|s| model.stage_instructions(s))
        .filter(|(i, _)| *i > index)
        .any(|(i, _)| {
            model
                .run_script(i)
                .is_some_and(|s| s.commands_named("git").next().is_some())
        })
}

/// The first of `protected` that the ignore patterns `existing` followed by
/// `lines` leave out and `existing` alone does not: `Ok(None)` when the new
/// lines hide nothing this Dockerfile reads by name. `Err` names a line
/// Docker would refuse.
pub fn newly_excluded(
    existing: &str,
    lines: &[String],
    protected: &[String],
) -> Result<Option<String>, String> {
    let before = DockerIgnore::parse(existing).map_err(|e| e.to_string())?;
    let mut text = existing.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    let after = DockerIgnore::parse(&text).map_err(|e| e.to_string())?;
    Ok(protected
        .iter()
        .find(|p| after.is_excluded(p) && !before.is_excluded(p))
        .cloned())
}

/// `path` as an ignore line that means exactly it, or `None` when a
/// character of it would be read as a pattern (`*`, `?`, `[`, `\\`, a
/// leading `!` or `#`, surrounding spaces).
pub(crate) fn literal_ignore_line(path: &str) -> Option<String> {
    let plain = !path.is_empty()
        && !path.contains(['*', '?', '[', '\\', '\n', '\r'])
        && !path.starts_with(['!', '#'])
        && path.trim() == path;
    plain.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(paths: &[(&str, EntryKind)]) -> BuildContext {
        let listing = ContextListing {
            entries: paths
                .iter()
                .map(|(path, kind)| ContextEntry {
                    path: (*path).to_owned(),
                    kind: kind.clone(),
                    size: 1,
                })
                .collect(),
            ..ContextListing::default()
        };
        BuildContext::from_listing("ctx".into(), ContextOrigin::Explicit, listing, None)
    }

    #[test]
    fn protected_paths_are_what_sources_name() {
        use EntryKind::{Dir, File};
        let context = context(&[
            (".git", Dir),
            (".git/HEAD", File),
            ("web", Dir),
            ("web/node_modules", Dir),
            ("web/node_modules/a.js", File),
            ("cfg", Dir),
            ("cfg/a.yml", File),
            ("cfg/b.yml", File),
            ("node_modules", Dir),
            ("node_modules/b.js", File),
            ("vendor", Dir),
        ]);
        let source = "FROM alpine\nCOPY web/ /web/\nCOPY cfg/*.yml /etc/\n\
                      RUN --mount=target=/m,source=node_modules ls /m\n\
                      RUN --mount=Type=Cache,target=/c,source=vendor ls\n\
                      COPY . /src\nRUN git -C /src log\n";
        let file = plimsoll_syntax::parse(source);
        // `web` itself, not what is inside it (a fix may leave part of it out);
        // each wildcard match; a bind mount (the default type), not a cache
        // mount; `.git`, since a RUN runs git after `COPY . /src`.
        assert_eq!(
            protected_paths(source, &file, &context),
            [".git", "cfg/a.yml", "cfg/b.yml", "node_modules", "web"]
        );
    }

    #[test]
    fn newly_excluded_reads_the_appended_patterns_like_docker() {
        let protected = vec!["web".to_owned(), "keep/it.txt".to_owned()];
        let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            newly_excluded("", &lines(&["web/node_modules", "**/.git"]), &protected),
            Ok(None)
        );
        assert_eq!(
            newly_excluded("*.log", &lines(&["we*"]), &protected),
            Ok(Some("web".to_owned()))
        );
        // Appended after the exception, the new line wins over it.
        assert_eq!(
            newly_excluded("keep\n!keep/it.txt\n", &lines(&["keep/*.txt"]), &protected),
            Ok(Some("keep/it.txt".to_owned()))
        );
        // Already excluded before: not the new lines' doing.
        assert_eq!(
            newly_excluded("web\n", &lines(&["web"]), &protected),
            Ok(None)
        );
        assert!(newly_excluded("", &lines(&["["]), &protected).is_err());
    }
}
