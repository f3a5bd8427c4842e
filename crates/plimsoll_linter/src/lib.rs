//! plimsoll's linter: semantic model, rules, configuration and fixes.
//!
//! The library never prints and never exits; the CLI and the language server
//! are thin layers over [`lint`].

pub mod cache_report;
mod checker;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod fix;
pub mod knowledge;
mod lint;
pub mod optimize;
pub mod pragma;
pub mod registry;
pub mod rule;
mod rules;
pub mod semantic;
pub mod settings;
pub mod shell;
pub mod shellcheck;
mod text_edit;

pub use checker::Checker;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
pub use lint::{lint, lint_with_context, LintOutput, LintWarning};
pub use rule::{Category, Described, Rule, RuleMeta};
pub use settings::{FixMode, ResolvedRules, RuleOptions, Settings};
