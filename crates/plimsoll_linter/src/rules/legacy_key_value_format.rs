use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ENV key value` and `LABEL key value`, the legacy form without `=`.
    ///
    /// ## Why is this bad?
    /// The legacy form takes the whole rest of the line as the value, so
    /// `ENV A b C=d` sets `A` to `b C=d`, and it cannot set two keys at once.
    /// BuildKit warns about it and may drop it.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV production
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the value is one word, or has spaces but no quotes,
    /// backslashes or variables (it is then wrapped in double quotes).
    /// Otherwise there is no fix.
    ///
    /// ## References
    /// BuildKit check `LegacyKeyValueFormat`. ARG has no legacy form
    /// (`ARG a b` declares two arguments) and is never flagged.
    pub struct LegacyKeyValueFormat {
        name: "legacy-key-value-format",
        code: "PL108",
        aliases: ["LegacyKeyValueFormat"],
        category: Maintainability,
        severity: Warning,
        fix: Sometimes,
        summary: "ENV/LABEL should use key=value, not the legacy `key value` form",
    }
}

impl Rule for LegacyKeyValueFormat {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let instruction = instruction.innermost();
            if !matches!(instruction.keyword, Keyword::Env | Keyword::Label) {
                continue;
            }
            for pair in instruction.key_values().filter(|p| p.legacy) {
                let keyword = instruction.keyword.as_str();
                let value = pair.value.value.as_str();
                let fixed = if !value.contains(char::is_whitespace) {
                    Some(value.to_string())
                } else if !value.contains(['"', '\'', '\\', '$', '`']) {
                    Some(format!("\"{value}\""))
                } else {
                    None
                };
                let span = pair.key.span.cover(pair.value.span);
                let diagnostic = checker.report(
                    span,
                    format!("\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format"),
                );
                diagnostic.help(format!("write `{keyword} {}=...`", pair.key.value));
                if let Some(value) = fixed {
                    diagnostic.fix(Fix::safe(
                        format!("Rewrite as {}={value}", pair.key.value),
                        vec![Edit::replace(span, format!("{}={value}", pair.key.value))],
                    ));
                }
            }
        }
    }
}
