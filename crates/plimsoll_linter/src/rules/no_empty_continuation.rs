use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags blank lines inside a continued instruction.
    ///
    /// ## Why is this bad?
    /// BuildKit skips them today but has announced they will become errors;
    /// they also hide where an instruction really ends.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && \
    ///     apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the blank lines are removed, which is what BuildKit does anyway.
    ///
    /// ## Differences from BuildKit
    /// BuildKit reports the instruction's last line; plimsoll points at the
    /// blank line itself.
    ///
    /// ## References
    /// BuildKit check `NoEmptyContinuation`.
    pub struct NoEmptyContinuation {
        name: "no-empty-continuation",
        code: "PL110",
        aliases: ["NoEmptyContinuation"],
        category: Correctness,
        severity: Warning,
        fix: Always,
        summary: "Blank lines inside a continued instruction",
    }
}

impl Rule for NoEmptyContinuation {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some(first) = instruction.empty_continuation_lines.first() else {
                continue;
            };
            // Each blank line goes with its line terminator.
            let edits = instruction
                .empty_continuation_lines
                .iter()
                .map(|line| {
                    let rest = &checker.source[line.end as usize..];
                    let terminator = if rest.starts_with("\r\n") {
                        2
                    } else {
                        usize::from(rest.starts_with('\n'))
                    };
                    let mut span = *line;
                    span.end += terminator as u32;
                    Edit::delete(span)
                })
                .collect();
            checker
                .report(*first, "Empty continuation line")
                .help("remove the blank line, or make it a comment")
                .fix(Fix::safe("Remove the blank lines", edits));
        }
    }
}
