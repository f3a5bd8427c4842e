use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::{normalize_path, Base};

use super::support::{stage_of, unquote, with_triggers};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<stage> / /`: the whole filesystem of another stage
    /// or image copied over this one. A stage built `FROM scratch` is not
    /// flagged: copying everything into an empty image is the usual way to
    /// flatten an image on purpose.
    ///
    /// ## Why is this bad?
    /// Every file of the other stage (its whole base image, package caches,
    /// build tools) is written again on top of this stage's own copy of
    /// similar files: the layer is as big as an operating system, system
    /// files of one distribution overwrite another's, and the point of a
    /// multi-stage build is lost.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=build / /
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
    /// hadolint also flags the copy into a `FROM scratch` stage (flattening).
    ///
    /// ## References
    /// hadolint DL3067.
    pub struct CopyEntireFilesystem {
        name: "copy-entire-filesystem",
        code: "PL414",
        aliases: ["DL3067"],
        category: Size,
        severity: Warning,
        fix: None,
        summary: "COPY --from=<stage> / / copies a whole filesystem",
    }
}

impl Rule for CopyEntireFilesystem {
    fn check(&self, checker: &mut Checker<'_>) {
        let escape = checker.file.escape;
        let model = checker.model;
        for (index, instruction, in_trigger) in with_triggers(&checker.file.instructions) {
            if instruction.keyword != Keyword::Copy {
                continue;
            }
            let Some(from) = instruction.flag("from").and_then(|f| f.value.as_deref()) else {
                continue;
            };
            let Some(view) = instruction.as_copy() else {
                continue;
            };
            let (Some(dest), [source]) = (view.destination, view.sources) else {
                continue;
            };
            let is_root = |word: &str| normalize_path(&unquote(word, escape)) == "/";
            if !is_root(&source.value) || !is_root(&dest.value) {
                continue;
            }
            let into_scratch = !in_trigger
                && stage_of(model, index).is_some_and(|s| model.stages[s].base == Base::Scratch);
            if into_scratch {
                continue;
            }
            checker
                .report(
                    source.span.cover(dest.span),
                    format!("copies the whole filesystem of `{from}` on top of this stage's files"),
                )
                .help("copy only what this stage needs, e.g. `COPY --from=<stage> /out/app /usr/local/bin/app`");
        }
    }
}
