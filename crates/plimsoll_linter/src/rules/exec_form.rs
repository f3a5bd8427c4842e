//! Shared by `exec-form-entrypoint` and `exec-form-cmd`: when is a shell-form
//! command reported, and how is it rewritten to exec form.

use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::{Arg, Instruction, Span};

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::semantic::ShellKind;
use crate::shell::{Connector, Nesting, ShellScript};

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
/// in `sh -c "... exec last"`) when the command needs the shell but is a
/// single command or an `&&` chain.
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
    if command.starts_with("exec ") {
        return None;
    }
    let with_exec = insert_exec(command)?;
    let json = json_array(["/bin/sh", "-c", &with_exec]);
    let title = if is_single_command(command) {
        "Run through `sh -c` with `exec`, so the command replaces the shell as PID 1"
    } else {
        "Run through `sh -c` with `exec` before the last command, so it replaces the shell as PID 1"
    };
    Some(Fix::unsafe_edit(title, vec![Edit::replace(arg.span, json)]))
}

/// `command` with `exec ` before the program of its last command, when the
/// command is one simple command or an `&&` chain of them (`a && b` →
/// `a && exec b`). `None` for anything else (pipes, lists, compound commands,
/// background jobs, a last command with variable assignments in front).
fn insert_exec(command: &str) -> Option<String> {
    let script = ShellScript::parse_text(command, &|start, end| Span::new(start, end));
    if script.has_syntax_errors
        || command.trim_end().ends_with('&') && !command.trim_end().ends_with("&&")
    {
        return None;
    }
    let top: Vec<_> = script
        .commands
        .iter()
        .filter(|c| c.wrapped_by.is_none() && c.nesting != Nesting::Substitution)
        .collect();
    if top.is_empty()
        || top.iter().any(|c| c.nesting != Nesting::TopLevel)
        || top.iter().skip(1).any(|c| c.connector != Connector::And)
    {
        return None;
    }
    let last = top.last()?;
    let name = last.name.as_ref()?;
    if !last.assignments.is_empty() || name.text == "exec" {
        return None;
    }
    let at = name.span.start as usize;
    Some(format!("{}exec {}", &command[..at], &command[at..]))
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
    fn exec_goes_before_the_last_command_of_an_and_chain() {
        assert_eq!(insert_exec("node $APP").as_deref(), Some("exec node $APP"));
        assert_eq!(
            insert_exec("./migrate.sh && gunicorn -b :$PORT app").as_deref(),
            Some("./migrate.sh && exec gunicorn -b :$PORT app")
        );
        assert_eq!(
            insert_exec("cd /srv && sudo -u app node \"$X\"").as_deref(),
            Some("cd /srv && exec sudo -u app node \"$X\"")
        );
        for no in [
            "a || b",
            "a; b",
            "a | b",
            "a && b &",
            "FOO=1 node x",
            "if a; then b; fi",
            "(a && b)",
            "a && exec b",
        ] {
            assert_eq!(insert_exec(no), None, "{no}");
        }
    }

    #[test]
    fn json_array_escapes() {
        assert_eq!(json_array(["a", "b c"]), r#"["a", "b c"]"#);
    }
}
