//! What a rule sees while it runs, and where it reports.

use plimsoll_context::BuildContext;
use plimsoll_syntax::{Dockerfile, Span};

use crate::diagnostic::Diagnostic;
use crate::rule::RuleMeta;
use crate::semantic::SemanticModel;
use crate::settings::RuleOptions;

pub struct Checker<'a> {
    pub source: &'a str,
    pub file: &'a Dockerfile,
    pub model: &'a SemanticModel<'a>,
    pub options: &'a RuleOptions,
    /// The build context, when the caller walked one (`None`: context rules
    /// stay silent). A snapshot: rules never read the disk.
    pub context: Option<&'a BuildContext>,
    rule: &'static RuleMeta,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(model: &'a SemanticModel<'a>, options: &'a RuleOptions) -> Self {
        Checker {
            source: model.source,
            file: model.file,
            model,
            options,
            context: None,
            rule: &crate::rules::ExecFormEntrypoint::META,
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn set_rule(&mut self, rule: &'static RuleMeta) {
        self.rule = rule;
    }

    /// Report a finding of the running rule; chain `.help(..)` and `.fix(..)`.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(self.rule, span, message));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// The source text of `span`.
    pub fn text(&self, span: Span) -> &'a str {
        span.text(self.source)
    }
}
