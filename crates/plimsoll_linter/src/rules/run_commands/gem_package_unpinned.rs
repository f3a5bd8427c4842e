use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{operands, runs, OptionSpec};

declare_rule! {
    /// ## What it does
    /// Flags gems given to `gem install` (or `gem i`) without a version.
    ///
    /// ## Why is this bad?
    /// An unpinned gem installs whatever release is newest when the layer is
    /// built: builds of the same Dockerfile differ, and a new release can
    /// break them. Pin each gem with `name:version`, or give `-v` for a single
    /// gem; an application's gems belong in a `Gemfile.lock`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler:2.5.22
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL3028 skips the word after every option, so
    /// `gem install --no-document rails` and `gem install -N rails` pass
    /// unchecked. plimsoll knows which of gem's options take a value; only
    /// unknown long options are assumed to take one, as hadolint does.
    /// Arguments after `--` are build options, not gems. A local `.gem`
    /// file and a gem given only through a variable are not flagged.
    ///
    /// ## References
    /// hadolint DL3028.
    pub struct GemPackageUnpinned {
        name: "gem-package-unpinned",
        code: "PL306",
        aliases: ["DL3028"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "gem install without a version: pin gems with name:version or -v",
    }
}

/// `gem install`'s options: which take a value, which do not.
const GEM_OPTIONS: OptionSpec = OptionSpec {
    long_with_value: &[
        "--version",
        "--platform",
        "--install-dir",
        "--bindir",
        "--source",
        "--http-proxy",
        "--file",
        "--build-root",
        "--trust-policy",
        "--target-rbconfig",
        "--bulk-threshold",
        "--config-file",
        "--document",
    ],
    short_with_value: "vinspgPB",
    unknown_long_takes_value: true,
    long_flags: &[
        "--no-document",
        "--no-ri",
        "--no-rdoc",
        "--user-install",
        "--no-user-install",
        "--env-shebang",
        "--no-env-shebang",
        "--force",
        "--no-force",
        "--minimal-deps",
        "--conservative",
        "--prerelease",
        "--pre",
        "--clear-sources",
        "--default",
        "--ignore-dependencies",
        "--development",
        "--development-all",
        "--wrappers",
        "--no-wrappers",
        "--local",
        "--remote",
        "--both",
        "--update-sources",
        "--no-update-sources",
        "--lock",
        "--no-lock",
        "--suggestions",
        "--no-suggestions",
        "--post-install-message",
        "--no-post-install-message",
        "--format-executable",
        "--no-format-executable",
        "--vendor",
        "--silent",
        "--quiet",
        "--verbose",
        "--no-verbose",
        "--backtrace",
        "--debug",
        "--norc",
        "--explain",
        "--write-binary-errors",
    ],
};

impl Rule for GemPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                if command.program() != Some("gem") {
                    continue;
                }
                let words = operands(&command.args, &GEM_OPTIONS, true);
                let Some((subcommand, gems)) = words.split_first() else {
                    continue;
                };
                if !matches!(subcommand.text.as_str(), "install" | "i") {
                    continue;
                }
                // `-v 2.0.1` pins the (single) gem it is given with.
                let has_version = command.args.iter().take_while(|a| a.text != "--").any(|a| {
                    a.text == "-v"
                        || a.text.starts_with("--version")
                        || (a.text.starts_with("-v") && a.text.len() > 2)
                });
                if has_version {
                    continue;
                }
                for gem in gems {
                    if gem.text.contains(':')
                        || gem.text.contains('$')
                        || gem.text.ends_with(".gem")
                    {
                        continue;
                    }
                    checker
                        .report(
                            gem.span,
                            format!(
                                "`{}` has no version: gem installs whatever is newest when the layer is built",
                                gem.text
                            ),
                        )
                        .help(format!("pin it: `gem install {}:<version>`", gem.text));
                }
            }
        }
    }
}
