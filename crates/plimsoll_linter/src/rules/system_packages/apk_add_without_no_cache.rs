use crate::checker::Checker;
use crate::diagnostic::Fix;
use crate::rule::{declare_rule, Rule};

use super::package_command::{package_commands, Manager};
use super::{cache_mount_targets, insert_after, mount_covers, runs};

declare_rule! {
    /// ## What it does
    /// Flags `apk add` without `--no-cache`, unless a cache or tmpfs mount
    /// holds apk's cache (`/var/cache/apk`, or `/etc/apk/cache` which links
    /// to it).
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, apk stores the repository indexes in
    /// `/var/cache/apk` and they stay in the layer. `--no-cache` fetches
    /// fresh indexes and keeps nothing, which also makes a separate
    /// `apk update` and a later `rm -rf /var/cache/apk/*` unnecessary.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk update && apk add curl=8.9.1-r1
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `--no-cache` is inserted after `add`; apk installs the same
    /// packages from freshly fetched indexes. Not offered in exec form.
    ///
    /// ## Differences from hadolint
    /// A cache mount on `/etc/apk/cache` counts too; a mount on a
    /// directory inside `/var/cache/apk` does not (hadolint accepts any
    /// target that starts with `/var/cache/apk`).
    ///
    /// ## References
    /// hadolint DL3019.
    pub struct ApkAddWithoutNoCache {
        name: "apk-add-without-no-cache",
        code: "PL205",
        aliases: ["DL3019"],
        category: Size,
        severity: Info,
        fix: Sometimes,
        summary: "apk add without --no-cache leaves the package index in the layer",
    }
}

impl Rule for ApkAddWithoutNoCache {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            let targets = cache_mount_targets(run.instruction);
            if mount_covers(&targets, "/var/cache/apk") || mount_covers(&targets, "/etc/apk/cache")
            {
                continue;
            }
            for add in package_commands(&run.script.commands) {
                if add.manager != Manager::Apk
                    || !add.is(&["add"])
                    || add.has_option(None, &["no-cache"])
                {
                    continue;
                }
                let Some(sub) = add.subcommand_word() else {
                    continue;
                };
                let fix = insert_after(&run, sub, "--no-cache");
                let diagnostic = checker
                    .report(
                        add.head_span(),
                        "`apk add` without `--no-cache` leaves the package index in /var/cache/apk, in this layer",
                    )
                    .help("use `apk add --no-cache`; it also makes `apk update` unnecessary");
                if let Some(edit) = fix {
                    diagnostic.fix(Fix::safe("Add `--no-cache`", vec![edit]));
                }
            }
        }
    }
}
