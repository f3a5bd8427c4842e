//! Hostile and extreme inputs: the parser returns (a clean parse or a clear
//! error) with every span inside the text, whatever it is fed.
//!
//! Nothing here is timed (timed tests flake on shared machines); every case is
//! sized so that a quadratic step in the parser would make this file take
//! minutes instead of seconds in a debug build, which is noticed.

use plimsoll_syntax::{decode, parse, DecodeError, Dockerfile, Instruction, Span};
use proptest::prelude::*;

/// `span` lies inside `source`, on character boundaries.
fn assert_span(source: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= source.len(),
        "{what}: {span:?} outside 0..{}",
        source.len()
    );
    assert!(
        source.is_char_boundary(start) && source.is_char_boundary(end),
        "{what}: {span:?} splits a character"
    );
}

/// `inner` is a valid span that lies within `outer`.
fn assert_within(source: &str, inner: Span, outer: Span, what: &str) {
    assert_span(source, inner, what);
    assert!(
        outer.start <= inner.start && inner.end <= outer.end,
        "{what}: {inner:?} is not inside its instruction {outer:?}"
    );
}

fn assert_instruction_spans(source: &str, instruction: &Instruction, outer: Span) {
    let span = instruction.span;
    assert_within(source, span, outer, "instruction");
    assert_within(source, instruction.keyword_span, span, "keyword");
    // A keyword can be split by a continuation (`RU\⏎N`); on one line it is verbatim.
    let keyword_source = instruction.keyword_span.text(source);
    if !keyword_source.contains('\n') {
        assert_eq!(
            keyword_source, instruction.keyword_text,
            "keyword span must cover the keyword as written"
        );
    }
    for arg in &instruction.args {
        assert_within(source, arg.span, span, "arg");
    }
    for flag in &instruction.flags {
        assert_within(source, flag.span, span, "flag");
        if let Some(value_span) = flag.value_span {
            assert_within(source, value_span, flag.span, "flag value");
        }
    }
    for heredoc in &instruction.heredocs {
        assert_within(source, heredoc.body_span, span, "heredoc body");
        assert_within(source, heredoc.terminator_span, span, "heredoc terminator");
        assert_eq!(heredoc.body_span.text(source), heredoc.content);
    }
    // Not necessarily inside the span, which runs from the keyword to the last
    // text: `\⏎⏎RUN` has one before the keyword, `RUN a \⏎⏎<EOF>` one after the end.
    for empty in &instruction.empty_continuation_lines {
        assert_span(source, *empty, "empty continuation line");
    }
    if let Some(trigger) = &instruction.trigger {
        assert_instruction_spans(source, trigger, span);
    }
}

/// Parse and check every span the AST holds.
fn parse_checked(source: &str) -> Dockerfile {
    let file = parse(source);
    let whole = Span::new(0, source.len());
    for directive in &file.directives {
        assert_span(source, directive.span, "directive");
        assert_within(
            source,
            directive.value_span,
            directive.span,
            "directive value",
        );
    }
    let mut previous_end = 0;
    for instruction in &file.instructions {
        assert_instruction_spans(source, instruction, whole);
        assert!(
            instruction.span.start >= previous_end,
            "instructions overlap or are out of order"
        );
        previous_end = instruction.span.end;
    }
    for comment in &file.comments {
        assert_span(source, comment.span, "comment");
        assert!(comment.span.text(source).starts_with('#'));
    }
    for error in &file.errors {
        assert_span(source, error.span, "error");
        assert!(!error.message.is_empty());
    }
    for warning in &file.warnings {
        assert_span(source, warning.span, "warning");
    }
    file
}

#[test]
fn ten_megabyte_file() {
    let mut source = String::from("FROM alpine:3.20\n");
    let mut pairs = 0;
    while source.len() < 10 * 1024 * 1024 {
        source.push_str("RUN echo \"some fairly long line of shell\" && apk add --no-cache curl\n");
        source.push_str("ENV KEY_A=value_a KEY_B=\"value b\"\n");
        pairs += 1;
    }
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 1 + 2 * pairs);
    let last = file.instructions.last().expect("instructions");
    assert_eq!(last.start_line as usize, 1 + 2 * pairs);
    assert_eq!(last.args.len(), 6, "ENV holds key, value, separator twice");
}

#[test]
fn hundred_thousand_line_continuation() {
    let mut source = String::from("FROM alpine\nRUN a \\\n");
    for _ in 0..100_000 {
        source.push_str("RUN a \\\n");
    }
    source.push_str("  && echo done\n");
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 2);
    assert_eq!(file.instructions[1].start_line, 2);
    assert_eq!(file.instructions[1].end_line, 100_003);
    let arg = &file.instructions[1].args[0];
    assert!(arg.value.starts_with("a RUN a RUN a "));
    assert!(arg.value.ends_with("RUN a   && echo done"));
    assert_eq!(arg.span.text(&source).lines().count(), 100_002);
}

#[test]
fn continuation_full_of_comments_and_blank_lines() {
    let mut source = String::from("FROM alpine\nRUN a \\\n");
    for _ in 0..50_000 {
        source.push_str("# comment\n\n");
    }
    source.push_str("b\n");
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions[1].args[0].value, "a b");
    assert_eq!(file.comments.len(), 50_000);
    assert!(file.comments.iter().all(|c| c.in_continuation));
    assert_eq!(file.instructions[1].empty_continuation_lines.len(), 50_000);
    // One warning for the instruction, not one per blank line.
    assert_eq!(file.warnings.len(), 1);
}

#[test]
fn megabyte_line_is_rejected_like_buildkit() {
    let source = format!(
        "FROM alpine\nRUN echo {}\nRUN echo after\n",
        "x".repeat(1024 * 1024)
    );
    let file = parse_checked(&source);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(
        file.errors[0].message,
        "dockerfile line greater than max allowed size of 65535"
    );
    assert_eq!(file.errors[0].buildkit_lines, (2, 2));
    assert_eq!(file.errors[0].span.len(), "RUN echo ".len() + 1024 * 1024);
    // Recovery: the rest of the file is still there.
    assert_eq!(file.instructions.len(), 3);
}

#[test]
fn line_limit_is_65535_bytes_with_or_without_a_final_newline() {
    // bufio.Scanner's 64 KiB buffer must hold the line plus the newline, or
    // plus one free byte to notice EOF when there is no newline.
    let line = |len: usize| format!("FROM alpine\nRUN {}", "x".repeat(len - 4));
    let too_long = |source: &str| {
        parse_checked(source)
            .errors
            .iter()
            .any(|e| e.message.starts_with("dockerfile line greater than"))
    };
    assert!(!too_long(&line(65_535)));
    assert!(!too_long(&(line(65_535) + "\n")));
    assert!(!too_long(&(line(65_534) + "\r\n")));
    assert!(too_long(&line(65_536)));
    assert!(too_long(&(line(65_536) + "\n")));
    // The BOM counts: it is stripped after the line is read.
    let with_bom = format!("\u{feff}FROM {}\n", "x".repeat(65_535 - 3 - 5));
    assert!(!too_long(&with_bom));
    let with_bom = format!("\u{feff}FROM {}\n", "x".repeat(65_536 - 3 - 5));
    assert!(too_long(&with_bom));
}

#[test]
fn ten_thousand_nested_default_expansions() {
    let depth = 10_000;
    let source = format!(
        "FROM alpine\nENV A={}x{}\n",
        "${a:-".repeat(depth),
        "}".repeat(depth)
    );
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    let args = &file.instructions[1].args;
    assert_eq!(args[0].value, "A");
    assert_eq!(args[1].value.len(), depth * 6 + 1);
    assert_eq!(args[1].span.text(&source), args[1].value);
    // The word lexer refuses it with an error instead of recursing 10,000 deep.
    assert!(plimsoll_syntax::shell_lex::parse_word(&args[1].value, '\\').is_err());
}

#[test]
fn nul_bytes_are_ordinary_characters() {
    let source = "FROM alpine\nRUN echo a\0b\nLABEL k=\0\n";
    let file = parse_checked(source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions[1].args[0].value, "echo a\0b");
    assert_eq!(file.instructions[2].args[1].value, "\0");
    assert_eq!(
        plimsoll_syntax::buildkit_dump(&file).lines().nth(1),
        Some("(run \"echo a\\x00b\")")
    );
    // A file that is nothing but NULs is one unknown instruction, as in BuildKit.
    let file = parse_checked("\0\0\0\n");
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 1);
    assert_eq!(file.instructions[0].keyword_text, "\0\0\0");
}

#[test]
fn invalid_utf8_names_the_offset_and_line() {
    let bytes = b"FROM alpine\nRUN echo \xff\xfe\n";
    assert_eq!(
        decode(bytes),
        Err(DecodeError::NotUtf8 {
            offset: 21,
            line: 2
        })
    );
    assert_eq!(
        decode(bytes).unwrap_err().to_string(),
        "file is not valid UTF-8: invalid byte at offset 21 (line 2)"
    );
    // A truncated multi-byte character at the very end.
    assert_eq!(
        decode(b"FROM a\n\nRUN \xc3"),
        Err(DecodeError::NotUtf8 {
            offset: 12,
            line: 3
        })
    );
    // A lone continuation byte in the first byte.
    assert_eq!(
        decode(b"\x80FROM a"),
        Err(DecodeError::NotUtf8 { offset: 0, line: 1 })
    );
    assert_eq!(decode("FROM é\n".as_bytes()), Ok("FROM é\n"));
}

#[test]
fn files_without_instructions_are_rejected_like_buildkit() {
    for source in [
        "",
        "# only\n# comments\n\n",
        "# escape=`\n",
        "\u{feff}",
        "\u{feff}\n",
        "\r",
        "\r\n\r\n",
        "   \n\t\n",
    ] {
        let file = parse_checked(source);
        assert!(file.instructions.is_empty(), "{source:?}");
        assert_eq!(file.errors.len(), 1, "{source:?}");
        assert_eq!(
            file.errors[0].message, "file with no instructions",
            "{source:?}"
        );
    }
    let file = parse_checked("# only\n# comments\n");
    assert_eq!(file.comments.len(), 2);
}

#[test]
fn fifty_thousand_heredocs_in_fifty_thousand_instructions() {
    let mut source = String::from("FROM alpine\n");
    for i in 0..50_000 {
        source.push_str(&format!("RUN <<EOF{i}\necho {i}\nEOF{i}\n"));
    }
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 50_001);
    let last = &file.instructions[50_000];
    assert_eq!(last.heredocs[0].name, "EOF49999");
    assert_eq!(last.heredocs[0].content, "echo 49999\n");
    assert_eq!(last.end_line, 150_001);
}

#[test]
fn fifty_thousand_heredocs_in_one_instruction() {
    // Continuation lines make one logical line that opens every heredoc.
    let mut source = String::from("FROM alpine\nRUN cat \\\n");
    for i in 0..50_000 {
        source.push_str(&format!("<<E{i} \\\n"));
    }
    source.push('\n');
    for i in 0..50_000 {
        source.push_str(&format!("body {i}\nE{i}\n"));
    }
    let file = parse_checked(&source);
    assert!(file.errors.is_empty(), "{:?}", file.errors.first());
    let heredocs = &file.instructions[1].heredocs;
    assert_eq!(heredocs.len(), 50_000);
    assert_eq!(heredocs[49_999].name, "E49999");
    assert_eq!(heredocs[49_999].content, "body 49999\n");
}

#[test]
fn deep_json_on_one_line_hits_the_line_limit() {
    let depth = 100_000;
    let source = format!(
        "FROM alpine\nCMD {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let file = parse_checked(&source);
    assert_eq!(
        file.errors[0].message,
        "dockerfile line greater than max allowed size of 65535"
    );
}

#[test]
fn deep_json_across_continuations_falls_back_to_shell_form() {
    // 100,000 levels in 1,000-byte physical lines: under the line limit, far
    // over Go's JSON depth limit (10,000), so BuildKit treats it as shell form.
    let mut source = String::from("FROM alpine\nCMD \\\n");
    for bracket in ["[", "]"] {
        for _ in 0..100 {
            source.push_str(&bracket.repeat(1_000));
            source.push_str("\\\n");
        }
    }
    source.push('\n');
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    let cmd = &file.instructions[1];
    assert!(!cmd.json);
    assert_eq!(cmd.args.len(), 1);
    assert_eq!(
        cmd.args[0].value,
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))
    );

    // 20,000 levels on one line: the same fallback without continuations.
    let source = format!(
        "FROM alpine\nCMD {}{}\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert!(!file.instructions[1].json);
}

#[test]
fn nested_onbuild_is_bounded() {
    // BuildKit's parser nests without limit and its build rejects any chain;
    // we keep shallow chains (the dump matches) and reject deep ones.
    let file = parse_checked("FROM a\nONBUILD ONBUILD ONBUILD RUN x\n");
    assert!(file.errors.is_empty());
    assert_eq!(
        plimsoll_syntax::buildkit_dump(&file),
        "(from \"a\")\n(onbuild (onbuild (onbuild (run \"x\"))))\n"
    );

    let mut source = String::from("FROM a\n");
    for _ in 0..100_000 {
        source.push_str("ONBUILD \\\n");
    }
    source.push_str("RUN x\nRUN after\n");
    let file = parse_checked(&source);
    assert_eq!(
        file.errors[0].message,
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
    assert_eq!(file.errors[0].buildkit_lines, (2, 100_002));
    assert_eq!(file.instructions.len(), 2);
    assert_eq!(file.instructions[1].args[0].value, "after");
}

#[test]
fn lone_carriage_returns_and_bom() {
    // A lone CR is blank space inside a line, not a line break.
    let file = parse_checked("\u{feff}FROM x\rRUN a\n");
    assert_eq!(file.instructions.len(), 1);
    assert_eq!(file.instructions[0].args.len(), 3);
    assert_eq!(file.instructions[0].keyword_span, Span::new(3, 7));
    let file = parse_checked("FROM x\r\r\nRUN a\r\n");
    assert_eq!(file.instructions.len(), 2);
    assert_eq!(
        file.instructions[0].span.text("FROM x\r\r\nRUN a\r\n"),
        "FROM x"
    );
    let source = "\r".repeat(60_000);
    assert_eq!(
        parse_checked(&source).errors[0].message,
        "file with no instructions"
    );
}

#[test]
fn unterminated_constructs_at_end_of_file() {
    for source in [
        "FROM x\nRUN <<EOF\nno end",
        "FROM x\nRUN a \\",
        "FROM x\nCMD [\"a\"",
        "FROM x\nENV a=\"b",
        "FROM x\nCOPY --chown=\"a b",
        "FROM x\nONBUILD ONBUILD ONBUILD",
        "FROM x\nRUN <<",
        "FROM x\nRUN <<\"",
        "FROM x\nRUN <<-",
        "FROM x\nHEALTHCHECK --interval",
        "FROM x\nENV ${",
        "\\",
        "#escape=`\n`",
        "# escape=\n",
        "FROM x\n\u{feff}",
    ] {
        parse_checked(source);
    }
}

/// Dockerfile-ish fragments, weighted towards the lexical corner cases.
const TOKENS: &[&str] = &[
    "FROM",
    "RUN",
    "COPY",
    "ADD",
    "ENV",
    "LABEL",
    "ONBUILD",
    "HEALTHCHECK",
    "ARG",
    "cmd",
    "ShElL",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\\",
    "`",
    "\\\n",
    "`\r\n",
    "<<EOF",
    "<<-'E'",
    "<<\"X\"",
    "3<<EOF",
    "EOF",
    "\tE",
    "#",
    "# escape=`\n",
    "# syntax=x\n",
    "\"",
    "'",
    "${",
    "$",
    "}",
    ":-",
    "[",
    "]",
    ",",
    "=",
    "--mount=type=cache",
    "--",
    "-",
    "AS",
    "NONE",
    "CMD",
    "é",
    "😀",
    "\u{a0}",
    "\u{feff}",
    "\0",
    "a",
    "x=1",
    "[\"a\", 1]",
    "[\"\\u00e9\"]",
];

/// `cases` runs; failures are reported with the shrunk input, not persisted
/// (proptest cannot find a source root for an integration test).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn token_soup_never_panics_and_spans_are_valid(source in token_soup()) {
        parse_checked(&source);
    }

    #[test]
    fn token_soup_after_a_from_keeps_the_from(source in token_soup()) {
        let source = format!("FROM base\n{source}");
        let file = parse_checked(&source);
        prop_assert_eq!(file.instructions[0].keyword_text.as_str(), "FROM");
        prop_assert_eq!(file.instructions[0].span.text(&source), "FROM base");
    }
}

proptest! {
    #![proptest_config(config(1_000))]

    #[test]
    fn random_bytes_decode_or_name_the_bad_byte(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        match decode(&bytes) {
            Ok(text) => {
                parse_checked(text);
            }
            Err(DecodeError::NotUtf8 { offset, line }) => {
                let valid = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
                prop_assert_eq!(offset, valid);
                prop_assert_eq!(line, bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1);
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
        parse_checked(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_text_never_panics(source in "(?s).{0,300}") {
        parse_checked(&source);
    }
}
