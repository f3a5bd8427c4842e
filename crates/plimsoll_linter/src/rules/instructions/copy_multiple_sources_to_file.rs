use plimsoll_syntax::shell_lex::variable_references;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

use super::support::{unquote, with_triggers};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` or `ADD` with several sources whose destination does not
    /// end in `/`.
    ///
    /// ## Why is this bad?
    /// Several sources can only go into a directory. Without the trailing
    /// slash the destination reads as a file name: the classic builder refuses
    /// the build, and when the directory does not exist yet the files may end up
    /// overwriting each other under that name.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds the `/` (inside the quotes, if any). A destination
    /// for several sources must be a directory, so saying so changes nothing
    /// in a build that worked. Windows destinations with `\` get no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint checks only COPY, and flags `.` (the working directory, which
    /// BuildKit always treats as a directory) and destinations that end in a
    /// variable, whose value may end in `/`. plimsoll checks ADD too, and
    /// accepts `.`, `..` and a trailing variable.
    ///
    /// ## References
    /// hadolint DL3021.
    pub struct CopyMultipleSourcesToFile {
        name: "copy-multiple-sources-to-file",
        code: "PL405",
        aliases: ["DL3021"],
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        summary: "COPY with several sources needs a destination ending in /",
    }
}

impl Rule for CopyMultipleSourcesToFile {
    fn check(&self, checker: &mut Checker<'_>) {
        let escape = checker.file.escape;
        let source = checker.source;
        for (_, instruction, _) in with_triggers(&checker.file.instructions) {
            let Some(view) = instruction.as_copy() else {
                continue;
            };
            let Some(dest) = view.destination else {
                continue;
            };
            if view.sources.len() < 2 {
                continue;
            }
            let path = unquote(&dest.value, escape);
            if path.ends_with('/') || path.ends_with('\\') || matches!(path.as_str(), "." | "..") {
                continue;
            }
            // `$DIR` or `${DIR}` at the end: its value may end in `/`.
            let ends_with_variable = variable_references(&path, escape)
                .ok()
                .and_then(|refs| refs.last().map(|r| r.end as usize == path.len()))
                .unwrap_or(false);
            if ends_with_variable {
                continue;
            }
            let diagnostic = checker
                .report(
                    dest.span,
                    format!(
                        "{} sources are copied to `{path}`, which does not end in `/`: several sources need a directory",
                        view.sources.len()
                    ),
                )
                .help(format!("end the destination with a slash: `{path}/`"));
            if !path.contains('\\') && !dest.value.contains('\\') {
                let written = dest.span.text(source);
                let closing_quote = written.len() >= 2
                    && (written.ends_with('"') || written.ends_with('\''))
                    && written.starts_with(&written[written.len() - 1..]);
                let at = if closing_quote {
                    dest.span.end - 1
                } else {
                    dest.span.end
                };
                // Only where the slash really ends the unquoted path: in
                // `""az/"` the last quote opens a new, unterminated string.
                let offset = (at - dest.span.start) as usize;
                let rewritten = format!("{}/{}", &written[..offset], &written[offset..]);
                if unquote(&rewritten, escape) == format!("{path}/") {
                    diagnostic.fix(Fix::safe(
                        "Add a trailing / to the destination",
                        vec![Edit::insert(at, "/")],
                    ));
                }
            }
        }
    }
}
