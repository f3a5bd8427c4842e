use plimsoll_syntax::Span;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::shell::{Nesting, ShellCommand, ShellScript};

use super::sources::entrypoint_script;

declare_rule! {
    /// ## What it does
    /// Follows the image's `ENTRYPOINT` (or `CMD`, when there is no
    /// `ENTRYPOINT`) to a shell script from the build context, through the
    /// `COPY` that put it in the image, and flags the script when its last
    /// command starts the long-running process without `exec`. The message
    /// names the script's line.
    ///
    /// Scripts that set a `trap` are left alone (they handle signals
    /// themselves), and so are scripts that end in a command that does not
    /// keep running (`exit`, `echo`, `wait`, ...). A script is one with a
    /// `#!` line naming a POSIX shell, or a `.sh` file without one.
    ///
    /// ## Why is this bad?
    /// Without `exec`, the shell stays PID 1 and the process is its child.
    /// `docker stop` sends SIGTERM to PID 1; the shell does not pass it on,
    /// so the process never shuts down cleanly and is killed after the
    /// timeout (10 s by default), losing in-flight work.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY docker-entrypoint.sh /usr/local/bin/
    /// ENTRYPOINT ["docker-entrypoint.sh"]
    /// CMD ["node", "server.js"]
    /// ```
    /// with a script ending in `"$@"` or `node server.js`.
    ///
    /// ## Use instead
    /// End the script with `exec "$@"` (or `exec node server.js`): the
    /// process replaces the shell and receives signals.
    ///
    /// ## Why no automatic fix
    /// The edit belongs in the script, not the Dockerfile.
    pub struct EntrypointScriptExec {
        name: "entrypoint-script-exec",
        code: "PL604",
        aliases: [],
        category: Runtime,
        severity: Warning,
        fix: None,
        summary: "entrypoint script starts its process without exec: signals never reach it",
    }
}

/// Commands that end a script without leaving a process running.
const NOT_LONG_RUNNING: &[&str] = &[
    "exit", "return", "true", "false", ":", "echo", "printf", "set", "export", "unset", "cd",
    "shift", "source", ".", "wait", "test", "[", "[[", "exec", "umask", "ulimit",
];

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

/// A POSIX shell script: a `#!` line naming a shell (`/usr/bin/env bash`
/// too), or no `#!` line and a `.sh` name.
fn is_shell_script(path: &str, text: &str) -> bool {
    let Some(shebang) = text.strip_prefix("#!") else {
        return path.ends_with(".sh");
    };
    let line = shebang.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let Some(interpreter) = words.next() else {
        return false;
    };
    let base = interpreter.rsplit('/').next().unwrap_or(interpreter);
    let base = if base == "env" {
        words.find(|w| !w.starts_with('-')).unwrap_or("")
    } else {
        base
    };
    SHELLS.contains(&base)
}

/// The command the script ends with: the last one that runs in the script's
/// own shell (not in a function body or a substitution), wrappers included.
fn last_command(script: &ShellScript) -> Option<&ShellCommand> {
    script
        .commands
        .iter()
        .filter(|c| !matches!(c.nesting, Nesting::Function | Nesting::Substitution))
        .filter(|c| c.wrapped_by.is_none())
        .max_by_key(|c| c.span.start)
}

fn line_of(text: &str, offset: u32) -> usize {
    text[..(offset as usize).min(text.len())]
        .matches('\n')
        .count()
        + 1
}

impl Rule for EntrypointScriptExec {
    fn check(&self, checker: &mut Checker<'_>) {
        let Some(context) = checker.context else {
            return;
        };
        let Some(script) = entrypoint_script(checker.model, context) else {
            return;
        };
        let Some(text) = context.text(&script.context_path) else {
            return;
        };
        if !is_shell_script(&script.context_path, text) {
            return;
        }
        let parsed = ShellScript::parse_text(text, &|s, e| Span::new(s, e));
        if parsed.commands.iter().any(|c| c.program() == Some("trap")) {
            return;
        }
        let Some(last) = last_command(&parsed) else {
            return;
        };
        let name = last.name.as_ref().map_or("", |n| n.text.as_str());
        let runs_cmd = name.contains("$@") || name.contains("$*");
        if !runs_cmd
            && last
                .program()
                .is_some_and(|p| NOT_LONG_RUNNING.contains(&p))
        {
            return;
        }
        if last.name.is_none() {
            return;
        }
        let written = last.span.text(text).trim();
        let line = line_of(text, last.span.start);
        let what = if runs_cmd {
            format!("runs the CMD (`{written}`)")
        } else {
            format!("runs `{written}`")
        };
        let message = format!(
            "`{}` (copied to `{}` by line {}) {what} on its line {line} without `exec`: the \
             shell stays PID 1 and SIGTERM from `docker stop` never reaches the process",
            script.context_path, script.image_path, script.copy.start_line
        );
        checker.report(script.word.span, message).help(format!(
            "write `exec {written}` at {}:{line}, so the process replaces the shell",
            script.context_path
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last(text: &str) -> Option<String> {
        let parsed = ShellScript::parse_text(text, &|s, e| Span::new(s, e));
        last_command(&parsed).map(|c| c.span.text(text).to_owned())
    }

    #[test]
    fn the_last_command_is_found_through_compound_statements() {
        assert_eq!(
            last("#!/bin/sh\nset -e\nif [ -n \"$X\" ]; then\n  echo hi\nfi\nnode server.js\n"),
            Some("node server.js".into())
        );
        assert_eq!(
            last("#!/bin/sh\ncase \"$1\" in\n  web) exec gunicorn app ;;\n  *) exec \"$@\" ;;\nesac\n"),
            Some("exec \"$@\"".into())
        );
        assert_eq!(
            last("#!/bin/sh\nstart() {\n  node a\n}\nexec gosu app \"$@\"\n"),
            Some("exec gosu app \"$@\"".into())
        );
    }

    #[test]
    fn shell_scripts_are_told_by_shebang_or_name() {
        assert!(is_shell_script("x", "#!/bin/sh\n"));
        assert!(is_shell_script("x", "#!/usr/bin/env bash\n"));
        assert!(is_shell_script("start.sh", "echo\n"));
        assert!(!is_shell_script("start.sh", "#!/usr/bin/env python3\n"));
        assert!(!is_shell_script("start", "echo\n"));
    }
}
