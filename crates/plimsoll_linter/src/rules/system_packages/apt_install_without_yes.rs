use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager, PackageCommand};
use super::{insert_after, runs};

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` without `-y` (`--yes`, `--assume-yes`). A
    /// quiet level of 2 (`-qq`, `-q -q`, `-q=2`) implies `-y` and is fine, as
    /// is `-o APT::Get::Assume-Yes=true`.
    ///
    /// ## Why is this bad?
    /// When apt-get would install more than the named packages it asks
    /// "Do you want to continue? [Y/n]". A build has no terminal to answer,
    /// so apt-get aborts and the build fails, sometimes only after a base
    /// image update adds a dependency.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `-y` is inserted after `install`; it only answers the prompt that
    /// would otherwise abort the build. Not offered in exec form.
    ///
    /// ## References
    /// hadolint DL3014.
    pub struct AptInstallWithoutYes {
        name: "apt-install-without-yes",
        code: "PL202",
        aliases: ["DL3014"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "apt-get install without -y waits for an answer the build cannot give",
    }
}

impl Rule for AptInstallWithoutYes {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for install in package_commands(&run.script.commands) {
                if install.manager != Manager::AptGet
                    || !install.is(&["install"])
                    || assumes_yes(&install)
                {
                    continue;
                }
                let Some(sub) = install.subcommand_word() else {
                    continue;
                };
                let fix = insert_after(&run, sub, "-y");
                let diagnostic = checker
                    .report(
                        install.head_span(),
                        "`apt-get install` without `-y`: a confirmation prompt aborts the build",
                    )
                    .help("add `-y`: `apt-get install -y <package>`");
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::safe("Add `-y`", vec![edit]));
                }
            }
        }
    }
}

/// `-y`, `--yes`, `--assume-yes`, quiet level 2, or `-o APT::Get::Assume-Yes=true`.
fn assumes_yes(command: &PackageCommand<'_>) -> bool {
    command.has_option(Some('y'), &["yes", "assume-yes"])
        || quiet_level(command) >= 2
        || command.values_of('o', "option").iter().any(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("apt::get::assume-yes=")
                && matches!(v.rsplit('=').next(), Some("true" | "yes" | "1"))
        })
}

/// Each `q` in a short cluster and each `--quiet` adds one; `-q=N` / `--quiet=N` sets N.
fn quiet_level(command: &PackageCommand<'_>) -> u32 {
    let mut level = 0;
    for word in &command.options {
        let text = word.text.as_str();
        if let Some(long) = text.strip_prefix("--") {
            match long.split_once('=') {
                Some(("quiet", n)) => level += n.parse::<u32>().unwrap_or(1),
                None if long == "quiet" => level += 1,
                _ => {}
            }
        } else if let Some(cluster) = text.strip_prefix('-') {
            match cluster.split_once('=') {
                Some(("q", n)) => level += n.parse::<u32>().unwrap_or(1),
                Some(_) => {}
                None => {
                    // Letters up to a value-taking one (`-qo` takes a value after `o`).
                    let letters = cluster.split(['o', 'c', 't', 'a']).next().unwrap_or("");
                    level += letters.matches('q').count() as u32;
                }
            }
        }
    }
    level
}
