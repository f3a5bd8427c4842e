use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ENV PATH=...` that neither extends the existing `PATH`
    /// (`$PATH`, `${PATH}`) nor lists the system directories `/usr/bin` and
    /// `/bin`.
    ///
    /// ## Why is this bad?
    /// The new value replaces the base image's `PATH` entirely: from the next
    /// instruction on, `sh`, `apt-get` and everything else in `/usr/bin` are
    /// "not found", and so are they for the running container.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV PATH=/opt/venv/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV PATH=/opt/venv/bin:$PATH
    /// ```
    ///
    /// ## Differences from other tools
    /// hadolint has no equivalent rule.
    pub struct PathOverwritten {
        name: "path-overwritten",
        code: "PL009",
        aliases: [],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "ENV PATH replaces the image's PATH instead of extending it",
    }
}

impl Rule for PathOverwritten {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let env = instruction.innermost();
            if env.keyword != Keyword::Env {
                continue;
            }
            for pair in env.key_values() {
                if pair.key.value != "PATH" {
                    continue;
                }
                let written = pair.value.value.as_str();
                // `ENV` values keep their quotes here; the quotes are not part of the PATH.
                let quoted = written.len() >= 2
                    && (written.starts_with('"') && written.ends_with('"')
                        || written.starts_with('\'') && written.ends_with('\''));
                let value = if quoted {
                    &written[1..written.len() - 1]
                } else {
                    written
                };
                let extends = value.contains("$PATH") || value.contains("${PATH");
                let lists_system = value.split(':').any(|d| d == "/usr/bin" || d == "/bin");
                if extends || lists_system {
                    continue;
                }
                checker
                    .report(
                        pair.value.span,
                        format!("`PATH={value}` drops the image's PATH: /usr/bin and /bin are no longer searched"),
                    )
                    .help(format!("extend it instead: `ENV PATH=\"{value}:$PATH\"`"));
            }
        }
    }
}
