use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Flags the first `WORKDIR` of a stage lineage when its path is
    /// relative (`WORKDIR app`), before any absolute WORKDIR was set in the
    /// stage or a stage it builds on.
    ///
    /// ## Why is this bad?
    /// A relative WORKDIR is resolved against the base image's working
    /// directory, which you do not control: a new base image version can move
    /// your application.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix safety
    /// Only where the result is certain: in a stage built on `scratch` (or on
    /// stages of this file that come from `scratch` and set no WORKDIR), the
    /// working directory is `/`, so `WORKDIR app` is `WORKDIR /app` and the
    /// fix writes it so (safe). On any other base the directory depends on
    /// the image, and there is no fix.
    ///
    /// ## Differences from hadolint
    /// hadolint DL3000 flags every relative WORKDIR, even after an absolute
    /// one made the result certain; plimsoll (like BuildKit) flags only the
    /// first. A path that starts with a variable is not judged.
    ///
    /// ## References
    /// BuildKit check `WorkdirRelativePath`; hadolint DL3000.
    pub struct WorkdirRelativePath {
        name: "workdir-relative-path",
        code: "PL107",
        aliases: ["WorkdirRelativePath", "DL3000"],
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "The first WORKDIR of a stage should be an absolute path",
    }
}

fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

impl Rule for WorkdirRelativePath {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        // Whether a WORKDIR was set by the end of each stage (inherited by `FROM <stage>`).
        let mut set_at_end: Vec<bool> = Vec::with_capacity(model.stages.len());
        // Whether the stage's lineage starts at `scratch` (working directory `/`).
        let mut from_scratch: Vec<bool> = Vec::with_capacity(model.stages.len());
        for stage in &model.stages {
            let mut set = match stage.base {
                Base::Stage(parent) => set_at_end.get(parent).copied().unwrap_or(false),
                _ => false,
            };
            let scratch = match stage.base {
                Base::Scratch => true,
                Base::Stage(parent) => from_scratch.get(parent).copied().unwrap_or(false),
                Base::Image(_) => false,
            };
            from_scratch.push(scratch);
            for (_, instruction) in model.stage_instructions(stage) {
                if instruction.keyword != Keyword::Workdir {
                    continue;
                }
                let Some(arg) = instruction.args.first() else {
                    continue;
                };
                if !set && !arg.value.starts_with('$') && !is_absolute(&arg.value) {
                    // Written plainly (no quotes or escapes), so `/` can go in front.
                    let fixable = scratch && checker.text(arg.span) == arg.value;
                    let diagnostic = checker
                        .report(
                            arg.span,
                            format!(
                                "Relative workdir \"{}\" can have unexpected results if the base image changes",
                                arg.value
                            ),
                        )
                        .help("use an absolute path, e.g. `WORKDIR /app`");
                    if fixable {
                        let path = format!("/{}", arg.value.trim_start_matches("./"));
                        diagnostic.fix(Fix::safe(
                            format!("Write `{path}`: the stage starts from scratch at `/`"),
                            vec![Edit::replace(arg.span, path)],
                        ));
                    }
                }
                set = true;
            }
            set_at_end.push(set);
        }
    }
}
