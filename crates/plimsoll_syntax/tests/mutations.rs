//! The lexical mutations of `../shared/conformance/buildkit-mutants`, as
//! properties over generated Dockerfiles: each mutation is something BuildKit
//! ignores, so the BuildKit dump (and the verdict) must not change.
//!
//! The mutants there are corpus files put through: CRLF line ends, lower- and
//! mixed-case keywords, a comment or a blank line inside each continuation,
//! spaces and tabs after the escape character, a byte-order mark, no final
//! newline (and tabs for indentation, which BuildKit keeps in the arguments,
//! so that one changes the dump by design and is not a property here). Here
//! they apply, in any combination, to any file the generator builds:
//! continuations in shell and JSON form, heredocs, ONBUILD, both escape
//! characters, comments. Indenting instructions is added as one more
//! mutation BuildKit ignores.

use plimsoll_syntax::{buildkit_dump, parse};
use proptest::prelude::*;

/// A Dockerfile as a list of items, rendered with or without mutations.
#[derive(Debug, Clone)]
struct Model {
    /// `\\` or `` ` `` (set with a directive).
    escape: char,
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
enum Item {
    /// `keyword` then its argument text split over continuation lines
    /// (continuation lines keep their own leading whitespace).
    Instruction {
        keyword: Vec<&'static str>,
        lines: Vec<String>,
    },
    /// `RUN <<EOF` / `COPY <<EOF /dst` with a body.
    Heredoc {
        keyword: &'static str,
        after: &'static str,
        body: Vec<String>,
    },
    Comment(String),
    Blank,
}

#[derive(Debug, Clone, Default)]
struct Mutation {
    crlf: bool,
    /// 0: as written (upper), 1: lower, 2: mixed (by position), 3: mixed the other way.
    keyword_case: u8,
    comment_in_continuation: bool,
    blank_in_continuation: bool,
    /// Appended after the escape character of every continuation.
    after_escape: &'static str,
    bom: bool,
    no_final_newline: bool,
    /// Put before every instruction's first line.
    indent: &'static str,
}

fn case(word: &str, how: u8) -> String {
    word.chars()
        .enumerate()
        .map(|(i, c)| match how {
            1 => c.to_ascii_lowercase(),
            2 if i % 2 == 0 => c.to_ascii_lowercase(),
            3 if i % 2 == 1 => c.to_ascii_lowercase(),
            _ => c,
        })
        .collect()
}

impl Model {
    fn render(&self, m: &Mutation) -> String {
        let mut lines: Vec<String> = Vec::new();
        if self.escape == '`' {
            lines.push("# escape=`".into());
        }
        for item in &self.items {
            match item {
                Item::Instruction {
                    keyword,
                    lines: parts,
                } => {
                    let keyword: Vec<String> =
                        keyword.iter().map(|k| case(k, m.keyword_case)).collect();
                    for (i, part) in parts.iter().enumerate() {
                        let mut line = if i == 0 {
                            format!("{}{} {}", m.indent, keyword.join(" "), part)
                        } else {
                            part.clone()
                        };
                        let continued = i + 1 < parts.len();
                        if continued {
                            line.push(self.escape);
                            line.push_str(m.after_escape);
                        }
                        lines.push(line);
                        if continued {
                            if m.comment_in_continuation {
                                lines.push("    # inserted comment".into());
                            }
                            if m.blank_in_continuation {
                                lines.push(String::new());
                            }
                        }
                    }
                }
                Item::Heredoc {
                    keyword,
                    after,
                    body,
                } => {
                    lines.push(format!(
                        "{}{} <<EOF{after}",
                        m.indent,
                        case(keyword, m.keyword_case)
                    ));
                    lines.extend(body.iter().cloned());
                    lines.push("EOF".into());
                }
                Item::Comment(text) => lines.push(format!("# {text}")),
                Item::Blank => lines.push(String::new()),
            }
        }
        let newline = if m.crlf { "\r\n" } else { "\n" };
        let mut text = lines.join(newline);
        if !m.no_final_newline {
            text.push_str(newline);
        }
        if m.bom {
            text.insert(0, '\u{feff}');
        }
        text
    }
}

/// Words for arguments: shell syntax, quotes, variables, the other escape
/// character, unicode. Never the escape character at the end of a line (that
/// would continue the line) and never `#` first on a continuation line.
const WORDS: &[&str] = &[
    "apt-get",
    "install",
    "-y",
    "curl",
    "&&",
    "||",
    ";",
    "|",
    "$HOME",
    "${A:-b}",
    "'a b'",
    "\"c d\"",
    "x=1",
    "--flag",
    "/usr/local/bin",
    "*.txt",
    "é",
    "a\\b",
    "a`b",
    "(",
    ")",
    "{",
    "}",
    "2>&1",
    ">",
    "echo",
    "make",
    "-j4",
    "\"#\"",
];

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..5).prop_map(|w| w.join(" "))
}

/// A continuation line: its own leading whitespace, then words.
fn continuation_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["", " ", "    ", "\t", "  \t"][..]),
        words(),
    )
        .prop_map(|(indent, w)| format!("{indent}{w}"))
}

const KEYWORDS: &[&[&str]] = &[
    &["RUN"],
    &["CMD"],
    &["ENTRYPOINT"],
    &["ENV"],
    &["LABEL"],
    &["ONBUILD", "RUN"],
    &["WORKDIR"],
    &["USER"],
    &["EXPOSE"],
    &["VOLUME"],
    &["ARG"],
];

fn shell_form() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(KEYWORDS),
        words(),
        prop::collection::vec(continuation_line(), 0..4),
    )
        .prop_map(|(keyword, first, rest)| {
            let mut lines = vec![first];
            lines.extend(rest);
            Item::Instruction {
                keyword: keyword.to_vec(),
                lines,
            }
        })
}

fn json_form() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(&["CMD", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"][..]),
        prop::collection::vec(
            prop::sample::select(&["a", "b c", "-x", "é", "$V", "\\\\"][..]),
            1..5,
        ),
        1usize..4,
    )
        .prop_map(|(keyword, elements, split)| {
            let quoted: Vec<String> = elements.iter().map(|e| format!("\"{e}\"")).collect();
            // Split the array over continuation lines after some commas.
            let mut lines = vec![String::from("[")];
            for (i, q) in quoted.iter().enumerate() {
                let last = lines.last_mut().unwrap();
                last.push_str(q);
                if i + 1 < quoted.len() {
                    last.push_str(", ");
                    if i % split == 0 {
                        lines.push("  ".into());
                    }
                }
            }
            lines.last_mut().unwrap().push(']');
            Item::Instruction {
                keyword: vec![keyword],
                lines,
            }
        })
}

fn heredoc() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(&[("RUN", ""), ("RUN", " && echo done"), ("COPY", " /dst")][..]),
        prop::collection::vec(
            prop::sample::select(
                &[
                    "echo hi",
                    "  indented",
                    "# not a comment",
                    "",
                    "RUN inside",
                    "a \\",
                    "\tx",
                ][..],
            ),
            0..4,
        ),
    )
        .prop_map(|((keyword, after), body)| Item::Heredoc {
            keyword,
            after,
            body: body.into_iter().map(String::from).collect(),
        })
}

fn model() -> impl Strategy<Value = Model> {
    let item = prop_oneof![
        4 => shell_form(),
        2 => json_form(),
        1 => heredoc(),
        1 => prop::sample::select(&["a note", "RUN not this", ""][..]).prop_map(|t| Item::Comment(t.into())),
        1 => Just(Item::Blank),
    ];
    (
        prop::sample::select(&['\\', '`'][..]),
        prop::sample::select(&["alpine", "alpine AS build", "scratch"][..]),
        prop::collection::vec(item, 0..8),
    )
        .prop_map(|(escape, image, mut items)| {
            items.insert(
                0,
                Item::Instruction {
                    keyword: vec!["FROM"],
                    lines: vec![image.into()],
                },
            );
            Model { escape, items }
        })
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        any::<bool>(),
        0u8..4,
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(&["", " ", "\t", "  \t "][..]),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(&["", "  ", "\t"][..]),
    )
        .prop_map(
            |(crlf, keyword_case, comment, blank, after_escape, bom, no_final_newline, indent)| {
                Mutation {
                    crlf,
                    keyword_case,
                    comment_in_continuation: comment,
                    blank_in_continuation: blank,
                    after_escape,
                    bom,
                    no_final_newline,
                    indent,
                }
            },
        )
}

/// What BuildKit would say: the dump, or the first error.
fn verdict(text: &str) -> Result<String, String> {
    let file = parse(text);
    match file.errors.first() {
        Some(error) => Err(error.message.clone()),
        None => Ok(buildkit_dump(&file)),
    }
}

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(1_000))]

    #[test]
    fn lexical_mutations_leave_the_buildkit_dump_unchanged(model in model(), m in mutation()) {
        let plain = model.render(&Mutation::default());
        let mutated = model.render(&m);
        prop_assert_eq!(verdict(&mutated), verdict(&plain), "plain:\n{}\nmutated:\n{}", plain, mutated);
    }
}

#[test]
fn the_generator_makes_files_buildkit_accepts() {
    // A sanity check of the generator itself: these render and parse cleanly,
    // so the property above compares dumps, not two identical errors.
    let model = Model {
        escape: '\\',
        items: vec![
            Item::Instruction {
                keyword: vec!["FROM"],
                lines: vec!["alpine".into()],
            },
            Item::Instruction {
                keyword: vec!["RUN"],
                lines: vec![
                    "apt-get update &&".into(),
                    "    apt-get install -y curl".into(),
                ],
            },
            Item::Heredoc {
                keyword: "RUN",
                after: "",
                body: vec!["echo hi".into()],
            },
        ],
    };
    let plain = model.render(&Mutation::default());
    assert_eq!(
        plain,
        "FROM alpine\nRUN apt-get update &&\\\n    apt-get install -y curl\nRUN <<EOF\necho hi\nEOF\n"
    );
    let everything = Mutation {
        crlf: true,
        keyword_case: 2,
        comment_in_continuation: true,
        blank_in_continuation: true,
        after_escape: " \t",
        bom: true,
        no_final_newline: true,
        indent: "  ",
    };
    assert_eq!(
        model.render(&everything),
        "\u{feff}  fRoM alpine\r\n  rUn apt-get update &&\\ \t\r\n    # inserted comment\r\n\r\n    apt-get install -y curl\r\n  rUn <<EOF\r\necho hi\r\nEOF"
    );
    assert_eq!(
        verdict(&plain),
        Ok("(from \"alpine\")\n(run \"apt-get update &&    apt-get install -y curl\")\n(run \"<<EOF\")\n".into())
    );
    assert_eq!(verdict(&model.render(&everything)), verdict(&plain));
}
