use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::runs;

declare_rule! {
    /// ## What it does
    /// Flags packages given to `go install`, `go get` and `go run` without a
    /// version, or with `@latest`.
    ///
    /// ## Why is this bad?
    /// Outside a module's `go.mod`, `go install example.com/tool` and
    /// `@latest` fetch whatever version is newest when the layer is built:
    /// two builds of one Dockerfile get different tools, and a release can
    /// break a build. `@v1.2.3` (or a commit) fixes the version. Local
    /// packages (`.`, `./cmd/x`, `/src/app`) are built from the context and
    /// are not flagged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL3062 skips no option values, so `go install -tags netgo
    /// example.com/x@v1` reports `netgo` as an unpinned package; plimsoll
    /// knows the go build flags that take a value. For `go run`, Go source
    /// files (`go run main.go`) are local and not flagged, and so are the
    /// meta-patterns `tool` (Go 1.24: the tools listed in `go.mod`), `all`,
    /// `std` and `cmd/...`. A package given only through a variable is not
    /// flagged.
    ///
    /// ## References
    /// hadolint DL3062.
    pub struct GoPackageUnpinned {
        name: "go-package-unpinned",
        code: "PL312",
        aliases: ["DL3062"],
        category: Maintainability,
        severity: Warning,
        fix: None,
        summary: "go install/get/run of a package without @version (or with @latest)",
    }
}

/// go's single-dash flags that take a value (`-tags netgo`, `-o out`).
const GO_VALUE_FLAGS: &[&str] = &[
    "-o",
    "-C",
    "-p",
    "-tags",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-gccgoflags",
    "-mod",
    "-modfile",
    "-overlay",
    "-pkgdir",
    "-toolexec",
    "-exec",
    "-pgo",
    "-buildmode",
    "-compiler",
    "-installsuffix",
    "-covermode",
    "-coverpkg",
    "-buildvcs",
];

impl Rule for GoPackageUnpinned {
    fn check(&self, checker: &mut Checker<'_>) {
        for run in runs(checker.model) {
            for command in &run.script.commands {
                if command.program() != Some("go") {
                    continue;
                }
                let Some((subcommand, rest)) = command.args.split_first() else {
                    continue;
                };
                let sub = subcommand.text.as_str();
                if !matches!(sub, "install" | "get" | "run") {
                    continue;
                }
                let mut packages = Vec::new();
                let mut index = 0;
                while let Some(arg) = rest.get(index) {
                    index += 1;
                    let text = arg.text.as_str();
                    if text == "--" {
                        continue;
                    }
                    if text.starts_with('-') {
                        let flag = text.split('=').next().unwrap_or(text);
                        let flag = flag
                            .strip_prefix('-')
                            .filter(|f| f.starts_with('-'))
                            .unwrap_or(flag);
                        if !text.contains('=') && GO_VALUE_FLAGS.contains(&flag) {
                            index += 1;
                        }
                        continue;
                    }
                    packages.push(arg);
                    // `go run pkg args...`: the program's own arguments follow.
                    if sub == "run" {
                        break;
                    }
                }
                for package in packages {
                    let text = package.text.as_str();
                    // Meta-patterns name packages of the module or the toolchain itself.
                    let meta =
                        matches!(text, "tool" | "all" | "std" | "cmd") || text.starts_with("cmd/");
                    let local = meta
                        || text.starts_with('.')
                        || text.starts_with('/')
                        || text.ends_with(".go");
                    if local || text.contains('$') {
                        continue;
                    }
                    let version = text.rsplit_once('@').map(|(_, v)| v);
                    if version.is_some_and(|v| !matches!(v, "latest" | "none" | "")) {
                        continue;
                    }
                    let message = match version {
                        Some(v) => format!("`{text}` asks for `@{v}`: go fetches whatever is newest when the layer is built"),
                        None => format!("`{text}` has no version: go fetches whatever is newest when the layer is built"),
                    };
                    let name = text.split('@').next().unwrap_or(text);
                    checker
                        .report(package.span, message)
                        .help(format!("pin it: `{name}@v<version>`"));
                }
            }
        }
    }
}
