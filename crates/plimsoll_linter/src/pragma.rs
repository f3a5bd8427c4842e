//! Inline suppressions: plimsoll's own pragmas and the ones users bring from
//! hadolint and BuildKit, all resolved through rule aliases.
//!
//! - `# plimsoll ignore=rule[,rule]`: the next instruction
//! - `# plimsoll global ignore=rule[,rule]`: the whole file
//! - `# plimsoll stage ignore=rule[,rule]`: the rest of the stage (above a
//!   FROM: that stage), as hadolint's `stage ignore`
//! - `# hadolint ignore=DL3008,DL3009` / `# hadolint global ignore=...`
//! - `# check=skip=JSONArgsRecommended` as a parser directive (whole file) or
//!   directly above an instruction (that instruction, as BuildKit does)

use plimsoll_syntax::{Dockerfile, Keyword, Span};

use crate::check_directive::CheckOptions;
use crate::knowledge::{BUILDKIT_CHECKS, EXPERIMENTAL_BUILDKIT_CHECKS};
use crate::rule::RuleMeta;
use crate::settings::selector_matches;

/// Which rules are silenced where in one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    global: Vec<String>,
    /// `(instruction span, selectors)`.
    local: Vec<(Span, Vec<String>)>,
    /// Pragmas that named no rule.
    pub warnings: Vec<(Span, String)>,
}

/// Scope and rule list of one pragma comment.
#[derive(Debug, PartialEq)]
enum Pragma {
    Next(Vec<String>),
    Global(Vec<String>),
    Stage(Vec<String>),
}

/// A comma-separated list of names, trimmed, without empty entries.
pub(crate) fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parse the text of a comment (after `#`).
fn parse_pragma(text: &str) -> Option<Pragma> {
    let mut words = text.trim().splitn(2, char::is_whitespace);
    let tool = words.next()?;
    let rest = words.next().unwrap_or("").trim();
    if tool == "plimsoll" || tool == "hadolint" {
        let (scope, rest) = if let Some(rest) = rest.strip_prefix("global") {
            ("global", rest.trim_start())
        } else if let Some(rest) = rest.strip_prefix("stage") {
            ("stage", rest.trim_start())
        } else {
            ("next", rest)
        };
        let list = rest
            .strip_prefix("ignore")?
            .trim_start()
            .strip_prefix('=')?;
        // hadolint allows a trailing comment after the list: `ignore=DL3008 # reason`.
        let list = list.split('#').next().unwrap_or("");
        let rules = split_list(
            list.split_whitespace()
                .collect::<Vec<_>>()
                .join("")
                .as_str(),
        );
        return Some(match scope {
            "global" => Pragma::Global(rules),
            "stage" => Pragma::Stage(rules),
            _ => Pragma::Next(rules),
        });
    }
    check_skip_list(text).map(Pragma::Next)
}

/// In a `check=skip=` list, `all` means every BuildKit check, not every rule.
const BUILDKIT_ALL: &str = "buildkit:all";

/// The `skip=` list of a `check=` comment (`check=skip=A,B;error=true`).
fn check_skip_list(text: &str) -> Option<Vec<String>> {
    let value = text
        .trim()
        .strip_prefix("check")?
        .trim_start()
        .strip_prefix('=')?;
    // Above an instruction, text after the options is a remark
    // (`# check=skip=all // only here`).
    let value = value.split_whitespace().next().unwrap_or("");
    CheckOptions::parse(value).skip.map(skip_selectors)
}

/// Check names from `skip=` as selectors: `all` means every BuildKit check.
fn skip_selectors(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|s| {
            if s.eq_ignore_ascii_case("all") {
                BUILDKIT_ALL.to_string()
            } else {
                s
            }
        })
        .collect()
}

/// Is this comment (text after `#`) a `hadolint ignore=` or `plimsoll ignore=`
/// pragma for the next instruction (not `global` or `stage`)?
pub(crate) fn is_inline_ignore(text: &str) -> bool {
    let tool = text.split_whitespace().next();
    matches!(tool, Some("hadolint" | "plimsoll"))
        && matches!(parse_pragma(text), Some(Pragma::Next(_)))
}

impl Suppressions {
    pub fn from_file(file: &Dockerfile) -> Suppressions {
        let mut out = Suppressions::default();
        if let Some(check) = file.directive("check") {
            if let Some(skip) = CheckOptions::parse(&check.value).skip {
                out.add_global(skip_selectors(skip), check.span);
            }
        }
        for comment in file.comments.iter().filter(|c| !c.in_continuation) {
            let Some(pragma) = parse_pragma(&comment.text) else {
                continue;
            };
            match pragma {
                Pragma::Global(rules) => out.add_global(rules, comment.span),
                Pragma::Next(rules) => {
                    out.check_known(&rules, comment.span);
                    // The instruction that follows the comment.
                    let next = file
                        .instructions
                        .partition_point(|i| i.span.start < comment.span.end);
                    if let Some(instruction) = file.instructions.get(next) {
                        out.local.push((instruction.span, rules));
                    }
                }
                Pragma::Stage(rules) => {
                    out.check_known(&rules, comment.span);
                    // From the comment to the FROM that starts the next stage; a
                    // comment directly above a FROM covers the stage that FROM starts.
                    let next = file
                        .instructions
                        .partition_point(|i| i.span.start < comment.span.end);
                    let end = file
                        .instructions
                        .iter()
                        .skip(next + 1)
                        .find(|i| i.keyword == Keyword::From)
                        .map_or(u32::MAX, |i| i.span.start);
                    let scope = Span {
                        start: comment.span.end,
                        end,
                    };
                    out.local.push((scope, rules));
                }
            }
        }
        out
    }

    /// The same file read under a policy that allows no suppressions: nothing
    /// is silenced, but pragmas naming unknown rules are still reported.
    pub fn without_effect(self) -> Suppressions {
        Suppressions {
            warnings: self.warnings,
            ..Suppressions::default()
        }
    }

    fn add_global(&mut self, rules: Vec<String>, span: Span) {
        self.check_known(&rules, span);
        self.global.extend(rules);
    }

    fn check_known(&mut self, rules: &[String], span: Span) {
        for rule in rules {
            if !crate::settings::is_known_selector(rule) && !crate::knowledge::is_foreign_code(rule)
            {
                self.warnings.push((
                    span,
                    format!("unknown rule `{rule}` in suppression comment"),
                ));
            }
        }
    }

    /// Is a finding of `rule` at `span` silenced?
    pub fn is_suppressed(&self, rule: &RuleMeta, span: Span) -> bool {
        let named = |list: &[String]| {
            list.iter().any(|s| {
                if s == BUILDKIT_ALL {
                    // BuildKit's `skip=all` leaves experimental checks alone.
                    rule.aliases.iter().any(|a| {
                        BUILDKIT_CHECKS.contains(a) && !EXPERIMENTAL_BUILDKIT_CHECKS.contains(a)
                    })
                } else {
                    selector_matches(s, rule)
                }
            })
        };
        named(&self.global)
            || self
                .local
                .iter()
                .any(|(scope, list)| scope.contains(span.start) && named(list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_forms() {
        assert_eq!(
            parse_pragma(" hadolint ignore=DL3008, DL3009"),
            Some(Pragma::Next(vec!["DL3008".into(), "DL3009".into()]))
        );
        assert_eq!(
            parse_pragma("plimsoll global ignore=non-root-user"),
            Some(Pragma::Global(vec!["non-root-user".into()]))
        );
        assert_eq!(
            parse_pragma("check=skip=JSONArgsRecommended;error=true"),
            Some(Pragma::Next(vec!["JSONArgsRecommended".into()]))
        );
        assert_eq!(
            parse_pragma(" hadolint stage ignore=DL3011,DL3002"),
            Some(Pragma::Stage(vec!["DL3011".into(), "DL3002".into()]))
        );
        assert!(is_inline_ignore(" hadolint ignore=DL3003"));
        assert!(is_inline_ignore("plimsoll ignore=non-root-user # reason"));
        assert!(!is_inline_ignore(" hadolint global ignore=DL3003"));
        assert!(!is_inline_ignore(" hadolint stage ignore=DL3003"));
        assert!(!is_inline_ignore(" hadolint shell=powershell"));
        assert!(!is_inline_ignore("check=skip=JSONArgsRecommended"));
        assert_eq!(parse_pragma("just a comment about hadolint"), None);
        assert_eq!(parse_pragma("plimsoll ignores things"), None);
    }

    #[test]
    fn skip_all_leaves_experimental_checks_alone() {
        let file = plimsoll_syntax::parse("# check=skip=all\nFROM scratch\n");
        let suppressions = Suppressions::from_file(&file);
        let span = Span::new(17, 29);
        let experimental = &crate::rules::InvalidDefinitionDescription::META;
        assert!(!suppressions.is_suppressed(experimental, span));
        assert!(suppressions.is_suppressed(&crate::rules::MaintainerDeprecated::META, span));
        let named =
            plimsoll_syntax::parse("# check=skip=InvalidDefinitionDescription\nFROM scratch\n");
        assert!(Suppressions::from_file(&named).is_suppressed(experimental, Span::new(42, 54)));
    }
}
