//! BuildKit's `# check=` parser directive: `skip=`, `error=` and
//! `experimental=`, separated by `;` (`# check=skip=all;error=true`).
//!
//! The same `skip=` syntax also appears in a comment directly above an
//! instruction; [`crate::pragma`] reads that form through [`CheckOptions::parse`].

use plimsoll_syntax::Dockerfile;

use crate::knowledge::{BUILDKIT_CHECKS, EXPERIMENTAL_BUILDKIT_CHECKS};
use crate::pragma::split_list;
use crate::rule::RuleMeta;

/// The options of one `check=` value.
#[derive(Debug, Default, PartialEq)]
pub struct CheckOptions {
    /// Check names from `skip=`, as written; `all` is kept as `all`.
    pub skip: Option<Vec<String>>,
    /// `error=true`: every BuildKit check finding is an error.
    pub error: bool,
    /// Check names from `experimental=`, as written; `all` is kept as `all`.
    pub experimental: Vec<String>,
}

impl CheckOptions {
    /// Options of the text after `check=`. BuildKit trims the spaces around
    /// keys and names, so `skip=A, B` names both.
    pub fn parse(value: &str) -> CheckOptions {
        let mut out = CheckOptions::default();
        for option in value.split(';') {
            let Some((key, list)) = option.split_once('=') else {
                continue;
            };
            match key.trim() {
                "skip" => out.skip = Some(split_list(list)),
                "error" => out.error = list.trim().eq_ignore_ascii_case("true"),
                "experimental" => out.experimental = split_list(list),
                _ => {}
            }
        }
        out
    }

    /// The options of the file's `# check=` directive (defaults without one).
    pub fn of_file(file: &Dockerfile) -> CheckOptions {
        file.directive("check")
            .map(|d| CheckOptions::parse(&d.value))
            .unwrap_or_default()
    }

    /// Does `experimental=` switch on `rule` (one of BuildKit's experimental
    /// checks, named or through `all`)?
    pub fn enables(&self, rule: &RuleMeta) -> bool {
        rule.aliases
            .iter()
            .filter(|alias| EXPERIMENTAL_BUILDKIT_CHECKS.contains(alias))
            .any(|alias| {
                self.experimental
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case("all") || name == alias)
            })
    }
}

/// Does `rule` implement one of BuildKit's checks?
pub fn is_buildkit_check(rule: &RuleMeta) -> bool {
    rule.aliases
        .iter()
        .any(|alias| BUILDKIT_CHECKS.contains(alias))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ConsistentInstructionCasing, InvalidDefinitionDescription};

    #[test]
    fn options_are_read_in_any_order() {
        let options = CheckOptions::parse("error=true;skip=StageNameCasing, FromAsCasing");
        assert!(options.error);
        assert_eq!(
            options.skip,
            Some(vec![
                "StageNameCasing".to_string(),
                "FromAsCasing".to_string()
            ])
        );
        assert!(options.experimental.is_empty());
        assert!(!CheckOptions::parse("error=false").error);
        assert_eq!(CheckOptions::parse("skip=").skip, Some(vec![]));
    }

    #[test]
    fn experimental_names_only_experimental_checks() {
        let named = CheckOptions::parse("experimental=InvalidDefinitionDescription");
        assert!(named.enables(&InvalidDefinitionDescription::META));
        let all = CheckOptions::parse("experimental=all");
        assert!(all.enables(&InvalidDefinitionDescription::META));
        // A stable check named there is not "enabled" by it: it already runs.
        let stable = CheckOptions::parse("experimental=ConsistentInstructionCasing");
        assert!(!stable.enables(&ConsistentInstructionCasing::META));
        assert!(!CheckOptions::parse("skip=all").enables(&InvalidDefinitionDescription::META));
    }

    fn findings(source: &str, settings: &crate::settings::Settings) -> Vec<(&'static str, String)> {
        crate::api::lint_source(source, settings)
            .diagnostics
            .iter()
            .map(|d| (d.rule.name, d.severity.as_str().to_string()))
            .collect()
    }

    #[test]
    fn a_file_switches_on_an_experimental_check_unless_the_user_ignores_it() {
        let source = "# check=experimental=InvalidDefinitionDescription\n\
                      # the version to build\nARG version=1\nFROM scratch\nUSER 1000\n";
        let default = crate::settings::Settings::default();
        assert_eq!(
            findings(source, &default),
            vec![("invalid-definition-description", "info".to_string())]
        );
        let without = source.replacen("# check=experimental=InvalidDefinitionDescription\n", "", 1);
        assert!(findings(&without, &default).is_empty());
        let ignored = crate::settings::Settings {
            ignore: vec!["InvalidDefinitionDescription".into()],
            ..Default::default()
        };
        assert!(findings(source, &ignored).is_empty());
    }

    #[test]
    fn error_true_makes_buildkit_checks_errors_and_nothing_else() {
        let source = "# check=error=true\nFROM alpine:3.20 as build\nRUN apk add curl\nUSER 1000\n";
        let found = findings(source, &crate::settings::Settings::default());
        assert!(
            found.contains(&("from-as-casing", "error".to_string())),
            "{found:?}"
        );
        // apk-add-without-no-cache (DL3019) is hadolint's, not a BuildKit check.
        assert!(
            found.contains(&("apk-add-without-no-cache", "info".to_string())),
            "{found:?}"
        );
    }
}
