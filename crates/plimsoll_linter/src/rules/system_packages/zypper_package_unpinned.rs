use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::Manager;
use super::report_unpinned_packages;

declare_rule! {
    /// ## What it does
    /// Flags each package of a `zypper install` (`in`) that names no version
    /// (`name=version`, `name>=version`, `name<version`...) and is not an
    /// `.rpm` file. Patterns, patches and products (`-t pattern`) are not
    /// checked: they have no version to pin.
    ///
    /// ## Why is this bad?
    /// An unpinned package installs whatever the repository holds on the day
    /// of the build: builds stop being reproducible, and a new release can
    /// break the image without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl && zypper clean
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl=8.6.0 && zypper clean
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint reports the RUN once; this rule points at each unpinned
    /// package. Values of value-taking options (`-r repo`, `--from repo`,
    /// `-t pattern`) are not packages, and installs of another type than
    /// `package` are not checked. A package given as one variable
    /// (`$PACKAGES`) is checked against the value the script or an `ENV` gave it, and not
    /// reported when a build argument or nothing in the Dockerfile sets it.
    ///
    /// ## References
    /// hadolint DL3037.
    pub struct ZypperPackageUnpinned {
        name: "zypper-package-unpinned",
        code: "PL213",
        aliases: ["DL3037"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "zypper install of a package without a pinned version",
    }
}

impl Rule for ZypperPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        report_unpinned_packages(
            checker,
            |install| {
                install.manager == Manager::Zypper
                    && install.is(&["install", "in"])
                    && install
                        .values_of('t', "type")
                        .iter()
                        .all(|t| *t == "package")
            },
            |v| v.contains(['=', '<', '>']) || v.ends_with(".rpm"),
            |name| format!("pin it: `{name}=<version>` (quote `>=`/`<` ranges from the shell)"),
        );
    }
}
