use plimsoll_syntax::{Keyword, Span};

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a comment directly above a named `FROM … AS name` or an `ARG` that
    /// does not start with the name it describes. The comment block's last
    /// line must read `# <name> <description>`: the stage name (lower-case,
    /// as BuildKit stores it) or one of the ARG's names.
    ///
    /// Off by default, as in BuildKit, where the check is experimental; enable
    /// it for one file with BuildKit's `# check=experimental=InvalidDefinitionDescription`
    /// directive, or everywhere with `--extend-select invalid-definition-description`.
    ///
    /// ## Why is this bad?
    /// Tools that list a Dockerfile's build arguments and targets (`docker
    /// buildx build --call=outline`, `--call=targets`) take their descriptions
    /// from these comments, and only recognise the `# name description` form.
    ///
    /// ## Example
    /// ```dockerfile
    /// # Go version to build with
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # GO_VERSION is the Go version to build with
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// A comment that is not meant as a description can be separated from
    /// the instruction with an empty `#` line. A blank line does not separate
    /// it: BuildKit keeps comments across blank lines.
    ///
    /// ## References
    /// BuildKit check `InvalidDefinitionDescription` (experimental).
    pub struct InvalidDefinitionDescription {
        name: "invalid-definition-description",
        code: "PL119",
        aliases: ["InvalidDefinitionDescription"],
        category: Style,
        severity: Info,
        fix: None,
        summary: "A comment above a stage or ARG does not start with its name",
        default_enabled: false,
    }
}

impl Rule for InvalidDefinitionDescription {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let Some(last) = instruction.prev_comments.last() else {
                continue;
            };
            let first_word = last.split_whitespace().next().unwrap_or("");
            // The names the comment may start with, where to point, and the
            // name to show in the message.
            let (names, span, example): (Vec<String>, Span, String) = match instruction.keyword {
                Keyword::From => {
                    let Some(stage) = instruction.as_from().and_then(|f| f.stage_name) else {
                        continue;
                    };
                    let name = stage.value.to_lowercase();
                    (vec![name.clone()], stage.span, name)
                }
                Keyword::Arg => {
                    let declarations: Vec<_> = instruction.arg_declarations().collect();
                    let Some(first) = declarations.first() else {
                        continue;
                    };
                    let example = if declarations.len() == 1 {
                        first.name.to_string()
                    } else {
                        "<arg_key>".to_string()
                    };
                    let names = declarations.iter().map(|d| d.name.to_string()).collect();
                    (names, first.name_span, example)
                }
                _ => continue,
            };
            if names.iter().any(|n| n == first_word) {
                continue;
            }
            let keyword = &instruction.keyword_text;
            checker
                .report(
                    span,
                    format!(
                        "Comment for {keyword} should follow the format: `# {example} <description>`"
                    ),
                )
                .help(
                    "start the comment with the name, or separate an unrelated comment with an empty `#` line",
                );
        }
    }
}
