//! plimsoll's linter: semantic model, rules, configuration and fixes.
//!
//! The library never prints and never exits; the CLI and the language server
//! are thin layers over [`lint`].
//!
//! Programs that embed plimsoll start with the [`api`] module: lint a string,
//! apply fixes, parse, list rules.
//!
//! ```
//! use plimsoll_linter::{fix_all, lint_source, Settings};
//!
//! let source = "FROM alpine:3.20\nENV A 1\n";
//! let settings = Settings {
//!     select: Some(vec!["legacy-key-value-format".into()]),
//!     ..Settings::default()
//! };
//! for diagnostic in lint_source(source, &settings).diagnostics {
//!     assert_eq!(diagnostic.span.text(source), "A 1");
//!     assert!(diagnostic.fix.is_some());
//! }
//! assert_eq!(fix_all(source, &settings, false).source, "FROM alpine:3.20\nENV A=1\n");
//! ```

pub mod api;
pub mod cache_report;
mod check_directive;
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

pub use api::{apply_fix, find_rule, fix_all, lint_source, rules};
pub use checker::Checker;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Severity};
pub use lint::{lint, lint_with_context, LintOutput, LintWarning};
pub use rule::{Category, Described, Rule, RuleMeta};
pub use settings::{FixMode, ResolvedRules, RuleOptions, Settings};
