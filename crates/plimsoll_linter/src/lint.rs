//! The lint pipeline for one file: model → rules → suppressions → sorted diagnostics.

use plimsoll_context::BuildContext;
use plimsoll_syntax::{Dockerfile, Span};

use crate::check_directive::{is_buildkit_check, CheckOptions};
use crate::checker::Checker;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pragma::Suppressions;
use crate::semantic::SemanticModel;
use crate::settings::{ResolvedRules, RuleOptions};

/// Something the user should know that is not a finding (a pragma naming an
/// unknown rule).
#[derive(Debug, Clone)]
pub struct LintWarning {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct LintOutput {
    /// Sorted by position, then rule code.
    pub diagnostics: Vec<Diagnostic>,
    pub warnings: Vec<LintWarning>,
}

/// Run `rules` on a parsed file.
pub fn lint(
    source: &str,
    file: &Dockerfile,
    rules: &ResolvedRules,
    options: &RuleOptions,
) -> LintOutput {
    lint_with_context(source, file, rules, options, None)
}

/// Run `rules` on a parsed file built against `context` (see
/// [`crate::context::prepare`]); without one, the context rules find nothing.
pub fn lint_with_context(
    source: &str,
    file: &Dockerfile,
    rules: &ResolvedRules,
    options: &RuleOptions,
    context: Option<&BuildContext>,
) -> LintOutput {
    let model = SemanticModel::new(source, file);
    let mut checker = Checker::new(&model, options);
    checker.context = context;
    let check_options = CheckOptions::of_file(file);
    let enabled_here = rules
        .experimental
        .iter()
        .filter(|(rule, _)| check_options.enables(rule.meta()));
    for &(rule, _) in rules.rules.iter().chain(enabled_here) {
        checker.set_rule(rule.meta());
        rule.check(&mut checker);
    }
    let mut suppressions = Suppressions::from_file(file);
    if rules.disable_ignore_pragma {
        suppressions = suppressions.without_effect();
    }
    let mut diagnostics: Vec<Diagnostic> = checker
        .into_diagnostics()
        .into_iter()
        .filter(|d| !suppressions.is_suppressed(d.rule, d.span))
        .map(|mut d| {
            if let Some(severity) = rules.severity_of(d.rule) {
                d.severity = severity;
            }
            // `# check=error=true` makes BuildKit fail the build on any check.
            if check_options.error && is_buildkit_check(d.rule) {
                d.severity = Severity::Error;
            }
            if let Some(mode) = rules.fix_mode_of(d.rule) {
                d.fix = d.fix.take().and_then(|fix| mode.apply(fix));
            }
            d
        })
        .collect();
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule.code).cmp(&(b.span.start, b.span.end, b.rule.code))
    });
    LintOutput {
        diagnostics,
        warnings: suppressions
            .warnings
            .into_iter()
            .map(|(span, message)| LintWarning { span, message })
            .collect(),
    }
}
