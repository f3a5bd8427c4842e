use plimsoll_syntax::Keyword;

use super::exec_form::{exec_form_fix, reported_shell_form, shell_invocation};
use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `ENTRYPOINT` written in shell form (`ENTRYPOINT gunicorn app:app`)
    /// instead of exec form (`ENTRYPOINT ["gunicorn", "app:app"]`).
    ///
    /// ## Why is this bad?
    /// Shell form runs the command as `/bin/sh -c "..."`, so PID 1 in the
    /// container is the shell, not your program. `docker stop` sends SIGTERM to
    /// the shell, which does not pass it on: the app never shuts down cleanly
    /// and is killed after the timeout. Shell form also ignores `CMD` and any
    /// arguments given to `docker run`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENTRYPOINT gunicorn -b 0.0.0.0:8000 app:app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENTRYPOINT ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// When the command is plain words, the rewrite to JSON is safe. When it
    /// needs the shell (variables, quotes) and is a single command or an `&&`
    /// chain, the fix wraps it as `["/bin/sh", "-c", "... exec last"]`, with
    /// `exec` before the last command so that the program becomes PID 1 and
    /// receives signals. That changes behaviour (signals now reach the
    /// program; a `CMD` is now passed to `sh` as `$0 ...` instead of being
    /// ignored), so it is unsafe. Lists with `;`, `||`, pipes, compound
    /// commands and commands prefixed by variable assignments get no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint DL3025 and BuildKit's JSONArgsRecommended report the same
    /// problem; plimsoll splits it into this rule and `exec-form-cmd`, and
    /// (like BuildKit) stays quiet in a stage that set `SHELL`. hadolint also
    /// flags shell-form `HEALTHCHECK CMD`; that runs as a separate process,
    /// signals don't matter there, so plimsoll does not.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#entrypoint>
    pub struct ExecFormEntrypoint {
        name: "exec-form-entrypoint",
        code: "PL003",
        aliases: ["DL3025", "JSONArgsRecommended"],
        category: Runtime,
        severity: Warning,
        fix: Sometimes,
        summary: "ENTRYPOINT in shell form: the app is not PID 1 and never receives SIGTERM",
    }
}

impl Rule for ExecFormEntrypoint {
    fn check(&self, checker: &mut Checker<'_>) {
        for (index, instruction) in checker.file.instructions.iter().enumerate() {
            if instruction.keyword != Keyword::Entrypoint {
                continue;
            }
            let Some(arg) = reported_shell_form(checker, index, instruction) else {
                continue;
            };
            let fix = exec_form_fix(checker, index, arg);
            let shell = shell_invocation(checker, index);
            let diagnostic = checker.report(
                arg.span,
                format!(
                    "ENTRYPOINT in shell form runs under `{shell}`: the shell is PID 1, so the program \
                     never receives SIGTERM, and CMD and `docker run` arguments are ignored"
                ),
            );
            diagnostic.help("use exec form: ENTRYPOINT [\"executable\", \"arg\", ...]");
            if let Some(fix) = fix {
                diagnostic.fix(fix);
            }
        }
    }
}
