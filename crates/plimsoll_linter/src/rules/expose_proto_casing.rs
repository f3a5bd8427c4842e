use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` protocol that is not lowercase (`80/TCP`).
    ///
    /// ## Why is this bad?
    /// Protocols are `tcp`, `udp` and `sctp`; other spellings are accepted
    /// today but inconsistent, and BuildKit warns about them.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80/TCP
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 80/tcp
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the protocol is lower-cased.
    ///
    /// ## References
    /// BuildKit check `ExposeProtoCasing`.
    pub struct ExposeProtoCasing {
        name: "expose-proto-casing",
        code: "PL115",
        aliases: ["ExposeProtoCasing"],
        category: Style,
        severity: Warning,
        fix: Always,
        summary: "EXPOSE protocols should be lowercase",
    }
}

impl Rule for ExposeProtoCasing {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            if instruction.keyword != Keyword::Expose {
                continue;
            }
            for arg in &instruction.args {
                let Some((_, proto)) = arg.value.split_once('/') else {
                    continue;
                };
                if proto == proto.to_lowercase() || arg.value.contains('$') {
                    continue;
                }
                checker
                    .report(
                        arg.span,
                        format!(
                            "Defined protocol '{}' in EXPOSE instruction should be lowercase",
                            arg.value
                        ),
                    )
                    .fix(Fix::safe(
                        format!("Write {}", arg.value.to_lowercase()),
                        vec![Edit::replace(arg.span, arg.value.to_lowercase())],
                    ));
            }
        }
    }
}
