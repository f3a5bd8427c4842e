use plimsoll_syntax::shell_lex::variable_references;
use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{span_in_arg, unquote, with_triggers};

declare_rule! {
    /// ## What it does
    /// Flags a variable reference in an `ENV` value to a variable that an
    /// earlier pair of the same `ENV` sets.
    ///
    /// ## Why is this bad?
    /// Every value of one `ENV` is expanded before any of its pairs is set, so
    /// the reference sees the old value (often none), not the one set just to
    /// its left. `ENV JAVA_HOME=/opt/java PATH=$JAVA_HOME/bin:$PATH` puts
    /// `/bin` on the PATH, not `/opt/java/bin`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/srv/app APP_CONFIG=$APP_HOME/config.yml
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV APP_HOME=/srv/app
    /// ENV APP_CONFIG=$APP_HOME/config.yml
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint accepts the reference when the variable was also set by an
    /// earlier ENV or ARG, but the reference still sees that older value, not
    /// the new one; plimsoll flags it unless the older value is the same
    /// text, or the earlier pair sets the variable to exactly the expression
    /// that references it (`ENV V=$V W=$V`, `ENV V=${V:-x} W=${V:-x}/y`).
    /// hadolint also flags a reference to a variable that a *later* pair sets
    /// (`ENV B=$A A=1`); that reads naturally as the old value, and plimsoll
    /// does not flag it.
    ///
    /// ## References
    /// hadolint DL3044.
    pub struct EnvSameStatementReference {
        name: "env-same-statement-reference",
        code: "PL409",
        aliases: ["DL3044"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "ENV value refers to a variable set earlier in the same ENV",
    }
}

impl Rule for EnvSameStatementReference {
    fn check(&self, checker: &mut Checker<'_>) {
        let escape = checker.file.escape;
        for (index, instruction, _) in with_triggers(&checker.file.instructions) {
            if instruction.keyword != Keyword::Env {
                continue;
            }
            let pairs: Vec<_> = instruction.key_values().collect();
            if pairs.len() < 2 {
                continue;
            }
            let before = checker.model.env_at(index);
            for (j, pair) in pairs.iter().enumerate() {
                let Ok(refs) = variable_references(&pair.value.value, escape) else {
                    continue;
                };
                for reference in refs {
                    let Some(setter) = pairs[..j]
                        .iter()
                        .rev()
                        .find(|p| p.key.value == reference.name)
                    else {
                        continue;
                    };
                    let new_value = setter.value.value.as_str();
                    // `ENV V=${V:-x} W=${V:-x}/y`: the pair sets V to exactly what
                    // the reference expands to, so both readings agree.
                    let written = pair
                        .value
                        .value
                        .get(reference.start as usize..reference.end as usize)
                        .unwrap_or("");
                    let plain = [
                        format!("${}", reference.name),
                        format!("${{{}}}", reference.name),
                    ];
                    let core = unwrap_double_quotes(new_value);
                    let self_assignment = core == written
                        || (plain.iter().any(|p| p == core) && plain.iter().any(|p| p == written));
                    let unchanged = before
                        .iter()
                        .any(|(k, v)| *k == reference.name && *v == new_value);
                    if self_assignment || unchanged {
                        continue;
                    }
                    let name = &reference.name;
                    let value = unquote(new_value, escape);
                    let old = match before.iter().rev().find(|(k, _)| *k == reference.name) {
                        Some((_, v)) => {
                            format!("`{}`, the value from before this ENV", unquote(v, escape))
                        }
                        None => "the value from before this ENV (from the base image, or empty)"
                            .to_string(),
                    };
                    checker
                        .report(
                            span_in_arg(
                                checker.source,
                                pair.value,
                                reference.start as usize,
                                reference.end as usize,
                            ),
                            format!("`{name}` is set to `{value}` in this same ENV, but the reference sees {old}"),
                        )
                        .help(format!("set `{name}` in an ENV of its own above this one"));
                }
            }
        }
    }
}

/// `"text"` → `text`; anything else unchanged.
fn unwrap_double_quotes(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.contains('"'))
        .unwrap_or(value)
}
