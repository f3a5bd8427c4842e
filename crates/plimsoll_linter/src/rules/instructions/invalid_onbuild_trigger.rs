use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses these triggers and the build fails: a trigger cannot
    /// start a stage, set the deprecated maintainer, or register another trigger.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// ONBUILD FROM node:22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// ONBUILD COPY package.json /app/
    /// ```
    ///
    /// ## References
    /// hadolint DL3043.
    pub struct InvalidOnbuildTrigger {
        name: "invalid-onbuild-trigger",
        code: "PL408",
        aliases: ["DL3043"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER",
    }
}

impl Rule for InvalidOnbuildTrigger {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some(trigger) = instruction.trigger.as_deref() else {
                continue;
            };
            let message = match trigger.keyword {
                Keyword::Onbuild => "chaining `ONBUILD ONBUILD` is not allowed",
                Keyword::From => "FROM is not allowed as an ONBUILD trigger",
                Keyword::Maintainer => "MAINTAINER is not allowed as an ONBUILD trigger",
                _ => continue,
            };
            checker
                .report(trigger.keyword_span, format!("{message}: the build fails"))
                .help(match trigger.keyword {
                    Keyword::Maintainer => {
                        "use `LABEL org.opencontainers.image.authors=...` instead"
                    }
                    _ => "remove this trigger",
                });
        }
    }
}
