use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{Manager, PackageCommand};
use super::{append_command, cache_mount_targets, mount_covers, removes, runs, uncleaned};

const CACHE: &str = "/var/cache/zypp";

declare_rule! {
    /// ## What it does
    /// Flags a RUN whose last `zypper install` (or `in`) is not followed by
    /// `zypper clean` (`cc`) or by an `rm` of `/var/cache/zypp`, unless a
    /// cache or tmpfs mount holds `/var/cache/zypp`.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata and downloaded packages in
    /// `/var/cache/zypp`, which then stays in the layer. Cleaning in a later
    /// RUN does not shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y curl=8.6.0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y curl=8.6.0 && zypper clean
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix appends `&& zypper clean` to the RUN; a later RUN of
    /// the stage then downloads the metadata again. Not offered when the
    /// script does not end with a plain command, or in exec form.
    ///
    /// ## Differences from hadolint
    /// Every install must be followed by a clean (hadolint compares the
    /// first install with the first clean); an `rm` of `/var/cache/zypp`
    /// counts as a clean.
    ///
    /// ## References
    /// hadolint DL3036.
    pub struct ZypperCacheNotCleaned {
        name: "zypper-cache-not-cleaned",
        code: "PL212",
        aliases: ["DL3036"],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "zypper install without zypper clean leaves the zypper cache in the layer",
    }
}

impl Rule for ZypperCacheNotCleaned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            if mount_covers(&cache_mount_targets(run.instruction), CACHE) {
                continue;
            }
            let install = uncleaned(
                run.script,
                |c: &PackageCommand<'_>| c.manager == Manager::Zypper && c.is(&["install", "in"]),
                |c| {
                    PackageCommand::parse(c)
                        .is_some_and(|p| p.manager == Manager::Zypper && p.is(&["clean", "cc"]))
                        || removes(c, CACHE)
                },
            );
            let Some(install) = install else { continue };
            let fix = append_command(checker.source, &run, "zypper clean");
            let diagnostic = checker
                .report(
                    install.head_span(),
                    format!("`{}` without `zypper clean` afterwards: the zypper cache stays in this layer", install.action()),
                )
                .help("end the RUN with `&& zypper clean`");
            if let Some(edit) = fix {
                diagnostic.fix(Fix::unsafe_edit("Append `&& zypper clean`", vec![edit]));
            }
        }
    }
}
