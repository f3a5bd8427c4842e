use plimsoll_context::BuildContext;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::sources::{context_sources, ignored_match, ContextSource};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` source that names a file or directory the
    /// build context does not have.
    ///
    /// Only sources from the build context are checked: `--from` stages and
    /// images, URLs, git addresses and heredocs are not. A source with a
    /// variable is checked when every variable has a known value (an `ENV`,
    /// or an `ARG` default: the message then says so, since `--build-arg` can
    /// change it); otherwise it is skipped. A wildcard source that matches
    /// nothing is not reported: BuildKit allows an empty wildcard, and
    /// `COPY package.json yarn.lock* ./` relies on it to copy optional files.
    ///
    /// `COPY --parents` is read as BuildKit reads it: a source without
    /// wildcards must exist (`./scripts/./entry.sh` needs
    /// `scripts/entry.sh`), and so must the directory before a `/./` pivot
    /// when it has no wildcards (`./src/./*.go` needs `src`, even though the
    /// `*.go` below it may match nothing).
    ///
    /// A source excluded by `.dockerignore` is left to `copy-ignored-file`.
    /// When the context walk was cut short by its limits, nothing is
    /// reported: a missing entry could be in the part not listed.
    ///
    /// ## Why is this bad?
    /// The build fails at that step (`"/app.py": not found`), after every
    /// step before it has run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY requirements.txt app.py ./
    /// ```
    /// with a context that has `requirements.txt` but no `app.py`.
    ///
    /// ## Use instead
    /// Copy what is there, or fix the name (sources are case-sensitive).
    ///
    /// ## Which context?
    /// `plimsoll check` assumes the Dockerfile's folder unless `--context DIR`
    /// says otherwise. When none of the sources the Dockerfile names exist in
    /// the assumed folder, the build most likely uses another context: a
    /// warning says so and the context checks are skipped, instead of one
    /// error per source.
    pub struct CopyMissingSource {
        name: "copy-missing-source",
        code: "PL600",
        aliases: [],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "COPY/ADD source not found in the build context: the build would fail",
    }
}

impl Rule for CopyMissingSource {
    fn check(&self, checker: &mut Checker<'_>) {
        let Some(context) = checker.context else {
            return;
        };
        if !context.is_complete() {
            return;
        }
        let mut missing: Vec<(ContextSource<'_>, String)> = Vec::new();
        for source in context_sources(checker.model) {
            let Some(required) = source.required_path() else {
                continue;
            };
            // A pattern BuildKit rejects is another problem.
            if source.resolve(&context.listing).is_none() || context.entry(&required).is_some() {
                continue;
            }
            if ignored_match(&source, context).is_none() {
                missing.push((source, required));
            }
        }
        for (source, path) in missing {
            let what = if path == source.clean_path() {
                format!("`{path}`")
            } else {
                format!(
                    "`{path}`, the directory `{}` copies from,",
                    source.arg.value
                )
            };
            let message = format!(
                "{what} is not in the build context{}: the build would fail at this step",
                source.defaults_note()
            );
            let hint = similar_entry(context, &path);
            let diagnostic = checker.report(source.arg.span, message);
            if let Some(hint) = hint {
                diagnostic.help(format!("did you mean `{hint}`?"));
            }
        }
    }
}

/// A listed path that differs only in case, or else a file of the same name
/// elsewhere in the context.
fn similar_entry(context: &BuildContext, path: &str) -> Option<String> {
    let entries = &context.listing.entries;
    if let Some(e) = entries.iter().find(|e| e.path.eq_ignore_ascii_case(path)) {
        return Some(e.path.clone());
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    entries
        .iter()
        .find(|e| e.path.rsplit('/').next() == Some(name))
        .map(|e| e.path.clone())
}
