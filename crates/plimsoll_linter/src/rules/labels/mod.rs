//! Rules configured by the user: LABEL keys and the label schema, trusted
//! registries.
//!
//! The schema rules read `label-schema` (label → type) and `strict-labels`
//! from [`RuleOptions`](crate::settings::RuleOptions); without them they find
//! nothing, as in hadolint.

use plimsoll_syntax::shell_lex::Lexer;
use plimsoll_syntax::{Keyword, Span};

use crate::checker::Checker;
use crate::rule::Rule;
use crate::settings::LabelType;

mod formats;
mod label_empty;
mod label_invalid_email;
mod label_invalid_git_hash;
mod label_invalid_key;
mod label_invalid_semver;
mod label_invalid_spdx;
mod label_invalid_timestamp;
mod label_invalid_url;
mod label_missing;
mod label_superfluous;
mod untrusted_registry;

pub use label_empty::LabelEmpty;
pub use label_invalid_email::LabelInvalidEmail;
pub use label_invalid_git_hash::LabelInvalidGitHash;
pub use label_invalid_key::LabelInvalidKey;
pub use label_invalid_semver::LabelInvalidSemver;
pub use label_invalid_spdx::LabelInvalidSpdx;
pub use label_invalid_timestamp::LabelInvalidTimestamp;
pub use label_invalid_url::LabelInvalidUrl;
pub use label_missing::LabelMissing;
pub use label_superfluous::LabelSuperfluous;
pub use untrusted_registry::UntrustedRegistry;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[
    &UntrustedRegistry,
    &LabelInvalidKey,
    &LabelMissing,
    &LabelSuperfluous,
    &LabelEmpty,
    &LabelInvalidUrl,
    &LabelInvalidTimestamp,
    &LabelInvalidSpdx,
    &LabelInvalidGitHash,
    &LabelInvalidSemver,
    &LabelInvalidEmail,
];

/// One `key=value` of a LABEL instruction, with quotes and escapes removed as
/// BuildKit removes them.
pub(crate) struct LabelPair {
    pub key: String,
    pub key_span: Span,
    pub value: String,
    pub value_span: Span,
    /// The key names a variable, so its text is known only at build time.
    pub dynamic_key: bool,
    /// The value names a variable.
    pub dynamic_value: bool,
}

/// The pairs of every LABEL of the file (ONBUILD triggers excluded: they label
/// the images built later, not this one).
pub(crate) fn label_pairs(checker: &Checker<'_>) -> Vec<LabelPair> {
    let lexer = Lexer {
        escape: checker.file.escape,
        ..Lexer::default()
    };
    let mut pairs = Vec::new();
    for instruction in &checker.file.instructions {
        if instruction.keyword != Keyword::Label {
            continue;
        }
        for pair in instruction.key_values() {
            let (key, dynamic_key) = unquote(&lexer, &pair.key.value);
            let (value, dynamic_value) = unquote(&lexer, &pair.value.value);
            pairs.push(LabelPair {
                key,
                key_span: pair.key.span,
                value,
                value_span: pair.value.span,
                dynamic_key,
                dynamic_value,
            });
        }
    }
    pairs
}

/// The word with quotes removed, and whether it refers to any variable.
fn unquote(lexer: &Lexer, word: &str) -> (String, bool) {
    match lexer.process_word(word, &|_| None) {
        Ok(expansion) => {
            let dynamic = !expansion.unmatched.is_empty() || !expansion.matched.is_empty();
            // An unset variable expands to nothing; keep the text as written
            // so that messages show what the user wrote.
            if dynamic {
                (word.to_string(), true)
            } else {
                (expansion.result, false)
            }
        }
        Err(_) => (word.to_string(), word.contains('$')),
    }
}

/// Report every schema label of type `kind` whose value is set, static and
/// not `valid`. Empty values are `label-empty`'s finding, not a second one here.
pub(crate) fn check_label_values(
    checker: &mut Checker<'_>,
    kind: LabelType,
    valid: fn(&str) -> bool,
    message: fn(&str) -> String,
    help: &str,
) {
    if !checker.options.label_schema.values().any(|&t| t == kind) {
        return;
    }
    for pair in label_pairs(checker) {
        let typed = checker.options.label_schema.get(&pair.key) == Some(&kind);
        if !typed || pair.dynamic_key || pair.dynamic_value || pair.value.is_empty() {
            continue;
        }
        if !valid(&pair.value) {
            checker
                .report(pair.value_span, message(&pair.key))
                .help(help.to_string());
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::settings::{RuleOptions, Settings};

    /// Lines (1-based) of the findings of `rule` on `source` with `options`.
    pub(crate) fn finding_lines(rule: &str, source: &str, options: RuleOptions) -> Vec<u32> {
        let settings = Settings {
            select: Some(vec![rule.to_string()]),
            options,
            ..Settings::default()
        };
        let file = plimsoll_syntax::parse(source);
        let index = plimsoll_syntax::LineIndex::new(source);
        crate::lint(source, &file, &settings.resolve(), &settings.options)
            .diagnostics
            .iter()
            .map(|d| index.line_column(d.span.start, source).line)
            .collect()
    }
}
