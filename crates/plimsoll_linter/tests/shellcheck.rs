//! The ShellCheck bridge against a real `shellcheck` (from `PLIMSOLL_SHELLCHECK`
//! or PATH; skipped with a message when there is none, except under `CI=true`)
//! and against stand-in executables that record how they were called.

use std::path::{Path, PathBuf};

use plimsoll_linter::shellcheck::Shellcheck;
use plimsoll_linter::{Diagnostic, Settings, Severity};

fn real_shellcheck() -> Option<Shellcheck> {
    let found = std::env::var_os("PLIMSOLL_SHELLCHECK")
        .map(Shellcheck::at)
        .or_else(|| Shellcheck::find_in(&std::env::var_os("PATH")?));
    if found.is_none() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI needs shellcheck: set PLIMSOLL_SHELLCHECK or put it on PATH"
        );
        eprintln!("skipping: no shellcheck (set PLIMSOLL_SHELLCHECK or put it on PATH)");
    }
    found
}

fn run(shellcheck: &Shellcheck, source: &str, settings: &Settings) -> Vec<Diagnostic> {
    let file = plimsoll_syntax::parse(source);
    shellcheck.check(source, &file, settings).unwrap()
}

/// (code, text at the span) of each finding.
fn found(source: &str, diagnostics: &[Diagnostic]) -> Vec<(String, String)> {
    diagnostics
        .iter()
        .map(|d| (d.rule.code.to_string(), d.span.text(source).to_string()))
        .collect()
}

#[test]
fn findings_point_into_the_dockerfile() {
    let Some(shellcheck) = real_shellcheck() else {
        return;
    };
    let source = "FROM alpine:3.20\nENV APP=/srv\nRUN echo $APP $undefined && \\\n    cd /tmp\n";
    let diagnostics = run(&shellcheck, source, &Settings::default());
    let found = found(source, &diagnostics);
    // ShellCheck knows APP's (declared) value, so only the unknown one needs quotes.
    assert!(
        found.contains(&("SC2086".into(), "$undefined".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("SC2154".into(), "$undefined".into())),
        "{found:?}"
    );
    // After the continuation: the span is on line 4 of the Dockerfile.
    let cd = diagnostics
        .iter()
        .find(|d| d.rule.code == "SC2164")
        .unwrap();
    assert_eq!(cd.span.text(source), "cd /tmp");
    assert_eq!(source[..cd.span.start as usize].matches('\n').count(), 3);
    // ENV names are declared to ShellCheck: nothing about APP.
    assert!(!found.iter().any(|(_, t)| t == "$APP"), "{found:?}");
    let quote = diagnostics
        .iter()
        .find(|d| d.rule.code == "SC2086")
        .unwrap();
    assert_eq!(quote.severity, Severity::Info);
    assert!(quote.fix.is_some(), "ShellCheck's quoting fix is offered");
}

#[test]
fn arguments_in_scope_are_declared() {
    let Some(shellcheck) = real_shellcheck() else {
        return;
    };
    let source = "FROM alpine:3.20\nARG version\nRUN echo \"$version\" \"$other\"\n";
    let found = found(source, &run(&shellcheck, source, &Settings::default()));
    assert_eq!(found, vec![("SC2154".into(), "$other".into())]);
}

#[test]
fn the_stage_shell_decides_the_dialect() {
    let Some(shellcheck) = real_shellcheck() else {
        return;
    };
    let test = "RUN [[ -f /etc/os-release ]] && echo yes\n";
    let sh = format!("FROM debian:12\n{test}");
    let found_sh = found(&sh, &run(&shellcheck, &sh, &Settings::default()));
    assert!(found_sh.iter().any(|(c, _)| c == "SC3010"), "{found_sh:?}");
    let bash = format!("FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n{test}");
    assert!(run(&shellcheck, &bash, &Settings::default()).is_empty());
    let pwsh = format!("FROM mcr.microsoft.com/powershell\nSHELL [\"pwsh\", \"-c\"]\n{test}");
    assert!(run(&shellcheck, &pwsh, &Settings::default()).is_empty());
}

#[test]
fn heredoc_scripts_are_checked_in_place() {
    let Some(shellcheck) = real_shellcheck() else {
        return;
    };
    let source = "FROM alpine:3.20\nRUN <<EOF\necho start\ncd /opt\nEOF\n";
    let diagnostics = run(&shellcheck, source, &Settings::default());
    assert_eq!(
        found(source, &diagnostics),
        vec![("SC2164".into(), "cd /opt".into())]
    );
}

#[test]
fn selection_severity_and_pragmas_apply() {
    let Some(shellcheck) = real_shellcheck() else {
        return;
    };
    let source = "FROM alpine:3.20\n# hadolint ignore=SC2164\nRUN cd /tmp\nRUN echo $HOME; cd /x\n";
    let all = found(source, &run(&shellcheck, source, &Settings::default()));
    assert_eq!(
        all,
        vec![
            ("SC2086".into(), "$HOME".into()),
            ("SC2164".into(), "cd /x".into())
        ]
    );
    let ignore_one = Settings {
        ignore: vec!["SC2086".into()],
        ..Settings::default()
    };
    assert_eq!(run(&shellcheck, source, &ignore_one).len(), 1);
    let ignore_all = Settings {
        ignore: vec!["shellcheck".into()],
        ..Settings::default()
    };
    assert!(run(&shellcheck, source, &ignore_all).is_empty());
    let only_one = Settings {
        select: Some(vec!["SC2164".into()]),
        severity: [("SC2164".to_string(), Severity::Error)].into(),
        ..Settings::default()
    };
    let diagnostics = run(&shellcheck, source, &only_one);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, Severity::Error);
}

/// A stand-in `shellcheck` (a script this test writes) that appends its
/// arguments to a log and prints `stdout`, exiting with `status`.
fn stand_in(dir: &Path, stdout: &str, status: i32) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let log = dir.join("calls.log");
    let binary = dir.join("shellcheck");
    std::fs::write(
        &binary,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nprintf '%s' '{stdout}'\nexit {status}\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    (binary, log)
}

#[test]
fn one_process_per_dockerfile() {
    let dir = tempfile::tempdir().unwrap();
    let (binary, log) = stand_in(dir.path(), r#"{"comments":[]}"#, 0);
    let source = "FROM alpine\nRUN a\nRUN b\nONBUILD RUN c\nFROM debian AS two\nRUN d\n";
    assert!(run(&Shellcheck::at(&binary), source, &Settings::default()).is_empty());
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert_eq!(calls.matches(".sh").count(), 4, "{calls}");

    // Nothing to check, or nothing selected: no process at all.
    std::fs::remove_file(&log).unwrap();
    let shellcheck = Shellcheck::at(&binary);
    run(
        &shellcheck,
        "FROM alpine\nCMD [\"a\"]\n",
        &Settings::default(),
    );
    let none = Settings {
        select: Some(vec!["non-root-user".into()]),
        ..Settings::default()
    };
    run(&shellcheck, source, &none);
    assert!(!log.exists());
}

#[test]
fn a_failing_shellcheck_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let (binary, _) = stand_in(dir.path(), "", 3);
    let source = "FROM alpine\nRUN a\n";
    let file = plimsoll_syntax::parse(source);
    let error = Shellcheck::at(&binary)
        .check(source, &file, &Settings::default())
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("shellcheck ({}): exited with", binary.display())),
        "{error}"
    );
}

#[path = "../../plimsoll_syntax/tests/support/mod.rs"]
mod support;

/// Cases plimsoll decides differently on purpose (listed with the reason in
/// `docs/compat/hadolint.md`).
const DIFFERENT_ON_PURPOSE: &[&str] = &[
    // `ONBUILD RUN` after `SHELL ["/bin/bash", ...]`: SHELL is stored in the
    // image, so the trigger runs under bash; hadolint checks it as POSIX sh.
    "test/Hadolint/Rule/ShellcheckSpec.hs:99",
];

/// hadolint's ShellCheck cases (`rule: "SC*"`): a `catch` case must give
/// every SC code hadolint reported (hadolint keeps at most one per RUN, so we
/// may find more), a `pass` case none.
#[test]
fn hadolint_shellcheck_cases() {
    let (Some(shellcheck), Some(shared)) = (real_shellcheck(), support::shared_dir()) else {
        return;
    };
    let text = std::fs::read_to_string(shared.join("conformance/hadolint/cases.jsonl")).unwrap();
    let (mut agree, mut total, mut failures) = (0, 0, Vec::new());
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        if case["rule"] != "SC*" || case["hadolint_agrees"] != serde_json::Value::Bool(true) {
            continue;
        }
        let source = case["linted_dockerfile"]
            .as_str()
            .or(case["dockerfile"].as_str())
            .unwrap();
        let ours: Vec<String> = run(&shellcheck, source, &Settings::default())
            .iter()
            .map(|d| d.rule.code.to_string())
            .collect();
        let theirs: Vec<&str> = case["hadolint_codes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c.as_str())
            .filter(|c| c.starts_with("SC"))
            .collect();
        let agrees = if case["expect"] == "catch" {
            !theirs.is_empty() && theirs.iter().all(|c| ours.iter().any(|o| o == c))
        } else {
            ours.is_empty()
        };
        total += 1;
        if DIFFERENT_ON_PURPOSE.contains(&case["source"].as_str().unwrap_or("")) {
            assert!(
                !agrees,
                "{} now agrees: drop it from the list",
                case["source"]
            );
            println!("  different on purpose: {}", case["source"]);
        } else if agrees {
            agree += 1;
        } else {
            failures.push(format!(
                "{} {source:?}: hadolint {theirs:?}, plimsoll {ours:?}",
                case["expect"]
            ));
        }
    }
    println!("hadolint SC cases: {agree} of {total} agree");
    assert!(total > 30);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
