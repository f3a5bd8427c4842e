use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::Keyword;

use super::exec_form::{exec_form_fix, reported_shell_form, shell_invocation};
use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::Stage;

declare_rule! {
    /// ## What it does
    /// Flags a `CMD` written in shell form (`CMD npm start`) instead of exec
    /// form (`CMD ["npm", "start"]`).
    ///
    /// ## Why is this bad?
    /// Without an ENTRYPOINT, a shell-form CMD runs as `/bin/sh -c "..."`: the
    /// shell is PID 1 and SIGTERM from `docker stop` never reaches the app.
    /// With an exec-form ENTRYPOINT it is worse: the CMD becomes the
    /// arguments `/bin/sh -c "npm start"` of the entrypoint, which is almost
    /// never what was meant.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// CMD node server.js
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-alpine
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Plain words are rewritten to JSON safely. A single command or an `&&`
    /// chain that needs the shell is wrapped as
    /// `["/bin/sh", "-c", "... exec last"]` (unsafe: `exec` makes the last
    /// program PID 1, which changes how signals are handled). After an
    /// exec-form ENTRYPOINT every rewrite is unsafe, since it changes the
    /// arguments the entrypoint receives. Lists with `;`, `||`, pipes,
    /// compound commands and commands prefixed by variable assignments get no
    /// fix.
    ///
    /// ## Differences from hadolint
    /// Same concern as hadolint DL3025 and BuildKit JSONArgsRecommended (both
    /// aliases reach this rule and `exec-form-entrypoint`). Like BuildKit,
    /// plimsoll stays quiet in a stage that set `SHELL`.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#cmd>
    pub struct ExecFormCmd {
        name: "exec-form-cmd",
        code: "PL004",
        aliases: ["DL3025", "JSONArgsRecommended"],
        category: Runtime,
        severity: Warning,
        fix: Sometimes,
        summary: "CMD in shell form: the app is not PID 1 (or, after an exec ENTRYPOINT, gets `/bin/sh -c` as arguments)",
    }
}

impl Rule for ExecFormCmd {
    fn check(&self, checker: &mut Checker<'_>) {
        // Each stage's exec-form ENTRYPOINT, found once (not once per CMD).
        let entrypoints: Vec<Option<String>> = checker
            .model
            .stages
            .iter()
            .map(|stage| exec_entrypoint_of_stage(checker, stage))
            .collect();
        for (index, instruction) in checker.file.instructions.iter().enumerate() {
            if instruction.keyword != Keyword::Cmd {
                continue;
            }
            let Some(arg) = reported_shell_form(checker, index, instruction) else {
                continue;
            };
            let shell = shell_invocation(checker, index);
            let entrypoint = checker.model.states[index]
                .stage
                .and_then(|stage| entrypoints[stage].clone());
            let message = match &entrypoint {
                Some(entrypoint) => format!(
                    "shell-form CMD after an exec-form ENTRYPOINT: `{entrypoint}` receives \
                     `{shell} \"{}\"` as its arguments",
                    arg.value
                ),
                None => format!(
                    "CMD in shell form runs under `{shell}`: the shell is PID 1 and the \
                     program never receives SIGTERM"
                ),
            };
            let mut fix = exec_form_fix(checker, index, arg);
            if entrypoint.is_some() {
                // The rewrite changes which arguments the entrypoint receives: the intended
                // behaviour, but a behaviour change all the same.
                if let Some(fix) = fix.as_mut() {
                    fix.applicability = crate::diagnostic::Applicability::Unsafe;
                }
            }
            let diagnostic = checker.report(arg.span, message);
            diagnostic.help("use exec form: CMD [\"executable\", \"arg\", ...]");
            if let Some(fix) = fix {
                diagnostic.fix(fix);
            }
        }
    }
}

/// The executable of the stage's last ENTRYPOINT if it is in exec form (the
/// image config keeps the last one, wherever it is relative to CMD).
fn exec_entrypoint_of_stage(checker: &Checker<'_>, stage: &Stage<'_>) -> Option<String> {
    checker
        .model
        .stage_instructions(stage)
        .filter(|(_, ins)| ins.keyword == Keyword::Entrypoint)
        .last()
        .and_then(|(_, ins)| match ins.command_form() {
            Some(CommandForm::Exec(args)) => args.first().map(|a| a.value.clone()),
            _ => None,
        })
}
