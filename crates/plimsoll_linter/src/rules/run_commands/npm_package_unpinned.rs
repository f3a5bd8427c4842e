use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{operands, runs, OptionSpec};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `npm install` (or its aliases `npm i`,
    /// `npm add`) without a version.
    ///
    /// ## Why is this bad?
    /// `npm install express` resolves the newest release when the layer is
    /// built, and with `-g` nothing records which one it was: builds of the
    /// same Dockerfile differ, and a new release can break them. A project's
    /// own dependencies belong in `package.json` and its lock file, installed
    /// with `npm ci`.
    ///
    /// Not flagged: `npm install` with no package (it installs the project's
    /// dependencies), `name@version` (scoped names too), git URLs with a
    /// `#ref`, tarballs (`.tgz`, `.tar`, `.tar.gz`), and local paths.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// RUN npm install -g typescript@5.6.3
    /// ```
    ///
    /// ## Differences from hadolint
    /// - hadolint DL3016 checks only `npm install`; `npm i` and `npm add` are
    ///   the same command and are checked here too.
    /// - `name@latest` (and `@next`) is flagged: a dist-tag moves with every
    ///   release, so it pins nothing. hadolint accepts any `@`.
    /// - Values of more options are skipped (`--omit dev`, `--prefix /x`),
    ///   where hadolint would take `dev` for a package.
    /// - A package given only through a variable (`npm i $PKG`) is not
    ///   flagged: its value is unknown before the build.
    /// - Any URL with a `#ref` counts as pinned
    ///   (`https://github.com/org/repo#<commit>`), not only `git` URLs.
    /// - Commands behind wrappers (`sudo npm install -g x`) are found.
    ///
    /// ## References
    /// hadolint DL3016.
    pub struct NpmPackageUnpinned {
        name: "npm-package-unpinned",
        code: "PL305",
        aliases: ["DL3016"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "npm install <package> without a version: pin it with @<version>",
    }
}

/// npm options that take the next word as their value.
const NPM_OPTIONS: OptionSpec = OptionSpec {
    long_with_value: &[
        "--loglevel",
        "--registry",
        "--prefix",
        "--cache",
        "--userconfig",
        "--globalconfig",
        "--tag",
        "--workspace",
        "--omit",
        "--include",
        "--install-strategy",
        "--location",
        "--before",
        "--fetch-retries",
        "--fetch-timeout",
        "--scope",
        "--otp",
        "--proxy",
        "--https-proxy",
        "--cafile",
        "--userconfig",
        "--save-prefix",
        "--script-shell",
    ],
    short_with_value: "w",
    unknown_long_takes_value: false,
    long_flags: &[],
};

impl Rule for NpmPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                if command.program() != Some("npm") {
                    continue;
                }
                let words = operands(&command.args, &NPM_OPTIONS, false);
                let Some((subcommand, packages)) = words.split_first() else {
                    continue;
                };
                if !matches!(
                    subcommand.text.as_str(),
                    "install" | "i" | "add" | "isntall"
                ) {
                    continue;
                }
                for package in packages {
                    if pinned(&package.text) != Some(false) {
                        continue;
                    }
                    let text = &package.text;
                    let lower = text.to_ascii_lowercase();
                    let (message, help) = if lower.contains("://")
                        || lower.starts_with("git@")
                        || lower.starts_with("github:")
                    {
                        (
                            format!("`{text}` is not pinned to a tag or commit: npm installs whatever the branch holds when the layer is built"),
                            "add the ref after the repository: `git+https://host/repo.git#<tag or commit>`".to_string(),
                        )
                    } else if text.len() > name_of(text).len() {
                        (
                            format!("`{text}` names a moving tag, not a version: npm installs whatever it points to when the layer is built"),
                            format!("pin it (`{}@<version>`), or list it in package.json and run `npm ci`", name_of(text)),
                        )
                    } else {
                        (
                            format!("`{text}` has no version: npm installs whatever is newest when the layer is built"),
                            format!("pin it (`{text}@<version>`), or list it in package.json and run `npm ci`"),
                        )
                    };
                    checker.report(package.span, message).help(help);
                }
            }
        }
    }
}

/// The package name without a version or tag (`@scope/x@latest` → `@scope/x`).
fn name_of(spec: &str) -> &str {
    let (scope, rest) = match spec.strip_prefix('@') {
        Some(rest) => ("@", rest),
        None => ("", spec),
    };
    match rest.find('@') {
        Some(at) => &spec[..scope.len() + at],
        None => spec,
    }
}

/// Is this npm package spec pinned? `None` when only known at build time.
fn pinned(spec: &str) -> Option<bool> {
    let lower = spec.to_ascii_lowercase();
    let is_url = lower.contains("://") || lower.starts_with("git@") || lower.starts_with("github:");
    if is_url {
        // A git URL needs a `#ref`; a tarball URL is a fixed file.
        let tarball = [".tgz", ".tar", ".tar.gz"]
            .iter()
            .any(|e| lower.ends_with(e));
        return Some(tarball || spec.contains('#'));
    }
    let local = ["/", "./", "../", "~/"].iter().any(|p| spec.starts_with(p))
        || [".tgz", ".tar", ".tar.gz"]
            .iter()
            .any(|e| lower.ends_with(e));
    if local {
        return Some(true);
    }
    if spec.contains('$') {
        return None;
    }
    let version = spec
        .strip_prefix(name_of(spec))
        .and_then(|v| v.strip_prefix('@'));
    Some(match version {
        Some(v) => !v.is_empty() && !matches!(v.trim_matches('"'), "latest" | "next"),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::pinned;

    #[test]
    fn npm_specs() {
        for spec in [
            "express@4.1.1",
            "@org/p@>=0.1.0",
            "a@^1",
            "./x",
            "/x",
            "~/x",
            "p-1.2.tgz",
            "git+https://h/r.git#v1",
            "git://h/r.git#v1",
            "https://h/p.tgz",
        ] {
            assert_eq!(pinned(spec), Some(true), "{spec}");
        }
        for spec in [
            "express",
            "@org/p",
            "a@latest",
            "git+https://h/r.git",
            "git://h/r",
        ] {
            assert_eq!(pinned(spec), Some(false), "{spec}");
        }
        assert_eq!(pinned("$PKG"), None);
    }
}
