use super::platform_flag::platform_value;
use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// Building for the target platform is already the default: the flag adds
    /// nothing but noise.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// Safe: removing the flag selects the same platform.
    ///
    /// ## References
    /// BuildKit check `RedundantTargetPlatform`; hadolint DL3065.
    pub struct RedundantTargetPlatform {
        name: "redundant-target-platform",
        code: "PL113",
        aliases: ["RedundantTargetPlatform", "DL3065"],
        category: Style,
        severity: Warning,
        fix: Always,
        summary: "FROM --platform=$TARGETPLATFORM is the default",
    }
}

impl Rule for RedundantTargetPlatform {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some((value, _)) = platform_value(instruction) else {
                continue;
            };
            if value != "$TARGETPLATFORM" && value != "${TARGETPLATFORM}" {
                continue;
            }
            let Some(flag) = instruction.flag("platform") else {
                continue;
            };
            // Remove the flag and the blank after it.
            let rest = &checker.source[flag.span.end as usize..];
            let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let mut span = flag.span;
            span.end += blanks as u32;
            checker
                .report(
                    flag.span,
                    format!("Setting platform to predefined {value} in FROM is redundant as this is the default behavior"),
                )
                .help("remove the --platform flag")
                .fix(Fix::safe("Remove --platform", vec![Edit::delete(span)]));
        }
    }
}
