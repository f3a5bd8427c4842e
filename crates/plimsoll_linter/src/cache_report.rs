//! Which build-context files each layer depends on, and what a change to
//! some of them rebuilds: the analysis behind `plimsoll cache-report`.
//!
//! A layer depends on context files through `COPY`/`ADD` from the context and
//! `RUN --mount=type=bind` without `from`; on other stages through `FROM`,
//! `COPY --from` and `RUN --mount=from=`. A changed file invalidates the
//! first layer that takes it; everything after it in the stage rebuilds, and
//! so do the stages built on it or copying from it.

use serde::Serialize;

use plimsoll_context::{BuildContext, EntryKind};
use plimsoll_syntax::{Dockerfile, Instruction, Keyword};

use crate::rules::context::sources::{pattern_takes, resolve_pattern, sources_of};
use crate::semantic::{Base, SemanticModel};

/// The whole report.
#[derive(Debug, Serialize)]
pub struct CacheReport {
    pub stages: Vec<StageCache>,
    /// The changed paths asked about, relative to the context.
    pub changed: Vec<String>,
    /// Changed paths that no layer takes, or that `.dockerignore` excludes.
    pub unused_changes: Vec<String>,
    /// What the reader should know (walk cut short, no context).
    pub notes: Vec<String>,
}

/// One stage and its layers.
#[derive(Debug, Serialize)]
pub struct StageCache {
    pub index: usize,
    pub name: Option<String>,
    /// Line of the `FROM`.
    pub line: u32,
    /// The `FROM` image or stage, as written.
    pub from: String,
    /// Built by a plain `docker build` (the final stage or one it needs).
    pub built_by_default: bool,
    pub layers: Vec<Layer>,
}

/// One build step of a stage.
#[derive(Debug, Serialize)]
pub struct Layer {
    pub line: u32,
    pub keyword: &'static str,
    /// The instruction as written, on one line (shortened when long).
    pub instruction: String,
    /// Context files the step reads (regular files and symlinks).
    pub context_files: Vec<String>,
    pub context_bytes: u64,
    /// Stages the step reads from (`COPY --from`, `RUN --mount=from=`).
    pub uses_stages: Vec<usize>,
    /// Why the step rebuilds after the change; absent when it stays cached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalidated: Option<Invalidation>,
}

/// Why a step rebuilds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Invalidation {
    /// It reads changed files.
    ChangedFiles { files: Vec<String> },
    /// A step before it in the stage rebuilds.
    EarlierLayer { line: u32 },
    /// The stage it is built on rebuilds.
    BaseStage { stage: usize },
    /// A stage it copies or mounts from rebuilds.
    StageInput { stage: usize },
}

impl Layer {
    pub fn reruns(&self) -> bool {
        self.keyword == "RUN" && self.invalidated.is_some()
    }
}

impl CacheReport {
    /// `(stage, line)` of every RUN that would run again.
    pub fn reruns(&self) -> Vec<(usize, u32)> {
        self.stages
            .iter()
            .flat_map(|s| {
                s.layers
                    .iter()
                    .filter(|l| l.reruns())
                    .map(move |l| (s.index, l.line))
            })
            .collect()
    }

    pub fn invalidated_layers(&self) -> usize {
        self.stages
            .iter()
            .flat_map(|s| &s.layers)
            .filter(|l| l.invalidated.is_some())
            .count()
    }
}

/// What a layer reads from the context: source patterns with their
/// `--exclude` patterns and whether `--parents` is set.
struct Inputs {
    patterns: Vec<(String, Vec<String>, bool)>,
    stages: Vec<usize>,
}

/// Builds the report for `file`; `changed` are context-relative paths.
pub fn cache_report(
    source: &str,
    file: &Dockerfile,
    context: Option<&BuildContext>,
    changed: &[String],
) -> CacheReport {
    let model = SemanticModel::new(source, file);
    let mut notes = Vec::new();
    match context {
        None => notes.push(
            "no build context: layers show no files, changes are matched against the sources as written"
                .to_owned(),
        ),
        Some(c) => notes.extend(c.notes()),
    }
    let changed_files = expand_changed(changed, context);
    let reachable = reachable_stages(&model);
    let mut stages: Vec<StageCache> = Vec::new();
    let mut stage_invalid: Vec<bool> = Vec::new();
    let mut used_changes: Vec<&str> = Vec::new();
    for stage in &model.stages {
        let base_invalid = match stage.base {
            Base::Stage(b) => stage_invalid.get(b).copied().unwrap_or(false).then_some(b),
            _ => None,
        };
        let mut first_invalid: Option<u32> = None;
        let mut layers = Vec::new();
        for (index, instruction) in model.stage_instructions(stage) {
            let inputs = inputs_of(&model, index, instruction);
            let (files, bytes) = match context {
                Some(c) => files_of(&inputs, c),
                None => (Vec::new(), 0),
            };
            let hits: Vec<String> = changed_files
                .iter()
                .filter(|f| {
                    inputs
                        .patterns
                        .iter()
                        .any(|(p, ex, parents)| pattern_takes(p, ex, *parents, f))
                })
                .cloned()
                .collect();
            for hit in &hits {
                if let Some(original) = changed.iter().find(|c| covers(c, hit)) {
                    used_changes.push(original);
                }
            }
            let invalidated = if let Some(b) = base_invalid {
                Some(Invalidation::BaseStage { stage: b })
            } else if let Some(line) = first_invalid {
                Some(Invalidation::EarlierLayer { line })
            } else if !hits.is_empty() {
                Some(Invalidation::ChangedFiles { files: hits })
            } else {
                inputs
                    .stages
                    .iter()
                    .find(|s| stage_invalid.get(**s).copied().unwrap_or(false))
                    .map(|&s| Invalidation::StageInput { stage: s })
            };
            if invalidated.is_some() && first_invalid.is_none() {
                first_invalid = Some(instruction.start_line);
            }
            layers.push(Layer {
                line: instruction.start_line,
                keyword: instruction.keyword.as_str(),
                instruction: one_line(instruction),
                context_files: files,
                context_bytes: bytes,
                uses_stages: inputs.stages,
                invalidated,
            });
        }
        stage_invalid.push(layers.iter().any(|l| l.invalidated.is_some()));
        stages.push(StageCache {
            index: stage.index,
            name: stage.from.stage_name.map(|n| n.value.clone()),
            line: model.instruction(stage.from_index).start_line,
            from: stage.from.image.value.clone(),
            built_by_default: reachable.contains(&stage.index),
            layers,
        });
    }
    let unused_changes = changed
        .iter()
        .filter(|c| !used_changes.contains(&c.as_str()))
        .cloned()
        .collect();
    CacheReport {
        stages,
        changed: changed.to_vec(),
        unused_changes,
        notes,
    }
}

/// Is `file` the changed path `changed` or inside it?
fn covers(changed: &str, file: &str) -> bool {
    let changed = changed.trim_end_matches('/');
    file == changed || file.starts_with(&format!("{changed}/"))
}

/// Changed paths as files: a listed directory stands for the files in it;
/// paths `.dockerignore` excludes are dropped (the builder never sees them).
fn expand_changed(changed: &[String], context: Option<&BuildContext>) -> Vec<String> {
    let mut files = Vec::new();
    for path in changed {
        let path = path.trim_end_matches('/');
        let Some(context) = context else {
            files.push(path.to_owned());
            continue;
        };
        if context.is_excluded(path) {
            continue;
        }
        match context.entry(path) {
            Some(entry) if entry.kind == EntryKind::Dir => files.extend(
                context
                    .listing
                    .entries
                    .iter()
                    .filter(|e| e.kind != EntryKind::Dir && covers(path, &e.path))
                    .map(|e| e.path.clone()),
            ),
            _ => files.push(path.to_owned()),
        }
    }
    files.sort();
    files.dedup();
    files
}

/// The context patterns and stages an instruction reads.
fn inputs_of(model: &SemanticModel<'_>, index: usize, instruction: &Instruction) -> Inputs {
    let mut inputs = Inputs {
        patterns: sources_of(model, index, instruction)
            .into_iter()
            .map(|s| (s.path, s.excludes, s.parents))
            .collect(),
        stages: Vec::new(),
    };
    if matches!(instruction.keyword, Keyword::Copy | Keyword::Add) {
        if let Some(from) = instruction.flag("from").and_then(|f| f.value.as_deref()) {
            inputs.stages.extend(stage_ref(model, from));
        }
    }
    if instruction.keyword == Keyword::Run {
        for mount in instruction.flags.iter().filter(|f| f.name == "mount") {
            let Some(value) = &mount.value else { continue };
            let fields: Vec<(&str, &str)> = value
                .split(',')
                .map(|f| f.split_once('=').unwrap_or((f, "")))
                .collect();
            let get = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
            if let Some(from) = get("from") {
                inputs.stages.extend(stage_ref(model, from));
            } else if get("type") == Some("bind") {
                let source = get("source").or_else(|| get("src")).unwrap_or(".");
                inputs.patterns.push((source.to_owned(), Vec::new(), false));
            }
        }
    }
    inputs
}

/// The stage a `--from` value names (by name or number), if it is one.
fn stage_ref(model: &SemanticModel<'_>, from: &str) -> Option<usize> {
    model.stage_by_name(from).map(|s| s.index).or_else(|| {
        from.parse::<usize>()
            .ok()
            .filter(|&i| i < model.stages.len())
    })
}

/// The listed files the patterns take, sorted, and their total size.
fn files_of(inputs: &Inputs, context: &BuildContext) -> (Vec<String>, u64) {
    let mut files: Vec<(&str, u64)> = Vec::new();
    for (pattern, excludes, parents) in &inputs.patterns {
        if let Some(taken) = resolve_pattern(pattern, excludes, *parents, &context.listing) {
            files.extend(
                taken
                    .into_iter()
                    .filter(|e| e.kind != EntryKind::Dir)
                    .map(|e| (e.path.as_str(), e.size)),
            );
        }
    }
    files.sort();
    files.dedup();
    let bytes = files.iter().map(|(_, size)| size).sum();
    (
        files.into_iter().map(|(p, _)| p.to_owned()).collect(),
        bytes,
    )
}

/// Stages a plain build runs: the last one and those it needs.
fn reachable_stages(model: &SemanticModel<'_>) -> Vec<usize> {
    let Some(last) = model.stages.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut seen = vec![last];
    let mut todo = vec![last];
    while let Some(stage) = todo.pop() {
        let mut needs: Vec<usize> = Vec::new();
        if let Base::Stage(b) = model.stages[stage].base {
            needs.push(b);
        }
        for (index, instruction) in model.stage_instructions(&model.stages[stage]) {
            needs.extend(inputs_of(model, index, instruction).stages);
        }
        for need in needs {
            if !seen.contains(&need) {
                seen.push(need);
                todo.push(need);
            }
        }
    }
    seen.sort_unstable();
    seen
}

/// `COPY . .`, with continuation lines joined and long text shortened.
fn one_line(instruction: &Instruction) -> String {
    let text: String = instruction
        .original
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > 72 {
        let cut: String = text.chars().take(71).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &str = "FROM node:22 AS deps\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\n\
        FROM deps AS build\nCOPY src/ src/\nRUN npm run build\n\
        FROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\nRUN nginx -t\n";

    fn report(changed: &[&str]) -> CacheReport {
        let file = plimsoll_syntax::parse(MULTI);
        let changed: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
        cache_report(MULTI, &file, None, &changed)
    }

    #[test]
    fn a_source_change_reruns_its_stage_tail_and_dependants() {
        let r = report(&["src/index.js"]);
        assert_eq!(r.reruns(), [(1, 7), (2, 10)]);
        assert_eq!(
            r.stages[1].layers[0].invalidated,
            Some(Invalidation::ChangedFiles {
                files: vec!["src/index.js".into()]
            })
        );
        assert_eq!(
            r.stages[2].layers[0].invalidated,
            Some(Invalidation::StageInput { stage: 1 })
        );
        assert!(r.stages[0].layers.iter().all(|l| l.invalidated.is_none()));
        assert!(r.unused_changes.is_empty());
    }

    #[test]
    fn a_manifest_change_rebuilds_everything_after_it() {
        let r = report(&["package.json"]);
        assert_eq!(r.reruns(), [(0, 4), (1, 7), (2, 10)]);
        assert_eq!(
            r.stages[1].layers[0].invalidated,
            Some(Invalidation::BaseStage { stage: 0 })
        );
    }

    #[test]
    fn unrelated_changes_rebuild_nothing() {
        let r = report(&["README.md"]);
        assert!(r.reruns().is_empty());
        assert_eq!(r.unused_changes, ["README.md"]);
    }

    #[test]
    fn unreachable_stages_are_marked() {
        let src = "FROM alpine AS test\nRUN true\nFROM alpine AS b\nFROM b\nCOPY --from=0 /x /x\n";
        let file = plimsoll_syntax::parse(src);
        let r = cache_report(src, &file, None, &[]);
        let built: Vec<bool> = r.stages.iter().map(|s| s.built_by_default).collect();
        assert_eq!(built, [true, true, true]);
        let src = "FROM alpine AS test\nRUN true\nFROM alpine\n";
        let file = plimsoll_syntax::parse(src);
        let r = cache_report(src, &file, None, &[]);
        let built: Vec<bool> = r.stages.iter().map(|s| s.built_by_default).collect();
        assert_eq!(built, [false, true]);
    }
}
