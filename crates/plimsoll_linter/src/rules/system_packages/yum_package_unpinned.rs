use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::Manager;
use super::report_unpinned_rpms;

declare_rule! {
    /// ## What it does
    /// Flags each package of a `yum install` that names no version
    /// (`name-version`, `name-version-release`, or an `.rpm` file), and each
    /// module of `yum module install` without a stream (`name:stream`).
    ///
    /// A variable may stand for the version (`git-core-${GIT_VERSION}`) when
    /// the Dockerfile sets it with `ENV` (in this stage or one it builds on)
    /// or `ARG`, or the RUN's script assigns it.
    ///
    /// ## Why is this bad?
    /// An unpinned package installs whatever the repository holds on the day
    /// of the build: builds stop being reproducible, and a new release can
    /// break the image without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint reports the RUN once; this rule points at each unpinned
    /// package. Values of value-taking options (`--enablerepo epel`,
    /// `--setopt x=y`) are not packages, and groups (`yum group install`)
    /// are not checked: they have no version. A package given as one
    /// variable (`$PACKAGES`) is checked against the value the script or an `ENV` gave it,
    /// and not reported when a build argument or nothing in the Dockerfile
    /// sets it (hadolint reports it).
    ///
    /// ## References
    /// hadolint DL3033.
    pub struct YumPackageUnpinned {
        name: "yum-package-unpinned",
        code: "PL209",
        aliases: ["DL3033"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "yum install of a package without a pinned version",
    }
}

impl Rule for YumPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        report_unpinned_rpms(checker, Manager::Yum, "yum");
    }
}
