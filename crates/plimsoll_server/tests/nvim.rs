//! End to end with a real editor: headless Neovim starts `plimsoll server`,
//! waits for its diagnostics, applies a quick fix and "fix all" through its
//! own LSP client (UTF-16 positions, incremental changes), and checks the
//! buffer. The steps are in `nvim/e2e.lua`.
//!
//! Skips with a message when `nvim` is not installed, except under `CI=true`
//! (`.ci/run` installs it).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/crates/plimsoll_server/tests/nvim/e2e.lua"
);

fn nvim_available() -> bool {
    let found = Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("nvim not found: CI must install neovim (apt-get install -y neovim) for the editor test");
        }
        eprintln!("skipping: nvim not found (apt-get install -y neovim to run the editor end-to-end test)");
    }
    found
}

#[test]
fn neovim_shows_diagnostics_and_applies_quick_fixes() {
    if !nvim_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = dir.path().join("Dockerfile");
    let original = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.org>\nENV GREETING héllo-😀\nCMD echo 😀 héllo done\nUSER app\n";
    std::fs::write(&dockerfile, original).unwrap();

    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {SCRIPT}"))
        .current_dir(dir.path())
        .env("PLIMSOLL_BIN", env!("CARGO_BIN_EXE_plimsoll"))
        .env("DOCKERFILE", &dockerfile)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "nvim did not finish within 60 s; stdout:\n{}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        status.success(),
        "nvim failed ({status}):\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("diagnostic: 4:5 exec-form-cmd [plimsoll]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("code action: Disable exec-form-cmd for this line"),
        "{stdout}"
    );
    assert!(
        stdout.contains("after quick fix: CMD [\"echo\", \"😀\", \"héllo\", \"done\"]"),
        "{stdout}"
    );
    assert!(stdout.contains("no diagnostics left\nOK"), "{stdout}");
    // The script never writes the buffer: the file on disk is untouched.
    assert_eq!(std::fs::read_to_string(&dockerfile).unwrap(), original);
}
