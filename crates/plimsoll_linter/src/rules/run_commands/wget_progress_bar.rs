use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};
use crate::semantic::SemanticModel;
use crate::shell::ShellCommand;

use super::support::{is_verbatim, root_image, runs, stage_ancestry, Run};

declare_rule! {
    /// ## What it does
    /// Flags `wget` without a setting for its progress output:
    /// `--progress=...`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or a log
    /// file (`-o`, `-a`).
    ///
    /// ## Why is this bad?
    /// A build has no terminal, so wget's default progress bar falls back to
    /// printing a line of dots for every few kilobytes: downloading a large
    /// file writes thousands of lines into the build log, which slows CI
    /// output and buries the lines that matter. `--progress=dot:giga` prints
    /// one dot per megabyte; `-nv` prints one line per file.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.org/tool.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.org/tool.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--progress=dot:giga` after `wget`. BusyBox's wget (the
    /// default `wget` of Alpine and BusyBox images) rejects that option, so:
    /// the fix is safe when the stage's base image is a known GNU/Linux
    /// distribution image without BusyBox as `wget`; unsafe when the base
    /// image is not recognised; and not offered on Alpine/BusyBox bases
    /// unless the stage installs GNU wget (`apk add wget`) first.
    ///
    /// ## References
    /// hadolint DL3047.
    pub struct WgetProgressBar {
        name: "wget-progress-bar",
        code: "PL309",
        aliases: ["DL3047"],
        category: Maintainability,
        severity: Info,
        fix: Sometimes,
        summary: "wget without --progress floods the build log with progress dots",
    }
}

/// wget's short options that take a value (the rest of the cluster or the next word).
const VALUE_LETTERS: &str = "oaOPteTwQiBUlARDIXY";

impl Rule for WgetProgressBar {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let runs = runs(model);
        for run in &runs {
            for command in &run.script.commands {
                if command.program() != Some("wget") || is_quiet(command) {
                    continue;
                }
                let Some(name) = &command.name else { continue };
                let fix = if run.is_exec_form() || !is_verbatim(checker.source, name) {
                    None
                } else {
                    let edit = vec![Edit::insert(name.span.end, " --progress=dot:giga")];
                    let title = "Add `--progress=dot:giga`";
                    match wget_flavour(model, &runs, run) {
                        Flavour::Gnu => Some(Fix::safe(title, edit)),
                        Flavour::Unknown => Some(Fix::unsafe_edit(title, edit)),
                        Flavour::BusyBox => None,
                    }
                };
                let diagnostic = checker
                    .report(
                        name.span,
                        "wget without `--progress` or `-q` floods the build log with progress output",
                    )
                    .help("add `--progress=dot:giga` (GNU wget), or `-q` to print only errors");
                if let Some(fix) = fix {
                    diagnostic.fix(fix);
                }
            }
        }
    }
}

/// Does the command choose its progress output or log destination?
fn is_quiet(command: &ShellCommand) -> bool {
    command
        .args
        .iter()
        .take_while(|a| a.text != "--")
        .any(|arg| {
            let t = arg.text.as_str();
            if let Some(long) = t.strip_prefix("--") {
                let name = long.split('=').next().unwrap_or(long);
                return matches!(
                    name,
                    "progress" | "quiet" | "no-verbose" | "output-file" | "append-output"
                );
            }
            let Some(cluster) = t.strip_prefix('-') else {
                return false;
            };
            // `-nv`: wget's two-letter `-n` options.
            if cluster.starts_with('n') {
                return cluster == "nv";
            }
            for c in cluster.chars() {
                if matches!(c, 'q' | 'o' | 'a') {
                    return true;
                }
                if VALUE_LETTERS.contains(c) {
                    return false;
                }
            }
            false
        })
}

enum Flavour {
    Gnu,
    BusyBox,
    Unknown,
}

/// Which wget this stage most likely has, from its base image and installs.
fn wget_flavour(model: &SemanticModel<'_>, runs: &[Run<'_>], run: &Run<'_>) -> Flavour {
    let Some(stage) = run.stage else {
        return Flavour::Unknown;
    };
    if run.onbuild {
        return Flavour::Unknown;
    }
    let Some(image) = root_image(model, stage) else {
        return Flavour::Unknown;
    };
    let image = image.to_ascii_lowercase();
    if image.contains('$') {
        return Flavour::Unknown;
    }
    if image.contains("alpine") || image.contains("busybox") {
        let chain = stage_ancestry(model, stage);
        let installs_gnu_wget = runs.iter().any(|r| {
            r.stage.is_some_and(|s| chain.contains(&s))
                && !r.onbuild
                && r.index <= run.index
                && r.script.commands.iter().any(|c| {
                    c.program() == Some("apk")
                        && c.subcommand().is_some_and(|s| s.text == "add")
                        && c.args
                            .iter()
                            .any(|a| a.text == "wget" || a.text.starts_with("wget="))
                        && c.span.start < run.instruction.span.end
                })
        });
        return if installs_gnu_wget {
            Flavour::Gnu
        } else {
            Flavour::BusyBox
        };
    }
    if is_gnu_distribution(&image) {
        Flavour::Gnu
    } else {
        Flavour::Unknown
    }
}

/// Images built on Debian, Ubuntu or Red Hat family distributions (GNU userland).
pub(super) fn is_gnu_distribution(image: &str) -> bool {
    const KNOWN: &[&str] = &[
        "debian",
        "ubuntu",
        "buildpack-deps",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "oraclelinux",
        "ubi8",
        "ubi9",
        "ubi10",
        "python",
        "node",
        "golang",
        "ruby",
        "php",
        "perl",
        "openjdk",
        "eclipse-temurin",
        "maven",
        "gradle",
        "rust",
        "gcc",
        "r-base",
    ];
    let without_tag = image.split('@').next().unwrap_or(image);
    let (repository, tag) = match without_tag.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (without_tag, ""),
    };
    let name = repository.rsplit('/').next().unwrap_or(repository);
    let excluded = [
        "alpine",
        "busybox",
        "distroless",
        "micro",
        "nanoserver",
        "windowsservercore",
    ];
    if excluded
        .iter()
        .any(|e| tag.contains(e) || repository.contains(e))
    {
        return false;
    }
    KNOWN.contains(&name)
}
