//! Inputs the fuzzers found, minimized, kept so they stay fixed. Each runs
//! through the same body as its fuzz target and pins the exact behaviour.

use plimsoll_fuzz::{check_parse, fix_target, lint_target, parse_target};
use plimsoll_syntax::Span;

#[test]
fn empty_flag_value_before_a_continuation_stays_inside_the_flag() {
    // Found by `parse`: the empty value of `--chmod=` was placed after the
    // escaped newline, outside the flag's span.
    let source = "FROM a\nCOPY --chmod=\\\n  && dnf clean all\n";
    let file = check_parse(source);
    let flag = &file.instructions[1].flags[0];
    assert_eq!(flag.span, Span::new(12, 20));
    assert_eq!(flag.value_span, Some(Span::new(20, 20)));
    assert_eq!(flag.value.as_deref(), Some(""));
    parse_target(source.as_bytes());
    lint_target(source.as_bytes());
    fix_target(source.as_bytes());
}

#[test]
fn a_slash_before_an_opening_quote_is_no_fix_that_converges() {
    // Found by `fix`: in `""az/"` the last quote opens a new string, so the
    // trailing-slash fix of copy-multiple-sources-to-file never ended the
    // path and was applied again on every pass.
    let source = "COPY foo bar \"\"az/\"";
    parse_target(source.as_bytes());
    lint_target(source.as_bytes());
    fix_target(source.as_bytes());
}
