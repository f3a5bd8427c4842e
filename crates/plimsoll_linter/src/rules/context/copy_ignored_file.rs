use plimsoll_context::BuildContext;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::sources::{context_sources, ignored_match};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` source that the build context's ignore file
    /// (`.dockerignore`, or `<name>.Dockerfile.dockerignore` beside the
    /// Dockerfile) excludes, so the builder never receives it.
    ///
    /// ## Why is this bad?
    /// The file is not sent, so the step fails with "not found", or a
    /// wildcard quietly copies nothing. Either the ignore pattern is too
    /// broad or the `COPY` is stale.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .dockerignore: *.md
    /// FROM nginx:1.27
    /// COPY README.md /usr/share/nginx/html/
    /// ```
    ///
    /// ## Use instead
    /// Narrow the ignore pattern, add an exception (`!README.md`), or drop
    /// the `COPY`.
    ///
    /// ## Differences from BuildKit
    /// BuildKit's `CopyIgnoredFile` matches the source text against the
    /// patterns and gives up when the ignore file has any `!` exception. We
    /// evaluate exceptions exactly as Docker does, so a directory that an
    /// exception re-includes in part is not reported, and a wildcard source
    /// is reported only when it matches excluded entries and nothing that is
    /// sent (`COPY *.py` with `test_*.py` ignored is fine). For `COPY . .` we
    /// report only when the ignore file leaves nothing at all to send, where
    /// BuildKit looks for a `*`, `**` or `**/*` pattern.
    ///
    /// ## References
    /// BuildKit check `CopyIgnoredFile`.
    pub struct CopyIgnoredFile {
        name: "copy-ignored-file",
        code: "PL601",
        aliases: ["CopyIgnoredFile"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "COPY/ADD source excluded by .dockerignore",
    }
}

impl Rule for CopyIgnoredFile {
    fn check(&self, checker: &mut Checker<'_>) {
        let Some(context) = checker.context else {
            return;
        };
        let Some(ignore) = &context.ignore else {
            return;
        };
        let file_name = ignore_file_name(context);
        for source in context_sources(checker.model) {
            let verb = source.instruction.keyword.as_str();
            if source.is_whole_context() {
                if context.is_complete() && context.listing.entries.is_empty() {
                    let pattern = ignore.rules.patterns().iter().find(|p| !p.is_exception());
                    let line = pattern.map_or(String::new(), |p| {
                        format!(" (line {}: `{}`)", p.line(), p.source())
                    });
                    checker.report(
                        source.arg.span,
                        format!("`{file_name}` excludes the whole build context{line}: {verb} `{}` copies nothing", source.arg.value),
                    );
                }
                continue;
            }
            let Some(path) = ignored_match(&source, context) else {
                continue;
            };
            let reason = ignore
                .rules
                .excluded_by(&path)
                .map(|p| format!(" (line {}: `{}`)", p.line(), p.source()))
                .unwrap_or_default();
            let inside = source.clean_path().starts_with(&format!("{path}/"));
            let message = if source.has_wildcards() && inside {
                format!(
                    "`{}` is inside `{path}`, which `{file_name}` excludes{reason}: {verb} copies nothing",
                    source.arg.value
                )
            } else if source.has_wildcards() {
                format!(
                    "`{}` matches only files that `{file_name}` excludes, such as `{path}`{reason}: {verb} copies nothing",
                    source.arg.value
                )
            } else {
                format!(
                    "`{path}` is excluded by `{file_name}`{reason}: the builder never receives it, so {verb} fails{}",
                    source.defaults_note()
                )
            };
            checker.report(source.arg.span, message).help(format!(
                "narrow the pattern or add an exception `!{}` to `{file_name}`, or drop the source",
                source.clean_path()
            ));
        }
    }
}

/// `.dockerignore`, or `api.Dockerfile.dockerignore`.
pub(super) fn ignore_file_name(context: &BuildContext) -> String {
    context
        .ignore
        .as_ref()
        .and_then(|i| i.file.path.file_name())
        .map_or_else(
            || ".dockerignore".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        )
}
