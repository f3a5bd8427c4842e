use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::Manager;
use super::report_unpinned_packages;

declare_rule! {
    /// ## What it does
    /// Flags each package of an `apt-get install` that names no version:
    /// neither `name=version`, nor a release (`name/bookworm-backports`), nor
    /// a `.deb` file.
    ///
    /// ## Why is this bad?
    /// An unpinned package installs whatever the archive holds on the day of
    /// the build. Two builds of the same Dockerfile then differ, a new
    /// release can break the image without any change to the Dockerfile, and
    /// the layer cache cannot tell that the result would be different.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint reports the RUN once; this rule points at each unpinned
    /// package. It reads the command line as apt-get does: the values of
    /// `-o`, `-c`, `-a` and `-t` are not packages, and `install` must be the
    /// subcommand (hadolint matches any `install` word, e.g.
    /// `apt-get download install`). A package given as one variable
    /// (`$PACKAGES`) is checked against the value the script or an `ENV` gave it, and not
    /// reported when a build argument or nothing in the Dockerfile sets it
    /// (hadolint reports it). `sudo apt-get` and `sh -c "apt-get ..."` are
    /// checked too.
    ///
    /// ## References
    /// hadolint DL3008.
    pub struct AptPackageUnpinned {
        name: "apt-package-unpinned",
        code: "PL200",
        aliases: ["DL3008"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "apt-get install of a package without a pinned version",
    }
}

impl Rule for AptPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        report_unpinned_packages(
            checker,
            |install| install.manager == Manager::AptGet && install.is(&["install"]),
            is_pinned,
            |name| {
                format!("pin it: `{name}=<version>` (`apt-cache policy {name}` lists the versions)")
            },
        );
    }
}

/// `name=version`, `name/release`, or a local `.deb`.
fn is_pinned(package: &str) -> bool {
    package.contains('=') || package.contains('/') || package.ends_with(".deb")
}
