//! Behaviour of the instruction rules that fixtures show less directly:
//! fixes (applied, re-linted, converging), scopes and edge cases.

use crate::fix::fix_source;
use crate::lint::lint;
use crate::settings::Settings;

fn settings(rule: &str) -> Settings {
    Settings {
        select: Some(vec![rule.to_string()]),
        ..Settings::default()
    }
}

/// The rule's findings as `line:col text-of-span`.
fn findings(rule: &str, source: &str) -> Vec<String> {
    let settings = settings(rule);
    let file = plimsoll_syntax::parse(source);
    let index = plimsoll_syntax::LineIndex::new(source);
    lint(source, &file, &settings.resolve(), &settings.options)
        .diagnostics
        .iter()
        .map(|d| {
            let at = index.line_column(d.span.start, source);
            format!("{}:{} {}", at.line, at.column, d.span.text(source))
        })
        .collect()
}

fn fixed(rule: &str, source: &str, unsafe_fixes: bool) -> String {
    let settings = settings(rule);
    let outcome = fix_source(source, &settings.resolve(), &settings.options, unsafe_fixes);
    // Fixing again changes nothing: the fixes converge.
    let again = fix_source(
        &outcome.source,
        &settings.resolve(),
        &settings.options,
        unsafe_fixes,
    );
    assert!(!again.changed(), "fixes do not converge: {}", again.source);
    outcome.source
}

#[test]
fn add_fix_keeps_keyword_casing_and_needs_certainty() {
    let source = "FROM python:3.13\nADD app.py /srv/\nadd --chown=1:1 . /srv/\nONBUILD Add conf/ /etc/app/\nADD rootfs /\nADD x.tar.gz y.py /opt/\nADD --unpack=false z.py /opt/\n";
    assert_eq!(
        fixed("add-instead-of-copy", source, false),
        "FROM python:3.13\nCOPY app.py /srv/\ncopy --chown=1:1 . /srv/\nONBUILD Copy conf/ /etc/app/\nADD rootfs /\nADD x.tar.gz y.py /opt/\nADD --unpack=false z.py /opt/\n"
    );
    // `rootfs` could be a tarball that ADD unpacks: only an unsafe fix.
    assert!(fixed("add-instead-of-copy", source, true).contains("COPY rootfs /\n"));
    assert_eq!(findings("add-instead-of-copy", source).len(), 6);
}

#[test]
fn trailing_slash_fix_goes_inside_quotes() {
    let source = "FROM alpine:3.20\nCOPY a b /dst\nCOPY a b \"/quoted\"\nCOPY [\"a\", \"b\", \"/json\"]\nCOPY a b c:\\win\n";
    assert_eq!(
        fixed("copy-multiple-sources-to-file", source, false),
        "FROM alpine:3.20\nCOPY a b /dst/\nCOPY a b \"/quoted/\"\nCOPY [\"a\", \"b\", \"/json/\"]\nCOPY a b c:\\win\n"
    );
}

/// Found by the `fix` fuzz target: the last `"` of `""az/"` opens a new,
/// unterminated string, so a slash before it never ended the path and the
/// fix was offered again on every pass. No fix there; the finding stays.
#[test]
fn trailing_slash_fix_only_where_the_slash_ends_the_path() {
    let source = "COPY foo bar \"\"az/\"";
    assert_eq!(fixed("copy-multiple-sources-to-file", source, true), source);
    let settings = Settings {
        select: Some(vec!["copy-multiple-sources-to-file".into()]),
        ..Settings::default()
    };
    let findings = crate::api::lint_source(source, &settings).diagnostics;
    assert_eq!(findings.len(), 1);
    assert!(findings[0].fix.is_none());
}

#[test]
fn stage_ignore_pragma_covers_the_rest_of_the_stage() {
    let source = "FROM alpine:3.20\nEXPOSE 70000\n# hadolint stage ignore=DL3011\nEXPOSE 70001\nFROM alpine:3.20\nEXPOSE 70002\n";
    assert_eq!(
        findings("expose-port-out-of-range", source),
        ["2:8 70000", "6:8 70002"]
    );
    let above_from = "# plimsoll stage ignore=expose-port-out-of-range\nFROM alpine:3.20\nEXPOSE 70000\nFROM alpine:3.20\nEXPOSE 70001\n";
    assert_eq!(
        findings("expose-port-out-of-range", above_from),
        ["5:8 70001"]
    );
}

#[test]
fn copy_from_before_any_stage_and_by_index() {
    assert_eq!(
        findings(
            "copy-from-unknown-stage",
            "COPY --from=0 a b\nFROM alpine:3.20\n"
        ),
        ["1:13 0"]
    );
    assert_eq!(
        findings(
            "copy-from-own-stage",
            "FROM alpine:3.20\nCOPY --from=0 a b\nFROM alpine:3.20 AS x\nCOPY --from=X a b\n"
        ),
        ["2:13 0", "4:13 X"]
    );
}

#[test]
fn onbuild_copy_sees_any_workdir_of_its_stage() {
    let rule = "relative-copy-without-workdir";
    assert!(findings(rule, "FROM alpine:3.20\nONBUILD COPY a b\nWORKDIR /app\n").is_empty());
    assert!(findings(
        rule,
        "FROM alpine:3.20\nONBUILD WORKDIR /app\nONBUILD COPY a b\n"
    )
    .is_empty());
    assert_eq!(
        findings(rule, "FROM alpine:3.20\nCOPY a b\nWORKDIR /app\nCOPY c d\n"),
        ["2:8 b"]
    );
    // A stage built on an unrelated stage inherits nothing.
    assert_eq!(
        findings(
            rule,
            "FROM alpine:3.20 AS one\nWORKDIR /app\nFROM alpine:3.20 AS two\nFROM two\nCOPY a b\n"
        ),
        ["5:8 b"]
    );
}

#[test]
fn env_reference_spans_point_at_the_variable() {
    assert_eq!(
        findings(
            "env-same-statement-reference",
            "FROM alpine:3.20\nENV A=1 B=\"${A}x\" C=$A\n"
        ),
        ["2:12 ${A}", "2:21 $A"]
    );
}

#[test]
fn user_span_is_the_name_before_the_group() {
    assert_eq!(
        findings(
            "non-numeric-user",
            "FROM alpine:3.20\nUSER app:1000\nUSER 1000:app\n"
        ),
        ["2:6 app"]
    );
}

#[test]
fn base_images_expand_global_arg_defaults() {
    let source = "ARG REGISTRY=ghcr.io/acme\nARG TAG\nFROM ${REGISTRY}/base\nFROM ${REGISTRY}/base:${TAG}\nFROM img${UNSET}\nFROM ${UNSET}/node\n";
    assert_eq!(
        findings("untagged-base-image", source),
        ["3:6 ${REGISTRY}/base", "6:6 ${UNSET}/node"]
    );
}

/// Instructions assembled from awkward pieces (quotes, variables, escapes,
/// non-ASCII, continuations, ONBUILD): the family's rules never panic, every
/// span is inside the text on character boundaries, and fixes keep the file
/// parseable.
#[test]
fn awkward_inputs_keep_spans_valid_and_fixes_parseable() {
    const PIECES: &[&str] = &[
        "FROM ",
        "FROM scratch",
        "FROM a:latest AS b",
        "ARG X=${Y:-é}",
        "COPY ",
        "ADD ",
        "ONBUILD ",
        "ONBUILD ONBUILD ",
        "ENV A=1 B=$A",
        "ENV ",
        "USER ",
        "EXPOSE ",
        "HEALTHCHECK CMD x",
        "WORKDIR ",
        "--from=",
        "--from=0 ",
        "--chown=1 ",
        "\"",
        "'",
        "$",
        "${",
        "}",
        "\\\n",
        "\\",
        "/",
        ".",
        " ",
        "é",
        "日本",
        "70000",
        "-",
        ":",
        "@sha256:",
        "latest",
        "<<EOF\nx\nEOF",
        "a.tar",
        "[\"a\", \"b\"]",
        "# hadolint ignore=DL3020",
        "\n",
        "\n",
        "c:\\x",
    ];
    let settings = Settings {
        select: Some(
            super::RULES
                .iter()
                .map(|r| r.meta().name.to_string())
                .collect(),
        ),
        ..Settings::default()
    };
    let rules = settings.resolve();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut fired = std::collections::BTreeSet::new();
    for _ in 0..3000 {
        let length = 3 + next() % 20;
        let source: String = (0..length)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let file = plimsoll_syntax::parse(&source);
        let output = lint(&source, &file, &rules, &settings.options);
        for d in &output.diagnostics {
            fired.insert(d.rule.name);
            let (start, end) = (d.span.start as usize, d.span.end as usize);
            assert!(
                start <= end
                    && end <= source.len()
                    && source.is_char_boundary(start)
                    && source.is_char_boundary(end),
                "{} span {:?} in {source:?}",
                d.rule.name,
                d.span
            );
        }
        let fixed = fix_source(&source, &rules, &settings.options, true);
        assert!(
            plimsoll_syntax::parse(&fixed.source).errors.len() <= file.errors.len(),
            "a fix broke {source:?} into {:?}",
            fixed.source
        );
    }
    // The pieces reach most of the family, or this test checks little.
    assert!(fired.len() >= 10, "only {fired:?} fired");
}
