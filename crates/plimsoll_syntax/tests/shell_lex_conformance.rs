//! The word lexer against BuildKit's own shell tables (`_extra/shell`):
//! `envVarTest` (ProcessWord on Linux and Windows), `wordsTest`
//! (ProcessWords) and `process-with-matches.jsonl` (results, matched/unmatched
//! names and exact error messages), plus the lexer's robustness properties.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::PathBuf;

use plimsoll_syntax::shell_lex::{
    normalize_env_key, parse_word, variable_references, variables, Lexer, Modifier, WordPart,
};
use serde_json::Value;

fn shell_table(name: &str) -> Option<String> {
    let shared: PathBuf = support::shared_dir()?;
    let path = shared.join("conformance/buildkit/_extra/shell").join(name);
    Some(fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// An environment as BuildKit's `EnvsFromSlice` builds it: later entries win,
/// keys normalized (upper-cased on Windows).
fn env_lookup(pairs: &[(String, String)], windows: bool) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (normalize_env_key(k, windows).into_owned(), v.clone()))
        .collect()
}

#[test]
fn env_var_test_table() {
    let Some(text) = shell_table("envVarTest") else {
        return;
    };
    let pairs: Vec<(String, String)> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // upstream: lines starting with `#` are comments, the rest is trimmed,
    // split on `|` into exactly three fields, each trimmed.
    let rows: Vec<(&str, &str, &str)> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.trim().split('|').collect();
            assert_eq!(fields.len(), 3, "malformed envVarTest row {line:?}");
            (fields[0].trim(), fields[1].trim(), fields[2].trim())
        })
        .collect();
    for (windows, platforms, label) in [
        (false, ["A", "U"], "envVarTest (Linux: A+U rows)"),
        (true, ["A", "W"], "envVarTest (Windows: A+W rows)"),
    ] {
        let env = env_lookup(&pairs, windows);
        let lexer = Lexer {
            case_insensitive_env: windows,
            ..Lexer::default()
        };
        let (mut run, mut failures) = (0, Vec::new());
        for &(platform, source, expected) in &rows {
            assert!(
                matches!(platform, "A" | "U" | "W"),
                "bad platform {platform}"
            );
            if !platforms.contains(&platform) {
                continue;
            }
            run += 1;
            let got = lexer.process_word(source, &|name| env.get(name).cloned());
            let ok = match (&got, expected) {
                (Err(_), "error") => true,
                (Ok(e), want) => e.result == want,
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{platform}|{source:?}: expected {expected:?}, got {got:?}"
                ));
            }
        }
        println!("{label}: {} of {run} passed", run - failures.len());
        assert!(run > 200, "{label}: only {run} rows");
        assert!(failures.is_empty(), "{label}:\n{}", failures.join("\n"));
    }
}

#[test]
fn words_test_table() {
    let Some(text) = shell_table("wordsTest") else {
        return;
    };
    // Upstream (TestShellParser4Words) loops over two modes, plain and
    // RawQuotes+SkipUnsetEnv, but both read the same already-consumed file
    // handle, so the second mode checks no rows. We run the plain mode on every
    // row, and as the second mode the property that mode is for (heredoc
    // detection lexes raw first and processes the words later): lexing with
    // RawQuotes+RawEscapes+SkipUnsetEnv and then processing each word normally
    // gives the expected words.
    let raw = Lexer {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        ..Lexer::default()
    };
    let mut env: Vec<(String, String)> = Vec::new();
    let (mut run, mut plain_failures, mut raw_failures) = (0, Vec::new(), Vec::new());
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(assignment) = line.strip_prefix("ENV ") {
            // upstream keeps everything after `ENV` minus leading blanks,
            // trailing spaces included.
            let assignment = assignment.trim_start_matches(' ');
            let (k, v) = assignment.split_once('=').unwrap_or((assignment, ""));
            env.push((k.to_string(), v.to_string()));
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields.len(), 2, "malformed wordsTest row {line:?}");
        let source = fields[0].trim();
        let expected: Vec<&str> = fields[1].trim_start_matches(' ').split(',').collect();
        run += 1;
        let map = env_lookup(&env, false);
        let lookup = |name: &str| map.get(name).cloned();

        let got = Lexer::default()
            .process_words(source, &lookup)
            .unwrap_or_else(|_| vec!["error".to_string()]);
        if got != expected {
            plain_failures.push(format!("{line:?}: got {got:?}"));
        }

        let round_trip: Vec<String> = match raw.process_words(source, &lookup) {
            Err(_) => vec!["error".to_string()],
            Ok(words) => words
                .iter()
                .map(|w| match Lexer::default().process_word(w, &lookup) {
                    Ok(e) => e.result,
                    Err(_) => "error".to_string(),
                })
                .collect(),
        };
        if round_trip != expected {
            raw_failures.push(format!("{line:?}: got {round_trip:?}"));
        }
    }
    println!(
        "wordsTest (plain): {} of {run} passed",
        run - plain_failures.len()
    );
    println!(
        "wordsTest (raw quotes+escapes, skip unset, then processed): {} of {run} passed",
        run - raw_failures.len()
    );
    assert!(run >= 20);
    assert!(plain_failures.is_empty(), "{}", plain_failures.join("\n"));
    assert!(raw_failures.is_empty(), "{}", raw_failures.join("\n"));
}

#[test]
fn process_with_matches_table() {
    let Some(text) = shell_table("process-with-matches.jsonl") else {
        return;
    };
    let (mut run, mut failures) = (0, Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).unwrap();
        run += 1;
        let env: HashMap<String, String> = serde_json::from_value(case["env"].clone()).unwrap();
        let input = case["input"].as_str().unwrap();
        // Rows where BuildKit's test and the reference lexer disagree follow
        // the reference lexer, whose output the row records.
        let got = Lexer::default().process_word(input, &|name| env.get(name).cloned());
        let names = |v: &Value| -> BTreeSet<String> { serde_json::from_value(v.clone()).unwrap() };
        let ok = match &got {
            Err(e) => {
                case["expect_error"] == Value::Bool(true)
                    && case["reference_error"].as_str() == Some(e.message.as_str())
            }
            Ok(e) => {
                case["expect_error"] == Value::Bool(false)
                    && e.result == case["expected"].as_str().unwrap()
                    && e.matched == names(&case["matched"])
                    && e.unmatched == names(&case["unmatched"])
            }
        };
        if !ok {
            failures.push(format!("{input:?}: got {got:?}, expected {case}"));
        }
    }
    println!(
        "process-with-matches: {} of {run} passed",
        run - failures.len()
    );
    assert_eq!(run, 47);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn process(word: &str) -> Result<String, String> {
    Lexer::default()
        .process_word(word, &|name| (name == "A").then(|| "a".to_string()))
        .map(|e| e.result)
        .map_err(|e| e.message)
}

#[test]
fn typed_parts_have_byte_offsets_on_non_ascii_input() {
    let input = "é${HOME:-/röot}\"$USER x\"'$lit'${한:+${b}}";
    let parts = parse_word(input, '\\').unwrap();
    let slice = |start: u32, end: u32| &input[start as usize..end as usize];

    let WordPart::Literal { text, start, end } = &parts[0] else {
        panic!("{parts:?}")
    };
    assert_eq!((text.as_str(), slice(*start, *end)), ("é", "é"));

    let WordPart::Variable(home) = &parts[1] else {
        panic!("{parts:?}")
    };
    assert_eq!(slice(home.start, home.end), "${HOME:-/röot}");
    assert_eq!(slice(home.name_start, home.name_end), "HOME");
    let Some(Modifier::Default { colon: true, word }) = &home.modifier else {
        panic!("{home:?}")
    };
    assert!(
        matches!(&word[..], [WordPart::Literal { text, start, end }] if text == "/röot" && slice(*start, *end) == "/röot")
    );

    let WordPart::DoubleQuoted {
        parts: inner,
        start,
        end,
    } = &parts[2]
    else {
        panic!("{parts:?}")
    };
    assert_eq!(slice(*start, *end), "\"$USER x\"");
    assert!(matches!(&inner[1], WordPart::Literal { text, .. } if text == " x"));

    let WordPart::SingleQuoted { text, start, end } = &parts[3] else {
        panic!("{parts:?}")
    };
    assert_eq!((text.as_str(), slice(*start, *end)), ("$lit", "'$lit'"));

    let names: Vec<(&str, &str)> = variables(&parts)
        .iter()
        .map(|v| (v.name.as_str(), slice(v.start, v.end)))
        .collect();
    assert_eq!(
        names,
        [
            ("HOME", "${HOME:-/röot}"),
            ("USER", "$USER"),
            ("한", "${한:+${b}}"),
            ("b", "${b}")
        ]
    );
    let refs = variable_references(input, '\\').unwrap();
    let from_refs: Vec<(&str, &str)> = refs
        .iter()
        .map(|r| (r.name.as_str(), slice(r.start, r.end)))
        .collect();
    assert_eq!(from_refs, names);
}

#[test]
fn patterns_and_replacements_are_typed_words() {
    let input = "${V/'/'$X/\\}y}${W##*$Y}";
    let parts = parse_word(input, '\\').unwrap();
    let names: Vec<&str> = variables(&parts).iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["V", "X", "W", "Y"]);
    let WordPart::Variable(v) = &parts[0] else {
        panic!("{parts:?}")
    };
    let Some(Modifier::Replace {
        all: false,
        pattern,
        replacement,
    }) = &v.modifier
    else {
        panic!("{v:?}")
    };
    assert!(matches!(&pattern[0], WordPart::SingleQuoted { text, .. } if text == "/"));
    // Escapes are kept in patterns and replacements, as BuildKit keeps them.
    assert!(matches!(&replacement[..], [WordPart::Literal { text, .. }] if text == "\\}y"));
    let WordPart::Variable(w) = &parts[1] else {
        panic!("{parts:?}")
    };
    assert!(matches!(
        &w.modifier,
        Some(Modifier::RemovePrefix { longest: true, .. })
    ));
}

#[test]
fn ten_thousand_levels_of_nesting() {
    // Runs on the default 2 MiB test thread stack.
    let depth = 10_000;
    let word = format!("{}x{}", "${a:-".repeat(depth), "}".repeat(depth));
    // Expansion is iterative and agrees with BuildKit, which has no limit.
    let expansion = Lexer::default().process_word(&word, &|_| None).unwrap();
    assert_eq!(expansion.result, "x");
    assert_eq!(expansion.unmatched, BTreeSet::from(["a".to_string()]));
    assert_eq!(variable_references(&word, '\\').unwrap().len(), depth);
    // The typed tree is refused beyond MAX_NESTING instead of built.
    let err = parse_word(&word, '\\').unwrap_err();
    assert!(err.message.contains("nested deeper"), "{err:?}");
    // Unterminated at depth: BuildKit's message for the outermost `${`.
    let open = "${a:-".repeat(depth);
    assert_eq!(
        process(&open).unwrap_err(),
        format!("failed to process \"{open}\": syntax error: missing '}}'")
    );
    let quotes = format!("{}x{}", "${a:-\"".repeat(depth), "\"}".repeat(depth));
    assert_eq!(process(&quotes).unwrap(), "x");
}

#[test]
fn unterminated_quotes() {
    let err = |w: &str| process(w).unwrap_err();
    assert_eq!(
        err("'abc"),
        "failed to process \"'abc\": unexpected end of statement while looking for matching single-quote"
    );
    assert_eq!(
        err("x\"abc\\\""),
        "failed to process \"x\\\"abc\\\\\\\"\": unexpected end of statement while looking for matching double-quote"
    );
    // Inside `${…}` the error at the end of input becomes the `${` error.
    assert!(err("${A:-\"x").ends_with(": syntax error: missing '}'"));
    assert!(err("${A/'x").ends_with(": syntax error: missing '/' in ${}"));
    assert!(parse_word("'abc", '\\').is_err());
    assert!(parse_word("\"abc", '\\').is_err());
}

#[test]
fn buildkit_error_messages() {
    let bare = |w: &str| {
        process(w)
            .unwrap_err()
            .split_once(": ")
            .unwrap()
            .1
            .to_string()
    };
    assert_eq!(bare("${"), "syntax error: missing '}'");
    assert_eq!(bare("${}"), "syntax error: bad substitution");
    assert_eq!(bare("${:-x}"), "syntax error: bad substitution");
    assert_eq!(
        bare("${A"),
        "unsupported modifier (\u{FFFD}) in substitution"
    );
    assert_eq!(bare("${A:"), "syntax error: missing '}'");
    assert_eq!(bare("${A:x}"), "unsupported modifier (:x) in substitution");
    assert_eq!(bare("${.}"), "unsupported modifier (.) in substitution");
    assert_eq!(bare("${A=b}"), "unsupported modifier (=) in substitution");
    assert_eq!(bare("${A:#b}"), "unsupported modifier (:#) in substitution");
    assert_eq!(bare("${B?}"), "B: is not allowed to be unset");
    assert_eq!(bare("${B:?no B}"), "B: no B");
    // Evaluation errors come before later syntax errors, as in BuildKit.
    assert_eq!(bare("${B?}${"), "B: is not allowed to be unset");
    assert_eq!(bare("${A:-${B?}"), "syntax error: missing '}'");
    let err = parse_word("ab${A:x}", '\\').unwrap_err();
    assert_eq!(
        (err.message.as_str(), err.offset),
        ("unsupported modifier (:x) in substitution", 8)
    );
}

#[test]
fn skip_unset_env_keeps_references() {
    let lexer = Lexer {
        skip_unset_env: true,
        ..Lexer::default()
    };
    let run = |w: &str| lexer.process_word(w, &|_| None).unwrap().result;
    assert_eq!(
        run("$X ${Y} ${Z:-d} ${W##p} ${V//a/b}"),
        "$X ${Y} ${Z:-d} ${W##p} ${V/a/b}"
    );
    assert_eq!(run("${U:x}"), "${U:x}");
}

#[test]
fn nul_bytes_and_bom() {
    assert_eq!(process("a\0b$A\0").unwrap(), "a\0ba\0");
    assert_eq!(process("'\0'\"\0\"").unwrap(), "\0\0");
    let parts = parse_word("\0$A", '\\').unwrap();
    assert!(matches!(&parts[0], WordPart::Literal { text, start: 0, end: 1 } if text == "\0"));
    // Go's scanner skips a byte order mark at the start, nowhere else.
    assert_eq!(process("\u{FEFF}x\u{FEFF}").unwrap(), "x\u{FEFF}");
}

#[test]
fn backtick_escape() {
    let lexer = Lexer {
        escape: '`',
        ..Lexer::default()
    };
    let run = |w: &str| {
        lexer
            .process_word(w, &|_| Some("v".into()))
            .map(|e| e.result)
    };
    assert_eq!(run("a`$b\\c").unwrap(), "a$b\\c");
    assert_eq!(run("\"`\"x`t\\t\"").unwrap(), "\"x`t\\t");
    assert_eq!(run("C:\\dir\\$X").unwrap(), "C:\\dir\\v");
    assert_eq!(run("a``").unwrap(), "a`");
    let parts = parse_word("`$X`", '`').unwrap();
    assert!(matches!(&parts[..], [WordPart::Literal { text, start: 0, end: 3 }] if text == "$X"));
}

#[test]
fn words_split_like_buildkit() {
    let env = |name: &str| (name == "S").then(|| " a  b ".to_string());
    let words = |w: &str| Lexer::default().process_words(w, &env).unwrap();
    assert_eq!(words("x${S}y"), ["x", "a", "b", "y"]);
    assert_eq!(words("x\"${S}\"y 'q r'"), ["x a  b y", "q r"]);
    assert_eq!(words("\"\" a\\ b"), ["a b"]);
    // `<<` keeps the blanks after it: a heredoc operator `<< EOF` is one word.
    assert_eq!(words("cat << EOF >f"), ["cat", "<< EOF", ">f"]);
}

#[test]
fn windows_env_names_are_case_insensitive() {
    let env: HashMap<String, String> = [("Path", "C:\\bin")]
        .iter()
        .map(|(k, v)| (normalize_env_key(k, true).into_owned(), v.to_string()))
        .collect();
    let lexer = Lexer {
        case_insensitive_env: true,
        ..Lexer::default()
    };
    let expansion = lexer
        .process_word("$path;${PATH}", &|name| env.get(name).cloned())
        .unwrap();
    assert_eq!(expansion.result, "C:\\bin;C:\\bin");
    assert_eq!(
        expansion.matched,
        BTreeSet::from(["PATH".to_string(), "path".to_string()])
    );
}

#[test]
fn never_panics_on_odd_input() {
    let pieces = [
        "$", "{", "}", ":", "-", "+", "?", "#", "%", "/", "\\", "`", "'", "\"", "a", "é", "\0",
        "*", "\n", " ", "0", "@", "\u{FEFF}",
    ];
    // Every word of up to three pieces, through every entry point.
    let mut words = vec![String::new()];
    for _ in 0..3 {
        let mut longer = Vec::new();
        for w in &words {
            for p in pieces {
                longer.push(format!("{w}{p}"));
            }
        }
        words.extend(longer);
        words.dedup();
    }
    let raw = Lexer {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        ..Lexer::default()
    };
    let env = |name: &str| (name == "a").then(|| "a*\\\n$0".to_string());
    for w in &words {
        for escape in ['\\', '`'] {
            let _ = parse_word(w, escape);
            let _ = variable_references(w, escape);
        }
        let _ = Lexer::default().process_word(w, &env);
        let _ = raw.process_word(w, &env);
        for template in ["${a#X}", "${a%%X}", "${a//X/X}", "${a/X/$a}"] {
            let _ = Lexer::default().process_word(&template.replace('X', w), &env);
        }
    }
}
