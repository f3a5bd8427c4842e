//! Every rule that can fix what it finds, on its `fixtures/<rule>/fires*`
//! files: the rendered diagnostics and the fix as a diff (safe fixes, then
//! with `--unsafe-fixes`) are a reviewed snapshot, and applying the fixes
//! leaves fewer findings of that rule. Also `plimsoll optimize` end to end.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plimsoll(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(workspace_root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run plimsoll")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Names of the rules whose metadata says they fix something.
fn fixable_rules() -> Vec<String> {
    let output = plimsoll(&["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["fix"] != "none")
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

fn count_findings(rule: &str, file: &Path) -> usize {
    let output = plimsoll(&[
        "check",
        "--select",
        rule,
        "--format",
        "concise",
        file.to_str().unwrap(),
    ]);
    stdout(&output)
        .lines()
        .filter(|l| l.contains(&format!(" {rule} ")))
        .count()
}

#[test]
fn fixable_rules_show_their_diagnostics_and_fix_diffs() {
    let rules = fixable_rules();
    assert!(rules.len() >= 10, "{rules:?}");
    let scratch = tempfile::tempdir().unwrap();
    let mut with_a_fix = 0;
    for rule in &rules {
        let dir = workspace_root().join("fixtures").join(rule);
        let Ok(entries) = fs::read_dir(&dir) else {
            panic!("{rule}: no fixtures/{rule}/");
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("fires")
            })
            .collect();
        files.sort();
        let mut rule_fixed_something = false;
        for file in files {
            let relative = file.strip_prefix(workspace_root()).unwrap();
            let path = relative.to_str().unwrap();
            let diagnostics = stdout(&plimsoll(&["check", "--select", rule, path]));
            let safe = plimsoll(&["check", "--select", rule, "--diff", path]);
            let unsafe_ = plimsoll(&["check", "--select", rule, "--diff", "--unsafe-fixes", path]);
            let (safe_diff, unsafe_diff) = (stdout(&safe), stdout(&unsafe_));
            let unsafe_section = if unsafe_diff == safe_diff {
                "(no unsafe fixes beyond the safe ones)\n".to_string()
            } else {
                format!("{unsafe_diff}{}", stderr(&unsafe_))
            };
            let snapshot = format!(
                "## diagnostics\n{diagnostics}\n## --diff\n{safe_diff}{}\n## --diff --unsafe-fixes\n{unsafe_section}",
                stderr(&safe)
            );
            let name = file.file_stem().unwrap().to_string_lossy().into_owned();
            insta::assert_snapshot!(format!("{rule}__{name}"), snapshot);

            // Applying every fix leaves fewer findings of the rule (or none to fix).
            if !unsafe_diff.is_empty() {
                rule_fixed_something = true;
                let copy = scratch.path().join(format!("{rule}-{name}.Dockerfile"));
                fs::copy(&file, &copy).unwrap();
                let before = count_findings(rule, &copy);
                let fixed = plimsoll(&[
                    "check",
                    "--select",
                    rule,
                    "--fix-only",
                    "--unsafe-fixes",
                    copy.to_str().unwrap(),
                ]);
                assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
                let after = count_findings(rule, &copy);
                assert!(
                    after < before,
                    "{path}: {before} -> {after} findings of {rule}"
                );
            }
        }
        if rule_fixed_something {
            with_a_fix += 1;
        }
    }
    // Every fixable rule has at least one fixture its fix applies to.
    assert_eq!(
        with_a_fix,
        rules.len(),
        "a fixable rule has no fixture that its fix applies to"
    );
}

#[test]
fn optimize_prints_the_file_and_the_plan() {
    let input = "fixtures/optimize/combined-python.Dockerfile";
    let output = plimsoll(&["optimize", input]);
    assert_eq!(output.status.code(), Some(0));
    let expected = fs::read_to_string(
        workspace_root().join("fixtures/optimize/combined-python.optimized.Dockerfile"),
    )
    .unwrap();
    assert_eq!(stdout(&output), expected);
    insta::assert_snapshot!("optimize_plan_text", stderr(&output));

    let diff = plimsoll(&["optimize", "--diff", "--plan", "none", input]);
    assert!(stderr(&diff).is_empty());
    insta::assert_snapshot!("optimize_diff", stdout(&diff));

    let json = plimsoll(&["optimize", "--plan", "json", input]);
    let plan: serde_json::Value = serde_json::from_str(&stderr(&json)).unwrap();
    assert_eq!(plan["file"], input);
    let steps = plan["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5);
    for step in steps {
        for key in [
            "transformation",
            "line",
            "title",
            "why",
            "layers_before",
            "layers_after",
        ] {
            assert!(!step[key].is_null(), "{key} missing in {step}");
        }
    }
    assert_eq!(plan["before"]["layers"], 7);
    assert_eq!(plan["after"]["layers"], 5);
    assert_eq!(plan["suggestions"][0]["transformation"], "multi-stage");
}

#[test]
fn optimize_write_rewrites_in_place_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    fs::copy(
        workspace_root().join("fixtures/optimize/hoist-apt.Dockerfile"),
        &file,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let first = plimsoll(&["optimize", "--write", path]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stdout(&first).is_empty());
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        fs::read_to_string(
            workspace_root().join("fixtures/optimize/hoist-apt.optimized.Dockerfile")
        )
        .unwrap()
    );
    let second = plimsoll(&["optimize", "--write", path]);
    assert!(
        stderr(&second).contains("nothing to optimize"),
        "{}",
        stderr(&second)
    );
    let missing = plimsoll(&["optimize", "no/such/Dockerfile"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no/such/Dockerfile"));
}

#[test]
fn optimize_reads_the_context_in_the_dockerfile_folder() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    fs::write(
        &file,
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\n",
    )
    .unwrap();
    for name in ["package.json", "yarn.lock"] {
        fs::write(dir.path().join(name), "{}").unwrap();
    }
    fs::write(dir.path().join(".dockerignore"), "node_modules\n").unwrap();
    let path = file.to_str().unwrap();

    let output = plimsoll(&["optimize", "--plan", "json", path]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "FROM node:22\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\nCOPY . .\n"
    );
    let plan: serde_json::Value = serde_json::from_str(&stderr(&output)).unwrap();
    assert_eq!(plan["context"]["read"], true);
    assert_eq!(plan["context"]["root"], dir.path().to_str().unwrap());
    let install = &plan["context"]["installs"][0];
    assert_eq!(install["split"], true);
    assert_eq!(
        install["found"],
        serde_json::json!(["package.json", "yarn.lock"])
    );

    // A host node_modules/ that .dockerignore lets through: the split would
    // put it over the fresh install, so the file stays as it is.
    fs::remove_file(dir.path().join(".dockerignore")).unwrap();
    fs::create_dir(dir.path().join("node_modules")).unwrap();
    fs::write(dir.path().join("node_modules/.yarn-integrity"), "").unwrap();
    let output = plimsoll(&["optimize", "--diff", path]);
    assert_eq!(stdout(&output), "");
    let plan = stderr(&output);
    assert!(plan.contains("nothing to optimize"), "{plan}");
    assert!(plan.contains("the context sends `node_modules/`"), "{plan}");

    // Without the context: yarn is only suggested, and the plan says why.
    let output = plimsoll(&["optimize", "--no-context", "--diff", path]);
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("context: not read (--no-context)"),
        "{}",
        stderr(&output)
    );
    let missing = plimsoll(&[
        "optimize",
        "--context",
        "/nonexistent-plimsoll-context",
        path,
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("build context /nonexistent-plimsoll-context"));
}
