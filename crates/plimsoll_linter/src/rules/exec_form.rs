//! Shared by `exec-form-entrypoint` and `exec-form-cmd`: when is a shell-form
//! command reported, and how is it rewritten to exec form.

use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::{Arg, Instruction};

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::semantic::ShellKind;

/// The shell-form argument of `instruction` if the rule should look at it:
/// BuildKit stays quiet once a stage (or a stage it builds on) set SHELL,
/// since the shell is then chosen on purpose.
pub(super) fn reported_shell_form<'a>(
    checker: &Checker<'a>,
    index: usize,
    instruction: &'a Instruction,
) -> Option<&'a Arg> {
    let CommandForm::Shell(arg) = instruction.command_form()? else {
        return None;
    };
    // The model tracks SHELL through the stage and the stages it builds on.
    let state = checker.model.states.get(index)?;
    (state.stage.is_some() && !state.shell_set).then_some(arg)
}

/// How the stage's shell runs a shell-form command, for messages.
pub(super) fn shell_invocation(checker: &Checker<'_>, index: usize) -> &'static str {
    match checker.model.states.get(index).map(|s| s.shell) {
        Some(ShellKind::Cmd) => "cmd /S /C",
        Some(ShellKind::PowerShell) => "powershell -Command",
        _ => "/bin/sh -c",
    }
}

/// Characters that make the shell do something a plain word split would not.
fn needs_shell(command: &str) -> bool {
    command.contains(|c: char| "$`\\\"'|&;<>(){}*?[]~#\n".contains(c))
        || command
            .split_whitespace()
            .next()
            .is_some_and(|first| first.contains('='))
}

/// Is the command one simple command (so `exec` can replace the shell with it)?
fn is_single_command(command: &str) -> bool {
    !["&&", "||", ";", "|", "&", "$(", "`", "\n", "<", ">"]
        .iter()
        .any(|op| command.contains(op))
}

fn json_array<'w>(words: impl IntoIterator<Item = &'w str>) -> String {
    let items: Vec<String> = words
        .into_iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    format!("[{}]", items.join(", "))
}

/// The exec-form rewrite: safe when the words split plainly, unsafe (wrapped
/// in `sh -c "exec ..."`) when the command needs the shell but is a single command.
pub(super) fn exec_form_fix(checker: &Checker<'_>, index: usize, arg: &Arg) -> Option<Fix> {
    let state = checker.model.states.get(index)?;
    if state.shell != ShellKind::Posix {
        return None;
    }
    let command = arg.value.trim();
    if command.is_empty() {
        return None;
    }
    if !needs_shell(command) {
        let json = json_array(command.split_whitespace());
        return Some(Fix::safe(
            format!("Rewrite as {json}"),
            vec![Edit::replace(arg.span, json)],
        ));
    }
    if is_single_command(command) && !command.starts_with("exec ") {
        let json = json_array(["/bin/sh", "-c", &format!("exec {command}")]);
        return Some(Fix::unsafe_edit(
            "Run through `sh -c` with `exec`, so the command replaces the shell as PID 1",
            vec![Edit::replace(arg.span, json)],
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_syntax_detection() {
        assert!(!needs_shell("gunicorn -b 0.0.0.0:8000 app:app"));
        assert!(!needs_shell("node server.js --port=80"));
        assert!(needs_shell("FOO=1 node server.js"));
        assert!(needs_shell("node $APP"));
        assert!(needs_shell("a && b"));
        assert!(is_single_command("node $APP --x"));
        assert!(!is_single_command("a && b"));
    }

    #[test]
    fn json_array_escapes() {
        assert_eq!(json_array(["a", "b c"]), r#"["a", "b c"]"#);
    }
}
