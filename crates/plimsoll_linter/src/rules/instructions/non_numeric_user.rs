use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::ShellKind;

use super::support::{has_variable, span_in_arg, unquote};

declare_rule! {
    /// ## What it does
    /// Flags `USER` with a user name instead of a numeric user ID
    /// (`USER app`, `USER app:app`). `USER root` (always ID 0), values that
    /// come from a variable, and Windows stages (no numeric IDs there) are not
    /// flagged.
    ///
    /// ## Why is this bad?
    /// A name means nothing outside the image: Kubernetes' `runAsNonRoot`
    /// cannot verify that `app` is not root and refuses to start the pod, and
    /// volume ownership on the host is by number. `USER 10001:10001` is
    /// unambiguous everywhere.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd --uid 10001 app
    /// USER app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN useradd --uid 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint skips only references to an ARG and flags `USER root` (next
    /// to DL3002). plimsoll skips every value with a variable (an ENV or ARG
    /// value is not known until the build), `root`, and Windows stages.
    ///
    /// ## Why it is off by default
    /// `USER app` after creating `app` is what most guides teach and what
    /// `non-root-user` asks for; flagging it everywhere would bury real
    /// findings. Turn this rule on (`--extend-select non-numeric-user`) when
    /// images run under Kubernetes' `runAsNonRoot`.
    ///
    /// ## References
    /// hadolint DL3066.
    pub struct NonNumericUser {
        name: "non-numeric-user",
        code: "PL413",
        aliases: ["DL3066"],
        category: Security,
        severity: Info,
        fix: None,
        summary: "USER by name rather than numeric ID cannot be checked outside the image",
        default_enabled: false,
    }
}

impl Rule for NonNumericUser {
    fn check(&self, checker: &mut Checker<'_>) {
        let escape = checker.file.escape;
        for (index, instruction) in checker.file.instructions.iter().enumerate() {
            if instruction.keyword != Keyword::User {
                continue;
            }
            let Some(arg) = instruction.args.first() else {
                continue;
            };
            let windows = checker
                .model
                .states
                .get(index)
                .is_some_and(|s| s.stage.is_some() && s.shell != ShellKind::Posix);
            if windows || has_variable(&arg.value, escape) {
                continue;
            }
            let value = unquote(&arg.value, escape);
            let user = value.split(':').next().unwrap_or("");
            if user.is_empty() || user == "root" || user.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let span = if arg.value.starts_with(user) {
                span_in_arg(checker.source, arg, 0, user.len())
            } else {
                arg.span
            };
            checker
                .report(
                    span,
                    format!("`{user}` is a user name: outside the image (Kubernetes runAsNonRoot, host volumes) only a numeric ID means anything"),
                )
                .help(format!("use the numeric ID of `{user}`, e.g. `USER 10001`"));
        }
    }
}
