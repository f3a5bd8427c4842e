//! COPY flags: ownership set while copying, and `--link`.

use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::Applicability;
use crate::optimize::profile::short;
use crate::optimize::Proposal;
use crate::rule::{Described, Rule};
use crate::rules::ChownAfterCopy;
use crate::semantic::{join_path, SemanticModel};
use crate::settings::RuleOptions;
use crate::Edit;

/// The chown-after-copy findings of the current text.
pub(super) fn chown_findings(model: &SemanticModel<'_>) -> Vec<crate::Diagnostic> {
    let options = RuleOptions::default();
    let mut checker = Checker::new(model, &options);
    checker.set_rule(ChownAfterCopy.meta());
    ChownAfterCopy.check(&mut checker);
    checker.into_diagnostics()
}

/// `COPY x /f` + `RUN chmod 755 /f` → `COPY --chmod=755 x /f`: the
/// chown-after-copy fixes that are certain (one copied file).
pub(super) fn copy_chown(model: &SemanticModel<'_>) -> Vec<Proposal> {
    chown_findings(model)
        .into_iter()
        .filter_map(|d| {
            let fix = d.fix?;
            if fix.applicability != Applicability::Safe {
                return None;
            }
            Some(Proposal {
                transformation: "copy-chown",
                at: d.span.start,
                title: fix.title,
                why: d.message,
                assumes: None,
                edits: fix.edits,
                facts: None,
            })
        })
        .collect()
}

/// Destinations that are symlinks in many base images: `--link` does not
/// follow symlinks of earlier layers, so it would write beside them.
const SYMLINKED: &[&str] = &[
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/var/run",
    "/var/lock",
];

/// `COPY` → `COPY --link` where the copied files do not depend on the layers
/// below: an absolute destination whose folders are `/` or were made by this
/// stage (so `--link` creates them the same way), that no RUN and no
/// re-owning COPY touched, no symlinked system folder, no owner by name.
pub(super) fn copy_link(model: &SemanticModel<'_>) -> Vec<Proposal> {
    use crate::rules::copy_paths::is_within;
    let mut proposals = Vec::new();
    // What each stage hands to the stages built on it.
    let mut ends: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for stage in &model.stages {
        // Folders made the way a linked COPY makes them (root, 0755): `/`, and
        // top-level folders made by WORKDIR or COPY in this stage's lineage.
        // Deeper folders may have existed in the base image with other owners.
        // Paths a RUN or a re-owning COPY may have changed are `touched`.
        let (mut created, mut touched) = match stage.base {
            crate::semantic::Base::Stage(parent) => ends.get(parent).cloned().unwrap_or_default(),
            _ => (Vec::new(), Vec::new()),
        };
        if created.is_empty() {
            created.push("/".into());
        }
        let top_level = |path: &str| path.matches('/').count() == 1 && path.len() > 1;
        for (index, instruction) in model.stage_instructions(stage) {
            let workdir = &model.states[index].workdir;
            match instruction.keyword {
                Keyword::Workdir => {
                    if let Some(arg) = instruction.args.first() {
                        let path = join_path(workdir, &arg.value);
                        if top_level(&path) {
                            created.push(path);
                        }
                    }
                    continue;
                }
                Keyword::Run => {
                    touched.push(workdir.clone());
                    let words = model.run_script(index).map(|s| {
                        s.commands
                            .iter()
                            .flat_map(|c| c.args.iter())
                            .collect::<Vec<_>>()
                    });
                    match words {
                        Some(words) => {
                            for word in words {
                                if word.text.contains('$')
                                    || !word.is_static && !word.text.starts_with('-')
                                {
                                    touched.push("/".into());
                                } else if word.text.starts_with('/') {
                                    touched.push(word.text.clone());
                                }
                            }
                        }
                        None => touched.push("/".into()),
                    }
                    continue;
                }
                Keyword::Copy | Keyword::Add => {}
                _ => continue,
            }
            let Some(destination) = instruction
                .as_copy()
                .and_then(|v| v.destination)
                .map(|d| join_path(workdir, &d.value))
            else {
                continue;
            };
            let owner_by_name = instruction
                .flag("chown")
                .and_then(|f| f.value.as_deref())
                .is_some_and(|v| {
                    v.split(':')
                        .any(|part| !part.chars().all(|c| c.is_ascii_digit()))
                });
            let parent = match destination.trim_end_matches('/').rsplit_once('/') {
                Some(("", _)) => "/".to_string(),
                Some((parent, _)) => parent.to_string(),
                None => "/".to_string(),
            };
            let clear = instruction.flag("link").is_none()
                && instruction.keyword_text.len() == instruction.keyword_span.len()
                && !destination.contains('$')
                && destination != "/"
                && !owner_by_name
                && created.contains(&parent)
                && !SYMLINKED
                    .iter()
                    .any(|p| destination == *p || destination.starts_with(&format!("{p}/")))
                && !touched
                    .iter()
                    .any(|t| is_within(&destination, t) || is_within(t, &destination));
            if instruction.flag("chown").is_some() || instruction.flag("chmod").is_some() {
                touched.push(destination.clone());
            } else if top_level(&destination) {
                created.push(destination.clone());
            }
            if !clear {
                continue;
            }
            proposals.push(Proposal {
                transformation: "copy-link",
                at: instruction.span.start,
                title: format!("add --link to `{}`", short(&instruction.original)),
                why: "a linked COPY does not depend on the layers below it: it stays cached when \
                      they change, and a new base image does not invalidate it"
                    .into(),
                assumes: Some(
                    "the base image has no folder at the destination's top level with another \
                     owner or mode (a linked COPY creates its folders as root, mode 755)"
                        .into(),
                ),
                edits: vec![Edit::insert(instruction.keyword_span.end, " --link")],
                facts: None,
            });
        }
        ends.push((created, touched));
    }
    proposals
}
