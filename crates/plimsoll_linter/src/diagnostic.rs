//! What a rule reports: one [`Diagnostic`] type for every consumer (terminal,
//! JSON, SARIF, LSP). miette and friends are renderers, not the data model.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use plimsoll_syntax::Span;

use crate::rule::RuleMeta;

/// How bad a finding is; ordered so that `Style < Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error`, `warning`, `info`, `style` (hadolint also says `ignore`/`none`: see config).
    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            "style" => Some(Severity::Style),
            _ => None,
        }
    }
}

/// Whether a fix keeps the meaning of the Dockerfile for certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The build does the same thing afterwards; `--fix` applies it.
    Safe,
    /// Probably right, but the behaviour can change; needs `--unsafe-fixes`.
    Unsafe,
}

/// Replace `span` of the original text with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Edit {
        Edit {
            span,
            content: content.into(),
        }
    }

    pub fn insert(offset: u32, content: impl Into<String>) -> Edit {
        Edit {
            span: Span {
                start: offset,
                end: offset,
            },
            content: content.into(),
        }
    }

    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, "")
    }
}

/// A change a fix makes to a file other than the Dockerfile being linted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FileChange {
    /// Append `lines` to the file at `path`, creating it when missing. Lines
    /// the file already has are skipped; its content and final newline are
    /// kept. Used for the `.dockerignore` the build reads (the caller checks
    /// that `path` is that file, and writes nothing through a symlink).
    AppendLines {
        path: PathBuf,
        lines: Vec<String>,
        /// A `# ...` comment line written above the new lines, if any.
        comment: Option<String>,
    },
}

impl FileChange {
    /// The file this change writes.
    pub fn path(&self) -> &std::path::Path {
        match self {
            FileChange::AppendLines { path, .. } => path,
        }
    }
}

/// What resolves one diagnostic: text edits of the Dockerfile (never
/// overlapping) and, rarely, changes to other files (`.dockerignore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, for `--show-fixes` and editor quick-fix titles.
    pub title: String,
    pub edits: Vec<Edit>,
    /// Changes to other files. A fix that has some cannot be applied by
    /// editing the Dockerfile alone: [`crate::fix::fix_source`] leaves it
    /// out, and callers that write files apply it (the CLI does, with
    /// `--unsafe-fixes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub file_changes: Vec<FileChange>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            title: title.into(),
            edits,
            file_changes: Vec::new(),
        }
    }

    pub fn unsafe_edit(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            title: title.into(),
            edits,
            file_changes: Vec::new(),
        }
    }

    /// An unsafe fix that changes only other files, not the Dockerfile.
    pub fn unsafe_file_changes(title: impl Into<String>, file_changes: Vec<FileChange>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            title: title.into(),
            edits: Vec::new(),
            file_changes,
        }
    }
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    /// The offending text: the word, flag or command, not just the line.
    pub span: Span,
    /// What is wrong and why it matters.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity,
            span,
            message: message.into(),
            help: None,
            fix: None,
        }
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }
}
