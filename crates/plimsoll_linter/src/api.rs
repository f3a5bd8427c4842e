//! The small, stable API for programs that embed plimsoll: editors, build
//! tools, bots. Everything here takes a source string and returns data; it
//! never reads files, prints or exits.
//!
//! | to | call |
//! |---|---|
//! | lint a string | [`lint_source`] → [`LintOutput`] (diagnostics with byte spans and fixes) |
//! | apply one fix | [`apply_fix`] |
//! | apply every fix, until nothing changes | [`fix_all`] → [`FixOutcome`] |
//! | parse to the AST | [`parse`] → [`Dockerfile`] |
//! | list rules and their metadata | [`rules`], [`find_rule`] → [`RuleMeta`] |
//! | turn byte offsets into lines and columns | [`LineIndex`] (UTF-8 characters or UTF-16 units) |
//!
//! A fix is byte edits of the linted text ([`Fix::edits`]); the fixes of the
//! build-context rules instead change another file ([`Fix::file_changes`]:
//! lines for the build's `.dockerignore`). [`apply_fix`] and [`fix_all`]
//! apply only edits; a caller that may write files applies a
//! [`FileChange::AppendLines`] itself, for example with
//! [`crate::fix::append_lines`]:
//!
//! ```
//! use plimsoll_linter::context::{BuildContext, ContextEntry, ContextListing, ContextOrigin, EntryKind};
//! use plimsoll_linter::api::parse;
//! use plimsoll_linter::{lint_with_context, FileChange, Settings};
//!
//! let entry = |path: &str, kind| ContextEntry { path: path.into(), kind, size: 10 };
//! let listing = ContextListing {
//!     entries: vec![
//!         entry("app.js", EntryKind::File),
//!         entry("node_modules", EntryKind::Dir),
//!         entry("node_modules/left-pad.js", EntryKind::File),
//!     ],
//!     ..ContextListing::default()
//! };
//! let context = BuildContext::from_listing("app".into(), ContextOrigin::Explicit, listing, None);
//! let source = "FROM node:22-slim\nCOPY . /app\n";
//! let settings = Settings { select: Some(vec!["context-bloat".into()]), ..Settings::default() };
//! let output = lint_with_context(source, &parse(source), &settings.resolve(), &settings.options, Some(&context));
//! let fix = output.diagnostics[0].fix.as_ref().unwrap();
//! assert!(fix.edits.is_empty());
//! let FileChange::AppendLines { path, lines, comment } = &fix.file_changes[0];
//! assert_eq!(path, &std::path::Path::new("app").join(".dockerignore"));
//! assert_eq!(
//!     plimsoll_linter::fix::append_lines(Some("*.log\n"), lines, comment.as_deref()).unwrap(),
//!     "*.log\n# added by plimsoll (context-bloat)\nnode_modules\n"
//! );
//! ```
//!
//! Settings come from [`Settings`] (built by hand, or loaded from a config file
//! with [`crate::config::load`] / [`crate::config::discover`]).
//!
//! ```
//! use plimsoll_linter::{lint_source, Settings};
//!
//! let source = "FROM alpine:3.20\nMAINTAINER Jane <jane@example.org>\n";
//! let output = lint_source(source, &Settings::default());
//! let found = output
//!     .diagnostics
//!     .iter()
//!     .find(|d| d.rule.name == "maintainer-deprecated")
//!     .unwrap();
//! assert!(found.span.text(source).starts_with("MAINTAINER"));
//! assert!(found.fix.is_some());
//! ```

pub use plimsoll_syntax::{parse, Dockerfile, LineColumn, LineIndex, Span};

#[cfg(doc)]
use crate::diagnostic::FileChange;
use crate::diagnostic::{Edit, Fix};
use crate::fix::{apply_edits, fix_source, FixOutcome};
use crate::lint::{lint, LintOutput, LintWarning};
use crate::registry;
use crate::rule::RuleMeta;
use crate::settings::Settings;

/// Lint `source` with `settings`: diagnostics sorted by position, each with
/// its rule, severity, byte span, message, help and (where the rule has one)
/// a fix; plus warnings about the setup itself (a suppression comment or a
/// selector naming no rule; selector warnings have an empty span at 0).
///
/// ```
/// use plimsoll_linter::{lint_source, Settings, Severity};
///
/// let settings = Settings {
///     select: Some(vec!["exec-form-cmd".into()]),
///     ..Settings::default()
/// };
/// let output = lint_source("FROM alpine:3.20\nCMD node server.js\n", &settings);
/// assert_eq!(output.diagnostics.len(), 1);
/// let diagnostic = &output.diagnostics[0];
/// assert_eq!(diagnostic.rule.name, "exec-form-cmd");
/// assert_eq!(diagnostic.span.text("FROM alpine:3.20\nCMD node server.js\n"), "node server.js");
/// assert!(diagnostic.severity >= Severity::Info);
/// assert!(diagnostic.fix.is_some());
/// ```
pub fn lint_source(source: &str, settings: &Settings) -> LintOutput {
    let rules = settings.resolve();
    let file = parse(source);
    let mut output = lint(source, &file, &rules, &settings.options);
    output
        .warnings
        .extend(rules.unknown_selectors.iter().map(|selector| LintWarning {
            span: Span::default(),
            message: format!("unknown rule or category `{selector}`"),
        }));
    output
}

/// `source` with one fix applied. The fix must come from linting this very
/// text: its edits are byte spans into it. Changes to other files
/// ([`Fix::file_changes`]) are not applied: they are the caller's to write.
///
/// ```
/// use plimsoll_linter::{apply_fix, lint_source, Settings};
///
/// let source = "FROM alpine:3.20\nCMD node server.js\n";
/// let output = lint_source(source, &Settings::default());
/// let cmd = output.diagnostics.iter().find(|d| d.rule.name == "exec-form-cmd");
/// let fix = cmd.and_then(|d| d.fix.as_ref()).unwrap();
/// assert_eq!(
///     apply_fix(source, fix),
///     "FROM alpine:3.20\nCMD [\"node\", \"server.js\"]\n"
/// );
/// ```
pub fn apply_fix(source: &str, fix: &Fix) -> String {
    apply_edits(source, &fix.edits.iter().collect::<Vec<&Edit>>())
}

/// Apply every safe fix (and the unsafe ones when `unsafe_fixes`), re-linting
/// after each pass, until nothing changes. A fix that would make the file
/// unparsable for BuildKit is left out, and so is a fix that changes another
/// file (`.dockerignore`): see [`Fix::file_changes`].
///
/// ```
/// use plimsoll_linter::{fix_all, Settings};
///
/// let source = "FROM alpine:3.20\nENV A 1\nUSER app\n";
/// let outcome = fix_all(source, &Settings::default(), false);
/// assert_eq!(outcome.source, "FROM alpine:3.20\nENV A=1\nUSER app\n");
/// assert_eq!(outcome.applied[0].rule, "legacy-key-value-format");
/// ```
pub fn fix_all(source: &str, settings: &Settings, unsafe_fixes: bool) -> FixOutcome {
    fix_source(source, &settings.resolve(), &settings.options, unsafe_fixes)
}

/// Every rule, in code order, with its metadata and documentation.
///
/// ```
/// let names: Vec<&str> = plimsoll_linter::rules().map(|rule| rule.name).collect();
/// assert!(names.contains(&"exec-form-entrypoint"));
/// ```
pub fn rules() -> impl Iterator<Item = &'static RuleMeta> {
    registry::all().iter().map(|rule| rule.meta())
}

/// The rule with this name, code or alias (hadolint `DLxxxx`, BuildKit check
/// name), case-insensitive.
///
/// ```
/// let rule = plimsoll_linter::find_rule("DL3025").unwrap();
/// assert!(rule.markdown().starts_with("# exec-form-"));
/// ```
pub fn find_rule(selector: &str) -> Option<&'static RuleMeta> {
    registry::find(selector).map(|rule| rule.meta())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_selectors_become_warnings() {
        let settings = Settings {
            ignore: vec!["no-such-rule".into()],
            ..Settings::default()
        };
        let output = lint_source("FROM alpine:3.20\n", &settings);
        assert_eq!(
            output.warnings[0].message,
            "unknown rule or category `no-such-rule`"
        );
    }

    #[test]
    fn broken_input_gives_diagnostics_not_panics() {
        for source in [
            "",
            "\u{feff}",
            "FROM",
            "RUN <<EOF\n",
            "\\\n\\\n",
            "FROM a\nCOPY --chown",
        ] {
            let output = lint_source(source, &Settings::default());
            for d in &output.diagnostics {
                assert!(d.span.end as usize <= source.len());
            }
        }
    }
}
