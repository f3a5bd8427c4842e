use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a final stage with no `HEALTHCHECK`, neither its own nor one from
    /// a stage of this file it is built on. `HEALTHCHECK NONE` counts: it is an
    /// explicit choice. Off by default.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and Swarm only know whether the process
    /// runs, not whether it answers. Orchestrators with their own probes
    /// (Kubernetes) ignore `HEALTHCHECK`, which is why this rule is opt-in.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint flags every stage without a health check, builder stages
    /// included, although only the image that runs uses it; plimsoll checks
    /// the final stage. hadolint's DL3057 has severity `ignore` (off);
    /// plimsoll keeps it off by default and reports at `info` when selected.
    ///
    /// ## References
    /// hadolint DL3057.
    pub struct MissingHealthcheck {
        name: "missing-healthcheck",
        code: "PL411",
        aliases: ["DL3057"],
        category: Runtime,
        severity: Info,
        fix: None,
        summary: "The final image has no HEALTHCHECK",
        default_enabled: false
    }
}

impl Rule for MissingHealthcheck {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(last) = model.final_stage() else {
            return;
        };
        let has_healthcheck = model.stage_chain(last.index).into_iter().any(|s| {
            model
                .stage_instructions(&model.stages[s])
                .any(|(_, i)| i.keyword == Keyword::Healthcheck)
        });
        if has_healthcheck {
            return;
        }
        checker
            .report(
                last.from.image.span,
                "the final image has no HEALTHCHECK: Docker cannot tell a hung container from a healthy one",
            )
            .help("add `HEALTHCHECK CMD <command that fails when the service is unhealthy>`, or `HEALTHCHECK NONE` to say there is none");
    }
}
