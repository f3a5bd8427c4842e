use plimsoll_syntax::shell_lex::Lexer;

use crate::checker::Checker;
use crate::knowledge::{closest_name, PREDEFINED_PLATFORM_ARGS};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a variable in a `FROM` image or `--platform` value that no global
    /// `ARG` (before the first FROM) declares and that is not one of the
    /// predefined platform arguments (`BUILDPLATFORM`, `TARGETARCH`, …).
    ///
    /// ## Why is this bad?
    /// FROM sees only global ARGs. An undeclared name expands to nothing, so
    /// `FROM node:22${VARIANT}` silently builds on `node:22`, and a typo like
    /// `$BULIDPLATFORM` gives an empty platform.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$BULIDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## References
    /// BuildKit check `UndefinedArgInFrom` (same suggestion: the closest
    /// known name within two edits).
    pub struct UndefinedArgInFrom {
        name: "undefined-arg-in-from",
        code: "PL112",
        aliases: ["UndefinedArgInFrom"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "FROM uses a variable that no global ARG declares",
    }
}

impl Rule for UndefinedArgInFrom {
    fn check(&self, checker: &mut Checker<'_>) {
        let globals: Vec<&str> = checker.model.global_args.iter().map(|d| d.name).collect();
        let known: Vec<&str> = globals
            .iter()
            .copied()
            .chain(PREDEFINED_PLATFORM_ARGS.iter().copied())
            .collect();
        let lexer = Lexer {
            escape: checker.file.escape,
            ..Lexer::default()
        };
        // Declared names count as set (their value does not matter here).
        let env = |name: &str| known.contains(&name).then(String::new);
        for instruction in &checker.file.instructions {
            let Some(from) = instruction.as_from() else {
                continue;
            };
            let words = std::iter::once((from.image.value.as_str(), from.image.span)).chain(
                from.platform
                    .and_then(|p| Some((p.value.as_deref()?, p.value_span?))),
            );
            for (word, span) in words {
                let Ok(expansion) = lexer.process_word(word, &env) else {
                    continue;
                };
                for name in &expansion.unmatched {
                    let hint = closest_name(name, &known)
                        .map(|k| format!(" (did you mean {k}?)"))
                        .unwrap_or_default();
                    checker
                        .report(
                            span,
                            format!("FROM argument '{name}' is not declared{hint}"),
                        )
                        .help(format!(
                            "declare it before the first FROM: `ARG {name}=<default>`"
                        ));
                }
            }
        }
    }
}
