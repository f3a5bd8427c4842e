use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::package_command::Manager;
use super::report_unpinned_packages;

declare_rule! {
    /// ## What it does
    /// Flags each package of an `apk add` that names no version constraint
    /// (`=`, `~`, `<`, `>`) and is not an `.apk` file.
    ///
    /// ## Why is this bad?
    /// An unpinned package installs whatever the Alpine repository holds on
    /// the day of the build: builds stop being reproducible, and a new
    /// release can break the image without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    ///
    /// `curl~8.9` accepts any 8.9 release.
    ///
    /// ## Differences from hadolint
    /// hadolint reports the RUN once; this rule points at each unpinned
    /// package. Values of `--virtual`/`-t`, `--repository`/`-X`, `--root`/`-p`
    /// and the other value-taking options are not packages; `add` must be the
    /// subcommand. A package given as one variable (`$PACKAGES`) is checked
    /// against the value the script or an `ENV` gave it, and not reported when a build
    /// argument or nothing in the Dockerfile sets it (hadolint reports it).
    ///
    /// ## References
    /// hadolint DL3018.
    pub struct ApkPackageUnpinned {
        name: "apk-package-unpinned",
        code: "PL204",
        aliases: ["DL3018"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "apk add of a package without a pinned version",
    }
}

impl Rule for ApkPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        report_unpinned_packages(
            checker,
            |add| add.manager == Manager::Apk && add.is(&["add"]),
            is_pinned,
            |name| {
                format!("pin it: `{name}=<version>`, or `{name}~<major.minor>` for a release line")
            },
        );
    }
}

/// A version constraint, or a local `.apk` file.
fn is_pinned(package: &str) -> bool {
    package.contains(['=', '~', '<', '>']) || package.ends_with(".apk")
}
