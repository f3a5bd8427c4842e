//! Hostile and extreme inputs: the parser returns (a clean parse or a clear
//! error) with every span inside the text, whatever it is fed.

use plimsoll_syntax::{decode, parse, DecodeError, Dockerfile, Instruction, Span};

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

fn assert_instruction_spans(source: &str, instruction: &Instruction) {
    assert_span(source, instruction.span, "instruction");
    assert_span(source, instruction.keyword_span, "keyword");
    for arg in &instruction.args {
        assert_span(source, arg.span, "arg");
    }
    for flag in &instruction.flags {
        assert_span(source, flag.span, "flag");
    }
    for heredoc in &instruction.heredocs {
        assert_span(source, heredoc.body_span, "heredoc body");
    }
    if let Some(trigger) = &instruction.trigger {
        assert_instruction_spans(source, trigger);
    }
}

/// Parse and check every span.
fn parse_checked(source: &str) -> Dockerfile {
    let file = parse(source);
    for instruction in &file.instructions {
        assert_instruction_spans(source, instruction);
    }
    for comment in &file.comments {
        assert_span(source, comment.span, "comment");
    }
    for error in &file.errors {
        assert_span(source, error.span, "error");
    }
    file
}

#[test]
fn ten_megabyte_file() {
    let mut source = String::from("FROM alpine:3.20\n");
    while source.len() < 10 * 1024 * 1024 {
        source.push_str("RUN echo \"some fairly long line of shell\" && apk add --no-cache curl\n");
        source.push_str("ENV KEY_A=value_a KEY_B=\"value b\"\n");
    }
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert!(file.instructions.len() > 200_000);
}

#[test]
fn hundred_thousand_line_continuation() {
    let mut source = String::from("FROM alpine\nRUN true \\\n");
    for _ in 0..100_000 {
        source.push_str("  && echo x \\\n");
    }
    source.push_str("  && echo done\n");
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 2);
    assert_eq!(file.instructions[1].end_line, 100_003);
    let arg = &file.instructions[1].args[0];
    assert!(arg.value.ends_with("&& echo done"));
    assert_eq!(arg.span.text(&source).lines().count(), 100_002);
}

#[test]
fn line_over_64_kib_is_rejected_like_buildkit() {
    let source = format!(
        "FROM alpine\nRUN echo {}\nRUN echo after\n",
        "x".repeat(1024 * 1024)
    );
    let file = parse_checked(&source);
    assert_eq!(
        file.errors[0].message,
        "dockerfile line greater than max allowed size of 65535"
    );
    assert_eq!(file.errors[0].buildkit_lines.0, 2);
    // Recovery: the rest of the file is still there.
    assert_eq!(file.instructions.len(), 3);
}

#[test]
fn deeply_nested_variables() {
    let depth = 10_000;
    let source = format!(
        "FROM alpine\nENV A={}x{}\n",
        "${a:-".repeat(depth),
        "}".repeat(depth)
    );
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    let value = &file.instructions[1].args[1].value;
    assert_eq!(value.len(), depth * 6 + 1);
    // The word lexer refuses it with an error instead of recursing 10,000 deep.
    assert!(plimsoll_syntax::shell_lex::parse_word(value, '\\').is_err());
}

#[test]
fn nul_bytes_are_ordinary_characters() {
    let source = "FROM alpine\nRUN echo a\0b\nLABEL k=\0\n";
    let file = parse_checked(source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions[1].args[0].value, "echo a\0b");
    assert_eq!(
        plimsoll_syntax::buildkit_dump(&file).lines().nth(1),
        Some("(run \"echo a\\x00b\")")
    );
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
}

#[test]
fn only_comments_and_empty_file() {
    for source in ["", "# a\n# b\n\n", "\u{feff}", "   \n\t\n"] {
        let file = parse_checked(source);
        assert_eq!(file.errors.len(), 1, "{source:?}");
        assert_eq!(file.errors[0].message, "file with no instructions");
    }
}

#[test]
fn fifty_thousand_heredocs() {
    let mut source = String::from("FROM alpine\n");
    for i in 0..50_000 {
        source.push_str(&format!("RUN <<EOF{i}\necho {i}\nEOF{i}\n"));
    }
    let file = parse_checked(&source);
    assert!(file.errors.is_empty());
    assert_eq!(file.instructions.len(), 50_001);
    assert_eq!(
        file.instructions[50_000].heredocs[0].content,
        "echo 49999\n"
    );
}

#[test]
fn deeply_nested_json_falls_back_to_shell_form() {
    // 20,000 levels: deeper than Go's JSON limit, shorter than BuildKit's 64 KiB line limit.
    let depth = 20_000;
    let source = format!(
        "FROM alpine\nCMD {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let file = parse_checked(&source);
    // Go's encoding/json refuses more than 10,000 levels, so BuildKit treats it as shell form.
    assert!(file.errors.is_empty());
    assert!(!file.instructions[1].json);
}

#[test]
fn lone_carriage_returns_and_bom() {
    let file = parse_checked("\u{feff}FROM x\rRUN a\n");
    assert_eq!(file.instructions.len(), 1);
    assert_eq!(file.instructions[0].args.len(), 3);
    let file = parse_checked("FROM x\r\r\nRUN a\r\n");
    assert_eq!(file.instructions.len(), 2);
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
        "\\",
        "#escape=`\n`",
    ] {
        parse_checked(source);
    }
}

#[test]
fn random_token_soup_never_panics() {
    // A deterministic generator: no external crate, same cases every run.
    const TOKENS: &[&str] = &[
        "FROM",
        "RUN",
        "COPY",
        "ENV",
        "ONBUILD",
        "HEALTHCHECK",
        "ARG",
        "cmd",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\\",
        "`",
        "\\\n",
        "<<EOF",
        "<<-'E'",
        "EOF",
        "#",
        "# escape=`\n",
        "\"",
        "'",
        "${",
        "}",
        "[",
        "]",
        ",",
        "=",
        "--mount=type=cache",
        "--",
        "é",
        "😀",
        "\u{a0}",
        "\0",
        "a",
        "x=1",
        "[\"a\", 1]",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3_000 {
        let mut source = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 60) as usize;
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            source.push_str(TOKENS[(state % TOKENS.len() as u64) as usize]);
        }
        parse_checked(&source);
    }
}
