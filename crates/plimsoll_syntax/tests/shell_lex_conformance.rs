//! The word lexer against BuildKit's own shell tables (`_extra/shell`):
//! `envVarTest` (ProcessWord on Linux and Windows), `wordsTest`
//! (ProcessWords) and `process-with-matches.jsonl` (matched/unmatched names).

mod support;

use std::collections::{BTreeSet, HashMap};
use std::fs;

use plimsoll_syntax::shell_lex::Lexer;
use serde_json::Value;

#[test]
fn env_var_test_table() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text =
        fs::read_to_string(shared.join("conformance/buildkit/_extra/shell/envVarTest")).unwrap();
    let env: HashMap<&str, &str> = [
        ("PWD", "/home"),
        ("SHELL", "bash"),
        ("KOREAN", "한국어"),
        ("NULL", ""),
    ]
    .into();
    let (mut run, mut failures) = (0, Vec::new());
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('|').collect();
        let platform = fields[0].trim();
        let source = fields.get(1).map_or("", |s| s.trim());
        let expected = fields.get(2).map_or("", |s| s.trim());
        for windows in [false, true] {
            if (platform == "U" && windows) || (platform == "W" && !windows) {
                continue;
            }
            run += 1;
            let lexer = Lexer {
                case_insensitive_env: windows,
                ..Lexer::default()
            };
            let lookup = |name: &str| {
                env.iter()
                    .find(|(k, _)| {
                        if windows {
                            k.eq_ignore_ascii_case(name)
                        } else {
                            **k == name
                        }
                    })
                    .map(|(_, v)| v.to_string())
            };
            let got = lexer.process_word(source, &lookup);
            let ok = match (&got, expected) {
                (Err(_), "error") => true,
                (Ok(e), want) => e.result == want,
                _ => false,
            };
            if !ok {
                failures.push(format!("{line:?} (windows={windows}): got {got:?}"));
            }
        }
    }
    println!("envVarTest: {} of {run} cases agree", run - failures.len());
    assert!(run > 300);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn words_test_table() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text =
        fs::read_to_string(shared.join("conformance/buildkit/_extra/shell/wordsTest")).unwrap();
    let mut env: Vec<(String, String)> = Vec::new();
    let (mut run, mut failures) = (0, Vec::new());
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(assignment) = line.strip_prefix("ENV ") {
            let assignment = assignment.trim_start_matches(' ');
            if let Some((k, v)) = assignment.split_once('=') {
                env.push((k.to_string(), v.to_string()));
            }
            continue;
        }
        let (source, expected) = line.split_once('|').unwrap();
        let source = source.trim();
        let expected = expected.trim_start_matches(' ');
        run += 1;
        let lookup = |name: &str| {
            env.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let got = Lexer::default().process_words(source, &lookup);
        let ok = match &got {
            Err(_) => expected == "error",
            Ok(words) => *words == expected.split(',').collect::<Vec<_>>(),
        };
        if !ok {
            failures.push(format!("{line:?}: got {got:?}"));
        }
    }
    println!("wordsTest: {} of {run} cases agree", run - failures.len());
    assert!(run >= 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn process_with_matches_table() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text = fs::read_to_string(
        shared.join("conformance/buildkit/_extra/shell/process-with-matches.jsonl"),
    )
    .unwrap();
    let (mut run, mut failures) = (0, Vec::new());
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        run += 1;
        let env: HashMap<String, String> = serde_json::from_value(case["env"].clone()).unwrap();
        let input = case["input"].as_str().unwrap();
        let got = Lexer::default().process_word(input, &|name| env.get(name).cloned());
        let names = |v: &Value| -> BTreeSet<String> { serde_json::from_value(v.clone()).unwrap() };
        let ok = match &got {
            Err(_) => case["expect_error"] == Value::Bool(true),
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
        "process-with-matches: {} of {run} cases agree",
        run - failures.len()
    );
    assert_eq!(run, 47);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
