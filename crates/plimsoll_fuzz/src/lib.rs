//! The bodies of plimsoll's fuzz targets: each takes arbitrary bytes and
//! panics when an invariant breaks. `fuzz/` (cargo-fuzz, nightly) feeds them
//! libFuzzer's inputs; `tests/properties.rs` feeds them proptest's on stable,
//! so CI exercises the same checks cheaply.
//!
//! The invariants: nothing panics; every span (AST, diagnostic, fix edit) lies
//! inside the text on character boundaries; every output format renders;
//! fixing never makes BuildKit reject a file it accepted, and converges.

use std::sync::{Arc, OnceLock};

use plimsoll_cli::args::OutputFormat;
use plimsoll_cli::report::{write_report, FileReport};
use plimsoll_linter::fix::fix_source;
use plimsoll_linter::{lint, ResolvedRules, Settings};
use plimsoll_syntax::{buildkit_dump, decode, parse, Dockerfile, Instruction, LineIndex, Span};

/// Inputs longer than this are cut: the pathological tests cover big files,
/// and a fuzzer spends its time better on many small ones.
pub const MAX_INPUT: usize = 64 * 1024;

/// The text the targets work on: valid UTF-8 as is; otherwise the decode error
/// must name a real offset, and the lossy decoding is used instead.
pub fn text_of(data: &[u8]) -> String {
    let data = &data[..data.len().min(MAX_INPUT)];
    match decode(data) {
        Ok(text) => text.to_string(),
        Err(plimsoll_syntax::DecodeError::NotUtf8 { offset, line }) => {
            let valid = std::str::from_utf8(data).map_or_else(|e| e.valid_up_to(), |_| data.len());
            assert_eq!(offset, valid, "decode error names the wrong offset");
            let newlines = data[..offset].iter().filter(|&&b| b == b'\n').count();
            assert_eq!(line, newlines + 1, "decode error names the wrong line");
            String::from_utf8_lossy(data).into_owned()
        }
        Err(e) => panic!("{e} for {} bytes", data.len()),
    }
}

/// `span` lies inside `source`, on character boundaries.
pub fn assert_span(source: &str, span: Span, what: &str) {
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

fn assert_within(source: &str, inner: Span, outer: Span, what: &str) {
    assert_span(source, inner, what);
    assert!(
        outer.start <= inner.start && inner.end <= outer.end,
        "{what}: {inner:?} is not inside {outer:?}"
    );
}

fn check_instruction(source: &str, instruction: &Instruction, outer: Span) {
    let span = instruction.span;
    assert_within(source, span, outer, "instruction");
    assert_within(source, instruction.keyword_span, span, "keyword");
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
    }
    for empty in &instruction.empty_continuation_lines {
        assert_span(source, *empty, "empty continuation line");
    }
    // Every byte of the joined text maps back into the file.
    for (i, _) in instruction.original.char_indices() {
        let mapped = instruction.original_span(i, i);
        assert_span(source, mapped, "source map");
    }
    if let Some(trigger) = &instruction.trigger {
        check_instruction(source, trigger, span);
    }
}

/// Parse `source` and check every span the AST holds; the BuildKit dump renders.
pub fn check_parse(source: &str) -> Dockerfile {
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
        check_instruction(source, instruction, whole);
        assert!(
            instruction.span.start >= previous_end,
            "instructions overlap or are out of order"
        );
        previous_end = instruction.span.end;
    }
    for comment in &file.comments {
        assert_span(source, comment.span, "comment");
    }
    for error in &file.errors {
        assert_span(source, error.span, "error");
        assert!(!error.message.is_empty(), "an error without a message");
    }
    for warning in &file.warnings {
        assert_span(source, warning.span, "warning");
    }
    let _ = buildkit_dump(&file);
    file
}

/// Fuzz target `parse`.
pub fn parse_target(data: &[u8]) {
    check_parse(&text_of(data));
}

/// Every rule, as `--select all` gives them (resolved once per process).
pub fn all_rules() -> &'static (Settings, ResolvedRules) {
    static ALL: OnceLock<(Settings, ResolvedRules)> = OnceLock::new();
    ALL.get_or_init(|| {
        let settings = Settings {
            select: Some(vec!["all".into()]),
            ..Settings::default()
        };
        let rules = settings.resolve();
        (settings, rules)
    })
}

const FORMATS: [OutputFormat; 10] = [
    OutputFormat::Full,
    OutputFormat::Concise,
    OutputFormat::Json,
    OutputFormat::JsonLines,
    OutputFormat::Sarif,
    OutputFormat::Checkstyle,
    OutputFormat::Gitlab,
    OutputFormat::Github,
    OutputFormat::Junit,
    OutputFormat::Gnu,
];

/// Lint `source` with every rule and check what comes out; render it in every format.
pub fn check_lint(source: &str, settings: &Settings, rules: &ResolvedRules) {
    let file = check_parse(source);
    let output = lint(source, &file, rules, &settings.options);
    let mut previous = None;
    for d in &output.diagnostics {
        assert_span(source, d.span, d.rule.name);
        assert!(!d.message.is_empty(), "{}: empty message", d.rule.name);
        let key = (d.span.start, d.span.end, d.rule.code);
        assert!(previous <= Some(key), "diagnostics out of order");
        previous = Some(key);
        if let Some(fix) = &d.fix {
            let mut spans: Vec<Span> = fix.edits.iter().map(|e| e.span).collect();
            for span in &spans {
                assert_span(source, *span, &format!("fix of {}", d.rule.name));
            }
            spans.sort();
            for pair in spans.windows(2) {
                assert!(
                    pair[0].end <= pair[1].start,
                    "fix of {}: edits {:?} and {:?} overlap",
                    d.rule.name,
                    pair[0],
                    pair[1]
                );
            }
        }
    }
    for warning in &output.warnings {
        assert_span(source, warning.span, "lint warning");
    }
    let report = FileReport {
        path: "fuzz/Dockerfile".into(),
        source: Arc::new(source.to_string()),
        line_index: LineIndex::new(source),
        diagnostics: output.diagnostics,
        warnings: output.warnings,
    };
    let reports = [report];
    for format in FORMATS {
        let mut sink = Vec::new();
        write_report(format, &reports, &mut sink, false)
            .unwrap_or_else(|e| panic!("{format:?} failed to render: {e}"));
        assert!(
            std::str::from_utf8(&sink).is_ok(),
            "{format:?} wrote invalid UTF-8"
        );
    }
}

/// Fuzz target `lint`.
pub fn lint_target(data: &[u8]) {
    let (settings, rules) = all_rules();
    check_lint(&text_of(data), settings, rules);
}

/// Fix `source` with every fix, unsafe ones included: the result must parse
/// with no more errors than before, and fixing it again must change nothing.
pub fn check_fix(source: &str, settings: &Settings, rules: &ResolvedRules) {
    let errors_before = parse(source).errors.len();
    let outcome = fix_source(source, rules, &settings.options, true);
    if !outcome.changed() {
        assert_eq!(
            outcome.source, source,
            "nothing applied, yet the text changed"
        );
        return;
    }
    let after = check_parse(&outcome.source);
    assert!(
        after.errors.len() <= errors_before,
        "fixing added parse errors: {:?}\n--- fixed text:\n{}",
        after.errors,
        outcome.source
    );
    let again = fix_source(&outcome.source, rules, &settings.options, true);
    assert!(
        !again.changed(),
        "fixes did not converge: a second run applied {:?}\n--- first result:\n{}",
        again.applied,
        outcome.source
    );
}

/// Fuzz target `fix`.
pub fn fix_target(data: &[u8]) {
    let (settings, rules) = all_rules();
    check_fix(&text_of(data), settings, rules);
}
