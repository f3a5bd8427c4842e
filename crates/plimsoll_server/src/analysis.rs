//! One document version, linted: the AST and the findings, and their LSP form.

use std::sync::{Arc, OnceLock};

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticSeverity, NumberOrString, Uri,
};
use plimsoll_linter::{lint, Diagnostic, LintOutput, Severity};
use plimsoll_syntax::{parse, Dockerfile, Span};

use crate::position::{Encoding, LineTable};
use crate::workspace::Profile;

/// Where the rule pages are published (`docs/rules/<name>.md` in the repository).
const RULE_DOCS: &str = "https://github.com/plimsoll-lint/plimsoll/blob/main/docs/rules";

/// A document as it was at one version, with the settings that apply to it.
#[derive(Clone)]
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<String>,
    pub lines: Arc<LineTable>,
    pub profile: Arc<Profile>,
}

pub struct Analysis {
    pub snapshot: Snapshot,
    pub file: Dockerfile,
    pub output: LintOutput,
    /// The text with every fix applied, once someone asked (editors ask for
    /// code actions at every cursor move; the fixing passes run once per version).
    pub fixed: OnceLock<Option<String>>,
}

impl Analysis {
    pub fn new(snapshot: Snapshot) -> Analysis {
        let file = parse(&snapshot.text);
        let profile = &snapshot.profile;
        let output = lint(
            &snapshot.text,
            &file,
            &profile.rules,
            &profile.settings.options,
        );
        Analysis {
            snapshot,
            file,
            output,
            fixed: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.snapshot.text
    }

    pub fn range(&self, span: Span, encoding: Encoding) -> lsp_types::Range {
        self.snapshot.lines.range(span, self.text(), encoding)
    }

    /// Every finding and every warning about a suppression comment, as LSP diagnostics.
    pub fn lsp_diagnostics(&self, encoding: Encoding) -> Vec<LspDiagnostic> {
        let mut out: Vec<LspDiagnostic> = self
            .output
            .diagnostics
            .iter()
            .map(|d| self.lsp_diagnostic(d, encoding))
            .collect();
        out.extend(self.output.warnings.iter().map(|w| LspDiagnostic {
            range: self.range(w.span, encoding),
            severity: Some(DiagnosticSeverity::WARNING),
            source: Some("plimsoll".into()),
            message: w.message.clone(),
            ..LspDiagnostic::default()
        }));
        out
    }

    pub fn lsp_diagnostic(&self, d: &Diagnostic, encoding: Encoding) -> LspDiagnostic {
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        LspDiagnostic {
            range: self.range(d.span, encoding),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
                Severity::Style => DiagnosticSeverity::HINT,
            }),
            code: Some(NumberOrString::String(d.rule.name.to_string())),
            code_description: format!("{RULE_DOCS}/{}.md", d.rule.name)
                .parse()
                .ok()
                .map(|href| CodeDescription { href }),
            source: Some("plimsoll".into()),
            message,
            ..LspDiagnostic::default()
        }
    }

    /// Findings whose span touches `start..end` (an empty span touches its offset).
    pub fn diagnostics_in(&self, start: usize, end: usize) -> impl Iterator<Item = &Diagnostic> {
        self.output.diagnostics.iter().filter(move |d| {
            let (s, e) = (d.span.start as usize, d.span.end as usize);
            s <= end && start <= e
        })
    }
}
