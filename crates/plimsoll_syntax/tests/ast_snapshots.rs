//! The JSON AST (with spans) of the hand-written files in `fixtures/parser/`,
//! as reviewed insta snapshots, plus checks that every span points at the
//! text it claims to (so a snapshot cannot freeze a wrong offset unnoticed).

use std::fs;
use std::path::{Path, PathBuf};

use plimsoll_syntax::{parse, Dockerfile, Instruction};

/// Every span of `instruction` (and its ONBUILD trigger) against the source.
fn check_instruction(source: &str, instruction: &Instruction, at: &str) {
    let at = format!("{at}: {}", instruction.original);
    let span_text = instruction.span.text(source);
    assert!(
        span_text.starts_with(instruction.keyword_span.text(source)),
        "{at}: the span starts at the keyword"
    );
    assert_eq!(
        instruction.keyword_span.text(source),
        instruction.keyword_text,
        "{at}: keyword"
    );

    for arg in &instruction.args {
        let text = arg.span.text(source);
        // HEALTHCHECK's `CMD` is a text word even in exec form.
        if instruction.json && text.starts_with('"') {
            // A JSON string's span is the literal, quotes and escapes included.
            if !text.contains('\n') {
                let decoded: String = serde_json::from_str(text)
                    .unwrap_or_else(|e| panic!("{at}: {text:?} is not a JSON string: {e}"));
                assert_eq!(decoded, arg.value, "{at}: JSON literal");
            }
            continue;
        }
        if arg.value.is_empty() {
            continue;
        }
        // A text argument is a slice of the logical line (`original`), and its
        // span is where that slice came from, continuations included.
        let offset = instruction.original_offset_of(arg);
        let end = offset + arg.value.len();
        assert_eq!(
            instruction.original.get(offset..end),
            Some(arg.value.as_str()),
            "{at}: arg is not the text its span maps to"
        );
        assert_eq!(
            instruction.original_span(offset, end),
            arg.span,
            "{at}: arg {:?}",
            arg.value
        );
        if !text.contains('\n') {
            assert_eq!(text, arg.value, "{at}: one-line arg is verbatim");
        }
    }

    for flag in &instruction.flags {
        let text = flag.span.text(source);
        assert!(
            text.starts_with(&format!("--{}", flag.name)),
            "{at}: flag {text:?}"
        );
        if let (Some(value), Some(value_span)) = (&flag.value, flag.value_span) {
            let value_text = value_span.text(source);
            assert!(text.ends_with(value_text), "{at}: flag value inside flag");
            // Quotes are removed from the value; the span keeps them.
            assert_eq!(value_text.trim_matches('"'), value, "{at}: flag value");
        }
    }

    for heredoc in &instruction.heredocs {
        assert_eq!(
            heredoc.body_span.text(source),
            heredoc.content,
            "{at}: heredoc body"
        );
        let terminator = heredoc.terminator_span.text(source);
        let terminator = if heredoc.chomp {
            terminator.trim_start_matches('\t')
        } else {
            terminator
        };
        assert_eq!(terminator, heredoc.name, "{at}: heredoc terminator");
        assert!(
            span_text.ends_with(heredoc.terminator_span.text(source))
                || instruction.heredocs.len() > 1,
            "{at}: the instruction ends at its last terminator"
        );
    }

    if let Some(trigger) = &instruction.trigger {
        assert!(span_text.ends_with(trigger.span.text(source)) || !instruction.heredocs.is_empty());
        check_instruction(source, trigger, &at);
    }
}

fn check_spans(source: &str, file: &Dockerfile, name: &str) {
    for directive in &file.directives {
        assert!(directive.span.text(source).starts_with('#'), "{name}");
        assert_eq!(directive.value_span.text(source), directive.value, "{name}");
    }
    for instruction in &file.instructions {
        check_instruction(source, instruction, name);
    }
    for comment in &file.comments {
        let text = comment.span.text(source);
        assert!(text.starts_with('#'), "{name}: comment {text:?}");
        assert_eq!(text[1..].trim(), comment.text, "{name}: comment");
    }
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/parser");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "Dockerfile"))
        .collect();
    files.sort();
    files
}

#[test]
fn parser_fixture_snapshots() {
    let files = fixtures();
    assert!(files.len() >= 12, "expected a dozen fixtures");
    for path in files {
        let name = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let source = fs::read_to_string(&path).expect("fixture is UTF-8");
        let file = parse(&source);
        assert!(file.errors.is_empty(), "{name}: {:?}", file.errors);
        check_spans(&source, &file, &name);
        insta::assert_snapshot!(
            name,
            serde_json::to_string_pretty(&file).expect("AST serializes")
        );
    }
}

/// The checks above must fail on a wrong span, or they prove nothing.
#[test]
#[should_panic(expected = "arg is not the text its span maps to")]
fn span_checks_catch_a_shifted_arg() {
    let source = "FROM alpine\nRUN echo \\\n  hi\n";
    let mut file = parse(source);
    file.instructions[1].args[0].span.start += 1;
    check_spans(source, &file, "shifted");
}
