//! What the optimizer points out but does not do: changes whose effect on
//! the build it cannot be sure of.

use plimsoll_syntax::Keyword;

use super::copies::chown_findings;
use crate::context::BuildContext;
use crate::diagnostic::Applicability;
use crate::optimize::context::{applies_to, decide};
use crate::optimize::profile::short;
use crate::optimize::Suggestion;
use crate::rules::cache_busting_copy::cache_busts;
use crate::semantic::SemanticModel;

/// Packages that build software: they belong in a build stage, not in the
/// image that ships.
fn is_build_tool(package: &str) -> bool {
    let name = package.split(['=', ':']).next().unwrap_or(package);
    matches!(
        name,
        "build-essential"
            | "build-base"
            | "gcc"
            | "g++"
            | "gcc-c++"
            | "make"
            | "cmake"
            | "clang"
            | "llvm"
            | "autoconf"
            | "automake"
            | "libtool"
            | "pkg-config"
            | "pkgconf"
            | "musl-dev"
            | "golang"
            | "go"
            | "rustc"
            | "cargo"
            | "maven"
            | "gradle"
            | "openjdk-17-jdk"
            | "openjdk-21-jdk"
    ) || name.ends_with("-dev")
        || name.ends_with("-devel")
}

pub(super) fn suggestions(
    model: &SemanticModel<'_>,
    context: Option<&BuildContext>,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    if let Some(stage) = model.final_stage() {
        let mut tools: Vec<(u32, String)> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        for (index, instruction) in model.stage_instructions(stage) {
            if instruction.keyword != Keyword::Run {
                continue;
            }
            let Some(script) = model.run_script(index) else {
                continue;
            };
            for command in &script.commands {
                let program = command.program().unwrap_or_default();
                let sub = command.subcommand().map(|s| s.text.as_str());
                let packages = || {
                    command
                        .positional_args()
                        .skip(1)
                        .filter(|a| a.is_static)
                        .map(|a| a.text.clone())
                };
                match (program, sub) {
                    (
                        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "tdnf" | "zypper",
                        Some("install" | "in"),
                    )
                    | ("apk", Some("add")) => {
                        tools.extend(
                            packages()
                                .filter(|p| is_build_tool(p))
                                .map(|p| (instruction.start_line, p)),
                        );
                    }
                    (
                        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper",
                        Some("purge" | "remove" | "erase" | "autoremove"),
                    )
                    | ("apk", Some("del")) => removed.extend(packages()),
                    _ => {}
                }
            }
        }
        // `apk add --virtual .build-deps gcc ... && apk del .build-deps`
        let virtual_removed = !removed.is_empty() && removed.iter().any(|r| r.starts_with('.'));
        tools.retain(|(_, p)| !removed.contains(p));
        if !tools.is_empty() && !virtual_removed {
            let names: Vec<&str> = tools.iter().map(|(_, p)| p.as_str()).collect();
            out.push(Suggestion {
                transformation: "multi-stage",
                line: tools[0].0,
                message: format!(
                    "the final stage keeps build tools ({}): build in a separate stage and COPY \
                     --from it only what the program needs at run time",
                    names.join(", ")
                ),
            });
        }
    }
    for finding in chown_findings(model) {
        if finding
            .fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Unsafe)
        {
            let offset = finding.span.start as usize;
            out.push(Suggestion {
                transformation: "copy-chown",
                line: model.source[..offset].matches('\n').count() as u32 + 1,
                message: format!(
                    "{}; `COPY --chown` would store them once, but it does not re-own files \
                     that were in the folder before (run `plimsoll check --unsafe-fixes --diff` \
                     to see the rewrite)",
                    finding.message
                ),
            });
        }
    }
    for bust in cache_busts(model) {
        let line = model.instruction(bust.copy_index).start_line;
        let decision = match (context, &bust.split) {
            (Some(context), Some(split)) => Some(decide(&bust, split, context)),
            _ => None,
        };
        let message = match decision {
            // With a context, an install the split applies to is left only
            // when the context says no.
            Some(decision) if applies_to(bust.install.program, true) && !decision.facts.split => {
                format!("{}; {}", bust.message, decision.facts.reason)
            }
            Some(decision) if !decision.facts.found.is_empty() => format!(
                "{}; copy the manifests first (the context has {}); not done automatically for \
                 `{}`, which may read more than its manifests",
                bust.message,
                decision
                    .facts
                    .found
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                bust.install.program
            ),
            _ => format!(
                "{}; copy the manifests first (not done automatically for `{}`, which may read \
                 more than its manifests, or where the rewrite is unclear)",
                bust.message, bust.install.program
            ),
        };
        out.push(Suggestion {
            transformation: "split-context-copy",
            line,
            message,
        });
    }
    if let Some(suggestion) = context.and_then(|c| git_sent(model, c)) {
        out.push(suggestion);
    }
    out.sort_by_key(|s| s.line);
    out
}

/// The context sends `.git` and a COPY takes the whole context: the history
/// goes into the image, and every commit rebuilds that layer.
fn git_sent(model: &SemanticModel<'_>, context: &BuildContext) -> Option<Suggestion> {
    context.entry(".git")?;
    let copy = model.file.instructions.iter().find(|i| {
        i.flag("from").is_none()
            && i.as_copy().is_some_and(|view| {
                view.sources.iter().any(|s| {
                    matches!(
                        s.value.trim_start_matches("./").trim_end_matches('/'),
                        "" | "." | "*"
                    )
                })
            })
    })?;
    Some(Suggestion {
        transformation: "dockerignore",
        line: copy.start_line,
        message: format!(
            "the build context sends `.git/` and `{}` copies it: every commit rebuilds that \
             layer and the image carries the history; add `.git` to .dockerignore",
            short(&copy.original)
        ),
    })
}
