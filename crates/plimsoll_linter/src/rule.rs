//! The rule trait and rule metadata.

use serde::Serialize;

use crate::checker::Checker;
use crate::diagnostic::Severity;

/// Rule families, so users can select `security` instead of naming rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// The build fails or does something other than what was written.
    Correctness,
    /// Secrets, root, untrusted sources.
    Security,
    /// Build cache: layers that rebuild more often than they need to.
    Cache,
    /// Image size.
    Size,
    /// Signals, PID 1, runtime behaviour of the container.
    Runtime,
    /// Pinning, reproducibility, deprecated syntax.
    Maintainability,
    /// Casing and formatting.
    Style,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Correctness,
        Category::Security,
        Category::Cache,
        Category::Size,
        Category::Runtime,
        Category::Maintainability,
        Category::Style,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Cache => "cache",
            Category::Size => "size",
            Category::Runtime => "runtime",
            Category::Maintainability => "maintainability",
            Category::Style => "style",
        }
    }
}

/// Whether a rule can fix what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixAvailability {
    None,
    /// Some findings have a fix.
    Sometimes,
    Always,
}

/// Everything about a rule except its logic.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    /// Stable kebab-case name users type (`exec-form-entrypoint`).
    pub name: &'static str,
    /// Stable short code, never reused (`PL003`).
    pub code: &'static str,
    /// Other tools' names for the same check (hadolint `DL3025`, BuildKit `JSONArgsRecommended`).
    pub aliases: &'static [&'static str],
    pub category: Category,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The rule's documentation: its doc comment, Markdown.
    #[serde(skip)]
    pub docs: &'static str,
    /// Off unless selected (experimental or opinionated rules).
    pub default_enabled: bool,
}

impl RuleMeta {
    /// The documentation with the one-space indent of `///` comments removed.
    pub fn documentation(&self) -> String {
        self.docs
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The rule's page: header, metadata table, then the documentation. This is
    /// what `plimsoll rule NAME` prints and what `docs/rules/NAME.md` contains.
    pub fn markdown(&self) -> String {
        let aliases = if self.aliases.is_empty() {
            "none".to_string()
        } else {
            self.aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fix = match self.fix {
            FixAvailability::None => "no",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "yes",
        };
        format!(
            "# {name} ({code})\n\n{summary}\n\n| code | severity | category | fix | aliases | on by default |\n|---|---|---|---|---|---|\n| `{code}` | {severity} | {category} | {fix} | {aliases} | {enabled} |\n\n{docs}\n",
            name = self.name,
            code = self.code,
            summary = self.summary,
            severity = self.severity.as_str(),
            category = self.category.as_str(),
            enabled = if self.default_enabled { "yes" } else { "no" },
            docs = self.documentation().trim(),
        )
    }

    /// Does `selector` (name, code or alias, case-insensitive) name this rule?
    pub fn is_named(&self, selector: &str) -> bool {
        self.name.eq_ignore_ascii_case(selector)
            || self.code.eq_ignore_ascii_case(selector)
            || self
                .aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(selector))
    }
}

/// A rule's metadata; `declare_rule!` implements it.
pub trait Described {
    fn meta(&self) -> &'static RuleMeta;
}

/// A lint rule: reads the model, reports diagnostics.
pub trait Rule: Described + Send + Sync {
    fn check(&self, checker: &mut Checker<'_>);
}

/// Declare a rule's metadata next to its documentation (the doc comment).
///
/// The doc comment becomes both the rustdoc of the struct and `RuleMeta::docs`,
/// which `plimsoll rule NAME` prints and `docs/rules/` is generated from.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident {
            name: $name:literal,
            code: $code:literal,
            aliases: [$($alias:literal),* $(,)?],
            category: $category:ident,
            severity: $severity:ident,
            fix: $fix:ident,
            summary: $summary:literal
            $(, default_enabled: $enabled:literal)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $ty;

        impl $ty {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $name,
                code: $code,
                aliases: &[$($alias),*],
                category: $crate::rule::Category::$category,
                severity: $crate::diagnostic::Severity::$severity,
                fix: $crate::rule::FixAvailability::$fix,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                default_enabled: $crate::rule::default_enabled(&[$($enabled)?]),
            };
        }

        impl $crate::rule::Described for $ty {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                &Self::META
            }
        }
    };
}
pub(crate) use declare_rule;

/// `default_enabled:` is optional in `declare_rule!`; absent means enabled.
pub(crate) const fn default_enabled(given: &[bool]) -> bool {
    match given {
        [value] => *value,
        _ => true,
    }
}
