use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{Manager, PackageCommand};
use super::{append_command, cache_mount_targets, mount_covers, removes, runs, uncleaned};

/// Where dnf keeps metadata and packages: dnf5, dnf4, and yum's path, which
/// hadolint accepts for dnf too.
const CACHES: &[&str] = &["/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum"];

/// Subcommands that download metadata and packages.
const FILLS: &[&str] = &[
    "upgrade",
    "up",
    "update",
    "upgrade-minimal",
    "up-min",
    "reinstall",
    "rei",
];

declare_rule! {
    /// ## What it does
    /// Flags a RUN whose last `dnf` or `microdnf` command that downloads
    /// packages (`install`, `in`, `upgrade`, `up`, `update`,
    /// `upgrade-minimal`, `reinstall`, `group install`, `module install`...)
    /// is not followed by `<same tool> clean` or by an `rm` of dnf's cache
    /// directory, unless a cache or tmpfs mount holds it
    /// (`/var/cache/libdnf5`, `/var/cache/dnf`, or a `.cache/libdnf5` of a
    /// non-root user).
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata in its cache: often over a hundred
    /// megabytes that stay in the layer. Cleaning in a later RUN does not
    /// shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix appends `&& dnf clean all` (or `microdnf clean all`)
    /// to the RUN; a later RUN of the stage then downloads the metadata
    /// again. Not offered when the script does not end with a plain command,
    /// or in exec form.
    ///
    /// ## Differences from hadolint
    /// - Every such command must be followed by a clean: hadolint only
    ///   compares the first one with the first clean.
    /// - The `rm` must delete a cache directory; hadolint accepts any `rm`
    ///   with `-rf` (`rm -rf /tmp/x` silences it).
    /// - `dnf update` (an alias of `upgrade`) and `dnf5` count; a mount on
    ///   `/var/cache/dnf` (dnf 4's cache) counts too.
    ///
    /// ## References
    /// hadolint DL3040.
    pub struct DnfCacheNotCleaned {
        name: "dnf-cache-not-cleaned",
        code: "PL215",
        aliases: ["DL3040"],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "dnf install without dnf clean all leaves the dnf cache in the layer",
    }
}

impl Rule for DnfCacheNotCleaned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            let targets = cache_mount_targets(run.instruction);
            if CACHES.iter().any(|c| mount_covers(&targets, c))
                || targets
                    .iter()
                    .any(|t| t.ends_with("/.cache/libdnf5") || t.ends_with("/.cache"))
            {
                continue;
            }
            // One tool's clean does not clean another's cache: `microdnf clean all && dnf install`.
            for tool in ["dnf", "dnf5", "microdnf"] {
                let install = uncleaned(
                    run.script,
                    |c: &PackageCommand<'_>| c.tool == tool && (c.rpm_installs() || c.is(FILLS)),
                    |c| {
                        PackageCommand::parse(c).is_some_and(|p| {
                            p.manager == Manager::Dnf && p.tool == tool && p.is(&["clean"])
                        }) || CACHES.iter().any(|cache| removes(c, cache))
                    },
                );
                let Some(install) = install else { continue };
                let clean = format!("{tool} clean all");
                let fix = append_command(checker.source, &run, &clean);
                let diagnostic = checker
                    .report(
                        install.head_span(),
                        format!(
                            "`{}` without `{clean}` afterwards: the dnf cache stays in this layer",
                            install.action()
                        ),
                    )
                    .help(format!("end the RUN with `&& {clean}`"));
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::unsafe_edit(format!("Append `&& {clean}`"), vec![edit]));
                }
            }
        }
    }
}
