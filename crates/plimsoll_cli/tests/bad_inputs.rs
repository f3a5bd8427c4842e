//! Inputs that cannot be linted: each gets one clear message naming the file,
//! never stops the other files from being linted, and makes the exit code 2.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, wrapper: &[&str], args: &[&str]) -> Output {
    let binary = env!("CARGO_BIN_EXE_plimsoll");
    let mut command = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(binary);
            c
        }
        None => Command::new(binary),
    };
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("PLIMSOLL_FORMAT")
        .output()
        .expect("run plimsoll")
}

fn plimsoll(dir: &Path, args: &[&str]) -> Output {
    run(dir, &[], args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &[u8]) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

/// Fires exec-form-cmd: proof that the good file was linted.
const GOOD: &[u8] = b"FROM alpine:3.20\nUSER nobody\nCMD echo hi\n";
const GOOD_FINDING: &str = "good/Dockerfile:3:5: warning exec-form-cmd CMD in shell form runs under `/bin/sh -c`: the shell is PID 1 and the program never receives SIGTERM\n";

/// `plimsoll check --format concise ARGS good/Dockerfile` in a fresh folder
/// holding the good file plus whatever `setup` writes.
fn check_beside_good(setup: impl FnOnce(&Path), args: &[&str]) -> Output {
    check_beside_good_with(&[], setup, args)
}

fn check_beside_good_with(wrapper: &[&str], setup: impl FnOnce(&Path), args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good/Dockerfile", GOOD);
    setup(dir.path());
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    all.push("good/Dockerfile");
    run(dir.path(), wrapper, &all)
}

/// The bad input is reported with exactly `message`, the good file is still
/// linted, and the run exits 2.
fn assert_error_and_good_linted(output: &Output, message: &str) {
    assert_eq!(stderr(output), format!("error: {message}\n"));
    assert_eq!(stdout(output), GOOD_FINDING);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn missing_file() {
    let output = check_beside_good(|_| {}, &["nope/Dockerfile"]);
    assert_error_and_good_linted(&output, "nope/Dockerfile: no such file or directory");
}

#[test]
fn directory_without_dockerfiles_warns_and_is_not_an_error() {
    let output = check_beside_good(
        |dir| write(dir, "empty/README.md", b"no Dockerfiles here\n"),
        &["empty"],
    );
    assert_eq!(
        stderr(&output),
        "warning: empty: no Dockerfiles found (looked for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, Containerfile.*)\n"
    );
    assert_eq!(stdout(&output), GOOD_FINDING);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the good file's finding decides"
    );
}

/// Running as root reads any file; drop the capabilities that allow it
/// (`setpriv` from util-linux) instead of skipping, where that is possible.
fn without_root_read_override() -> Option<Vec<&'static str>> {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let root = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .is_some_and(|effective| effective == "0");
    if !root {
        return Some(Vec::new());
    }
    let setpriv = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"];
    let works = Command::new(setpriv[0])
        .args(&setpriv[1..])
        .arg("true")
        .status()
        .is_ok_and(|s| s.success());
    works.then(|| setpriv.to_vec())
}

#[test]
#[cfg(unix)]
fn file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let Some(wrapper) = without_root_read_override() else {
        eprintln!("skipping: running as root and `setpriv` cannot drop CAP_DAC_OVERRIDE here");
        return;
    };
    let output = check_beside_good_with(
        &wrapper,
        |dir| {
            write(dir, "locked/Dockerfile", GOOD);
            let path = dir.join("locked/Dockerfile");
            fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
        },
        &["locked/Dockerfile"],
    );
    assert_error_and_good_linted(&output, "locked/Dockerfile: Permission denied");
}

#[test]
#[cfg(unix)]
fn unreadable_folder_under_a_scanned_directory() {
    use std::os::unix::fs::PermissionsExt;
    let Some(wrapper) = without_root_read_override() else {
        eprintln!("skipping: running as root and `setpriv` cannot drop CAP_DAC_OVERRIDE here");
        return;
    };
    let output = check_beside_good_with(
        &wrapper,
        |dir| {
            write(dir, "tree/a/Dockerfile", GOOD);
            write(dir, "tree/locked/Dockerfile", GOOD);
            let locked = dir.join("tree/locked");
            fs::set_permissions(locked, fs::Permissions::from_mode(0o000)).unwrap();
        },
        &["tree"],
    );
    assert_eq!(stderr(&output), "error: tree/locked: Permission denied\n");
    // The readable part of the tree is still linted.
    assert_eq!(
        stdout(&output),
        format!("{}{GOOD_FINDING}", GOOD_FINDING.replace("good/", "tree/a/"))
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn binary_file() {
    let output = check_beside_good(
        |dir| {
            write(
                dir,
                "image.Dockerfile",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe",
            )
        },
        &["image.Dockerfile"],
    );
    assert_error_and_good_linted(
        &output,
        "image.Dockerfile: binary file, not a Dockerfile (file is not valid UTF-8: invalid byte at offset 0 (line 1))",
    );
}

#[test]
fn file_over_the_size_limit_is_refused_before_reading() {
    let make_big = |dir: &Path| {
        // Sparse: 100 MB on paper, nothing on disk; refused on its size alone.
        let file = fs::File::create(dir.join("big.Dockerfile")).unwrap();
        file.set_len(100_000_000).unwrap();
    };
    let output = check_beside_good(make_big, &["big.Dockerfile"]);
    assert_error_and_good_linted(
        &output,
        "big.Dockerfile: file is 95.4 MiB (100000000 bytes), larger than the 10 MiB limit; raise it with --max-file-size or `max-file-size` in plimsoll.toml",
    );

    // The limit is configurable on the command line...
    let small = |dir: &Path| write(dir, "small.Dockerfile", &GOOD.repeat(100));
    let output = check_beside_good(small, &["--max-file-size", "2KiB", "small.Dockerfile"]);
    assert_error_and_good_linted(
        &output,
        "small.Dockerfile: file is 4.0 KiB (4100 bytes), larger than the 2 KiB limit; raise it with --max-file-size or `max-file-size` in plimsoll.toml",
    );
    let output = check_beside_good(small, &["--max-file-size", "5KiB", "small.Dockerfile"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    // ...and in plimsoll.toml, for the files under it.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/plimsoll.toml",
        b"max-file-size = \"1KiB\"\n",
    );
    write(dir.path(), "app/Dockerfile", &GOOD.repeat(30));
    let output = plimsoll(dir.path(), &["check", "app"]);
    assert_eq!(
        stderr(&output),
        "error: app/Dockerfile: file is 1.2 KiB (1230 bytes), larger than the 1 KiB limit; raise it with --max-file-size or `max-file-size` in plimsoll.toml\n"
    );
    assert_eq!(output.status.code(), Some(2));

    let bad = plimsoll(dir.path(), &["check", "--max-file-size", "ten", "app"]);
    assert!(
        stderr(&bad).contains("`ten` is not a size (expected e.g. 10MiB, 512KiB or 1048576)"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn standard_input_over_the_size_limit() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["check", "--max-file-size", "1KiB", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The writer may see a broken pipe once plimsoll stops reading: that is the point.
    let _ = child.stdin.take().unwrap().write_all(&GOOD.repeat(100));
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        stderr(&output),
        "error: standard input: more than 1 KiB of input, larger than the limit; raise it with --max-file-size\n"
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
#[cfg(unix)]
fn symlink_loops_and_links_out_of_the_tree_are_not_followed() {
    let output = check_beside_good(
        |dir| {
            write(dir, "tree/Dockerfile", GOOD);
            std::os::unix::fs::symlink("..", dir.join("tree/up")).unwrap();
            std::os::unix::fs::symlink("loop", dir.join("tree/loop")).unwrap();
            std::os::unix::fs::symlink(dir.join("outside"), dir.join("tree/out")).unwrap();
            write(dir, "outside/Dockerfile", b"FROM scratch\nMAINTAINER me\n");
        },
        &["tree"],
    );
    assert_eq!(stderr(&output), "");
    // Only tree/Dockerfile and the good file: nothing through `up`, `loop` or `out`.
    assert_eq!(
        stdout(&output),
        format!("{}{GOOD_FINDING}", GOOD_FINDING.replace("good/", "tree/"))
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn broken_config_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good/Dockerfile", GOOD);
    write(dir.path(), "bad/Dockerfile", GOOD);
    write(
        dir.path(),
        "bad/plimsoll.toml",
        b"select = [\"all\"]\n\n[severity]\nexec-form-cmd = 3\n",
    );
    let output = plimsoll(
        dir.path(),
        &["check", "--format", "concise", "bad", "good/Dockerfile"],
    );
    let config = fs::canonicalize(dir.path())
        .unwrap()
        .join("bad/plimsoll.toml");
    assert_eq!(
        stderr(&output),
        format!(
            "error: {}:4: key `severity.exec-form-cmd`: invalid type: integer `3`, expected a string\n",
            config.display()
        )
    );
    // Both files are linted; the one under the broken config with the defaults.
    assert_eq!(
        stdout(&output),
        format!("{}{GOOD_FINDING}", GOOD_FINDING.replace("good/", "bad/"))
    );
    assert_eq!(output.status.code(), Some(2));

    write(
        dir.path(),
        "bad/plimsoll.toml",
        b"ignore = [\n  \"DL3008\",\n  42,\n]\n",
    );
    let output = plimsoll(dir.path(), &["check", "bad"]);
    assert!(
        stderr(&output).contains(
            "plimsoll.toml:3: key `ignore`: invalid type: integer `42`, expected a string"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unknown_rule_in_select_is_an_error_that_lints_with_the_rest() {
    let output = check_beside_good(|_| {}, &["--select", "exec-form-cmd,exec-from-cmd"]);
    assert_error_and_good_linted(
        &output,
        "--select: unknown rule or category `exec-from-cmd` (`plimsoll rules` lists them)",
    );
    // hadolint codes plimsoll has no rule for are accepted, as in hadolint configs.
    let output = check_beside_good(|_| {}, &["--ignore", "DL3999"]);
    assert_eq!(stderr(&output), "");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_huge_line_is_reported_without_printing_it() {
    let dir = tempfile::tempdir().unwrap();
    let huge = format!(
        "FROM alpine:3.20\nRUN echo {}\nUSER nobody\nCMD [\"true\"]\n",
        "x".repeat(70_000)
    );
    write(dir.path(), "huge.Dockerfile", huge.as_bytes());
    let output = plimsoll(dir.path(), &["check", "huge.Dockerfile"]);
    assert_eq!(
        stdout(&output),
        "parse-error (PL000)\n\n  × dockerfile line greater than max allowed size of 65535\n  help: at huge.Dockerfile:2:1 (the lines are too long to show)\n        see: plimsoll rule parse-error\n\nFound 1 problem.\n"
    );
    assert_eq!(output.status.code(), Some(1));
}
