//! The JSON AST (with spans) of the hand-written files in `fixtures/parser/`,
//! as reviewed insta snapshots, plus a check that spans point at the text.

use std::fs;
use std::path::PathBuf;

use plimsoll_syntax::{parse, Instruction};

/// In a one-line, non-JSON instruction, each argument's span is exactly its text.
fn check_arg_spans(source: &str, instruction: &Instruction, file: &str) {
    let single_line = !instruction.original.contains('\n')
        && instruction.span.text(source).lines().count() <= 1
        && !instruction.json;
    if !single_line {
        return;
    }
    for arg in &instruction.args {
        if arg.value.is_empty() {
            continue;
        }
        assert_eq!(
            arg.span.text(source),
            arg.value,
            "{file}: {}",
            instruction.original
        );
    }
    if let Some(trigger) = &instruction.trigger {
        check_arg_spans(source, trigger, file);
    }
}

#[test]
fn parser_fixture_snapshots() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/parser"
    ));
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = fs::read_to_string(&path).unwrap();
        let file = parse(&source);
        assert!(file.errors.is_empty(), "{name}: {:?}", file.errors);
        for instruction in &file.instructions {
            check_arg_spans(&source, instruction, &name);
        }
        insta::assert_snapshot!(name, serde_json::to_string_pretty(&file).unwrap());
    }
}
