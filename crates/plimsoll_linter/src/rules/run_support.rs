//! What every family of RUN rules shares: the RUN instructions of a file
//! (ONBUILD triggers included), their `--mount` flags, and the stage chain
//! (which stage builds on which, and which stages ship).

use plimsoll_syntax::{Instruction, Keyword};

use crate::semantic::{normalize_path, Base, SemanticModel};
use crate::shell::ShellScript;

/// One RUN as the shell will see it.
pub(crate) struct Run<'m> {
    /// Index in `Dockerfile::instructions` (of the ONBUILD for a trigger).
    pub index: usize,
    /// The RUN itself (the trigger of an `ONBUILD RUN`): its flags and heredocs.
    pub instruction: &'m Instruction,
    /// `ONBUILD RUN`: runs in a later build, on an image built from this one.
    pub onbuild: bool,
    /// `None` before the first FROM.
    pub stage: Option<usize>,
    pub script: &'m ShellScript,
}

impl Run<'_> {
    /// Exec form (`RUN ["a", "b"]`): no SHELL applies, and JSON cannot take
    /// plain-text insertions.
    pub fn is_exec_form(&self) -> bool {
        self.instruction.json
    }
}

/// Every RUN and ONBUILD RUN whose script is analysed (POSIX shell), in file order.
pub(crate) fn runs<'m>(model: &'m SemanticModel<'_>) -> Vec<Run<'m>> {
    let mut out = Vec::new();
    for (index, outer) in model.file.instructions.iter().enumerate() {
        // `run_script` only parses a RUN (or the RUN of a trigger) in a POSIX shell.
        let Some(script) = model.run_script(index) else {
            continue;
        };
        out.push(Run {
            index,
            instruction: outer.innermost(),
            onbuild: outer.keyword == Keyword::Onbuild,
            stage: model.states.get(index).and_then(|s| s.stage),
            script,
        });
    }
    out
}

/// One `--mount=` of a RUN.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Mount {
    /// `bind` when not given, as BuildKit defaults.
    pub kind: String,
    pub target: String,
}

/// The `--mount` flags of a RUN (`type=cache,target=/root/.cache/pip`), the
/// type lowercased as BuildKit reads it (`type=Cache` is a cache).
pub(crate) fn mounts(run: &Instruction) -> Vec<Mount> {
    run.flags
        .iter()
        .filter(|f| f.name == "mount")
        .filter_map(|f| f.value.as_deref())
        .map(|value| {
            let mut mount = Mount {
                kind: "bind".to_string(),
                target: String::new(),
            };
            for field in value.split(',') {
                let (key, val) = field.split_once('=').unwrap_or((field, ""));
                let val = val.trim_matches(|c| c == '"' || c == '\'');
                match key.trim().to_ascii_lowercase().as_str() {
                    "type" => mount.kind = val.to_ascii_lowercase(),
                    "target" | "dst" | "destination" => mount.target = val.to_string(),
                    _ => {}
                }
            }
            mount
        })
        .collect()
}

/// Is a mount of this type thrown away after the RUN (its contents never reach
/// the image)?
fn is_throwaway(kind: &str) -> bool {
    matches!(kind, "cache" | "tmpfs")
}

/// Does a cache or tmpfs mount (whose contents never reach the image) cover a
/// target that `matches`?
pub(crate) fn has_throwaway_mount(run: &Instruction, matches: impl Fn(&str) -> bool) -> bool {
    mounts(run)
        .iter()
        .any(|m| is_throwaway(&m.kind) && matches(&m.target))
}

/// Targets of `--mount=type=cache` and `--mount=type=tmpfs` on a RUN,
/// normalised: what they hold never reaches the layer.
pub(crate) fn cache_mount_targets(run: &Instruction) -> Vec<String> {
    mounts(run)
        .into_iter()
        .filter(|m| is_throwaway(&m.kind) && !m.target.is_empty())
        .map(|m| normalize_path(&m.target))
        .collect()
}

/// Stages from `stage` up to its root ancestor (following `FROM <stage>`),
/// nearest first.
pub(crate) fn stage_ancestry(model: &SemanticModel<'_>, stage: usize) -> Vec<usize> {
    let mut chain = model.stage_chain(stage);
    chain.reverse();
    chain
}

/// [`stage_ancestry`] for a stage that may be `None` (before the first FROM,
/// which is then its own chain): where configuration an earlier RUN wrote is
/// still in force.
pub(crate) fn lineage(model: &SemanticModel<'_>, stage: Option<usize>) -> Vec<Option<usize>> {
    match stage {
        Some(stage) => stage_ancestry(model, stage).into_iter().map(Some).collect(),
        None => vec![None],
    }
}

/// Is stage `stage` part of what ships: the last stage, or a stage another
/// stage is built `FROM`? (Files left in a layer only matter there; a stage
/// used only by `COPY --from` ships nothing. `None`, before any FROM, ships.)
pub(crate) fn stage_ships(model: &SemanticModel<'_>, stage: Option<usize>) -> bool {
    let Some(stage) = stage else { return true };
    model.is_final(stage) || model.stages.iter().any(|s| s.base == Base::Stage(stage))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_fields_in_any_order() {
        let file = plimsoll_syntax::parse(
            "FROM a\nRUN --mount=target=/root/.cache/pip,type=cache --mount=type=secret,id=x pip\n",
        );
        let got = mounts(&file.instructions[1]);
        assert_eq!(
            got,
            [
                Mount {
                    kind: "cache".into(),
                    target: "/root/.cache/pip".into()
                },
                Mount {
                    kind: "secret".into(),
                    target: String::new()
                }
            ]
        );
    }

    #[test]
    fn mount_type_case() {
        let file = plimsoll_syntax::parse(
            "FROM a\nRUN --mount=type=Cache,target=/a --mount=type=tmpfs,dst=/b/./c/ --mount=type=cache x\n",
        );
        let run = &file.instructions[1];
        // BuildKit lowercases the type: `type=Cache` is a cache mount.
        assert!(has_throwaway_mount(run, |t| t == "/a"));
        assert_eq!(cache_mount_targets(run), ["/a", "/b/c"]);
    }

    #[test]
    fn ancestry_and_shipping() {
        let src = "FROM a AS one\nRUN x\nFROM one AS two\nFROM b AS side\nFROM two\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        assert_eq!(stage_ancestry(&model, 3), [3, 1, 0]);
        assert_eq!(lineage(&model, Some(1)), [Some(1), Some(0)]);
        assert_eq!(lineage(&model, None), [None]);
        let ships: Vec<bool> = (0..4).map(|s| stage_ships(&model, Some(s))).collect();
        assert_eq!(ships, [true, true, false, true]);
        assert!(stage_ships(&model, None));
    }
}
