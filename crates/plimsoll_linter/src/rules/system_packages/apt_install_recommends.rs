use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager, PackageCommand};
use super::{insert_after, lineage, runs};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` without `--no-install-recommends` (or
    /// `-o APT::Install-Recommends=false`), unless an earlier RUN of the stage
    /// (or a stage it builds on) turned recommends off in apt's configuration
    /// (`APT::Install-Recommends "false";`).
    ///
    /// ## Why is this bad?
    /// apt installs a package's "recommended" packages too. They are not
    /// needed for the package to work, and often add tens or hundreds of
    /// megabytes (documentation tools, X11 libraries) to the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: `--no-install-recommends` is inserted after `install`. The
    /// image then lacks the recommended packages, and something in it may
    /// have relied on one (a CA bundle, a locale). Not offered in exec form.
    ///
    /// ## Differences from hadolint
    /// hadolint does not notice recommends being turned off in an apt
    /// configuration file written by an earlier RUN.
    ///
    /// ## References
    /// hadolint DL3015.
    pub struct AptInstallRecommends {
        name: "apt-install-recommends",
        code: "PL203",
        aliases: ["DL3015"],
        category: Size,
        severity: Info,
        fix: Sometimes,
        summary: "apt-get install without --no-install-recommends pulls in extra packages",
    }
}

impl Rule for AptInstallRecommends {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        // Stages where a RUN wrote `APT::Install-Recommends "false"` into apt's configuration.
        let mut configured: Vec<Option<usize>> = Vec::new();
        for run in runs(model) {
            let stage = run.stage;
            let lineage = lineage(model, stage);
            // `echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/...`
            let writes_config = run.script.commands.iter().any(|c| {
                let writes = c.program() == Some("tee")
                    || c.redirects.iter().any(|r| r.operator.contains('>'));
                writes
                    && c.args.iter().any(|a| {
                        let t = a.text.to_ascii_lowercase();
                        t.contains("apt::install-recommends")
                            && (t.contains("false") || t.contains("\"0\""))
                    })
            });
            for install in package_commands(&run.script.commands) {
                if install.manager != Manager::AptGet
                    || !install.is(&["install"])
                    || skips_recommends(&install)
                    || configured.iter().any(|s| lineage.contains(s))
                {
                    continue;
                }
                let Some(sub) = install.subcommand_word() else {
                    continue;
                };
                let fix = insert_after(&run, sub, "--no-install-recommends");
                let diagnostic = checker
                    .report(
                        install.head_span(),
                        "`apt-get install` without `--no-install-recommends` also installs recommended packages",
                    )
                    .help("add `--no-install-recommends` and name what you need explicitly");
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::unsafe_edit(
                        "Add `--no-install-recommends`",
                        vec![edit],
                    ));
                }
            }
            if writes_config {
                configured.push(stage);
            }
        }
    }
}

fn skips_recommends(command: &PackageCommand<'_>) -> bool {
    command.has_option(None, &["no-install-recommends"])
        || command.values_of('o', "option").iter().any(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("apt::install-recommends=")
                && matches!(v.rsplit('=').next(), Some("false" | "no" | "0"))
        })
}
