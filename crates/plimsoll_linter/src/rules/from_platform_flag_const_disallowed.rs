use super::platform_flag::platform_value;
use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=linux/amd64` with a constant platform, unless the
    /// stage name says which OS or architecture it is for (`AS build_amd64`).
    ///
    /// ## Why is this bad?
    /// A constant platform pins the stage to one architecture: multi-platform
    /// builds then emulate it, or ship the wrong binary. Use
    /// `$BUILDPLATFORM` for build tools and leave the target to the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL3029 flags every `--platform` that does not mention
    /// `BUILDPLATFORM` or `TARGETPLATFORM`, including a platform taken from
    /// another build argument (`--platform=$MY_PLATFORM`), which the user
    /// controls at build time. plimsoll follows BuildKit: only a constant is
    /// flagged, and not in a stage whose name says which platform it is for.
    ///
    /// ## References
    /// BuildKit check `FromPlatformFlagConstDisallowed`.
    pub struct FromPlatformFlagConstDisallowed {
        name: "from-platform-flag-const-disallowed",
        code: "PL114",
        aliases: ["FromPlatformFlagConstDisallowed", "DL3029"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "FROM --platform should not be a constant",
    }
}

impl Rule for FromPlatformFlagConstDisallowed {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some((value, span)) = platform_value(instruction) else {
                continue;
            };
            if value.is_empty() || value.contains('$') {
                continue;
            }
            let mut parts = value.split('/');
            let os = parts.next().unwrap_or("").to_lowercase();
            let arch = parts.next().unwrap_or("").to_lowercase();
            let stage = instruction
                .as_from()
                .and_then(|f| f.stage_name)
                .map(|n| n.value.to_lowercase())
                .unwrap_or_default();
            let named_for_it = !stage.is_empty()
                && (stage.contains(&os) || (!arch.is_empty() && stage.contains(&arch)));
            if named_for_it {
                continue;
            }
            checker
                .report(
                    span,
                    format!("FROM --platform flag should not use constant value \"{value}\""),
                )
                .help(
                    "use $BUILDPLATFORM for build tools, or drop the flag to build for the target",
                );
        }
    }
}
