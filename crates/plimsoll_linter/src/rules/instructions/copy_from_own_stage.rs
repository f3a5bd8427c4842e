use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{copy_from_flags, CopyFrom};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<stage>` inside that same stage, by name or index.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: BuildKit stops with a circular
    /// dependency error. It is usually a stage name mixed up with another.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS build
    /// COPY --from=build /app/dist /srv
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22 AS build
    /// RUN npm run build
    /// FROM nginx:1.27
    /// COPY --from=build /app/dist /srv
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint checks the stage name only; plimsoll also catches the stage's
    /// own index (`--from=1` in the second stage).
    ///
    /// ## References
    /// hadolint DL3023.
    pub struct CopyFromOwnStage {
        name: "copy-from-own-stage",
        code: "PL407",
        aliases: ["DL3023"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "COPY --from names the stage it is in",
    }
}

impl Rule for CopyFromOwnStage {
    fn check(&self, checker: &mut Checker<'_>) {
        for (span, value, target) in copy_from_flags(checker.model) {
            if target != CopyFrom::Own {
                continue;
            }
            checker
                .report(
                    span,
                    format!("`--from={value}` is the stage this COPY is in: a stage cannot copy from itself"),
                )
                .help("copy from an earlier stage, or move this COPY to a later stage");
        }
    }
}
