//! Which rules run, at what severity, with which options. Built from a
//! config file, `.hadolint.yaml`, or command-line flags (see `config`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::registry;
use crate::rule::{Category, Rule, RuleMeta};

/// Typed per-rule options.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct RuleOptions {
    /// Extra base images (glob patterns) known to run as a non-root user.
    pub non_root_images: Vec<String>,
    /// Registries images may come from (hadolint `trustedRegistries`, DL3026).
    pub trusted_registries: Vec<String>,
    /// Labels every image must carry, with the type of their value
    /// (hadolint `label-schema`, DL3049 and DL3051–DL3058).
    pub label_schema: BTreeMap<String, LabelType>,
    /// Labels outside `label-schema` are findings (hadolint `strict-labels`, DL3050).
    pub strict_labels: bool,
}

/// What a label's value must be (hadolint's label-schema types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any text (only emptiness is checked).
    Text,
    Url,
    /// An RFC 3339 timestamp.
    Rfc3339,
    /// An SPDX license expression.
    Spdx,
    /// A git commit hash (7 or 40 hex digits).
    Hash,
    /// A semantic version.
    Semver,
    Email,
}

impl LabelType {
    /// The type as hadolint and the config files spell it.
    pub fn parse(text: &str) -> Option<LabelType> {
        Some(match text {
            "" | "text" => LabelType::Text,
            "url" => LabelType::Url,
            "rfc3339" => LabelType::Rfc3339,
            "spdx" => LabelType::Spdx,
            "hash" => LabelType::Hash,
            "semver" => LabelType::Semver,
            "email" => LabelType::Email,
            _ => return None,
        })
    }
}

/// Rule selection as the user wrote it.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Replace the default rule set (names, codes, aliases, categories, `all`).
    pub select: Option<Vec<String>>,
    /// Add to the selected rules.
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// Severity per selector.
    pub severity: BTreeMap<String, Severity>,
    pub options: RuleOptions,
}

/// The rules that will run, with their effective severity.
pub struct ResolvedRules {
    pub rules: Vec<(&'static dyn Rule, Severity)>,
    /// Selectors that named nothing.
    pub unknown_selectors: Vec<String>,
}

impl ResolvedRules {
    pub fn severity_of(&self, rule: &RuleMeta) -> Option<Severity> {
        self.rules
            .iter()
            .find(|(r, _)| std::ptr::eq(r.meta(), rule))
            .map(|&(_, severity)| severity)
    }
}

/// Does `selector` pick `rule`? Names, codes, aliases, categories, code prefixes, `all`.
pub fn selector_matches(selector: &str, rule: &RuleMeta) -> bool {
    selector.eq_ignore_ascii_case("all")
        || rule.is_named(selector)
        || rule.category.as_str().eq_ignore_ascii_case(selector)
}

/// Does `selector` name any rule or category?
pub fn is_known_selector(selector: &str) -> bool {
    selector.eq_ignore_ascii_case("all")
        || Category::ALL
            .iter()
            .any(|c| c.as_str().eq_ignore_ascii_case(selector))
        || registry::find(selector).is_some()
        || selector.eq_ignore_ascii_case(crate::shellcheck::SHELLCHECK_SELECTOR)
        || crate::shellcheck::parse_code(selector).is_some()
}

impl Settings {
    pub fn resolve(&self) -> ResolvedRules {
        let mut unknown = Vec::new();
        let mut note_unknown = |selectors: &[String]| {
            for s in selectors {
                if !is_known_selector(s) && !unknown.contains(s) {
                    unknown.push(s.clone());
                }
            }
        };
        if let Some(select) = &self.select {
            note_unknown(select);
        }
        note_unknown(&self.extend_select);
        note_unknown(&self.ignore);
        note_unknown(&self.severity.keys().cloned().collect::<Vec<_>>());

        let rules = registry::all()
            .iter()
            .copied()
            .filter(|rule| self.selects(rule.meta()))
            .map(|rule| {
                let severity = self
                    .severity_for(rule.meta())
                    .unwrap_or(rule.meta().severity);
                (rule, severity)
            })
            .collect();
        ResolvedRules {
            rules,
            unknown_selectors: unknown,
        }
    }

    /// Is `rule` selected (and not ignored)?
    pub fn selects(&self, rule: &RuleMeta) -> bool {
        let selected = match &self.select {
            Some(select) => select.iter().any(|s| selector_matches(s, rule)),
            None => rule.default_enabled,
        } || self.extend_select.iter().any(|s| selector_matches(s, rule));
        selected && !self.ignore.iter().any(|s| selector_matches(s, rule))
    }

    /// The severity configured for `rule`, if any. The most specific selector
    /// wins: a rule's name or code over an alias, over a category, over `all`.
    pub fn severity_for(&self, rule: &RuleMeta) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(s, _)| selector_matches(s, rule))
            .max_by_key(|(s, _)| specificity(s, rule))
            .map(|(_, &severity)| severity)
    }
}

fn specificity(selector: &str, rule: &RuleMeta) -> u8 {
    if rule.name.eq_ignore_ascii_case(selector) || rule.code.eq_ignore_ascii_case(selector) {
        3
    } else if rule.is_named(selector) {
        2
    } else if selector.eq_ignore_ascii_case("all") {
        0
    } else {
        1
    }
}
