use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::{Base, SemanticModel};

use super::label_pairs;

declare_rule! {
    /// ## What it does
    /// For each label in the `label-schema` option, flags every stage that
    /// does not set it, at the stage's FROM. A stage built `FROM` an earlier
    /// stage that sets the label inherits it. Stages that only feed others are
    /// not flagged: a stage that a `COPY --from` reads, and a stage that a
    /// labelled stage is built on.
    ///
    /// ## Why is this bad?
    /// The schema lists what every image must carry (source, version,
    /// licence); an image without it cannot be traced or audited.
    ///
    /// ## Example
    /// With `label-schema = { "org.opencontainers.image.source" = "url" }`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// COPY app /app
    /// ```
    ///
    /// ## Differences from hadolint
    /// Stages are matched as BuildKit matches them: `COPY --from=0` (a stage
    /// index) and `FROM Builder` (names are case-insensitive) refer to stages.
    /// A labelled stage excuses the stage it is built on whether or not it has
    /// an `AS` name itself; hadolint excuses the base only for unnamed stages.
    ///
    /// ## References
    /// hadolint DL3049 (`label-schema`).
    pub struct LabelMissing {
        name: "label-missing",
        code: "PL502",
        aliases: ["DL3049"],
        category: Maintainability,
        severity: Info,
        fix: None,
        summary: "A stage lacks a label that the label schema requires",
    }
}

/// What the rule knows about one stage, for one label.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Sets the label, or inherits it from its base stage.
    Labelled,
    /// Lacks the label and nothing excuses it (yet).
    Missing,
    /// Lacks the label but only feeds other stages.
    Intermediate,
}

/// The stage that `COPY --from=<reference>` names: an `AS` name or an index.
fn stage_reference(model: &SemanticModel<'_>, reference: &str) -> Option<usize> {
    if let Some(stage) = model.stage_by_name(reference) {
        return Some(stage.index);
    }
    reference
        .parse::<usize>()
        .ok()
        .filter(|&i| i < model.stages.len())
}

impl Rule for LabelMissing {
    fn check(&self, checker: &mut Checker<'_>) {
        if checker.options.label_schema.is_empty() {
            return;
        }
        let model = checker.model;
        // Which stage sets which keys (dynamic keys cannot be matched).
        let labels = label_pairs(checker);
        let mut keys_by_instruction: Vec<(u32, String)> = labels
            .iter()
            .filter(|p| !p.dynamic_key)
            .map(|p| (p.key_span.start, p.key.clone()))
            .collect();
        keys_by_instruction.sort();
        let label_names: Vec<String> = checker.options.label_schema.keys().cloned().collect();
        for label in label_names {
            let mut status: Vec<Status> = Vec::with_capacity(model.stages.len());
            for stage in &model.stages {
                let inherited = match stage.base {
                    Base::Stage(parent) => status.get(parent) == Some(&Status::Labelled),
                    _ => false,
                };
                status.push(if inherited {
                    Status::Labelled
                } else {
                    Status::Missing
                });
                for (_, instruction) in model.stage_instructions(stage) {
                    match instruction.keyword {
                        Keyword::Copy => {
                            let source = instruction.flag("from").and_then(|f| f.value.as_deref());
                            if let Some(used) = source.and_then(|s| stage_reference(model, s)) {
                                if status.get(used) == Some(&Status::Missing) {
                                    status[used] = Status::Intermediate;
                                }
                            }
                        }
                        Keyword::Label => {
                            let span = instruction.span;
                            let sets = keys_by_instruction.iter().any(|(start, key)| {
                                span.start <= *start && *start < span.end && *key == label
                            });
                            if sets {
                                if let Base::Stage(parent) = stage.base {
                                    if status[parent] == Status::Missing {
                                        status[parent] = Status::Intermediate;
                                    }
                                }
                                status[stage.index] = Status::Labelled;
                            }
                        }
                        _ => {}
                    }
                }
            }
            for (stage, state) in model.stages.iter().zip(&status) {
                if *state == Status::Missing {
                    checker
                        .report(stage.from.image.span, format!("Label `{label}` is missing"))
                        .help(format!("add `LABEL {label}=...` to this stage"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::labels::tests::finding_lines;
    use crate::settings::{LabelType, RuleOptions};

    fn missing(source: &str) -> Vec<u32> {
        let mut options = RuleOptions::default();
        options.label_schema.insert("foo".into(), LabelType::Text);
        finding_lines("label-missing", source, options)
    }

    #[test]
    fn stage_indices_and_case_insensitive_names_refer_to_stages() {
        // `COPY --from=0` uses the first stage, which is then only a builder.
        assert_eq!(
            missing("FROM a AS build\nFROM b\nLABEL foo=1\nCOPY --from=0 /x /x\n"),
            Vec::<u32>::new()
        );
        // `FROM Base` is the stage `base`, so it inherits the label.
        assert_eq!(
            missing("FROM a AS base\nLABEL foo=1\nFROM Base\n"),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn a_labelled_named_stage_excuses_its_base() {
        assert_eq!(
            missing("FROM a AS base\nFROM base AS final\nLABEL foo=1\n"),
            Vec::<u32>::new()
        );
        assert_eq!(missing("FROM a AS base\nFROM base AS final\n"), vec![1, 2]);
    }

    #[test]
    fn nothing_without_a_schema() {
        assert!(finding_lines("label-missing", "FROM a\n", RuleOptions::default()).is_empty());
    }
}
