use std::collections::HashSet;

use plimsoll_syntax::shell_lex::{variable_references, Lexer};
use plimsoll_syntax::{Instruction, Keyword, Span};

use crate::checker::Checker;
use crate::knowledge::{closest_name, PREDEFINED_PLATFORM_ARGS};
use crate::rule::{declare_rule, Rule};
use crate::semantic::{Base, ShellKind};

use super::base_image_env::known_env;

declare_rule! {
    /// ## What it does
    /// Flags a variable that BuildKit expands while building but that nothing
    /// defines at that point of the stage. A name is defined by an ENV earlier
    /// in the stage or in the stages it is built on, by an ARG earlier in the
    /// stage or in those stages, or by the base image's environment. Global
    /// ARGs (before the first FROM) are not visible in a stage until it
    /// declares them again with `ARG NAME`.
    ///
    /// BuildKit expands the keys and values of ENV and LABEL, COPY and ADD
    /// sources, destinations, `--chown`, `--chmod` and `--checksum`, COPY/ADD
    /// here-documents with an unquoted delimiter, WORKDIR, USER, VOLUME,
    /// STOPSIGNAL, `RUN --mount` options and ARG defaults. The shell expands
    /// RUN, CMD and ENTRYPOINT, so they are not checked. When the name is
    /// close to a defined one, the message suggests it.
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to nothing: `COPY $APP_DIR/ /app/` copies
    /// the whole context, and a typo like `ENV PATH=$PAHT:/opt/bin` drops the
    /// system path.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG DIR_ASSETS=assets/
    /// COPY $DIR_ASSET /srv/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG DIR_ASSETS=assets/
    /// COPY $DIR_ASSETS /srv/
    /// ```
    ///
    /// ## Differences from BuildKit
    /// BuildKit reads the base image's environment from the registry; plimsoll
    /// knows the environment of common official images (`alpine`, `debian`,
    /// `python`, `node`, `golang`, …; every image has `PATH`). In a stage built
    /// on an image it does not know, a name is reported only when a later
    /// instruction of the stage defines it (used before it is declared) or
    /// when it is a near miss of a defined name, since the image may well set
    /// it.
    ///
    /// ## References
    /// BuildKit check `UndefinedVar`.
    pub struct UndefinedVar {
        name: "undefined-var",
        code: "PL118",
        aliases: ["UndefinedVar"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "A variable is used where nothing defines it",
    }
}

/// Build arguments BuildKit reads itself and never reports.
const NON_ENV_ARGS: &[&str] = &["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// One word BuildKit expands: its text and where it is.
struct Word<'a> {
    text: &'a str,
    /// Where `text` is in the source, when it is there byte for byte (so that
    /// a variable can be pointed at); otherwise the span of the whole word.
    span: Span,
    exact: bool,
    heredoc: bool,
}

fn word<'a>(checker: &Checker<'_>, text: &'a str, span: Span) -> Word<'a> {
    Word {
        text,
        span,
        exact: checker.text(span) == text,
        heredoc: false,
    }
}

/// The words of `instruction` that BuildKit expands.
fn expanded_words<'a>(checker: &Checker<'_>, instruction: &'a Instruction) -> Vec<Word<'a>> {
    let mut words = Vec::new();
    match instruction.keyword {
        Keyword::Env | Keyword::Label => {
            for pair in instruction.key_values() {
                words.push(word(checker, &pair.key.value, pair.key.span));
                words.push(word(checker, &pair.value.value, pair.value.span));
            }
        }
        Keyword::Copy | Keyword::Add => {
            for flag in &instruction.flags {
                if matches!(flag.name.as_str(), "chown" | "chmod" | "checksum") {
                    if let (Some(value), Some(span)) = (&flag.value, flag.value_span) {
                        words.push(word(checker, value, span));
                    }
                }
            }
            for arg in &instruction.args {
                words.push(word(checker, &arg.value, arg.span));
            }
            for heredoc in instruction.heredocs.iter().filter(|h| h.expand) {
                let mut w = word(checker, &heredoc.content, heredoc.body_span);
                w.heredoc = true;
                words.push(w);
            }
        }
        Keyword::Workdir | Keyword::User | Keyword::Volume | Keyword::Stopsignal => {
            for arg in &instruction.args {
                words.push(word(checker, &arg.value, arg.span));
            }
        }
        Keyword::Run => {
            for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
                if let (Some(value), Some(span)) = (&flag.value, flag.value_span) {
                    words.push(word(checker, value, span));
                }
            }
        }
        Keyword::Arg => {
            for declaration in instruction.arg_declarations() {
                let Some(default) = declaration.default else {
                    continue;
                };
                let arg = declaration.arg;
                let start = arg.span.start as usize + declaration.name.len() + 1;
                let span = Span::new(start, start + default.len());
                let exact = checker.text(arg.span) == arg.value;
                words.push(Word {
                    text: default,
                    span: if exact { span } else { arg.span },
                    exact,
                    heredoc: false,
                });
            }
        }
        _ => {}
    }
    words
}

/// The names an instruction defines for the instructions after it.
fn definitions(instruction: &Instruction) -> Vec<&str> {
    match instruction.keyword {
        Keyword::Env => instruction
            .key_values()
            .map(|p| p.key.value.as_str())
            .collect(),
        Keyword::Arg => instruction.arg_declarations().map(|d| d.name).collect(),
        _ => Vec::new(),
    }
}

impl Rule for UndefinedVar {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let escape = checker.file.escape;
        for stage in &model.stages {
            let chain = model.stage_chain(stage.index);
            // `None`: an image whose environment plimsoll does not know.
            let base_env = match &model.stages[chain[0]].base {
                Base::Scratch => Some(vec!["PATH"]),
                Base::Image(image) => known_env(image),
                Base::Stage(_) => None,
            };
            let base_known = base_env.is_some();
            let mut defined: Vec<String> = base_env
                .unwrap_or_else(|| vec!["PATH"])
                .into_iter()
                .map(str::to_string)
                .collect();
            for &ancestor in &chain[..chain.len() - 1] {
                for (_, instruction) in model.stage_instructions(&model.stages[ancestor]) {
                    defined.extend(definitions(instruction).into_iter().map(str::to_string));
                }
            }
            // Where the stage defines each name, to tell "used before it is
            // defined" from "maybe set by an image plimsoll cannot see".
            let stage_definitions: Vec<(usize, &str)> = model
                .stage_instructions(stage)
                .flat_map(|(index, i)| definitions(i).into_iter().map(move |n| (index, n)))
                .collect();
            // Windows images compare variable names case-insensitively.
            let windows = model
                .states
                .get(stage.from_index)
                .is_some_and(|s| s.shell != ShellKind::Posix);
            // A set beside the list, so that each reference is one lookup: a
            // walk over every name defined so far would make the rule
            // quadratic in the number of ENV/ARG. Lower-cased on Windows.
            let key = |name: &str| {
                if windows {
                    name.to_ascii_lowercase()
                } else {
                    name.to_string()
                }
            };
            let mut defined_set: HashSet<String> = defined.iter().map(|d| key(d)).collect();
            for (index, instruction) in model.stage_instructions(stage) {
                // Only asked for a name that is not defined yet (rare).
                let defined_later = |name: &str| {
                    stage_definitions.iter().any(|(at, d)| {
                        *at > index && (*d == name || (windows && d.eq_ignore_ascii_case(name)))
                    })
                };
                for word in expanded_words(checker, instruction) {
                    let lexer = Lexer {
                        escape,
                        skip_process_quotes: word.heredoc,
                        case_insensitive_env: windows,
                        ..Lexer::default()
                    };
                    let env = |name: &str| defined_set.contains(&key(name)).then(String::new);
                    let Ok(expansion) = lexer.process_word(word.text, &env) else {
                        continue;
                    };
                    for name in &expansion.unmatched {
                        if NON_ENV_ARGS.contains(&name.as_str()) {
                            continue;
                        }
                        let options: Vec<&str> = defined.iter().map(String::as_str).collect();
                        let suggestion = closest_name(name, &options);
                        let later = defined_later(name);
                        if !base_known && suggestion.is_none() && !later {
                            continue;
                        }
                        let span = reference_span(&word, name, escape);
                        let hint = suggestion
                            .map(|s| format!(" (did you mean ${s}?)"))
                            .unwrap_or_default();
                        let help = if let Some(s) = suggestion {
                            format!(
                                "use `${s}`, or define `{name}` before this line with ARG or ENV"
                            )
                        } else if later {
                            format!("`{name}` is defined later in this stage: move its ARG or ENV above this line")
                        } else if PREDEFINED_PLATFORM_ARGS.contains(&name.as_str()) {
                            format!("BuildKit sets `{name}`, but a stage sees it only after `ARG {name}`")
                        } else if model.global_args.iter().any(|d| d.name == name) {
                            format!("a global ARG is not visible inside a stage: declare it again here with `ARG {name}`")
                        } else {
                            format!("define `{name}` before this line with `ARG {name}` or `ENV {name}=...`")
                        };
                        checker
                            .report(span, format!("Usage of undefined variable '${name}'{hint}"))
                            .help(help);
                    }
                }
                for name in definitions(instruction) {
                    defined_set.insert(key(name));
                    defined.push(name.to_string());
                }
            }
        }
    }
}

/// The first reference to `name` in the word, or the whole word.
fn reference_span(word: &Word<'_>, name: &str, escape: char) -> Span {
    if !word.exact {
        return word.span;
    }
    variable_references(word.text, escape)
        .ok()
        .and_then(|refs| refs.into_iter().find(|r| r.name == name))
        .map_or(word.span, |r| {
            let start = word.span.start as usize;
            Span::new(start + r.start as usize, start + r.end as usize)
        })
}

#[cfg(test)]
mod tests {
    use crate::rules::labels::tests::finding_lines;
    use crate::settings::RuleOptions;

    fn undefined(source: &str) -> Vec<u32> {
        finding_lines("undefined-var", source, RuleOptions::default())
    }

    #[test]
    fn same_instruction_definitions_do_not_count() {
        // BuildKit expands every word of an ENV before setting any of them.
        assert_eq!(undefined("FROM alpine\nENV A=1 B=$A\n"), vec![2]);
        assert_eq!(
            undefined("FROM alpine\nENV A=1\nENV B=$A\n"),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn unknown_images_report_only_later_definitions_and_near_misses() {
        let source = "FROM example/base\nENV LD_LIBRARY_PATH=/x:$LD_LIBRARY_PATH\nCOPY $LATER .\nARG LATER=1\nENV APP_HOME=/a\nWORKDIR $APP_HOM\n";
        assert_eq!(undefined(source), vec![3, 6]);
        // The same file on a known image: LD_LIBRARY_PATH is not set by alpine.
        assert_eq!(
            undefined(&source.replace("example/base", "alpine:3.20")),
            vec![2, 3, 6]
        );
    }

    #[test]
    fn windows_stages_compare_names_case_insensitively() {
        // The backtick escape marks a Windows file (cmd shell).
        let windows = "# escape=`\nFROM alpine\nARG AppDir=C:\\app\nWORKDIR $APPDIR\n";
        assert_eq!(undefined(windows), Vec::<u32>::new());
        let linux = "FROM alpine\nARG AppDir=/app\nWORKDIR $APPDIR\n";
        assert_eq!(undefined(linux), vec![3]);
        // Used before its (differently cased) declaration on an unknown image.
        let later = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR $appdir\nARG AppDir=C:\\app\n";
        assert_eq!(undefined(later), vec![2]);
    }

    #[test]
    fn words_the_shell_expands_are_not_checked() {
        let source = "FROM alpine\nRUN echo $NOPE\nCMD echo $NOPE\nEXPOSE $PORT\nHEALTHCHECK CMD curl $URL\nCOPY <<'EOF' /x\n$NOPE\nEOF\n";
        assert_eq!(undefined(source), Vec::<u32>::new());
    }

    #[test]
    fn sbom_scan_arguments_are_never_reported() {
        assert_eq!(
            undefined("FROM alpine\nCOPY $BUILDKIT_SBOM_SCAN_STAGE .\n"),
            Vec::<u32>::new()
        );
    }
}
