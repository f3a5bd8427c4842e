use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::runs;

declare_rule! {
    /// ## What it does
    /// Flags a stage that downloads with both `curl` and `wget`: once both
    /// have been used, the `RUN` that brings in the second tool and every
    /// later use of either is reported.
    ///
    /// ## Why is this bad?
    /// Two tools that do the same job mean two packages (and their
    /// libraries) installed in the image, two sets of flags for retries,
    /// proxies and TLS to keep right, and two behaviours on failure. Pick one
    /// and use it everywhere in the stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget -q https://example.org/a.tar.gz
    /// RUN curl -fsSLO https://example.org/b.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLO https://example.org/a.tar.gz
    /// RUN curl -fsSLO https://example.org/b.tar.gz
    /// ```
    ///
    /// ## References
    /// hadolint DL4001.
    pub struct CurlAndWget {
        name: "curl-and-wget",
        code: "PL313",
        aliases: ["DL4001"],
        category: Size,
        severity: Warning,
        fix: None,
        summary: "both curl and wget are used in one stage: pick one",
    }
}

impl Rule for CurlAndWget {
    fn check(&self, checker: &mut Checker<'_>) {
        let runs = runs(checker.model);
        // ONBUILD triggers run in another build: they are tracked apart.
        for onbuild in [false, true] {
            let mut stage = None;
            let mut seen = (false, false);
            for run in runs.iter().filter(|r| r.onbuild == onbuild) {
                if run.stage != stage {
                    stage = run.stage;
                    seen = (false, false);
                }
                let tools: Vec<_> = run
                    .script
                    .commands
                    .iter()
                    .filter(|c| matches!(c.program(), Some("curl" | "wget")))
                    .collect();
                for command in &tools {
                    match command.program() {
                        Some("curl") => seen.0 = true,
                        _ => seen.1 = true,
                    }
                }
                if !(seen.0 && seen.1) {
                    continue;
                }
                for command in tools {
                    let Some(name) = &command.name else { continue };
                    let (this, other) = match command.program() {
                        Some("curl") => ("curl", "wget"),
                        _ => ("wget", "curl"),
                    };
                    checker
                        .report(
                            name.span,
                            format!("this stage downloads with both {this} and {other}: two tools for one job"),
                        )
                        .help("use either curl or wget throughout the stage");
                }
            }
        }
    }
}
