//! The build context, for callers that lint with one.
//!
//! The caller (the CLI, an editor) builds a [`BuildContext`] snapshot with
//! [`BuildContext::load`], lets [`prepare`] read the few files the rules look
//! into, and passes it to [`crate::lint_with_context`]. Rules only read the
//! snapshot: all disk access happens here and in `plimsoll_context`, bounded
//! in entries, time and bytes, and never through a symlink.

use plimsoll_syntax::Dockerfile;

pub use plimsoll_context::{
    BuildContext, ContextEntry, ContextListing, ContextOrigin, EntryKind, IgnoreFileKind,
    Truncation, WalkCache, WalkLimits,
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
