use plimsoll_syntax::{Dockerfile, Keyword, Span};

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a stage name (`FROM image AS Name`) that is not all lowercase.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names, so `AS Builder` and `--from=builder`
    /// name the same stage: the mixed-case spelling suggests a distinction that
    /// does not exist.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS BuilderBase
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23 AS builder-base
    /// ```
    ///
    /// ## Fix safety
    /// The fix lower-cases the name and every reference to it (`FROM name`,
    /// `COPY --from=name`, `RUN --mount=from=name`), leaving references built
    /// from variables alone. BuildKit compares stage names case-insensitively,
    /// so the build is the same: the fix is safe. A `docker build --target`
    /// in a script is case-insensitive too. A name built from a variable
    /// (`AS ${STAGE}`) is reported but not renamed.
    ///
    /// ## References
    /// BuildKit check `StageNameCasing`.
    pub struct StageNameCasing {
        name: "stage-name-casing",
        code: "PL101",
        aliases: ["StageNameCasing"],
        category: Style,
        severity: Warning,
        fix: Sometimes,
        summary: "Stage names should be lowercase",
    }
}

impl Rule for StageNameCasing {
    fn check(&self, checker: &mut Checker<'_>) {
        for (index, instruction) in checker.file.instructions.iter().enumerate() {
            // BuildKit checks only the three-argument form `image AS name`.
            let Some(from) = instruction
                .as_from()
                .filter(|_| instruction.args.len() == 3)
            else {
                continue;
            };
            let Some(name) = from.stage_name else {
                continue;
            };
            if name.value != name.value.to_lowercase() {
                let lower = name.value.to_lowercase();
                let mut edits = vec![Edit::replace(name.span, lower.clone())];
                edits.extend(
                    stage_references(checker.source, checker.file, index, &lower)
                        .into_iter()
                        .filter(|span| checker.text(*span) != lower)
                        .map(|span| Edit::replace(span, lower.clone())),
                );
                // A name built from variables (`AS ${STAGE}`) is not renamed: the
                // variable's name is not the stage's. Nor is one written with quotes or escapes.
                let plain = !name.value.contains('$') && checker.text(name.span) == name.value;
                let diagnostic = checker
                    .report(
                        name.span,
                        format!("Stage name '{}' should be lowercase", name.value),
                    )
                    .help(if name.value.contains('$') {
                        "give the stage a lowercase name (a variable's value is compared too)"
                            .to_string()
                    } else {
                        format!("write it as `{lower}`")
                    });
                if plain {
                    diagnostic.fix(Fix::safe(
                        format!("Rename stage `{}` to `{lower}` everywhere", name.value),
                        edits,
                    ));
                }
            }
        }
    }
}

/// Spans of every reference to the stage `lower` (already lower-cased) defined
/// by the FROM at `defined_at`, in later FROM images, `COPY/ADD --from=` and
/// `RUN --mount=...,from=`, whatever their case. Earlier mentions name images.
pub(crate) fn stage_references(
    source: &str,
    file: &Dockerfile,
    defined_at: usize,
    lower: &str,
) -> Vec<Span> {
    let mut spans = Vec::new();
    let matches = |text: &str| text.eq_ignore_ascii_case(lower);
    for instruction in file.instructions.iter().skip(defined_at + 1) {
        let instruction = instruction.innermost();
        match instruction.keyword {
            Keyword::From => {
                if let Some(image) = instruction.args.first() {
                    if matches(image.span.text(source)) {
                        spans.push(image.span);
                    }
                }
            }
            Keyword::Copy | Keyword::Add => {
                for flag in instruction.flags.iter().filter(|f| f.name == "from") {
                    if let Some(span) = flag.value_span {
                        if matches(span.text(source)) {
                            spans.push(span);
                        }
                    }
                }
            }
            Keyword::Run => {
                for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
                    let Some(span) = flag.value_span else {
                        continue;
                    };
                    let text = span.text(source);
                    // `type=bind,from=builder,target=/x`: only plain, unquoted fields.
                    let mut offset = 0;
                    for field in text.split(',') {
                        if let Some((key, value)) = field.split_once('=') {
                            if key.trim() == "from" && matches(value) {
                                let start = span.start as usize + offset + key.len() + 1;
                                spans.push(Span::new(start, start + value.len()));
                            }
                        }
                        offset += field.len() + 1;
                    }
                }
            }
            _ => {}
        }
    }
    spans
}
