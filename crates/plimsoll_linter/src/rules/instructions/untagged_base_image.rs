use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{has_variable, GlobalArgs, ImageRef};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` image with neither a tag nor a digest. `scratch` and
    /// earlier stages are not flagged. Global ARG defaults are expanded first
    /// (`ARG IMAGE=node` + `FROM $IMAGE` is flagged); an ARG without a default
    /// is judged only where it cannot hold the tag (`FROM $REGISTRY/node` is
    /// flagged, `FROM node$SUFFIX` is not).
    ///
    /// ## Why is this bad?
    /// An untagged image means `:latest`, which moves: the same Dockerfile
    /// builds a different image next month, and a rebuild can break without
    /// any change to the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12.7
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint skips images that start with a variable and flags every other
    /// image with a variable in it (`FROM img${X}`, issue #979). plimsoll
    /// expands global ARG defaults as BuildKit does and judges the result,
    /// unless the tag itself may come from an ARG without a default.
    ///
    /// ## References
    /// hadolint DL3006.
    pub struct UntaggedBaseImage {
        name: "untagged-base-image",
        code: "PL401",
        aliases: ["DL3006"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "FROM image without a tag or digest gets whatever :latest is today",
    }
}

impl Rule for UntaggedBaseImage {
    fn check(&self, checker: &mut Checker<'_>) {
        let args = GlobalArgs::new(checker);
        let model = checker.model;
        for (position, stage) in model.stages.iter().enumerate() {
            let written = stage.from.image.value.as_str();
            let Some(image) = args.expand_image(written) else {
                continue;
            };
            let lower = image.to_lowercase();
            let earlier_stage = model.stages[..position]
                .iter()
                .any(|s| s.name.as_deref() == Some(lower.as_str()));
            if lower == "scratch" || earlier_stage || image.is_empty() {
                continue;
            }
            let reference = ImageRef::parse(&image);
            if reference.tag.is_some() || reference.digest.is_some() {
                continue;
            }
            let message = if has_variable(written, checker.file.escape) && image != written {
                format!("`{written}` is `{image}` with the ARG defaults: no tag, so the build takes whatever `{image}:latest` is")
            } else {
                format!(
                    "`{image}` has no tag: the build takes whatever `{image}:latest` is on the day"
                )
            };
            checker.report(stage.from.image.span, message).help(format!(
                "pin a version tag: `{image}:<version>` (add `@sha256:...` to pin exactly)"
            ));
        }
    }
}
