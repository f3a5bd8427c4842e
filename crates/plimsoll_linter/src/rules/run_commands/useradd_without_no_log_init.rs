use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};
use crate::shell::{ShellCommand, ShellWord};

use super::support::{is_verbatim, runs, variable_for};

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a user id of six digits or more (`-u 100000`)
    /// and without `-l` / `--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` writes the new user's record into `/var/log/lastlog` and
    /// `/var/log/faillog` at an offset proportional to the user id. On disk
    /// these are sparse files, but an image layer stores them in full: a
    /// large id can add gigabytes to the image. `-l` skips those logs, which
    /// a container never reads.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 123456 app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd --no-log-init -u 123456 app
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds `--no-log-init` after `useradd`; the user is
    /// created the same way, only without lastlog and faillog entries.
    ///
    /// ## Differences from hadolint
    /// hadolint DL3046 measures the text after `-u`, so `-u $UID` and
    /// `-u ${USER_ID}` count as long ids whatever they hold. plimsoll uses
    /// the value of an `ARG` or `ENV` default of that name when there is one,
    /// and otherwise does not guess.
    ///
    /// ## References
    /// hadolint DL3046.
    pub struct UseraddWithoutNoLogInit {
        name: "useradd-without-no-log-init",
        code: "PL308",
        aliases: ["DL3046"],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "useradd with a high UID and without -l writes huge lastlog/faillog files into the layer",
    }
}

impl Rule for UseraddWithoutNoLogInit {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for run in runs(model) {
            for command in &run.script.commands {
                if command.program() != Some("useradd")
                    || command.has_flag(Some('l'), Some("no-log-init"))
                {
                    continue;
                }
                let Some((word, uid)) = uid_of(command) else {
                    continue;
                };
                let value = if word.is_static {
                    Some(uid)
                } else {
                    variable_name(&uid).and_then(|name| variable_for(model, &run, command, name))
                };
                let Some(value) = value else { continue };
                if value.len() <= 5 || !value.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let Some(name) = &command.name else { continue };
                let fix = (!run.is_exec_form() && is_verbatim(checker.source, name)).then(|| {
                    Fix::safe(
                        "Add `--no-log-init`",
                        vec![Edit::insert(name.span.end, " --no-log-init")],
                    )
                });
                let diagnostic = checker
                    .report(
                        word.span,
                        format!(
                            "user id {value} without `--no-log-init`: lastlog and faillog grow with the id and are stored in full in the layer"
                        ),
                    )
                    .help("add `-l` (`--no-log-init`) to useradd");
                if let Some(fix) = fix {
                    diagnostic.fix(fix);
                }
            }
        }
    }
}

/// The word holding the user id and its value (`-u 1000`, `-u1000`, `--uid=1000`).
fn uid_of(command: &ShellCommand) -> Option<(&ShellWord, String)> {
    let mut args = command.args.iter();
    while let Some(arg) = args.next() {
        let t = arg.text.as_str();
        if t == "-u" || t == "--uid" {
            let value = args.next()?;
            return Some((value, value.text.clone()));
        }
        if let Some(value) = t.strip_prefix("--uid=") {
            return Some((arg, value.to_string()));
        }
        if let Some(value) = t
            .strip_prefix("-u")
            .filter(|v| !v.is_empty() && !t.starts_with("--"))
        {
            return Some((arg, value.to_string()));
        }
    }
    None
}

/// `$UID` or `${UID}` → `UID`.
fn variable_name(text: &str) -> Option<&str> {
    let name = text
        .trim_matches('"')
        .strip_prefix('$')?
        .trim_start_matches('{')
        .trim_end_matches('}');
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}
