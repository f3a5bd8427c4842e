use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

use super::support::{has_throwaway_mount, is_verbatim, pip_call, runs, variable_for, PipTool};

declare_rule! {
    /// ## What it does
    /// Flags `pip install` (also `python -m pip install`) that keeps pip's
    /// download and wheel cache: no `--no-cache-dir`, no `PIP_NO_CACHE_DIR`
    /// in the environment, and no cache or tmpfs mount over `~/.cache/pip`.
    ///
    /// ## Why is this bad?
    /// pip stores every downloaded archive and built wheel under
    /// `~/.cache/pip`. In an image nobody reuses that cache, but it stays in
    /// the layer, often tens or hundreds of megabytes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    /// or keep the cache between builds, outside the image:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds `--no-cache-dir` after `install`. pip installs the
    /// same packages; it only stops writing its cache. (Not offered for
    /// exec-form `RUN [...]`.)
    ///
    /// ## Differences from hadolint
    /// hadolint DL3042 accepts `PIP_NO_CACHE_DIR` only when its value is
    /// true-like (`1`, `true`, `yes`, `on`) and flags `PIP_NO_CACHE_DIR=0`.
    /// pip itself disables the cache for any boolean value, `0`/`false`/
    /// `no`/`off` included (a compatibility rule in its option handling), so
    /// plimsoll accepts any non-empty value. plimsoll also reads the variable
    /// from an `ARG` default (build arguments are in the environment of
    /// `RUN`) and accepts pip's abbreviation `--no-cache`.
    ///
    /// ## References
    /// hadolint DL3042.
    pub struct PipInstallWithoutNoCacheDir {
        name: "pip-install-without-no-cache-dir",
        code: "PL307",
        aliases: ["DL3042"],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "pip install keeps its cache in the layer: add --no-cache-dir",
    }
}

impl Rule for PipInstallWithoutNoCacheDir {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for run in runs(model) {
            if has_throwaway_mount(run.instruction, |t| t.contains(".cache/pip")) {
                continue;
            }
            for command in &run.script.commands {
                let Some(call) = pip_call(command) else {
                    continue;
                };
                if call.tool != PipTool::Pip {
                    continue;
                }
                let Some((install, _)) = call.install() else {
                    continue;
                };
                let disabled = call.args.iter().any(|a| {
                    let t = a.text.as_str();
                    t.len() >= "--no-cache".len() && "--no-cache-dir".starts_with(t)
                });
                if disabled {
                    continue;
                }
                match variable_for(model, &run, command, "PIP_NO_CACHE_DIR") {
                    Some(value) if !value.trim().is_empty() => continue,
                    _ => {}
                }
                let fix =
                    (!run.is_exec_form() && is_verbatim(checker.source, install)).then(|| {
                        Fix::safe(
                            "Add `--no-cache-dir`",
                            vec![Edit::insert(install.span.end, " --no-cache-dir")],
                        )
                    });
                let diagnostic = checker
                    .report(
                        install.span,
                        "pip keeps its download cache in the layer: add `--no-cache-dir`",
                    )
                    .help("add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or mount a cache: `RUN --mount=type=cache,target=/root/.cache/pip`");
                if let Some(fix) = fix {
                    diagnostic.fix(fix);
                }
            }
        }
    }
}
