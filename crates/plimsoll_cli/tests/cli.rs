//! The `plimsoll` binary end to end: exit codes, discovery, formats,
//! suppression comments, configuration files.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use std::io::Write;

fn plimsoll(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        // No ShellCheck from the developer's PATH: the same output everywhere.
        .env_remove("PATH")
        .env_remove("PLIMSOLL_FORMAT")
        .output()
        .expect("run plimsoll")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

const CLEAN: &str = "FROM alpine:3.20\nUSER nobody\nCMD [\"true\"]\n";
const SHELL_CMD: &str = "FROM alpine:3.20\nUSER nobody\nCMD echo hi\n";

#[test]
fn exit_codes_follow_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean/Dockerfile", CLEAN);
    write(dir.path(), "dirty/Dockerfile", SHELL_CMD);
    assert_eq!(
        plimsoll(dir.path(), &["check", "clean"]).status.code(),
        Some(0)
    );
    let dirty = plimsoll(dir.path(), &["check", "dirty"]);
    assert_eq!(dirty.status.code(), Some(1), "{}", stdout(&dirty));
    assert_eq!(
        plimsoll(dir.path(), &["check", "--exit-zero", "dirty"])
            .status
            .code(),
        Some(0)
    );
    // exec-form-cmd is a warning: an error threshold lets it pass.
    assert_eq!(
        plimsoll(
            dir.path(),
            &["check", "--failure-threshold", "error", "dirty"]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        plimsoll(
            dir.path(),
            &["check", "--failure-threshold", "none", "dirty"]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        plimsoll(
            dir.path(),
            &["check", "--failure-threshold", "warning", "dirty"]
        )
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn usage_and_io_errors_exit_2_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = plimsoll(dir.path(), &["check", "nope/Dockerfile"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nope/Dockerfile"),
        "{}",
        stderr(&missing)
    );
    fs::write(
        dir.path().join("Dockerfile"),
        b"FROM alpine\nRUN echo \xff\n",
    )
    .unwrap();
    let bad = plimsoll(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad)
            .contains("Dockerfile: file is not valid UTF-8: invalid byte at offset 21 (line 2)"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(
        plimsoll(dir.path(), &["check", "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        plimsoll(dir.path(), &["rule", "no-such-rule"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(plimsoll(dir.path(), &["--version"]).status.code(), Some(0));
}

#[test]
fn discovery_finds_dockerfiles_and_skips_vendored_and_hidden_dirs() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "Dockerfile",
        "api.Dockerfile",
        "web/Dockerfile.dev",
        "web/Containerfile",
        "x.dockerfile",
        "node_modules/pkg/Dockerfile",
        ".git/Dockerfile",
        ".hidden/Dockerfile",
        "target/Dockerfile",
    ] {
        write(dir.path(), name, SHELL_CMD);
    }
    write(dir.path(), "README.md", "not a Dockerfile");
    write(dir.path(), "Dockerfile.dockerignore", "node_modules");
    let output = plimsoll(dir.path(), &["check", "--format", "concise", "."]);
    let mut files: Vec<String> = stdout(&output)
        .lines()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "./Dockerfile",
            "./api.Dockerfile",
            "./web/Containerfile",
            "./web/Dockerfile.dev",
            "./x.dockerfile"
        ]
    );
    // Named explicitly, a hidden directory is linted.
    let hidden = plimsoll(dir.path(), &["check", "--format", "concise", ".hidden"]);
    assert_eq!(stdout(&hidden).lines().count(), 1);
}

#[test]
fn standard_input_with_a_filename() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--stdin-filename",
            "svc/Dockerfile",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SHELL_CMD.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "svc/Dockerfile:3:5: warning exec-form-cmd CMD in shell form runs under `/bin/sh -c`: the shell is PID 1 and the program never receives SIGTERM\n"
    );
}

#[test]
fn select_and_ignore_by_name_code_alias_and_category() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nCMD echo hi\n");
    let rules_fired = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        all.push("Dockerfile");
        stdout(&plimsoll(dir.path(), &all))
            .lines()
            .map(|l| l.split(' ').nth(2).unwrap().to_string())
            .collect()
    };
    assert_eq!(rules_fired(&[]), ["non-root-user", "exec-form-cmd"]);
    assert_eq!(rules_fired(&["--ignore", "DL3025"]), ["non-root-user"]);
    assert_eq!(rules_fired(&["--ignore", "PL005"]), ["exec-form-cmd"]);
    assert_eq!(rules_fired(&["--select", "security"]), ["non-root-user"]);
    assert_eq!(
        rules_fired(&["--select", "JSONArgsRecommended"]),
        ["exec-form-cmd"]
    );
    let unknown = plimsoll(
        dir.path(),
        &["check", "--ignore", "no-such-rule", "Dockerfile"],
    );
    assert!(
        stderr(&unknown).contains("unknown rule or category `no-such-rule`"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn suppression_comments_from_plimsoll_hadolint_and_buildkit() {
    let dir = tempfile::tempdir().unwrap();
    let concise = |text: &str| {
        write(dir.path(), "Dockerfile", text);
        let output = plimsoll(
            dir.path(),
            &[
                "check",
                "--format",
                "concise",
                "--select",
                "exec-form-cmd",
                "Dockerfile",
            ],
        );
        (stdout(&output).lines().count(), stderr(&output))
    };
    assert_eq!(concise("FROM a\nCMD x\nCMD y\n").0, 2);
    assert_eq!(
        concise("FROM a\n# plimsoll ignore=exec-form-cmd\nCMD x\nCMD y\n").0,
        1
    );
    assert_eq!(
        concise("FROM a\n# hadolint ignore=DL3025\nCMD x\nCMD y\n").0,
        1
    );
    assert_eq!(
        concise("FROM a\n# hadolint global ignore=DL3025\nCMD x\nCMD y\n").0,
        0
    );
    assert_eq!(
        concise("# check=skip=JSONArgsRecommended\nFROM a\nCMD x\nCMD y\n").0,
        0
    );
    assert_eq!(
        concise("FROM a\n# check=skip=JSONArgsRecommended\nCMD x\nCMD y\n").0,
        1
    );
    assert_eq!(concise("# check=skip=all\nFROM a\nCMD x\n").0, 0);
    let (count, warnings) = concise("FROM a\n# plimsoll ignore=exec-form-cmdd\nCMD x\n");
    assert_eq!(count, 1);
    assert!(
        warnings.contains("Dockerfile:2: unknown rule `exec-form-cmdd`"),
        "{warnings}"
    );
    // hadolint and ShellCheck codes plimsoll does not implement are not "unknown".
    let (_, quiet) = concise("FROM a\n# hadolint ignore=DL3008,SC2086\nCMD x\n");
    assert!(quiet.is_empty(), "{quiet}");
}

#[test]
fn disable_ignore_pragma_makes_every_suppression_comment_inert() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "# check=skip=JSONArgsRecommended\nFROM a\n# plimsoll ignore=exec-form-cmd\nCMD x\n\
         # hadolint ignore=DL3025\nCMD y\n# plimsoll ignore=no-such-rule\nCMD z\n",
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "concise", "--select", "exec-form-cmd"];
        args.extend_from_slice(extra);
        args.push("Dockerfile");
        plimsoll(dir.path(), &args)
    };
    assert_eq!(stdout(&run(&[])).lines().count(), 0);
    let strict = run(&["--disable-ignore-pragma"]);
    let report = stdout(&strict);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("Dockerfile:4:5: warning exec-form-cmd"),
        "{lines:?}"
    );
    assert_eq!(strict.status.code(), Some(1));
    // A pragma naming no rule is still pointed out.
    assert!(
        stderr(&strict).contains("Dockerfile:7: unknown rule `no-such-rule`"),
        "{}",
        stderr(&strict)
    );
    // The same policy from hadolint's config key.
    write(
        dir.path(),
        ".hadolint.yaml",
        "disable-ignore-pragma: true\n",
    );
    assert_eq!(stdout(&run(&[])).lines().count(), 3);
    write(
        dir.path(),
        "plimsoll.toml",
        "disable-ignore-pragma = false\n",
    );
    assert_eq!(stdout(&run(&[])).lines().count(), 0);
}

#[test]
fn config_files_plimsoll_toml_and_hadolint_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let text = "FROM alpine:3.20\nCMD echo hi\n";
    write(dir.path(), "a/Dockerfile", text);
    write(
        dir.path(),
        "a/plimsoll.toml",
        "ignore = [\"non-root-user\"]\n[severity]\nexec-form-cmd = \"error\"\n",
    );
    write(dir.path(), "b/Dockerfile", text);
    write(
        dir.path(),
        "b/.hadolint.yaml",
        "ignored:\n  - DL3025\nfailure-threshold: error\n",
    );
    write(dir.path(), "c/sub/Dockerfile", text);
    write(
        dir.path(),
        "c/plimsoll.toml",
        "[per-file-ignores]\n\"sub/*\" = [\"exec-form-cmd\"]\n",
    );
    write(dir.path(), "c/.hadolint.yaml", "ignored: [DL3002]\n");

    let a = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "a/Dockerfile"],
    );
    assert_eq!(stdout(&a), "a/Dockerfile:2:5: error exec-form-cmd CMD in shell form runs under `/bin/sh -c`: the shell is PID 1 and the program never receives SIGTERM\n");
    let b = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "b/Dockerfile"],
    );
    assert!(
        stdout(&b).starts_with("b/Dockerfile:1:1: warning non-root-user"),
        "{}",
        stdout(&b)
    );
    assert_eq!(
        b.status.code(),
        Some(0),
        "hadolint failure-threshold: error"
    );
    // plimsoll.toml wins over .hadolint.yaml; per-file ignores apply under it.
    let c = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "c/sub/Dockerfile"],
    );
    assert_eq!(stdout(&c).lines().count(), 1);
    assert!(stdout(&c).contains("non-root-user"));

    write(dir.path(), "d/Dockerfile", text);
    write(
        dir.path(),
        "d/plimsoll.toml",
        "select = [\"all\"]\nignroe = [\"x\"]\n",
    );
    let d = plimsoll(dir.path(), &["check", "d/Dockerfile"]);
    assert_eq!(d.status.code(), Some(2));
    assert!(
        stderr(&d).contains("plimsoll.toml:2: unknown field `ignroe`"),
        "{}",
        stderr(&d)
    );
}

#[test]
fn parse_prints_buildkits_dump_or_its_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "from alpine AS b\nRUN --mount=type=cache,target=/c echo \\\n  hi\nCMD [\"a\", \"é\"]\n",
    );
    let output = plimsoll(dir.path(), &["parse", "Dockerfile"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "(from \"alpine\" \"AS\" \"b\")\n(run [\"--mount=type=cache,target=/c\"] \"echo   hi\")\n(cmd \"a\" \"é\")\n"
    );
    let json = plimsoll(dir.path(), &["parse", "--format", "json", "Dockerfile"]);
    let ast: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(ast["instructions"][1]["flags"][0]["name"], "mount");
    write(dir.path(), "Bad", "FROM a\nENV x\n");
    let bad = plimsoll(dir.path(), &["parse", "Bad"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(stderr(&bad), "Bad:2: ENV must have two arguments\n");
}

#[test]
fn statistics_rules_and_rule_docs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nCMD a\nCMD b\n");
    let stats = stdout(&plimsoll(
        dir.path(),
        &["check", "--statistics", "Dockerfile"],
    ));
    assert!(stats.starts_with("     2  PL004  exec-form-cmd"), "{stats}");
    let rules = stdout(&plimsoll(dir.path(), &["rules"]));
    assert!(rules.contains("PL001  cache-busting-copy"), "{rules}");
    let json: serde_json::Value =
        serde_json::from_slice(&plimsoll(dir.path(), &["rules", "--format", "json"]).stdout)
            .unwrap();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "non-root-user" && r["aliases"][0] == "DL3002"));
    let doc = stdout(&plimsoll(dir.path(), &["rule", "DL3002"]));
    assert!(doc.starts_with("# non-root-user (PL005)"), "{doc}");
    assert!(doc.contains("## Differences from hadolint"));
}

#[test]
fn output_has_no_colour_when_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", SHELL_CMD);
    let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir.path())
        .args(["check", "Dockerfile"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!stdout(&output).contains('\u{1b}'));
    assert!(stdout(&output).contains("exec-form-cmd (PL004)"));
}

#[test]
fn fix_diff_and_fix_only() {
    let dir = tempfile::tempdir().unwrap();
    let original = "FROM alpine:3.20\n# keep this comment\nENV MODE production\nUSER nobody\nCMD node server.js\nENTRYPOINT run --port $PORT\n";
    write(dir.path(), "Dockerfile", original);

    // --diff shows the safe fixes, writes nothing, exits 1.
    let diff = plimsoll(dir.path(), &["check", "--diff", "Dockerfile"]);
    assert_eq!(diff.status.code(), Some(1));
    let text = stdout(&diff);
    assert!(
        text.contains("-ENV MODE production\n+ENV MODE=production\n"),
        "{text}"
    );
    assert!(text.contains("+CMD [\"node\", \"server.js\"]"), "{text}");
    assert!(
        !text.contains("exec run"),
        "unsafe fixes need --unsafe-fixes: {text}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        original
    );

    // --fix writes the file, keeps the comment, and reports what is left.
    let fixed = plimsoll(
        dir.path(),
        &[
            "check",
            "--fix",
            "--show-fixes",
            "--format",
            "concise",
            "Dockerfile",
        ],
    );
    let after = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(
        after,
        "FROM alpine:3.20\n# keep this comment\nENV MODE=production\nUSER nobody\nCMD [\"node\", \"server.js\"]\nENTRYPOINT run --port $PORT\n"
    );
    assert!(
        stderr(&fixed)
            .contains("fixed: Dockerfile: Rewrite as MODE=production (legacy-key-value-format)"),
        "{}",
        stderr(&fixed)
    );
    assert_eq!(
        stdout(&fixed).lines().count(),
        1,
        "only the ENTRYPOINT is left: {}",
        stdout(&fixed)
    );
    assert_eq!(fixed.status.code(), Some(1));

    // --fix-only with --unsafe-fixes fixes the rest and reports nothing.
    let only = plimsoll(
        dir.path(),
        &["check", "--fix-only", "--unsafe-fixes", "Dockerfile"],
    );
    assert_eq!(only.status.code(), Some(0));
    assert!(stdout(&only).is_empty());
    assert!(fs::read_to_string(dir.path().join("Dockerfile"))
        .unwrap()
        .contains("ENTRYPOINT [\"/bin/sh\", \"-c\", \"exec run --port $PORT\"]"));
    assert_eq!(
        plimsoll(dir.path(), &["check", "Dockerfile"]).status.code(),
        Some(0)
    );
}

#[test]
fn fix_on_standard_input_prints_the_fixed_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir.path())
        .args(["check", "--fix", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"FROM alpine\nMAINTAINER me\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&output),
        "FROM alpine\nLABEL org.opencontainers.image.authors=\"me\"\n"
    );
}

#[test]
fn shellcheck_absent_or_misconfigured_is_said() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", CLEAN);
    // `plimsoll()` runs without PATH, so no shellcheck is found.
    let verbose = plimsoll(dir.path(), &["check", "--verbose", "Dockerfile"]);
    assert_eq!(verbose.status.code(), Some(0));
    let said = stderr(&verbose);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[0],
        "shellcheck: not found on PATH, so no SC findings; install shellcheck or pass --shellcheck PATH"
    );
    // --verbose also says why no build context was read: nothing is copied.
    assert_eq!(
        lines[1],
        "context: Dockerfile: not read (no context rule selected, or nothing is copied from it)",
        "{said}"
    );
    assert_eq!(lines.len(), 2, "{said}");
    let quiet = plimsoll(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(stderr(&quiet), "");
    let missing = plimsoll(
        dir.path(),
        &["check", "--shellcheck", "no/such/shellcheck", "Dockerfile"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&missing),
        "error: --shellcheck no/such/shellcheck: no such executable file\n"
    );
}

#[test]
fn shellcheck_findings_are_reported_with_their_codes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nUSER nobody\nRUN ls /tmp\n",
    );
    // A stand-in that reports SC2012 on line 3 of every script it is given
    // (line 1 and 2 are plimsoll's header), columns 1 to 8.
    let comment = r#"{"file":"%s","line":3,"endLine":3,"column":1,"endColumn":8,"level":"info","code":2012,"message":"Use find instead of ls","fix":null}"#;
    write(
        dir.path(),
        "fake-shellcheck",
        &format!(
            "#!/bin/sh\nfor last; do :; done\nprintf '{{\"comments\":[{comment}]}}' \"$last\"\nexit 1\n"
        ),
    );
    let fake = dir.path().join("fake-shellcheck");
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    let output = plimsoll(
        dir.path(),
        &[
            "check",
            "--format",
            "concise",
            "--shellcheck",
            fake.to_str().unwrap(),
            "Dockerfile",
        ],
    );
    assert_eq!(
        stdout(&output),
        "Dockerfile:3:5: info SC2012 Use find instead of ls\n"
    );
    assert_eq!(output.status.code(), Some(1));
    let ignored = plimsoll(
        dir.path(),
        &[
            "check",
            "--ignore",
            "SC2012",
            "--shellcheck",
            fake.to_str().unwrap(),
            "Dockerfile",
        ],
    );
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
}
