use plimsoll_syntax::Span;

use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};
use crate::semantic::normalize_path;
use crate::shell::ShellCommand;

use super::package_command::{package_commands, Manager, PackageCommand};
use super::{
    append_command, cache_mount_targets, lineage, mount_covers, path_within, removes, runs,
    stage_ships,
};

const LISTS: &str = "/var/lib/apt/lists";
const ARCHIVES: &str = "/var/cache/apt/archives";

declare_rule! {
    /// ## What it does
    /// Flags a RUN that runs `apt-get update` (or `apt update`, `aptitude
    /// update`) and does not delete `/var/lib/apt/lists` afterwards in the
    /// same RUN, when that stage ends up in an image: the final stage, or a
    /// stage another `FROM` builds on. An `ONBUILD RUN` is always checked:
    /// it runs in whichever build uses the image.
    ///
    /// A cache or tmpfs mount on `/var/lib/apt/lists` (or a parent such as
    /// `/var/lib/apt`) keeps the lists out of the layer and is fine. But when
    /// an earlier RUN disabled Debian's `docker-clean` hook (so apt keeps the
    /// downloaded `.deb` files), the RUN must mount `/var/cache/apt` too, or
    /// those files stay in the layer: that case is reported as well.
    ///
    /// ## Why is this bad?
    /// The package lists are tens of megabytes that nothing in the running
    /// container needs. Deleting them in a later RUN does not help: the layer
    /// that downloaded them keeps them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// or, with BuildKit, keep the lists in a cache that never reaches the image:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/var/lib/apt/lists \
    ///     apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix appends `&& rm -rf /var/lib/apt/lists/*` to the RUN. A
    /// later RUN of the stage that runs `apt-get install` without its own
    /// `apt-get update` then finds no lists and fails. Not offered when the
    /// script does not end with a plain command (a trailing comment, `;`,
    /// `fi`), or in exec form.
    ///
    /// ## Differences from hadolint
    /// - The deletion must come after the update: an `rm` of the lists
    ///   directory (or a parent), `apt-get dist-clean` (apt 2.9 and later),
    ///   or `find /var/lib/apt/lists ... -delete`. hadolint accepts any `rm` that has
    ///   either `-rf` or `/var/lib/apt/lists/*` among its arguments, anywhere
    ///   in the RUN (`rm -rf /tmp/x` silences it).
    /// - A cache or tmpfs mount on a parent of the lists (`/var/lib/apt`) is
    ///   enough; hadolint also wants `/var/cache/apt` mounted. We ask for
    ///   that only when `docker-clean` was disabled, and then say why.
    ///   A mount on a directory inside the lists does not count (hadolint
    ///   counts any target that starts with the lists path).
    /// - Stage names are compared case-insensitively, as BuildKit does.
    /// - `sudo apt-get update` and `sh -c "apt-get update"` count.
    ///
    /// ## References
    /// hadolint DL3009.
    pub struct AptListsNotDeleted {
        name: "apt-lists-not-deleted",
        code: "PL201",
        aliases: ["DL3009"],
        category: Size,
        severity: Info,
        fix: Sometimes,
        summary: "apt-get update without deleting /var/lib/apt/lists in the same RUN",
    }
}

impl Rule for AptListsNotDeleted {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        // Stages (and the line) where a RUN stopped apt from deleting downloaded packages.
        let mut keeps_archives: Vec<(Option<usize>, u32)> = Vec::new();
        for run in runs(model) {
            let stage = run.stage;
            let commands = &run.script.commands;
            let updates: Vec<Span> = package_commands(commands)
                .filter(|c| {
                    matches!(
                        c.manager,
                        Manager::AptGet | Manager::Apt | Manager::Aptitude
                    ) && c.is(&["update"])
                })
                .map(|c| c.head_span())
                .collect();
            let installs = package_commands(commands).any(|c| {
                matches!(
                    c.manager,
                    Manager::AptGet | Manager::Apt | Manager::Aptitude
                ) && c.is(&[
                    "install",
                    "upgrade",
                    "dist-upgrade",
                    "full-upgrade",
                    "reinstall",
                    "build-dep",
                ])
            });
            let disabled_here = commands.iter().any(disables_docker_clean);
            let line = model.instruction(run.index).start_line;
            let Some(&last_update) = updates.last() else {
                if disabled_here {
                    keeps_archives.push((stage, line));
                }
                continue;
            };
            if disabled_here {
                keeps_archives.push((stage, line));
            }
            // A trigger runs in whichever build uses this image: its layer always ships.
            if !run.onbuild && !stage_ships(model, stage) {
                continue;
            }
            let targets = cache_mount_targets(run.instruction);
            let tool = checker
                .text(last_update)
                .split_whitespace()
                .next()
                .unwrap_or("apt-get")
                .to_string();
            if mount_covers(&targets, LISTS) {
                let lineage = lineage(model, stage);
                let disabled_at = keeps_archives
                    .iter()
                    .find(|(s, _)| lineage.contains(s))
                    .map(|(_, line)| *line);
                if let (Some(disabled_at), true) = (disabled_at, installs) {
                    if !mount_covers(&targets, ARCHIVES) {
                        checker
                            .report(
                                last_update,
                                format!(
                                    "the package lists are in a cache mount, but apt keeps the downloaded packages (docker-clean was disabled on line {disabled_at}) and they stay in this layer"
                                ),
                            )
                            .help("mount a cache on `/var/cache/apt` too: `--mount=type=cache,target=/var/cache/apt,sharing=locked`");
                    }
                }
                continue;
            }
            let deleted = commands
                .iter()
                .any(|c| c.span.start > last_update.start && clears_lists(c));
            if deleted {
                continue;
            }
            let fix = append_command(checker.source, &run, "rm -rf /var/lib/apt/lists/*");
            let diagnostic = checker
                .report(
                    last_update,
                    format!("`{tool} update` leaves the package lists in /var/lib/apt/lists, and this layer keeps them"),
                )
                .help("delete them in the same RUN (`&& rm -rf /var/lib/apt/lists/*`), or mount a cache there: `--mount=type=cache,target=/var/lib/apt/lists`");
            if let Some(edit) = fix {
                diagnostic.fix(Fix::unsafe_edit(
                    "Append `&& rm -rf /var/lib/apt/lists/*`",
                    vec![edit],
                ));
            }
        }
    }
}

/// `rm -rf /var/lib/apt/lists/*` (or a parent), `apt-get dist-clean` (apt
/// 2.9+ deletes the lists too), or `find /var/lib/apt/lists ... -delete`.
fn clears_lists(command: &ShellCommand) -> bool {
    let dist_clean = PackageCommand::parse(command).is_some_and(|c| {
        matches!(c.manager, Manager::AptGet | Manager::Apt) && c.is(&["dist-clean"])
    });
    let find_deletes = command.program() == Some("find")
        && command
            .args
            .iter()
            .any(|a| a.text.starts_with('/') && path_within(LISTS, &normalize_path(&a.text)))
        && command
            .args
            .iter()
            .any(|a| a.text == "-delete" || a.text == "rm");
    removes(command, LISTS) || dist_clean || find_deletes
}

/// Removing `/etc/apt/apt.conf.d/docker-clean`, or telling apt to keep
/// downloaded packages: from then on `/var/cache/apt/archives` fills up.
fn disables_docker_clean(command: &ShellCommand) -> bool {
    let removes_hook = command.program() == Some("rm")
        && command
            .positional_args()
            .any(|a| a.text == "/etc/apt/apt.conf.d/docker-clean");
    let keeps_packages = command.args.iter().any(|a| {
        a.text.contains("Keep-Downloaded-Packages") && a.text.to_ascii_lowercase().contains("true")
    });
    removes_hook || keeps_packages
}
