use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{copy_from_flags, CopyFrom};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<name>` where the name is not a stage defined
    /// earlier in the file: a stage defined later, a stage index that does not
    /// exist yet, or a bare name that is no stage at all. Tagged image
    /// references (`--from=alpine:3.20`) are fine.
    ///
    /// ## Why is this bad?
    /// A name that is not an earlier stage is looked up as a named build
    /// context or pulled as the image `<name>:latest`: a typo in a stage name
    /// silently copies from an unrelated image from Docker Hub, or fails the
    /// build. A stage used before it is defined reads backwards and breaks the
    /// classic builder.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=biuld /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint also flags `--from` values with a variable (issue #933);
    /// plimsoll does not judge them. An index of a later stage and the name of
    /// a later stage get their own message. A named build context passed with
    /// `--build-context name=...` is flagged by both: a linter cannot see it.
    ///
    /// ## References
    /// hadolint DL3022.
    pub struct CopyFromUnknownStage {
        name: "copy-from-unknown-stage",
        code: "PL406",
        aliases: ["DL3022"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "COPY --from names no earlier stage",
    }
}

impl Rule for CopyFromUnknownStage {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for (span, value, target) in copy_from_flags(model) {
            if value.is_empty() {
                continue;
            }
            let (message, help) = match target {
                CopyFrom::Later(n) => {
                    let line = model.instruction(model.stages[n].from_index).start_line;
                    (
                        format!("`--from={value}` uses the stage defined later, on line {line}"),
                        "move that stage above this one".to_string(),
                    )
                }
                CopyFrom::NoSuchIndex => (
                    format!("`--from={value}`: there is no stage {value} (stages count from 0)"),
                    "name the stage with `FROM ... AS <name>` and use the name".to_string(),
                ),
                CopyFrom::Unknown => (
                    format!("`{value}` is not a stage defined earlier: BuildKit looks for a build context of that name or pulls the image `{value}:latest`"),
                    "use the name of an earlier stage, or a tagged image such as `{value}:<version>`".replace("{value}", value),
                ),
                _ => continue,
            };
            checker.report(span, message).help(help);
        }
    }
}
