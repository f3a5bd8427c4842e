//! The parser against BuildKit's reference parser (commit 73ed682): upstream
//! cases, behaviour probes, lexical mutants and the whole real-world corpus.
//! Every dump must be byte-identical and every accept/reject verdict the same.

mod support;

use std::fs;
use std::path::Path;

use plimsoll_syntax::{buildkit_dump, decode, parse, Dockerfile, Instruction};
use serde_json::Value;

fn parse_file(path: &Path) -> (String, Dockerfile) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = decode(&bytes)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_string();
    let file = parse(&text);
    (text, file)
}

#[test]
fn upstream_parser_cases() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let root = shared.join("conformance/buildkit");
    let (mut positive, mut negative) = (0, 0);
    let mut failures = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let dockerfile = dir.join("Dockerfile");
        if !dockerfile.is_file() || dir.file_name().unwrap() == "_extra" {
            continue;
        }
        let (_, file) = parse_file(&dockerfile);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        match fs::read_to_string(dir.join("result")) {
            Ok(expected) => {
                positive += 1;
                if !file.errors.is_empty() {
                    failures.push(format!(
                        "{name}: unexpected error {:?}",
                        file.errors[0].message
                    ));
                } else if buildkit_dump(&file) != expected {
                    failures.push(format!(
                        "{name}: dump differs\n--- expected\n{expected}--- got\n{}",
                        buildkit_dump(&file)
                    ));
                }
            }
            Err(_) => {
                negative += 1;
                if file.errors.is_empty() {
                    failures.push(format!("{name}: accepted, BuildKit rejects it"));
                }
            }
        }
    }
    println!(
        "upstream cases: {positive} positive, {negative} negative, {} failing",
        failures.len()
    );
    assert_eq!((positive, negative), (33, 4), "case count changed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compare one of our instructions with a probe's node description.
fn node_differences(ours: &Instruction, node: &Value, path: &str, out: &mut Vec<String>) {
    let mut check = |what: &str, expected: Value, got: Value| {
        if expected != got {
            out.push(format!("{path}.{what}: expected {expected}, got {got}"));
        }
    };
    check(
        "cmd",
        node["cmd"].clone(),
        Value::from(ours.keyword_text.clone()),
    );
    check(
        "original",
        node["original"].clone(),
        Value::from(ours.original.clone()),
    );
    let args: Vec<Value> = ours
        .args
        .iter()
        .map(|a| Value::from(a.value.clone()))
        .collect();
    check("args", node["args"].clone(), Value::from(args));
    let flags: Vec<Value> = ours
        .flags
        .iter()
        .map(|f| Value::from(f.raw.clone()))
        .collect();
    check(
        "flags",
        node.get("flags").cloned().unwrap_or(Value::Array(vec![])),
        Value::from(flags),
    );
    check(
        "json",
        node.get("json").cloned().unwrap_or(Value::Bool(false)),
        Value::from(ours.json),
    );
    check(
        "start_line",
        node["start_line"].clone(),
        Value::from(ours.start_line),
    );
    check(
        "end_line",
        node["end_line"].clone(),
        Value::from(ours.end_line),
    );
    let comments: Vec<Value> = ours
        .prev_comments
        .iter()
        .map(|c| Value::from(c.clone()))
        .collect();
    check(
        "prev_comments",
        node.get("prev_comments")
            .cloned()
            .unwrap_or(Value::Array(vec![])),
        Value::from(comments),
    );
    let heredocs: Vec<Value> = ours
        .heredocs
        .iter()
        .map(|h| {
            serde_json::json!({"name": h.name, "fd": h.file_descriptor, "expand": h.expand,
                               "chomp": h.chomp, "content": h.content})
        })
        .collect();
    check(
        "heredocs",
        node.get("heredocs")
            .cloned()
            .unwrap_or(Value::Array(vec![])),
        Value::from(heredocs),
    );
    match (node.get("subcommand"), &ours.trigger) {
        (Some(sub), Some(trigger)) => {
            node_differences(trigger, sub, &format!("{path}.subcommand"), out)
        }
        (None, None) => {}
        (expected, got) => out.push(format!(
            "{path}.subcommand: expected {expected:?}, got {}",
            got.is_some()
        )),
    }
}

#[test]
fn behaviour_probes() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text =
        fs::read_to_string(shared.join("conformance/buildkit/_extra/parser-probes.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines() {
        let probe: Value = serde_json::from_str(line).unwrap();
        count += 1;
        let name = probe["name"].as_str().unwrap();
        let file = parse(probe["dockerfile"].as_str().unwrap());
        if probe["ok"] == Value::Bool(true) {
            if let Some(error) = file.errors.first() {
                failures.push(format!("{name}: unexpected error {:?}", error.message));
                continue;
            }
            if buildkit_dump(&file) != probe["dump"].as_str().unwrap() {
                failures.push(format!(
                    "{name}: dump {:?} != {:?}",
                    buildkit_dump(&file),
                    probe["dump"]
                ));
            }
            if let Some(escape) = probe.get("escape").and_then(Value::as_str) {
                if file.escape.to_string() != escape {
                    failures.push(format!("{name}: escape {:?} != {escape:?}", file.escape));
                }
            }
            let nodes = probe["nodes"].as_array().unwrap();
            if nodes.len() != file.instructions.len() {
                failures.push(format!(
                    "{name}: {} nodes != {}",
                    file.instructions.len(),
                    nodes.len()
                ));
                continue;
            }
            let mut diffs = Vec::new();
            for (i, (ours, node)) in file.instructions.iter().zip(nodes).enumerate() {
                node_differences(ours, node, &format!("node{i}"), &mut diffs);
            }
            if let Some(warnings) = probe.get("warnings").and_then(Value::as_array) {
                let got: Vec<&str> = file.warnings.iter().map(|w| w.message.as_str()).collect();
                let expected: Vec<&str> = warnings
                    .iter()
                    .map(|w| w["short"].as_str().unwrap())
                    .collect();
                if got != expected {
                    diffs.push(format!("warnings {got:?} != {expected:?}"));
                }
            }
            failures.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
        } else {
            let expected = probe["error"].as_str().unwrap();
            match file.errors.first() {
                None => failures.push(format!("{name}: accepted, expected error {expected:?}")),
                Some(error) => {
                    if error.message != expected {
                        failures.push(format!("{name}: error {:?} != {expected:?}", error.message));
                    }
                    let lines = &probe["error_lines"];
                    let first_line = lines.get(0).and_then(Value::as_u64).unwrap_or(0) as u32;
                    if error.buildkit_lines.0 != first_line {
                        failures.push(format!(
                            "{name}: error line {:?} != {lines}",
                            error.buildkit_lines
                        ));
                    }
                }
            }
        }
    }
    println!("behaviour probes: {count} run, {} failing", failures.len());
    assert!(count >= 124);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn line_numbers_match_upstream() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let dir = shared.join("conformance/buildkit/_extra/line-info");
    let (_, file) = parse_file(&dir.join("Dockerfile"));
    let expected: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let got: Vec<[u32; 2]> = file
        .instructions
        .iter()
        .map(|i| [i.start_line, i.end_line])
        .collect();
    let want: Vec<[u32; 2]> = serde_json::from_value(expected["children"].clone()).unwrap();
    assert_eq!(got, want);
}

#[test]
fn lexical_mutants() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let root = shared.join("conformance/buildkit-mutants");
    let mut failures = Vec::new();
    let mut count = 0;
    for entry in fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        count += 1;
        let (_, file) = parse_file(&dir.join("Dockerfile"));
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected = fs::read_to_string(dir.join("result")).unwrap();
        if let Some(error) = file.errors.first() {
            failures.push(format!("{name}: unexpected error {:?}", error.message));
        } else if buildkit_dump(&file) != expected {
            failures.push(format!("{name}: dump differs"));
        }
    }
    println!("mutants: {count} run, {} failing", failures.len());
    assert_eq!(count, 702);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn whole_corpus_matches_reference_dumps() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let files = shared.join("corpus/files");
    let reference = shared.join("corpus/buildkit");
    let mut failures = Vec::new();
    let (mut accepted, mut rejected) = (0, 0);
    for entry in walk(&files) {
        let relative = entry.strip_prefix(&files).unwrap();
        let expected_path = reference.join(format!("{}.bk.jsonl", relative.display()));
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let (_, file) = parse_file(&entry);
        let name = relative.display();
        if let Some(message) = expected.strip_prefix("ERROR: ") {
            rejected += 1;
            let (message, location) = message.split_once("\n").unwrap_or((message, ""));
            // "  locations: [[{{3 0} {3 0}}]]": the first number is the start line.
            let line: Option<u32> = location
                .split("{{")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok());
            match file.errors.first() {
                None => failures.push(format!("{name}: accepted, BuildKit says {message}")),
                Some(error) if error.message != message || Some(error.buildkit_lines.0) != line => {
                    failures.push(format!(
                        "{name}: error {:?} at {:?} != {message:?} at {line:?}",
                        error.message, error.buildkit_lines
                    ))
                }
                Some(_) => {}
            }
            continue;
        }
        accepted += 1;
        if let Some(error) = file.errors.first() {
            failures.push(format!("{name}: unexpected error {:?}", error.message));
            continue;
        }
        let mut want = String::new();
        for line in expected.lines().filter(|l| l.starts_with('{')) {
            let node: Value = serde_json::from_str(line).unwrap();
            if let Some(dump) = node.get("dump").and_then(Value::as_str) {
                want.push('(');
                want.push_str(dump);
                want.push_str(")\n");
            }
        }
        let got = buildkit_dump(&file);
        if got != want {
            let first = got.lines().zip(want.lines()).find(|(a, b)| a != b);
            failures.push(format!("{name}: dump differs, first difference {first:?}"));
        }
    }
    println!(
        "corpus: {} files, {accepted} accepted and {rejected} rejected by BuildKit, {} disagreeing",
        accepted + rejected,
        failures.len()
    );
    assert_eq!(accepted + rejected, 4311);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
