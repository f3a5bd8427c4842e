//! Which rules run, at what severity, with which options. Built from a
//! config file, `.hadolint.yaml`, or command-line flags (see `config`).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostic::{Applicability, Fix, Severity};
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
    /// Fix mode per selector (`[fix.modes]` in the config).
    pub fix_modes: BTreeMap<String, FixMode>,
    /// Suppression comments silence nothing (hadolint's
    /// `disable-ignore-pragma`): a policy for CI that allows no exceptions.
    pub disable_ignore_pragma: bool,
}

/// Whether and when a rule's fixes are applied, whatever the rule says about
/// their safety.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixMode {
    /// Applied by `--fix`, even fixes the rule marks unsafe.
    Always,
    /// Applied only with `--unsafe-fixes`, even fixes the rule marks safe.
    UnsafeOnly,
    /// Never applied; the finding is reported without a fix.
    Never,
}

impl FixMode {
    /// `always`, `unsafe-only` (also `unsafe_only`), `never`.
    pub fn parse(text: &str) -> Option<FixMode> {
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "always" => Some(FixMode::Always),
            "unsafe-only" => Some(FixMode::UnsafeOnly),
            "never" => Some(FixMode::Never),
            _ => None,
        }
    }

    /// The fix as this mode lets it through: re-marked, or dropped.
    pub fn apply(self, mut fix: Fix) -> Option<Fix> {
        match self {
            FixMode::Always => fix.applicability = Applicability::Safe,
            FixMode::UnsafeOnly => fix.applicability = Applicability::Unsafe,
            FixMode::Never => return None,
        }
        Some(fix)
    }
}

/// The rules that will run, with their effective severity.
pub struct ResolvedRules {
    pub rules: Vec<(&'static dyn Rule, Severity)>,
    /// Selectors that named nothing.
    pub unknown_selectors: Vec<String>,
    /// Rules with a configured fix mode (the most specific selector wins).
    pub fix_modes: Vec<(&'static RuleMeta, FixMode)>,
    /// BuildKit's experimental checks that are off here but not ignored: a
    /// file's `# check=experimental=` directive switches them on for itself.
    pub experimental: Vec<(&'static dyn Rule, Severity)>,
    /// Suppression comments silence nothing ([`Settings::disable_ignore_pragma`]).
    pub disable_ignore_pragma: bool,
}

impl ResolvedRules {
    pub fn severity_of(&self, rule: &RuleMeta) -> Option<Severity> {
        self.rules
            .iter()
            .chain(&self.experimental)
            .find(|(r, _)| std::ptr::eq(r.meta(), rule))
            .map(|&(_, severity)| severity)
    }

    /// The configured fix mode of `rule`, if any.
    pub fn fix_mode_of(&self, rule: &RuleMeta) -> Option<FixMode> {
        self.fix_modes
            .iter()
            .find(|(r, _)| std::ptr::eq(*r, rule))
            .map(|&(_, mode)| mode)
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
        note_unknown(&self.fix_modes.keys().cloned().collect::<Vec<_>>());

        let with_severity = |rule: &'static dyn Rule| {
            let severity = self
                .severity_for(rule.meta())
                .unwrap_or(rule.meta().severity);
            (rule, severity)
        };
        let rules = registry::all()
            .iter()
            .copied()
            .filter(|rule| self.selects(rule.meta()))
            .map(with_severity)
            .collect::<Vec<(&'static dyn Rule, Severity)>>();
        let fix_modes = rules
            .iter()
            .filter_map(|(rule, _)| {
                self.fix_modes
                    .iter()
                    .filter(|(s, _)| selector_matches(s, rule.meta()))
                    .max_by_key(|(s, _)| specificity(s, rule.meta()))
                    .map(|(_, &mode)| (rule.meta(), mode))
            })
            .collect();
        let experimental = registry::all()
            .iter()
            .copied()
            .filter(|rule| {
                let meta = rule.meta();
                meta.aliases
                    .iter()
                    .any(|a| crate::knowledge::EXPERIMENTAL_BUILDKIT_CHECKS.contains(a))
                    && !self.selects(meta)
                    && !self.ignore.iter().any(|s| selector_matches(s, meta))
            })
            .map(with_severity)
            .collect();
        ResolvedRules {
            rules,
            experimental,
            disable_ignore_pragma: self.disable_ignore_pragma,
            unknown_selectors: unknown,
            fix_modes,
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
