//! The build optimizer: rewrites a Dockerfile for better layer caching and
//! smaller images, as text edits on the original source (comments and layout
//! survive), one transformation at a time, each re-parsed before it is kept.
//!
//! Every transformation keeps the build's meaning under stated conditions
//! and is skipped when they do not hold; what cannot be done safely is a
//! [`Suggestion`] in the plan instead. Running the optimizer on its own output
//! changes nothing.

mod context;
mod profile;
mod transforms;

use serde::Serialize;

use plimsoll_syntax::parse;

use crate::fix::apply_edits;
use crate::rules::cache_busting_copy::cache_busts;
use crate::semantic::SemanticModel;
use crate::Edit;

pub use context::{
    assumed_context_mismatch, read_manifests, ComposeFacts, ContextFacts, InstallFacts,
    OptimizeContext,
};
pub use profile::{Layer, Profile};

/// Optional transformations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OptimizeOptions {
    /// Use BuildKit cache mounts for apt and pip instead of deleting their
    /// caches (only in files that already use BuildKit syntax).
    pub cache_mounts: bool,
    /// Add `COPY --link` where it is safe (only in files that already use
    /// BuildKit syntax).
    pub link: bool,
}

/// One transformation that was applied.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Step {
    /// The transformation's name (`split-context-copy`, `merge-runs`, ...).
    pub transformation: &'static str,
    /// 1-based line, in the original file, of the instruction the step starts
    /// from (for an instruction an earlier step moved or wrote: where that
    /// step made its change).
    pub line: u32,
    /// What was done.
    pub title: String,
    /// Why it helps.
    pub why: String,
    /// What the step takes for granted, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumes: Option<String>,
    /// Filesystem layers (RUN/COPY/ADD) in the whole file, before and after.
    pub layers_before: usize,
    pub layers_after: usize,
    /// Layers rebuilt when a source file changes, before and after.
    pub rebuilt_on_source_change_before: usize,
    pub rebuilt_on_source_change_after: usize,
    /// Layers that a source change rebuilt before and no longer does.
    pub now_cached: Vec<String>,
}

/// Something worth doing that the optimizer does not do by itself.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Suggestion {
    pub transformation: &'static str,
    /// 1-based line in the optimized text.
    pub line: u32,
    pub message: String,
}

/// The result of [`optimize`].
#[derive(Debug, Clone, Serialize)]
pub struct Optimized {
    /// The optimized Dockerfile.
    #[serde(skip)]
    pub source: String,
    pub steps: Vec<Step>,
    pub suggestions: Vec<Suggestion>,
    pub before: Summary,
    pub after: Summary,
    /// What the build context said (or that none was read).
    pub context: ContextFacts,
}

impl Optimized {
    pub fn changed(&self) -> bool {
        !self.steps.is_empty()
    }
}

/// Whole-file numbers.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub layers: usize,
    pub rebuilt_on_source_change: usize,
}

impl Summary {
    fn of(profile: &Profile) -> Summary {
        Summary {
            layers: profile.layers.len(),
            rebuilt_on_source_change: profile.rebuilt_on_source_change(),
        }
    }
}

/// A transformation's proposal: edits on the current text, and its story.
pub(crate) struct Proposal {
    pub transformation: &'static str,
    /// Offset of the instruction the step starts from, in the current text.
    pub at: u32,
    pub title: String,
    pub why: String,
    pub assumes: Option<String>,
    pub edits: Vec<Edit>,
    /// The context facts the step rests on.
    pub facts: Option<InstallFacts>,
}

/// Each transformation runs until it finds nothing; the bound stops a pair of
/// transformations that would undo each other.
const MAX_STEPS: usize = 200;

/// Optimize `source` without a build context: the manifests-first split
/// names the usual manifests as patterns and assumes what `.dockerignore`
/// excludes.
pub fn optimize(source: &str, options: &OptimizeOptions) -> Optimized {
    optimize_with_context(
        source,
        options,
        OptimizeContext::NotRead("no build context given"),
    )
}

/// Optimize `source`, looking at the build context when there is one. A
/// context whose walk was cut short counts as none: a manifest it does not
/// list may still exist.
pub fn optimize_with_context(
    source: &str,
    options: &OptimizeOptions,
    context: OptimizeContext<'_>,
) -> Optimized {
    let (context, mut facts) = match context {
        OptimizeContext::Read(c) if c.is_complete() => (Some(c), context::read(c)),
        OptimizeContext::Read(c) => (
            None,
            context::not_read(&format!(
                "the walk of {} was cut short; a manifest it does not list may exist",
                c.root.display()
            )),
        ),
        OptimizeContext::NotRead(why) => (None, context::not_read(why)),
    };
    let mut current = source.to_string();
    let mut steps = Vec::new();
    let first = Profile::of(source);
    let mut profile = first.clone();
    // The edits of each step so far, to map offsets back to the original.
    let mut history: Vec<Vec<Edit>> = Vec::new();
    while steps.len() < MAX_STEPS {
        let file = parse(&current);
        let errors = file.errors.len();
        let model = SemanticModel::new(&current, &file);
        let mut taken = None;
        for proposal in transforms::propose(&model, options, context) {
            let edits: Vec<&Edit> = proposal.edits.iter().collect();
            let next = apply_edits(&current, &edits);
            // A step must change something and never make the file unparsable.
            if next == current || parse(&next).errors.len() > errors {
                continue;
            }
            taken = Some((proposal, next));
            break;
        }
        let Some((proposal, next)) = taken else { break };
        let after = Profile::of(&next);
        let origin = history
            .iter()
            .rev()
            .fold(proposal.at as usize, |offset, edits| {
                map_back(offset, edits)
            });
        let line = line_of(source, origin);
        if let Some(mut install) = proposal.facts {
            install.line = line;
            facts.installs.push(install);
        }
        let mut edits = proposal.edits.clone();
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        history.push(edits);
        steps.push(Step {
            transformation: proposal.transformation,
            line,
            title: proposal.title,
            why: proposal.why,
            assumes: proposal.assumes,
            layers_before: profile.layers.len(),
            layers_after: after.layers.len(),
            rebuilt_on_source_change_before: profile.rebuilt_on_source_change(),
            rebuilt_on_source_change_after: after.rebuilt_on_source_change(),
            now_cached: profile.newly_cached(&after),
        });
        profile = after;
        current = next;
    }
    let file = parse(&current);
    let model = SemanticModel::new(&current, &file);
    let suggestions = transforms::suggest(&model, options, context);
    if let Some(context) = context {
        // The installs left as they were, and why.
        for bust in cache_busts(&model) {
            let Some(split) = &bust.split else { continue };
            let mut install = context::decide(&bust, split, context).facts;
            if install.split {
                // The context allowed it, the rewrite did not go through.
                continue;
            }
            let at = model.instruction(bust.copy_index).span.start as usize;
            let origin = history
                .iter()
                .rev()
                .fold(at, |offset, edits| map_back(offset, edits));
            install.line = line_of(source, origin);
            facts.installs.push(install);
        }
        facts.installs.sort_by_key(|i| i.line);
    }
    Optimized {
        before: Summary::of(&first),
        after: Summary::of(&profile),
        source: current,
        steps,
        suggestions,
        context: facts,
    }
}

/// The 1-based line of byte `offset` in `source`.
fn line_of(source: &str, offset: usize) -> u32 {
    source[..offset.min(source.len())].matches('\n').count() as u32 + 1
}

/// An offset in the text after `edits` (sorted, not overlapping) as an offset
/// in the text before them; inside replaced text, the start of the replacement.
fn map_back(offset: usize, edits: &[Edit]) -> usize {
    let mut delta: isize = 0;
    for edit in edits {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        let new_start = (start as isize + delta) as usize;
        let new_end = new_start + edit.content.len();
        if offset < new_start {
            break;
        }
        if offset < new_end {
            return start;
        }
        delta += edit.content.len() as isize - (end - start) as isize;
    }
    (offset as isize - delta).max(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_syntax::Span;

    #[test]
    fn offsets_map_back_through_edits() {
        // "abcdef" -> delete "b", insert "XY" at 4: "acdXYef"
        let edits = [Edit::delete(Span::new(1, 2)), Edit::insert(4, "XY")];
        assert_eq!(map_back(0, &edits), 0);
        assert_eq!(map_back(2, &edits), 3); // 'd'
        assert_eq!(map_back(3, &edits), 4); // inside the insertion
        assert_eq!(map_back(5, &edits), 4); // 'e'
        assert_eq!(map_back(6, &edits), 5); // 'f'
    }
}
