//! One document version, linted: the AST and the findings, and their LSP form.

use std::sync::{Arc, OnceLock};

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticSeverity, NumberOrString, Uri,
};
use plimsoll_linter::context::{copies_from_context, prepare, wants_context};
use plimsoll_linter::shellcheck::parse_code;
use plimsoll_linter::{lint_with_context, Diagnostic, LintOutput, Severity};
use plimsoll_syntax::{parse, Dockerfile, Span};

use crate::position::{Encoding, LineTable};
use crate::slow::{carry, Extras};
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
    /// The generation of the slow checks' results used (0: none yet).
    pub extras: u64,
}

impl Analysis {
    /// Lint `snapshot`, with the build context and the ShellCheck findings of
    /// the last slow check of the document, if there was one (see `slow`).
    pub fn new(snapshot: Snapshot, extras: Option<&mut Extras>) -> Analysis {
        let text = snapshot.text.as_str();
        let file = parse(text);
        let profile = &snapshot.profile;
        let generation = extras.as_ref().map_or(0, |e| e.generation);
        let mut context = None;
        let mut carried = Vec::new();
        if let Some(extras) = extras {
            if let Some(loaded) = extras.context.as_mut() {
                // Reads only the files this text needs that no earlier one did.
                if wants_context(&profile.rules)
                    && copies_from_context(&file)
                    && prepare(loaded, text, &file).is_ok()
                {
                    context = Some(&*loaded);
                }
            }
            carried = carry(&extras.shellcheck, text, &file, &profile.settings);
        }
        let mut output = lint_with_context(
            text,
            &file,
            &profile.rules,
            &profile.settings.options,
            context,
        );
        if !carried.is_empty() {
            output.diagnostics.extend(carried);
            // The order `plimsoll check` reports in.
            output.diagnostics.sort_by(|a, b| {
                (a.span.start, a.span.end, a.rule.code).cmp(&(
                    b.span.start,
                    b.span.end,
                    b.rule.code,
                ))
            });
        }
        Analysis {
            snapshot,
            file,
            output,
            fixed: OnceLock::new(),
            extras: generation,
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
            code_description: rule_page(d)
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

/// The page documenting the rule of `d`: ShellCheck's wiki for its codes.
fn rule_page(d: &Diagnostic) -> String {
    if parse_code(d.rule.code).is_some() {
        format!("https://www.shellcheck.net/wiki/{}", d.rule.code)
    } else {
        format!("{RULE_DOCS}/{}.md", d.rule.name)
    }
}
