use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::Span;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};
use crate::shell::{Connector, Nesting, ShellCommand};

use super::support::{effective_shell, root_image, runs, Run};
use super::wget_progress_bar::is_gnu_distribution;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipeline (`a | b`) whose shell does not have
    /// `pipefail` set: neither by `SHELL [..., "-o", "pipefail", ...]` (in
    /// this stage or a stage it is built on), nor by `set -o pipefail`
    /// earlier in the script, nor by the shell's own options in an exec-form
    /// `RUN ["bash", "-o", "pipefail", "-c", ...]`.
    ///
    /// ## Why is this bad?
    /// A pipeline's exit status is its last command's. In
    /// `RUN wget -O- https://example.org/x.tar.gz | tar xz`, a failed
    /// download is not an error: `tar` reads nothing, succeeds, and the
    /// build goes on with a broken layer. With `pipefail` any failing stage
    /// of the pipeline fails the `RUN`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget -O- https://example.org/x.tar.gz | tar xz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN wget -O- https://example.org/x.tar.gz | tar xz
    /// ```
    ///
    /// ## Fix safety
    /// When the stage's base image is a known Debian, Ubuntu or Red Hat
    /// family image (which have bash) and no `SHELL` is set yet, the fix puts
    /// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the first such
    /// `RUN` of the stage. It is unsafe: every later `RUN` of the stage (and
    /// of stages built on it) then runs in bash instead of `/bin/sh`, where
    /// a few things differ (`echo` and escapes), and pipelines that used to
    /// pass despite a failing first command (`yes | head`) now fail. Not
    /// offered on Alpine or BusyBox images (no bash), for `ONBUILD`, or for
    /// exec-form and `#!` heredoc scripts, which `SHELL` does not reach.
    ///
    /// ## Differences from hadolint
    /// hadolint DL4006 decides from the last `SHELL` alone and has known
    /// false positives; plimsoll differs where hadolint is wrong:
    /// - a pipe inside `$(...)` (`V=$(curl ... | jq ...)`) is not flagged:
    ///   the substitution's status is not the RUN's, and `pipefail` would not
    ///   change what is captured;
    /// - `set -o pipefail` (also `set -euo pipefail`) earlier in the script
    ///   counts;
    /// - a `SHELL` with `-o pipefail` in a stage this one is built `FROM`
    ///   counts, as BuildKit carries it over;
    /// - any shell given `-o pipefail` counts, by basename: `/usr/bin/bash`
    ///   (as hadolint after 2.15.1), and also `/bin/sh` — BusyBox `ash`
    ///   honours it, and `dash` refuses to start, which fails every `RUN`
    ///   loudly instead of hiding a failure;
    /// - an exec-form `RUN [...]` is not run by `SHELL`: its own shell's
    ///   options decide (`["bash", "-o", "pipefail", "-c", "a | b"]` passes,
    ///   `["sh", "-c", "a | b"]` is flagged whatever `SHELL` says);
    /// - a pipe in a child shell (`bash -c '...'`, `bash <<EOF`) needs
    ///   `pipefail` in that shell: options of the outer shell are not
    ///   inherited (hadolint does not look inside the child's script);
    /// - a pipeline fed only by `echo`, `printf`, `yes` or `true`
    ///   (`echo "$SHA  file" | sha256sum -c -`) is not flagged: those cannot
    ///   fail in a way pipefail would catch, and `yes` is killed by SIGPIPE,
    ///   which pipefail would turn into a failed build;
    /// - PowerShell and cmd stages are never flagged;
    /// - `ONBUILD RUN` triggers are checked too: they run in the downstream
    ///   build with the same shell semantics.
    ///
    /// ## References
    /// hadolint DL4006; ShellCheck SC2312 (related).
    pub struct PipeWithoutPipefail {
        name: "pipe-without-pipefail",
        code: "PL315",
        aliases: ["DL4006"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "a pipeline in RUN without pipefail hides failures of all but its last command",
    }
}

/// Programs that run a shell script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

impl Rule for PipeWithoutPipefail {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let mut stages_fixed: Vec<Option<usize>> = Vec::new();
        for run in runs(model) {
            let outer_pipefail = outer_pipefail(checker, &run);
            let commands = &run.script.commands;
            let unprotected: Vec<usize> = (0..commands.len())
                .filter(|&i| {
                    let c = &commands[i];
                    c.connector == Connector::Pipe
                        && c.nesting != Nesting::Substitution
                        && !protected(commands, i, outer_pipefail)
                        && !feeds_from_harmless_producers(commands, &pipeline(commands, i))
                })
                .collect();
            if unprotected.is_empty() {
                continue;
            }
            let mut pipelines: Vec<Span> = unprotected
                .iter()
                .map(|&i| {
                    let members = pipeline(commands, i);
                    let first = members
                        .first()
                        .map_or(commands[i].span, |&m| commands[m].span);
                    let last = members
                        .last()
                        .map_or(commands[i].span, |&m| commands[m].span);
                    first.cover(last)
                })
                .collect();
            pipelines.dedup();
            let span = pipelines[0];
            let fix = if stages_fixed.contains(&run.stage) {
                None
            } else {
                // SHELL does not reach a child shell's pipes.
                let reachable = unprotected
                    .iter()
                    .all(|&i| commands[i].nesting != Nesting::ChildShell);
                reachable.then(|| shell_fix(checker, &run)).flatten()
            };
            if fix.is_some() {
                stages_fixed.push(run.stage);
            }
            let message = match pipelines.len() {
                1 => "this pipeline's status is its last command's: without pipefail, failures before the last `|` are ignored".to_string(),
                n => format!("{n} pipelines in this RUN run without pipefail: each one's status is its last command's, so failures before the last `|` are ignored"),
            };
            let help = help_for(checker, &run, &commands[unprotected[0]]);
            let diagnostic = checker.report(span, message).help(help);
            if let Some(fix) = fix {
                diagnostic.fix(fix);
            }
        }
    }
}

/// Where pipefail belongs for this pipe.
fn help_for(checker: &Checker<'_>, run: &Run<'_>, pipe: &ShellCommand) -> String {
    if pipe.nesting == Nesting::ChildShell {
        return "give the inner shell the option: `bash -o pipefail -c '...'`, or start its script with `set -o pipefail`".to_string();
    }
    if run.is_exec_form() {
        return "SHELL does not apply to exec form: add the option to the shell, `[\"bash\", \"-o\", \"pipefail\", \"-c\", \"...\"]`".to_string();
    }
    let image = run
        .stage
        .and_then(|s| root_image(checker.model, s))
        .unwrap_or("")
        .to_ascii_lowercase();
    if image.contains("alpine") || image.contains("busybox") {
        "add `SHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN (BusyBox ash supports pipefail), or start the script with `set -o pipefail &&`".to_string()
    } else {
        "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN, or start the script with `set -o pipefail &&` (bash, ash)".to_string()
    }
}

/// Is `pipefail` set for the top level of this RUN's script by something
/// outside it: the exec form's own shell, a `#!` line, or `SHELL`?
fn outer_pipefail(checker: &Checker<'_>, run: &Run<'_>) -> bool {
    let instruction = run.instruction;
    if let Some(CommandForm::Exec(args)) = instruction.command_form() {
        let words: Vec<&str> = args.iter().map(|a| a.value.as_str()).collect();
        return words
            .split_first()
            .is_some_and(|(_, rest)| sets_pipefail(rest));
    }
    // A `#!` script runs its own interpreter; only a `set` inside it counts
    // (Linux passes the rest of a `#!` line as one argument, so options there
    // are unreliable).
    if lone_heredoc_shebang(run).is_some() {
        return false;
    }
    effective_shell(checker.model, run.index).is_some_and(|shell| {
        let words: Vec<&str> = shell.args.iter().map(|a| a.value.as_str()).collect();
        words
            .split_first()
            .is_some_and(|(_, rest)| sets_pipefail(rest))
    })
}

/// `RUN <<EOF` whose body starts with `#!`: BuildKit runs the body as a
/// file with that interpreter; `SHELL` is not involved. The `#!` line.
fn lone_heredoc_shebang<'r>(run: &Run<'r>) -> Option<&'r str> {
    let heredoc = run.instruction.heredocs.first()?;
    let Some(CommandForm::Shell(line)) = run.instruction.command_form() else {
        return None;
    };
    let line = line
        .value
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit());
    let lone = line.starts_with("<<") && line.split_whitespace().count() == 1;
    let first = heredoc.content.lines().next()?;
    (lone && first.starts_with("#!")).then_some(first)
}

/// Do these shell options (`-o pipefail`, `-euo pipefail`) turn pipefail on?
fn sets_pipefail<S: AsRef<str>>(args: &[S]) -> bool {
    args.windows(2).any(|pair| {
        let (option, value) = (pair[0].as_ref(), pair[1].as_ref());
        value == "pipefail"
            && option
                .strip_prefix('-')
                .is_some_and(|cluster| !cluster.starts_with('-') && cluster.ends_with('o'))
    })
}

/// Is the pipe command at `index` covered by pipefail?
fn protected(commands: &[ShellCommand], index: usize, outer_pipefail: bool) -> bool {
    let pipe = &commands[index];
    let before = &commands[..index];
    let sets = |c: &&ShellCommand| {
        c.program() == Some("set") && c.span.end <= pipe.span.start && {
            let args: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
            sets_pipefail(&args)
        }
    };
    if pipe.nesting == Nesting::ChildShell {
        // The innermost shell command whose text holds this pipe.
        let Some(shell) = before.iter().rev().find(|c| {
            c.program().is_some_and(|p| SHELLS.contains(&p))
                && c.span.start <= pipe.span.start
                && pipe.span.end <= c.span.end
        }) else {
            return false;
        };
        let args: Vec<&str> = shell.args.iter().map(|a| a.text.as_str()).collect();
        return sets_pipefail(&args)
            || before
                .iter()
                .filter(|c| c.nesting == Nesting::ChildShell && c.span.start >= shell.span.start)
                .any(|c| sets(&c));
    }
    outer_pipefail
        || before
            .iter()
            .filter(|c| {
                matches!(
                    c.nesting,
                    Nesting::TopLevel | Nesting::Group | Nesting::Compound
                )
            })
            .any(|c| sets(&c))
}

/// The commands of the pipeline that `commands[index]` belongs to, in
/// order (each a command of the same nesting joined by `|`; a wrapper counts
/// once).
fn pipeline(commands: &[ShellCommand], index: usize) -> Vec<usize> {
    let pipe = &commands[index];
    let peer = |c: &ShellCommand| c.nesting == pipe.nesting && c.wrapped_by.is_none();
    let mut members = vec![index];
    let mut current = index;
    while commands[current].connector == Connector::Pipe {
        let start = commands[current].span.start;
        let Some(left) = (0..current)
            .rev()
            .find(|&j| peer(&commands[j]) && commands[j].span.end <= start)
        else {
            break;
        };
        members.insert(0, left);
        current = left;
    }
    for (offset, c) in commands[index + 1..].iter().enumerate() {
        if !peer(c) {
            continue;
        }
        if c.connector != Connector::Pipe {
            break;
        }
        members.push(index + 1 + offset);
    }
    members
}

/// `echo ... | sha256sum -c`, `yes | apt-get ...`: when everything before the
/// last `|` is a command that cannot fail in a way that matters, pipefail
/// changes nothing (and `yes` would even be killed by SIGPIPE and fail the
/// pipeline under pipefail).
fn feeds_from_harmless_producers(commands: &[ShellCommand], members: &[usize]) -> bool {
    let Some((_, producers)) = members.split_last() else {
        return false;
    };
    !producers.is_empty()
        && producers.iter().all(|&i| {
            matches!(
                commands[i].program(),
                Some("echo" | "printf" | "yes" | "true")
            )
        })
}

/// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, where bash
/// is certainly there and SHELL would reach the pipe.
fn shell_fix(checker: &Checker<'_>, run: &Run<'_>) -> Option<Fix> {
    let model = checker.model;
    if run.onbuild || run.is_exec_form() {
        return None;
    }
    if lone_heredoc_shebang(run).is_some() || effective_shell(model, run.index).is_some() {
        return None;
    }
    let image = root_image(model, run.stage?)?.to_ascii_lowercase();
    if image.contains('$') || !is_gnu_distribution(&image) {
        return None;
    }
    let start = run.instruction.span.start as usize;
    let line_start = checker.source[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &checker.source[line_start..start];
    if !indent.trim().is_empty() {
        return None;
    }
    Some(Fix::unsafe_edit(
        "Run this stage's RUNs with bash and pipefail",
        vec![Edit::insert(
            start as u32,
            format!("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n{indent}"),
        )],
    ))
}

#[cfg(test)]
mod tests {
    use super::sets_pipefail;

    #[test]
    fn pipefail_options() {
        assert!(sets_pipefail(&["-o", "pipefail", "-c"]));
        assert!(sets_pipefail(&["-eo", "pipefail", "-c"]));
        assert!(sets_pipefail(&["-o", "errexit", "-o", "pipefail"]));
        assert!(sets_pipefail(&["-Eeuxo", "pipefail"]));
        assert!(!sets_pipefail(&["+o", "pipefail"]));
        assert!(!sets_pipefail(&["-c", "pipefail"]));
        assert!(!sets_pipefail(&["-e", "-c"]));
    }
}
