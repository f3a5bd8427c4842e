//! Reordering for the cache: dependency manifests before the sources, and
//! system package installs above the COPYs that change often.

use plimsoll_syntax::{Instruction, Keyword, Span};

use super::plain_commands;
use crate::context::BuildContext;
use crate::optimize::context::{applies_to, decide};
use crate::optimize::Proposal;
use crate::rules::cache_busting_copy::{cache_busts, split_edits};
use crate::semantic::{join_path, SemanticModel};
use crate::shell::ShellCommand;
use crate::text_edit;
use crate::Edit;

/// `COPY . .` + install → `COPY manifests` + install + `COPY . .`: the
/// cache-busting-copy rule's fix, for the installs known to read only their
/// manifests (lifecycle scripts aside); suggested for the others. With a
/// build context, the manifest COPY names the files the context has, and the
/// split is not made when the context shows it would change the build.
pub(super) fn split_context_copy(
    model: &SemanticModel<'_>,
    context: Option<&BuildContext>,
) -> Vec<Proposal> {
    cache_busts(model)
        .into_iter()
        .filter(|bust| applies_to(bust.install.program, context.is_some()))
        .filter_map(|bust| {
            let split = bust.split.as_ref()?;
            let (manifests, edits, notes, facts) = match context {
                None => {
                    let note = (bust.install.program == "npm").then(|| {
                        "no build context was read: .dockerignore is assumed to exclude \
                         node_modules/ (else the later COPY overwrites the installed packages \
                         with local ones)"
                            .to_string()
                    });
                    (
                        split.manifests.clone(),
                        split.edits.clone(),
                        note.into_iter().collect(),
                        None,
                    )
                }
                Some(context) => {
                    let decision = decide(&bust, split, context);
                    let manifests = decision.manifests?;
                    let edits = split_edits(model, split.copy_index, split.run_index, &manifests)?;
                    (manifests, edits, decision.notes, Some(decision.facts))
                }
            };
            let manifests = manifests.join(" ");
            let mut assumes = format!(
                "the install reads nothing from the sources but {manifests} (no local \
                 packages, no lifecycle scripts that need the sources)"
            );
            for note in notes {
                assumes.push_str("; ");
                assumes.push_str(&note);
            }
            Some(Proposal {
                transformation: "split-context-copy",
                at: model.instruction(bust.copy_index).span.start,
                title: format!(
                    "copy {manifests} first, run `{}`, then copy the rest",
                    bust.command
                ),
                why: bust.message,
                assumes: Some(assumes),
                edits,
                facts,
            })
        })
        .collect()
}

/// Paths an apt/apk/yum install may read or write (third-party packages
/// install into `/opt`): a COPY into one of them can change what the install
/// does or be overwritten by it, so an install never moves above such a COPY.
const SYSTEM_PATHS: &[&str] = &[
    "/etc", "/usr", "/var", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/boot",
    "/run", "/tmp", "/root", "/proc", "/sys", "/dev", "/opt",
];

fn is_system_path(path: &str) -> bool {
    path == "/"
        || SYSTEM_PATHS
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Paths a cleanup `rm` may delete inside an install layer.
const CACHE_PATHS: &[&str] = &[
    "/var/lib/apt/lists",
    "/var/cache",
    "/var/lib/dnf",
    "/var/lib/yum",
    "/var/log",
    "/tmp",
];

pub(super) fn is_cache_path(path: &str) -> bool {
    CACHE_PATHS
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// A system-package command that reads nothing from the build context or the
/// image's application files: package names only, no local package files,
/// no command substitutions, no input redirections.
pub(super) fn is_context_free_package_command(command: &ShellCommand) -> bool {
    let Some(program) = command.program() else {
        // `DEBIAN_FRONTEND=noninteractive` on its own.
        return command.name.is_none()
            && command
                .assignments
                .iter()
                .all(|(_, value)| !value.raw.contains("$(") && !value.raw.contains('`'));
    };
    if command.wrapped_by.is_some()
        || command.redirects.iter().any(|r| {
            r.operator.starts_with('<')
                || r.target
                    .as_ref()
                    .is_none_or(|t| !t.text.starts_with("/dev/") && t.text != "1" && t.text != "2")
        })
        || command
            .args
            .iter()
            .chain(command.assignments.iter().map(|(_, v)| v))
            .any(|a| a.raw.contains("$(") || a.raw.contains('`'))
    {
        return false;
    }
    let sub = command.subcommand().map(|w| w.text.as_str());
    let packages_only = || {
        command.positional_args().skip(1).all(|a| {
            !a.text.contains('/')
                && ![".deb", ".rpm", ".apk"]
                    .iter()
                    .any(|ext| a.text.ends_with(ext))
        })
    };
    match program {
        "apt-get" | "apt" => {
            matches!(
                sub,
                Some(
                    "update"
                        | "install"
                        | "upgrade"
                        | "dist-upgrade"
                        | "clean"
                        | "autoclean"
                        | "autoremove"
                        | "purge"
                        | "remove"
                )
            ) && packages_only()
        }
        "apk" => {
            matches!(sub, Some("add" | "update" | "upgrade" | "del"))
                && packages_only()
                && !command.has_flag(Some('X'), Some("repository"))
                && !command.has_flag(None, Some("allow-untrusted"))
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "zypper" => {
            matches!(
                sub,
                Some(
                    "install"
                        | "in"
                        | "update"
                        | "upgrade"
                        | "up"
                        | "clean"
                        | "makecache"
                        | "remove"
                        | "erase"
                        | "refresh"
                        | "ref"
                )
            ) && packages_only()
        }
        "rm" => {
            let paths: Vec<_> = command.positional_args().collect();
            !paths.is_empty()
                && paths
                    .iter()
                    .all(|p| p.text.starts_with('/') && is_cache_path(&p.text))
        }
        "true" | "set" | "export" | "echo" => true,
        _ => false,
    }
}

/// Does the RUN at `index` install system packages and nothing else that
/// could read files (see [`is_context_free_package_command`])?
fn is_package_install_run(model: &SemanticModel<'_>, index: usize, run: &Instruction) -> bool {
    let Some(script) = model.run_script(index) else {
        return false;
    };
    let Some(commands) = plain_commands(script) else {
        return false;
    };
    let installs = commands.iter().any(|c| {
        matches!(
            (c.program(), c.subcommand().map(|s| s.text.as_str())),
            (
                Some("apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "tdnf" | "zypper"),
                Some("install" | "in")
            ) | (Some("apk"), Some("add"))
        )
    });
    // Bind mounts (the default mount type) read the context.
    let mounts_ok = run.flags.iter().all(|f| {
        f.name != "mount"
            || f.value.as_deref().is_some_and(|v| {
                ["type=cache", "type=tmpfs", "type=secret", "type=ssh"]
                    .iter()
                    .any(|t| v.contains(t))
            })
    });
    installs && mounts_ok && script.commands.iter().all(is_context_free_package_command)
}

/// Can a context-free package install move above this instruction?
fn can_move_above(model: &SemanticModel<'_>, index: usize, instruction: &Instruction) -> bool {
    match instruction.keyword {
        Keyword::Label | Keyword::Expose => true,
        Keyword::Copy | Keyword::Add => {
            let Some(view) = instruction.as_copy() else {
                return false;
            };
            let Some(destination) = view.destination else {
                return false;
            };
            let workdir = &model.states[index].workdir;
            !destination.value.contains('$')
                && !is_system_path(&join_path(workdir, &destination.value))
        }
        _ => false,
    }
}

/// A package-install RUN below COPYs → above them: source changes no longer
/// re-run the install.
pub(super) fn hoist_package_installs(model: &SemanticModel<'_>) -> Vec<Proposal> {
    let source = model.source;
    let mut proposals = Vec::new();
    for stage in &model.stages {
        let body: Vec<(usize, &Instruction)> = model.stage_instructions(stage).collect();
        for (position, &(index, run)) in body.iter().enumerate() {
            if run.keyword != Keyword::Run
                || body.get(position.wrapping_sub(1)).is_none()
                || !is_package_install_run(model, index, run)
            {
                continue;
            }
            // The instructions right above it that it can move past.
            let mut top = position;
            while top > 0 {
                let (i, above) = body[top - 1];
                // ONBUILD is filtered from the body: keep the block contiguous.
                if i + 1 != body[top].0 || !can_move_above(model, i, above) {
                    break;
                }
                top -= 1;
            }
            let passed = &body[top..position];
            if !passed
                .iter()
                .any(|(_, i)| matches!(i.keyword, Keyword::Copy | Keyword::Add))
            {
                continue;
            }
            let (_, first) = passed[0];
            let (block, blank_before) = text_edit::instruction_block(source, run);
            let newline = text_edit::newline(source);
            // The block without its leading blank line; a blank line follows it
            // in its new place instead, to keep the spacing.
            let body_start = if blank_before {
                text_edit::next_line_start(source, block.start as usize)
            } else {
                block.start as usize
            };
            let mut text = source[body_start..block.end as usize].to_string();
            if !text.ends_with('\n') {
                text.push_str(newline);
            }
            if blank_before {
                text.push_str(newline);
            }
            let at = text_edit::comment_block_start(source, first.span.start as usize);
            // Deleting the last line of a file without a final newline leaves
            // the newline before it: take that one instead.
            let delete = if block.end as usize == source.len() && !source.ends_with('\n') {
                let start = block.start as usize;
                let before = &source[..start];
                let newline_len = if before.ends_with("\r\n") {
                    2
                } else {
                    usize::from(before.ends_with('\n'))
                };
                Span::new(start - newline_len, source.len())
            } else {
                block
            };
            let copies: Vec<String> = passed
                .iter()
                .filter(|(_, i)| matches!(i.keyword, Keyword::Copy | Keyword::Add))
                .map(|(_, i)| format!("`{}`", crate::optimize::profile::short(&i.original)))
                .collect();
            proposals.push(Proposal {
                transformation: "hoist-package-install",
                at: run.span.start,
                title: format!(
                    "move `{}` above {}",
                    crate::optimize::profile::short(&run.original),
                    copies.join(", ")
                ),
                why: "the package install does not read what those COPYs bring in, but it is \
                      re-run whenever they change"
                    .into(),
                assumes: None,
                edits: vec![Edit::insert(at as u32, text), Edit::delete(delete)],
                facts: None,
            });
        }
    }
    proposals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_paths_and_cache_paths() {
        assert!(is_system_path("/etc/nginx"));
        assert!(is_system_path("/"));
        assert!(!is_system_path("/app"));
        assert!(is_system_path("/opt/app"));
        assert!(!is_system_path("/srv/app"));
        assert!(!is_system_path("/etcetera"));
        assert!(is_cache_path("/var/lib/apt/lists/*"));
        assert!(!is_cache_path("/var/lib/dpkg"));
    }
}
