use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `EXPOSE` entries with a host port or an IP address
    /// (`5000:5000`, `127.0.0.1:80:80`).
    ///
    /// ## Why is this bad?
    /// EXPOSE documents the container's ports; publishing to the host is
    /// decided at `docker run -p`. BuildKit ignores the host part today and
    /// will reject it in a future release.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 8080:80
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 80
    /// ```
    ///
    /// ## References
    /// BuildKit check `ExposeInvalidFormat`.
    pub struct ExposeInvalidFormat {
        name: "expose-invalid-format",
        code: "PL116",
        aliases: ["ExposeInvalidFormat"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "EXPOSE should not map host ports or IP addresses",
    }
}

impl Rule for ExposeInvalidFormat {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            if instruction.keyword != Keyword::Expose {
                continue;
            }
            for arg in instruction.args.iter().filter(|a| a.value.contains(':')) {
                checker
                    .report(
                        arg.span,
                        format!(
                            "EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
                            arg.value
                        ),
                    )
                    .help("expose the container port only; publish it with `docker run -p`");
            }
        }
    }
}
