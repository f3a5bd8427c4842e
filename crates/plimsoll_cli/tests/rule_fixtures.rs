//! Every rule against its fixtures in `fixtures/<rule-name>/`: `fires*` files
//! must produce findings of that rule (the rendered report is a reviewed
//! snapshot), `passes*` files must produce none. A rule that needs options
//! (`trusted-registries`, `label-schema`, …) gets them from a `plimsoll.toml`
//! in its fixture folder, found by the usual config discovery; only
//! `*.Dockerfile` files are fixtures.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    // These tests belong to the root package: its manifest dir is the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(rule: &str, file: &Path, format: &str) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(workspace_root())
        .args(["check", "--select", rule, "--format", format])
        .arg(file)
        .env("NO_COLOR", "1")
        .output()
        .expect("run plimsoll");
    assert!(
        output.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn rule_fixtures() {
    let fixtures = workspace_root().join("fixtures");
    let mut rule_dirs: Vec<PathBuf> = fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        // `parser/`, `formats/`, `optimize/` and `context/` (build-context trees,
        // see tests/context.rs) hold inputs of other tests, not rule fixtures.
        .filter(|p| {
            p.is_dir()
                && !matches!(
                    p.file_name().unwrap().to_str(),
                    Some("parser" | "formats" | "context" | "optimize")
                )
        })
        .collect();
    rule_dirs.sort();
    assert!(rule_dirs.len() >= 7, "fixtures missing");
    for dir in rule_dirs {
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "Dockerfile"))
            .collect();
        files.sort();
        assert!(
            files.iter().any(|f| name(f).starts_with("fires")),
            "{rule}: no firing fixture"
        );
        assert!(
            files.iter().any(|f| name(f).starts_with("passes")),
            "{rule}: no passing fixture"
        );
        for file in files {
            let relative = file.strip_prefix(workspace_root()).unwrap().to_path_buf();
            let (full, code) = check(&rule, &relative, "full");
            if name(&file).starts_with("passes") {
                assert_eq!(full, "All checks passed.\n", "{}", relative.display());
                assert_eq!(code, 0);
            } else {
                assert!(
                    !full.starts_with("All checks passed"),
                    "{} should fire",
                    relative.display()
                );
                let (concise, _) = check(&rule, &relative, "concise");
                for line in concise.lines() {
                    assert!(line.contains(&format!(" {rule} ")), "{line}");
                }
                insta::assert_snapshot!(format!("{rule}__{}", name(&file)), full);
            }
        }
    }
}

fn name(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}
