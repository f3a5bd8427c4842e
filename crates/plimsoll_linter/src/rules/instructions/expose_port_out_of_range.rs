use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

use super::support::{span_in_arg, with_triggers};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port, or a bound of a port range, above 65535.
    ///
    /// ## Why is this bad?
    /// Ports are 16-bit numbers: such a port does not exist, and the image
    /// config cannot hold it. The number is almost always a typo.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 80800
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// hadolint DL3011.
    pub struct ExposePortOutOfRange {
        name: "expose-port-out-of-range",
        code: "PL403",
        aliases: ["DL3011"],
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "EXPOSE port above 65535",
    }
}

impl Rule for ExposePortOutOfRange {
    fn check(&self, checker: &mut Checker<'_>) {
        for (_, instruction, _) in with_triggers(&checker.file.instructions) {
            if instruction.keyword != Keyword::Expose {
                continue;
            }
            for arg in &instruction.args {
                for (start, end) in out_of_range(&arg.value) {
                    let port = &arg.value[start..end];
                    checker
                        .report(
                            span_in_arg(checker.source, arg, start, end),
                            format!("port {port} does not exist: valid ports are 0 to 65535"),
                        )
                        .help("fix the port number");
                }
            }
        }
    }
}

/// Byte ranges of the numbers above 65535 in `port[-port][/proto]` (after a
/// `host:` part, which `expose-invalid-format` reports).
fn out_of_range(spec: &str) -> Vec<(usize, usize)> {
    let ports_end = spec.find('/').unwrap_or(spec.len());
    let ports_start = spec[..ports_end].rfind(':').map_or(0, |i| i + 1);
    let mut out = Vec::new();
    let mut offset = ports_start;
    for bound in spec[ports_start..ports_end].split('-') {
        let digits = !bound.is_empty() && bound.bytes().all(|b| b.is_ascii_digit());
        if digits && bound.parse::<u32>().map_or(true, |n| n > 65535) {
            out.push((offset, offset + bound.len()));
        }
        offset += bound.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::out_of_range;

    #[test]
    fn ports_and_range_bounds_above_65535() {
        assert_eq!(out_of_range("80000"), [(0, 5)]);
        assert_eq!(out_of_range("40000-80000/tcp"), [(6, 11)]);
        assert_eq!(out_of_range("99999999999999999999"), [(0, 20)]);
        assert_eq!(out_of_range("127.0.0.1:80:70000"), [(13, 18)]);
        assert!(out_of_range("65535").is_empty());
        assert!(out_of_range("40000-${MAX}").is_empty());
        assert!(out_of_range("${PORT}").is_empty());
    }
}
