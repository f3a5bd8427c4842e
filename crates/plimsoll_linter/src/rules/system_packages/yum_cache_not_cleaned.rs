use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{Manager, PackageCommand};
use super::{append_command, cache_mount_targets, mount_covers, removes, runs, uncleaned};

/// Where yum keeps metadata and packages (`/var/cache/dnf` where yum is dnf).
const CACHES: &[&str] = &["/var/cache/yum", "/var/cache/dnf"];

declare_rule! {
    /// ## What it does
    /// Flags a RUN whose last `yum install` (also `groupinstall`,
    /// `localinstall`, `group install`, `module install`) is not followed by
    /// `yum clean` or by an `rm` of `/var/cache/yum`, unless a cache or tmpfs
    /// mount holds that directory.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata (and often the downloaded packages) in
    /// `/var/cache/yum`: tens to hundreds of megabytes that stay in the layer.
    /// Cleaning in a later RUN does not shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix appends `&& yum clean all` to the RUN; a later RUN of
    /// the stage then downloads the metadata again. Not offered when the
    /// script does not end with a plain command, or in exec form.
    ///
    /// ## Differences from hadolint
    /// - Every install must be followed by a clean: hadolint only compares
    ///   the first install with the first clean.
    /// - The `rm` must delete the cache directory; hadolint accepts any `rm`
    ///   with `-rf` (`rm -rf /tmp/x` silences it).
    /// - A cache or tmpfs mount on the cache directory counts (hadolint
    ///   ignores mounts for this rule, though it honours them for dnf).
    ///
    /// ## References
    /// hadolint DL3032.
    pub struct YumCacheNotCleaned {
        name: "yum-cache-not-cleaned",
        code: "PL208",
        aliases: ["DL3032"],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "yum install without yum clean all leaves the yum cache in the layer",
    }
}

impl Rule for YumCacheNotCleaned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            let targets = cache_mount_targets(run.instruction);
            if CACHES.iter().any(|c| mount_covers(&targets, c)) {
                continue;
            }
            let install = uncleaned(
                run.script,
                |c: &PackageCommand<'_>| c.manager == Manager::Yum && c.rpm_installs(),
                |c| {
                    PackageCommand::parse(c)
                        .is_some_and(|p| p.manager == Manager::Yum && p.is(&["clean"]))
                        || CACHES.iter().any(|cache| removes(c, cache))
                },
            );
            let Some(install) = install else { continue };
            let fix = append_command(checker.source, &run, "yum clean all");
            let diagnostic = checker
                .report(
                    install.head_span(),
                    format!("`{}` without `yum clean all` afterwards: the yum cache stays in this layer", install.action()),
                )
                .help("end the RUN with `&& yum clean all`");
            if let Some(edit) = fix {
                diagnostic.fix(Fix::unsafe_edit("Append `&& yum clean all`", vec![edit]));
            }
        }
    }
}
