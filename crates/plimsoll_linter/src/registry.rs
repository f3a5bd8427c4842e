//! The table of every rule. Adding a rule: write `rules/<name>.rs` (or
//! `rules/<family>/<name>.rs`), declare it in that folder's `mod.rs`, and list
//! it in [`CORE_RULES`] or in the family's `RULES`.

use std::sync::LazyLock;

use crate::rule::Rule;
use crate::rules;

/// The core rules and BuildKit's checks, which live directly in `rules/`.
static CORE_RULES: &[&dyn Rule] = &[
    &rules::ParseError,
    &rules::CacheBustingCopy,
    &rules::LayerOrder,
    &rules::ExecFormEntrypoint,
    &rules::ExecFormCmd,
    &rules::NonRootUser,
    &rules::ChownAfterCopy,
    &rules::CurlPipeToShell,
    &rules::AddUrlWithoutChecksum,
    &rules::PathOverwritten,
    &rules::AptKeyDeprecated,
    &rules::WorldWritableChmod,
    &rules::StageNameCasing,
    &rules::FromAsCasing,
    &rules::ConsistentInstructionCasing,
    &rules::DuplicateStageName,
    &rules::ReservedStageName,
    &rules::MaintainerDeprecated,
    &rules::WorkdirRelativePath,
    &rules::LegacyKeyValueFormat,
    &rules::MultipleInstructionsDisallowed,
    &rules::NoEmptyContinuation,
    &rules::SecretsUsedInArgOrEnv,
    &rules::UndefinedArgInFrom,
    &rules::RedundantTargetPlatform,
    &rules::FromPlatformFlagConstDisallowed,
    &rules::ExposeProtoCasing,
    &rules::ExposeInvalidFormat,
    &rules::InvalidDefaultArgInFrom,
    &rules::UndefinedVar,
    &rules::InvalidDefinitionDescription,
];

/// Every rule, sorted by code: the core list and each rule family's own list
/// (`rules/<family>/mod.rs`), so a family grows without touching this file.
static RULES: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    let mut rules: Vec<&'static dyn Rule> = [
        CORE_RULES,
        rules::system_packages::RULES,
        rules::run_commands::RULES,
        rules::instructions::RULES,
        rules::labels::RULES,
        rules::context::RULES,
    ]
    .concat();
    rules.sort_by_key(|rule| rule.meta().code);
    rules
});

/// Every rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    &RULES
}

/// The rule with this name, code or alias (case-insensitive).
pub fn find(selector: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().is_named(selector))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_codes_are_unique() {
        // Aliases may repeat: one hadolint or BuildKit check can map to several
        // plimsoll rules (DL3025 covers both exec-form rules), and its pragma
        // then silences all of them.
        let mut seen = HashSet::new();
        for rule in all() {
            let meta = rule.meta();
            for key in [meta.name, meta.code] {
                assert!(
                    seen.insert(key.to_ascii_lowercase()),
                    "duplicate rule key {key}"
                );
            }
            for alias in meta.aliases {
                assert!(
                    !all()
                        .iter()
                        .any(|r| r.meta().name.eq_ignore_ascii_case(alias)
                            || r.meta().code.eq_ignore_ascii_case(alias)),
                    "alias {alias} shadows a rule"
                );
            }
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                meta.name
            );
            assert!(
                !meta.docs.trim().is_empty(),
                "{} has no documentation",
                meta.name
            );
        }
    }
}
