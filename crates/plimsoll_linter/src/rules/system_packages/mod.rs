//! Rules about operating-system package managers in RUN: apt, apk, yum,
//! dnf, zypper (pinning, non-interactive flags, cache cleanup).
//!
//! Every rule reads the parsed shell script of each RUN, including the RUN of
//! an `ONBUILD RUN` trigger (hadolint applies these rules to triggers too),
//! heredoc bodies, `sh -c` scripts and wrapped commands (`sudo apt-get`).
//! [`package_command`] reads a command line the way the tool does.

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Rule;
use crate::semantic::{normalize_path, SemanticModel};
use crate::shell::{ShellCommand, ShellScript, ShellWord};

pub(crate) use crate::rules::run_support::{cache_mount_targets, lineage, runs, stage_ships, Run};

pub(crate) mod package_command;

use package_command::{package_commands, Manager, PackageCommand};

mod apk_add_without_no_cache;
mod apk_package_unpinned;
mod apt_install_recommends;
mod apt_install_without_yes;
mod apt_instead_of_apt_get;
mod apt_lists_not_deleted;
mod apt_package_unpinned;
mod dnf_cache_not_cleaned;
mod dnf_install_without_yes;
mod dnf_package_unpinned;
mod rpm_version;
mod yum_cache_not_cleaned;
mod yum_install_without_yes;
mod yum_package_unpinned;
mod zypper_cache_not_cleaned;
mod zypper_dist_upgrade;
mod zypper_package_unpinned;
mod zypper_without_non_interactive;

pub use apk_add_without_no_cache::ApkAddWithoutNoCache;
pub use apk_package_unpinned::ApkPackageUnpinned;
pub use apt_install_recommends::AptInstallRecommends;
pub use apt_install_without_yes::AptInstallWithoutYes;
pub use apt_instead_of_apt_get::AptInsteadOfAptGet;
pub use apt_lists_not_deleted::AptListsNotDeleted;
pub use apt_package_unpinned::AptPackageUnpinned;
pub use dnf_cache_not_cleaned::DnfCacheNotCleaned;
pub use dnf_install_without_yes::DnfInstallWithoutYes;
pub use dnf_package_unpinned::DnfPackageUnpinned;
pub use yum_cache_not_cleaned::YumCacheNotCleaned;
pub use yum_install_without_yes::YumInstallWithoutYes;
pub use yum_package_unpinned::YumPackageUnpinned;
pub use zypper_cache_not_cleaned::ZypperCacheNotCleaned;
pub use zypper_dist_upgrade::ZypperDistUpgrade;
pub use zypper_package_unpinned::ZypperPackageUnpinned;
pub use zypper_without_non_interactive::ZypperWithoutNonInteractive;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[
    &AptPackageUnpinned,
    &AptListsNotDeleted,
    &AptInstallWithoutYes,
    &AptInstallRecommends,
    &ApkPackageUnpinned,
    &ApkAddWithoutNoCache,
    &AptInsteadOfAptGet,
    &YumInstallWithoutYes,
    &YumCacheNotCleaned,
    &YumPackageUnpinned,
    &ZypperWithoutNonInteractive,
    &ZypperDistUpgrade,
    &ZypperCacheNotCleaned,
    &ZypperPackageUnpinned,
    &DnfInstallWithoutYes,
    &DnfCacheNotCleaned,
    &DnfPackageUnpinned,
];

/// Does one of the mount `targets` hold `dir` (the directory itself or a parent)?
pub(crate) fn mount_covers(targets: &[String], dir: &str) -> bool {
    targets.iter().any(|t| path_within(dir, t))
}

/// `path` is `dir` or inside it (both normalised, absolute).
pub(crate) fn path_within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Does this `rm` delete `dir` or files inside it? (`rm -rf /var/lib/apt/lists/*`,
/// `rm -rf /var/lib/apt/lists`, or a parent directory.)
pub(crate) fn removes(command: &ShellCommand, dir: &str) -> bool {
    if command.program() != Some("rm") {
        return false;
    }
    command.positional_args().any(|operand| {
        expand_braces(&operand.text).iter().any(|path| {
            let path = path.trim_end_matches('*');
            path.starts_with('/') && path_within(dir, &normalize_path(path))
        })
    })
}

/// The words a brace pattern stands for (`/var/lib/{apt,dpkg}/` gives
/// `/var/lib/apt/` and `/var/lib/dpkg/`); a word without braces is itself.
/// Nested or many groups are left unexpanded.
fn expand_braces(word: &str) -> Vec<String> {
    let mut words = vec![word.to_string()];
    for _ in 0..4 {
        let mut next = Vec::new();
        let mut expanded = false;
        for w in &words {
            let group = w.find('{').and_then(|open| {
                let close = open + w[open..].find('}')?;
                let inner = &w[open + 1..close];
                (inner.contains(',') && !inner.contains('{')).then_some((open, close, inner))
            });
            match group {
                Some((open, close, inner)) => {
                    expanded = true;
                    for alternative in inner.split(',') {
                        next.push(format!("{}{alternative}{}", &w[..open], &w[close + 1..]));
                    }
                }
                None => next.push(w.clone()),
            }
        }
        words = next;
        if !expanded {
            break;
        }
    }
    words
}

/// The last command for which `fills` holds and no command after it `empties`
/// (a cache filled and never cleaned in this RUN).
pub(crate) fn uncleaned<'s>(
    script: &'s ShellScript,
    fills: impl Fn(&PackageCommand<'s>) -> bool,
    empties: impl Fn(&ShellCommand) -> bool,
) -> Option<PackageCommand<'s>> {
    let last = package_commands(&script.commands)
        .filter(|c| fills(c))
        .last()?;
    let start = last.command.span.start;
    let cleaned = script
        .commands
        .iter()
        .any(|c| c.span.start > start && empties(c));
    (!cleaned).then_some(last)
}

/// The packages of yum or dnf installs in `run` that name no version, and the
/// modules of `module install` that name no stream (`true` for a module).
pub(crate) fn unpinned_rpms<'m>(
    model: &SemanticModel<'_>,
    run: &Run<'m>,
    manager: Manager,
) -> Vec<(&'m ShellWord, bool, Vec<String>)> {
    // Listed only for a RUN that installs with `manager`: the listing grows
    // with the file, and asking it for every RUN would be quadratic.
    let mut listed: Option<Vec<String>> = None;
    let mut found = Vec::new();
    for install in package_commands(&run.script.commands) {
        if install.manager != manager {
            continue;
        }
        let variables = listed.get_or_insert_with(|| rpm_version::version_variables(model, run));
        let module = install.is_sub("module", "install");
        let words = if module {
            install.operands_after(2)
        } else if install.is(&["install", "in"]) {
            install.operands_after(1)
        } else {
            continue;
        };
        for (word, values) in package_values(model, run, words) {
            let unpinned: Vec<String> = values
                .into_iter()
                .filter(|v| {
                    if module {
                        !v.contains(':')
                    } else {
                        !rpm_version::is_pinned(v, variables)
                    }
                })
                .collect();
            if !unpinned.is_empty() {
                found.push((word, module, unpinned));
            }
        }
    }
    found
}

/// Reports every package word of the installs `selects` picks whose values
/// are not all pinned by `is_pinned`, with `help` (given the name to show) on
/// how to pin it: the shared body of the apt, apk and zypper pinning rules.
pub(crate) fn report_unpinned_packages(
    checker: &mut Checker<'_>,
    selects: impl Fn(&PackageCommand<'_>) -> bool,
    is_pinned: impl Fn(&str) -> bool,
    help: impl Fn(&str) -> String,
) {
    let model = checker.model;
    for run in runs(model) {
        for install in package_commands(&run.script.commands) {
            if !selects(&install) {
                continue;
            }
            for (word, values) in package_values(model, &run, install.operands_after(1)) {
                let unpinned: Vec<&String> = values.iter().filter(|v| !is_pinned(v)).collect();
                if unpinned.is_empty() {
                    continue;
                }
                checker
                    .report(word.span, unpinned_message(word, &unpinned))
                    .help(help(display_name(word)));
            }
        }
    }
}

/// Reports the yum or dnf installs of unpinned packages and unstreamed
/// modules (see [`unpinned_rpms`]); `tool` names the program in the help.
pub(crate) fn report_unpinned_rpms(checker: &mut Checker<'_>, manager: Manager, tool: &str) {
    let model = checker.model;
    for run in runs(model) {
        for (word, module, unpinned) in unpinned_rpms(model, &run, manager) {
            let name = display_name(word);
            let (message, help) = if module {
                (
                    format!("module `{name}` is installed without a stream"),
                    format!("name the stream: `{name}:<stream>`"),
                )
            } else {
                (
                    unpinned_message(word, &unpinned.iter().collect::<Vec<_>>()),
                    format!(
                        "pin it: `{name}-<version>` (`{tool} list --showduplicates {name}` lists them)"
                    ),
                )
            };
            checker.report(word.span, message).help(help);
        }
    }
}

/// Reports the yum or dnf installs without `-y`/`--assumeyes`, with a fix
/// adding `-y` after the verb; `help` gives the help text for an install.
pub(crate) fn report_rpm_install_without_yes(
    checker: &mut Checker<'_>,
    manager: Manager,
    help: impl Fn(&PackageCommand<'_>) -> String,
) {
    for run in runs(checker.model) {
        for install in package_commands(&run.script.commands) {
            if install.manager != manager
                || !install.rpm_installs()
                || install.has_option(Some('y'), &["assumeyes"])
            {
                continue;
            }
            let Some(verb) = install.verb_word() else {
                continue;
            };
            let fix = insert_after(&run, verb, "-y");
            let diagnostic = checker
                .report(
                    install.head_span(),
                    format!(
                        "`{}` without `-y`: the confirmation prompt fails the build",
                        install.action()
                    ),
                )
                .help(help(&install));
            if let Some(edit) = fix {
                diagnostic.fix(Fix::safe("Add `-y`", vec![edit]));
            }
        }
    }
}

/// An edit inserting `text` right after `word` (a flag after `install`), or
/// `None` when the word is in exec-form JSON, where text cannot be spliced in.
pub(crate) fn insert_after(run: &Run<'_>, word: &ShellWord, text: &str) -> Option<Edit> {
    (!run.instruction.json && !word.span.is_empty())
        .then(|| Edit::insert(word.span.end, format!(" {text}")))
}

/// An edit appending ` && <command>` after the last command of the RUN's
/// script, or `None` when something other than whitespace follows it (a
/// comment, `;`, `fi`, a closing parenthesis): there the shell would read
/// the addition differently, so no fix is offered.
pub(crate) fn append_command(source: &str, run: &Run<'_>, command: &str) -> Option<Edit> {
    let instruction = run.instruction;
    if instruction.json || run.script.has_syntax_errors {
        return None;
    }
    let end = run.script.commands.iter().map(|c| c.span.end).max()?;
    // The script ends where the instruction ends, or with the heredoc body holding it.
    let region_end = instruction
        .heredocs
        .iter()
        .find(|h| h.body_span.start <= end && end <= h.body_span.end)
        .map_or(instruction.span.end, |h| h.body_span.end);
    let rest = source.get(end as usize..region_end as usize)?;
    rest.chars()
        .all(|c| c.is_whitespace() || c == '\\')
        .then(|| Edit::insert(end, format!(" && {command}")))
}

/// What an unpinned package word installs: the word itself, or, for a
/// variable, the unpinned packages of the value ENV gave it.
pub(crate) fn unpinned_message(word: &ShellWord, unpinned: &[&String]) -> String {
    if whole_variable(word).is_none() {
        return format!(
            "`{}` is installed without a version: each build may get a different one",
            word.text
        );
    }
    let names: Vec<String> = unpinned.iter().map(|p| format!("`{p}`")).collect();
    format!(
        "`{}` installs {} without a version: each build may get a different one",
        word.text,
        names.join(", ")
    )
}

/// The package a help text names: the word, or `<package>` for a variable.
pub(crate) fn display_name(word: &ShellWord) -> &str {
    if whole_variable(word).is_some() {
        "<package>"
    } else {
        &word.text
    }
}

/// The value of ENV variable `name` at `index`, as [`env_in_scope`] would
/// give it, by lookup (asked per RUN, a full listing would be quadratic).
pub(crate) fn env_value_in_scope<'a>(
    model: &SemanticModel<'a>,
    index: usize,
    name: &str,
) -> Option<&'a str> {
    if model.states.get(index).is_some_and(|s| s.stage.is_some()) {
        return model.env_value(index, name);
    }
    env_in_scope(model, index)
        .into_iter()
        .rev()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// ENV variables in force at `index` (keys and values as written); in a file
/// without FROM, every ENV above it.
pub(crate) fn env_in_scope<'a>(model: &SemanticModel<'a>, index: usize) -> Vec<(&'a str, &'a str)> {
    if model.states.get(index).is_some_and(|s| s.stage.is_some()) {
        return model.env_at(index);
    }
    model.file.instructions[..index.min(model.file.instructions.len())]
        .iter()
        .filter(|i| i.keyword == plimsoll_syntax::Keyword::Env)
        .flat_map(|i| i.key_values())
        .map(|pair| (pair.key.value.as_str(), pair.value.value.as_str()))
        .collect()
}

/// For a package word that is one variable (`$PACKAGES`, `"${PKG}"`): the
/// variable's name. Its value is decided at build time.
pub(crate) fn whole_variable(word: &ShellWord) -> Option<&str> {
    let raw = word.raw.trim_matches('"');
    let name = raw.strip_prefix('$')?;
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// The package words of an install to check for a version pin, each with the
/// texts to judge: a literal word is itself; a word that is one variable is
/// the value the script assigned it earlier (`PKGS="a b" && yum install $PKGS`)
/// or else the value an ENV gave it, split into words, leaving out words that
/// are themselves variables. A build argument or an unknown variable is left
/// out: its value is not known here.
pub(crate) fn package_values<'w>(
    model: &SemanticModel<'_>,
    run: &Run<'_>,
    words: &[&'w ShellWord],
) -> Vec<(&'w ShellWord, Vec<String>)> {
    words
        .iter()
        .filter_map(|word| match whole_variable(word) {
            Some(name) => {
                let assigned = run
                    .script
                    .commands
                    .iter()
                    .rev()
                    .filter(|c| c.name.is_none() && c.span.end <= word.span.start)
                    .flat_map(|c| c.assignments.iter().rev())
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.text.trim_matches(|c| c == '"' || c == '\'').to_string());
                let value = match assigned {
                    Some(value) => value,
                    None => env_value_in_scope(model, run.index, name)?.to_string(),
                };
                let parts: Vec<String> = value
                    .split_whitespace()
                    .filter(|p| !p.contains('$'))
                    .map(str::to_string)
                    .collect();
                (!parts.is_empty()).then_some((*word, parts))
            }
            None => Some((*word, vec![word.text.clone()])),
        })
        .collect()
}

#[cfg(test)]
mod tests;
