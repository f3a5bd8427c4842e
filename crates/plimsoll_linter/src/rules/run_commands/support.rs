//! What the RUN-command rules share: option parsing of command lines, the
//! stage chain, and which variables a command sees. The RUN instructions of a
//! file, their `--mount` flags and which stages ship come from
//! [`crate::rules::run_support`], shared with the system-package rules.

use plimsoll_syntax::{Instruction, Keyword};

use crate::semantic::{Base, SemanticModel};
use crate::shell::{ShellCommand, ShellWord};

pub(crate) use crate::rules::run_support::{
    has_throwaway_mount, runs, stage_ancestry, stage_ships, Run,
};

/// How a command's options take values, for finding its operands.
pub(crate) struct OptionSpec {
    /// Long options (with `--`) whose value may be the next word.
    pub long_with_value: &'static [&'static str],
    /// Short option letters that take a value (the rest of the cluster or the next word).
    pub short_with_value: &'static str,
    /// Long options not listed as taking a value and not in `long_flags`: do
    /// they take the next word? (hadolint assumes so for gem.)
    pub unknown_long_takes_value: bool,
    /// Long options known to take no value (only read with `unknown_long_takes_value`).
    pub long_flags: &'static [&'static str],
}

/// The operands of `args` (the words that are neither options nor option
/// values), stopping at `--` when `stop_at_double_dash` (everything after it
/// belongs to someone else, like gem's build arguments).
pub(crate) fn operands<'c>(
    args: &'c [ShellWord],
    spec: &OptionSpec,
    stop_at_double_dash: bool,
) -> Vec<&'c ShellWord> {
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        index += 1;
        let text = arg.text.as_str();
        if text == "--" {
            if !stop_at_double_dash {
                out.extend(args[index..].iter());
            }
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            if long.contains('=') {
                continue;
            }
            let listed = spec.long_with_value.contains(&text);
            let unknown = spec.unknown_long_takes_value && !spec.long_flags.contains(&text);
            if listed || unknown {
                index += 1;
            }
            continue;
        }
        if let Some(cluster) = text.strip_prefix('-').filter(|c| !c.is_empty()) {
            // `-o value`, `-ovalue`, `-qo value`: a value letter takes the rest or the next word.
            for (at, c) in cluster.char_indices() {
                if spec.short_with_value.contains(c) {
                    if at + c.len_utf8() == cluster.len() {
                        index += 1;
                    }
                    break;
                }
            }
            continue;
        }
        out.push(arg);
    }
    out
}

/// Is `word` written in the source exactly as the shell reads it, so that an
/// insertion right after its span lands after the word?
pub(crate) fn is_verbatim(source: &str, word: &ShellWord) -> bool {
    word.span.text(source) == word.raw && !word.raw.is_empty()
}

/// The image a stage finally builds on (through `FROM <stage>` links), as written.
pub(crate) fn root_image<'m>(model: &'m SemanticModel<'_>, stage: usize) -> Option<&'m str> {
    let root = *stage_ancestry(model, stage).last()?;
    match &model.stages.get(root)?.base {
        Base::Image(image) => Some(image.as_str()),
        _ => None,
    }
}

/// The last exec-form `SHELL` before instruction `index`, in its stage or a
/// stage it builds on.
pub(crate) fn effective_shell<'m>(
    model: &'m SemanticModel<'_>,
    index: usize,
) -> Option<&'m Instruction> {
    let state = model.states.get(index)?;
    // Most files have no SHELL: answer without walking back (asked per RUN,
    // the walk would be quadratic).
    if !state.shell_set {
        return None;
    }
    let stage = state.stage?;
    for s in stage_ancestry(model, stage) {
        let body = model.stages[s].body.clone();
        let end = if s == stage {
            index.min(body.end)
        } else {
            body.end
        };
        let found = model.file.instructions[body.start.min(end)..end]
            .iter()
            .rev()
            .find(|i| i.keyword == Keyword::Shell && i.json);
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The value variable `name` has for `command`, if something in the file or
/// the script sets it: the command's own assignments (`NAME=v cmd`, `env
/// NAME=v cmd`), an earlier `export NAME=v` at the top of the script, ENV in
/// the stage chain, or an ARG default in the stage (build arguments are in
/// the environment of RUN).
pub(crate) fn variable_for(
    model: &SemanticModel<'_>,
    run: &Run<'_>,
    command: &ShellCommand,
    name: &str,
) -> Option<String> {
    if let Some((_, value)) = command.assignments.iter().rev().find(|(n, _)| n == name) {
        return Some(value.text.clone());
    }
    let exported = run
        .script
        .commands
        .iter()
        .take_while(|c| c.span.start < command.span.start)
        .filter(|c| c.program() == Some("export") && !c.is_nested())
        .flat_map(|c| c.args.iter())
        .filter_map(|a| a.text.split_once('='))
        .filter(|(n, _)| *n == name)
        .last()
        .map(|(_, v)| v.to_string());
    if exported.is_some() {
        return exported;
    }
    // The instructions of the stage before this RUN (before the first FROM:
    // everything before it), ENV and ARG of ancestor stages via `env_at`.
    let start = run.stage.map_or(0, |s| model.stages[s].body.start);
    let before = &model.file.instructions[start.min(run.index)..run.index];
    let arg = before
        .iter()
        .flat_map(|i| i.arg_declarations())
        .filter(|d| d.name == name)
        .last()
        .and_then(|d| d.default.map(str::to_string));
    let env = if run.stage.is_some() {
        // A lookup, not `env_at`: asked per RUN, a full ENV listing is quadratic.
        model.env_value(run.index, name).map(str::to_string)
    } else {
        before
            .iter()
            .filter(|i| i.keyword == Keyword::Env)
            .flat_map(|i| i.key_values())
            .filter(|pair| pair.key.value == name)
            .last()
            .map(|pair| pair.value.value.clone())
    };
    // ENV set after the ARG would win, but both in one stage is rare: ENV first.
    env.or(arg)
}

/// `pip`, `pip3`, `pip3.12`.
pub(crate) fn is_pip_program(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `python`, `python3`, `python3.12`.
pub(crate) fn is_python_program(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Which pip front end a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PipTool {
    /// `pip`, `pip3`, `python -m pip`.
    Pip,
    /// `pipx`: installs applications into their own environments.
    Pipx,
    /// `uv pip`: uv's pip interface (its own cache, its own flags).
    UvPip,
}

/// A pip-like invocation: the tool, and the words after `pip` (its options and subcommand).
pub(crate) struct PipCall<'c> {
    pub tool: PipTool,
    pub args: &'c [ShellWord],
}

/// pip's general options that take a value (they may precede the
/// subcommand), followed by any `extra` ones: `pip_options_with_value![]` or
/// `pip_options_with_value!["--target", ...]` (a command's own options).
macro_rules! pip_options_with_value {
    ($($extra:literal),* $(,)?) => {
        &[
            $($extra,)*
            "--python",
            "--log",
            "--log-file",
            "--proxy",
            "--retries",
            "--timeout",
            "--exists-action",
            "--trusted-host",
            "--cert",
            "--client-cert",
            "--cache-dir",
            "--use-feature",
            "--use-deprecated",
            "--keyring-provider",
            "--resume-retries",
            "--progress-bar",
        ]
    };
}
pub(crate) use pip_options_with_value;

/// pip's general options that take a value.
const PIP_GLOBAL_WITH_VALUE: &[&str] = pip_options_with_value![];

/// `pip …`, `python3 -m pip …`, `pipx …`, `uv pip …`.
pub(crate) fn pip_call(command: &ShellCommand) -> Option<PipCall<'_>> {
    let program = command.program()?;
    if is_pip_program(program) {
        return Some(PipCall {
            tool: PipTool::Pip,
            args: &command.args,
        });
    }
    if program == "pipx" {
        return Some(PipCall {
            tool: PipTool::Pipx,
            args: &command.args,
        });
    }
    if program == "uv" {
        let first = command.args.first()?;
        return (first.text == "pip").then(|| PipCall {
            tool: PipTool::UvPip,
            args: &command.args[1..],
        });
    }
    if is_python_program(program) {
        // The interpreter's own options come first; `-m pip` starts pip's.
        let mut index = 0;
        while let Some(arg) = command.args.get(index) {
            let text = arg.text.as_str();
            if text == "-m" {
                let module = command.args.get(index + 1)?;
                return match module.text.as_str() {
                    "pip" | "pip3" => Some(PipCall {
                        tool: PipTool::Pip,
                        args: &command.args[index + 2..],
                    }),
                    "pipx" => Some(PipCall {
                        tool: PipTool::Pipx,
                        args: &command.args[index + 2..],
                    }),
                    _ => None,
                };
            }
            if text == "-mpip" {
                return Some(PipCall {
                    tool: PipTool::Pip,
                    args: &command.args[index + 1..],
                });
            }
            // A script or `-c code`: no module runs.
            if !text.starts_with('-') || text == "-c" {
                return None;
            }
            index += 1;
        }
    }
    None
}

impl<'c> PipCall<'c> {
    /// The subcommand word (`install`) and the index of the words after it.
    pub fn subcommand(&self) -> Option<(&'c ShellWord, usize)> {
        let mut index = 0;
        while let Some(arg) = self.args.get(index) {
            let text = arg.text.as_str();
            if !text.starts_with('-') {
                return Some((arg, index + 1));
            }
            index += if PIP_GLOBAL_WITH_VALUE.contains(&text) {
                2
            } else {
                1
            };
        }
        None
    }

    /// The `install` word and the arguments after it, for an install.
    pub fn install(&self) -> Option<(&'c ShellWord, &'c [ShellWord])> {
        let (word, rest) = self.subcommand()?;
        (word.text == "install").then(|| (word, &self.args[rest..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plimsoll_syntax::Span;

    fn words(line: &str) -> Vec<ShellWord> {
        line.split(' ')
            .map(|w| ShellWord {
                text: w.to_string(),
                raw: w.to_string(),
                span: Span::new(0, 0),
                is_static: true,
            })
            .collect()
    }

    #[test]
    fn operands_skip_option_values() {
        let spec = OptionSpec {
            long_with_value: &["--registry"],
            short_with_value: "oC",
            unknown_long_takes_value: false,
            long_flags: &[],
        };
        let args = words("-g --registry r a --x=1 -qo out b -Cdir c -- -d");
        let got: Vec<_> = operands(&args, &spec, false)
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(got, ["a", "b", "c", "-d"]);
        let got: Vec<_> = operands(&args, &spec, true)
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(got, ["a", "b", "c"]);
    }

    #[test]
    fn pip_programs() {
        assert!(is_pip_program("pip3.12") && is_pip_program("pip"));
        assert!(!is_pip_program("pipenv") && !is_pip_program("pipx"));
        assert!(is_python_program("python3") && !is_python_program("pythonista"));
    }
}
