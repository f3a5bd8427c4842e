use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{has_variable, GlobalArgs, ImageRef};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` image tagged `latest` without a digest, also when the tag
    /// comes from a global ARG default (`ARG TAG=latest` + `FROM node:$TAG`).
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: the same Dockerfile builds a
    /// different image next month, and a rebuild can break without any change
    /// to the file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12.7
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint does not expand ARGs; plimsoll judges the image with the
    /// global ARG defaults, as a plain `docker build` would build it, and
    /// flags `gcr.io/$PROJECT/app:latest` whatever the ARG's value.
    ///
    /// ## References
    /// hadolint DL3007.
    pub struct LatestBaseImage {
        name: "latest-base-image",
        code: "PL402",
        aliases: ["DL3007"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "FROM image:latest changes whenever a new image is pushed",
    }
}

impl Rule for LatestBaseImage {
    fn check(&self, checker: &mut Checker<'_>) {
        let args = GlobalArgs::new(checker);
        for stage in &checker.model.stages {
            let written = stage.from.image.value.as_str();
            let Some(image) = args.expand_image(written) else {
                continue;
            };
            let reference = ImageRef::parse(&image);
            if reference.tag != Some("latest") || reference.digest.is_some() {
                continue;
            }
            let name = reference.name;
            let message = if has_variable(written, checker.file.escape) && image != written {
                format!("`{written}` is `{image}` with the ARG defaults: `latest` changes whenever a new image is pushed")
            } else {
                format!("`{image}`: `latest` changes whenever a new image is pushed")
            };
            checker.report(stage.from.image.span, message).help(format!(
                "pin a version tag: `{name}:<version>` (add `@sha256:...` to pin exactly)"
            ));
        }
    }
}
