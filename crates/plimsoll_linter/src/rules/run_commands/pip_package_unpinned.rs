use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{operands, pip_call, pip_options_with_value, runs, OptionSpec, PipTool};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `pip install` (also `python -m pip`, `pipx`
    /// and `uv pip`) without a version.
    ///
    /// ## Why is this bad?
    /// An unpinned package installs whatever version is newest when the layer
    /// is built: two builds of the same Dockerfile get different code, a
    /// release can break a build that worked yesterday, and the build cache
    /// hides which version an image really has.
    ///
    /// Not flagged: versions given with any specifier (`==`, `~=`, `>=`,
    /// `<`, `!=`...), installs from a requirements or constraints file
    /// (`-r`, `-c`), local paths and files (`.`, `./pkg`, `dist/x.whl`),
    /// URLs, and VCS URLs pinned to a ref (`git+https://host/repo@v1.2`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Differences from hadolint
    /// - A VCS URL counts as pinned only when the `@ref` comes after the
    ///   host: hadolint accepts any `@`, so `git+ssh://git@host/repo.git`
    ///   (a user name, no ref) passes there and is flagged here.
    /// - A package given only through a variable (`pip install $PKGS`) is
    ///   not flagged: its value is unknown before the build.
    /// - `uv pip install` is checked too.
    ///
    /// ## References
    /// hadolint DL3013.
    pub struct PipPackageUnpinned {
        name: "pip-package-unpinned",
        code: "PL304",
        aliases: ["DL3013"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "pip install without a version: pin packages or install from a requirements file",
    }
}

/// Options of `pip install`, `pipx install` and `uv pip install` that take a
/// value (pip's general ones are added by the macro).
pub(super) const PIP_INSTALL_OPTIONS: OptionSpec = OptionSpec {
    long_with_value: pip_options_with_value![
        "--constraint",
        "--requirement",
        "--target",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--root",
        "--prefix",
        "--build",
        "--src",
        "--upgrade-strategy",
        "--install-option",
        "--global-option",
        "--config-settings",
        "--config-setting",
        "--no-binary",
        "--only-binary",
        "--root-user-action",
        "--report",
        "--index-url",
        "--extra-index-url",
        "--index",
        "--default-index",
        "--find-links",
        "--group",
        // pipx
        "--suffix",
        "--pip-args",
        "--preinstall",
        "--spec",
        // uv pip
        "--override",
        "--extra",
        "--index-strategy",
        "--resolution",
        "--prerelease",
        "--exclude-newer",
        "--link-mode",
        "--python-platform",
        "--refresh-package",
        "--reinstall-package",
        "--upgrade-package",
        "--torch-backend",
    ],
    short_with_value: "crtibfCpP",
    unknown_long_takes_value: false,
    long_flags: &[],
};

impl Rule for PipPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                let Some(call) = pip_call(command) else {
                    continue;
                };
                let Some((_, args)) = call.install() else {
                    continue;
                };
                if uses_requirements_or_constraints(args) {
                    continue;
                }
                for package in operands(args, &PIP_INSTALL_OPTIONS, false) {
                    if pinned(&package.text) != Some(false) {
                        continue;
                    }
                    let tool = match call.tool {
                        PipTool::Pip => "pip",
                        PipTool::Pipx => "pipx",
                        PipTool::UvPip => "uv pip",
                    };
                    let text = &package.text;
                    let (message, help) = if is_vcs(text) {
                        (
                            format!("`{text}` is not pinned to a tag or commit: {tool} installs whatever the branch holds when the layer is built"),
                            "add the ref after the repository: `git+https://host/repo.git@<tag or commit>`".to_string(),
                        )
                    } else if call.tool == PipTool::Pipx {
                        (
                            format!("`{text}` has no version: {tool} installs whatever is newest when the layer is built"),
                            format!("pin it: `{text}==<version>`"),
                        )
                    } else {
                        (
                            format!("`{text}` has no version: {tool} installs whatever is newest when the layer is built"),
                            format!("pin it (`{text}==<version>`) or install from a requirements file (`-r requirements.txt`)"),
                        )
                    };
                    checker.report(package.span, message).help(help);
                }
            }
        }
    }
}

/// `-r file`, `--requirement=file`, `-c file`: versions come from files.
fn uses_requirements_or_constraints(args: &[crate::shell::ShellWord]) -> bool {
    args.iter().take_while(|a| a.text != "--").any(|a| {
        let t = a.text.as_str();
        t.starts_with("--requirement")
            || t.starts_with("--constraint")
            || (t.starts_with('-')
                && !t.starts_with("--")
                && t[1..]
                    .chars()
                    .take_while(|c| !"tibfCpP".contains(*c))
                    .any(|c| c == 'r' || c == 'c'))
    })
}

/// A VCS requirement (`git+https://...`).
fn is_vcs(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|vcs| lower.starts_with(vcs))
}

/// Is this requirement pinned? `None` when its value is only known at build time.
fn pinned(spec: &str) -> Option<bool> {
    const OPERATORS: &[&str] = &["==", ">=", "<=", "!=", "~=", ">", "<"];
    if OPERATORS.iter().any(|op| spec.contains(op)) {
        return Some(true);
    }
    // `$PKGS`: the whole requirement comes from a variable. (A name with a
    // variable suffix, `tensorflow${SUFFIX}`, still names a package.)
    if spec.starts_with('$') {
        return None;
    }
    let lower = spec.to_ascii_lowercase();
    if let Some(url) = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .find_map(|vcs| lower.strip_prefix(vcs))
    {
        // `git+https://user@host/repo.git@ref#egg=x`: the ref's `@` follows the host.
        let url = url.split('#').next().unwrap_or(url);
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
        return Some(path.contains('@'));
    }
    let local_file = [
        ".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".tar",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext));
    Some(spec == "." || spec.contains('/') || local_file)
}

#[cfg(test)]
mod tests {
    use super::pinned;

    #[test]
    fn pinned_specs() {
        for spec in [
            "a==1",
            "a~=1.2",
            "a>=1,<2",
            "a[x]==1",
            ".",
            "./pkg",
            "dist/a.whl",
            "a.tar.gz",
            "https://h/a.zip",
            "git+https://h/r.git@v1#egg=r",
            "git+ssh://git@h/r.git@abc",
            "git+ssh://git@github.com:org/r.git@v1",
        ] {
            assert_eq!(pinned(spec), Some(true), "{spec}");
        }
        for spec in [
            "a",
            "a[x]",
            "git+https://h/r.git#egg=r",
            "git+ssh://git@h/r.git",
        ] {
            assert_eq!(pinned(spec), Some(false), "{spec}");
        }
        assert_eq!(pinned("$PKGS"), None);
        assert_eq!(pinned("tensorflow${SUFFIX}"), Some(false));
    }
}
