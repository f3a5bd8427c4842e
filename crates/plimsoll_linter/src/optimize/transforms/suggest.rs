//! What the optimizer points out but does not do: changes whose effect on
//! the build it cannot be sure of.

use plimsoll_syntax::Keyword;

use super::copies::chown_findings;
use crate::diagnostic::Applicability;
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

pub(super) fn suggestions(model: &SemanticModel<'_>) -> Vec<Suggestion> {
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
        out.push(Suggestion {
            transformation: "split-context-copy",
            line: model.instruction(bust.copy_index).start_line,
            message: format!(
                "{}; copy the manifests first (not done automatically for `{}`, which may read \
                 more than its manifests, or where the rewrite is unclear)",
                bust.message, bust.install.program
            ),
        });
    }
    out.sort_by_key(|s| s.line);
    out
}
