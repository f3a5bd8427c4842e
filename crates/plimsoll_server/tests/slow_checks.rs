//! The language server's slow checks over stdio: ShellCheck and the build
//! context run on open and save, off the message loop; edits reuse their
//! results and start no `shellcheck`. ShellCheck is a stand-in script that
//! counts its runs in a file and reports a fixed finding, so these tests need
//! no real shellcheck and can tell exactly when it ran.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{file_uri, Client};

/// The RUN that the stand-in's finding lands on: its line 3 (after the two
/// header lines plimsoll adds), columns 1 to 8, is `ls /tmp`.
const DOCKERFILE: &str = "FROM alpine:3.20\nUSER nobody\nRUN ls /tmp\n";

/// A stand-in `shellcheck` in `dir`: appends a line to `dir/runs` for each
/// run, runs `before` (shell), and reports SC2012 on `ls /tmp` of the last
/// script it is given, with `fix` as ShellCheck's fix (JSON).
fn stand_in(dir: &Path, before: &str, fix: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let runs = dir.join("runs");
    let comment = format!(
        r#"{{"file":"%s","line":3,"endLine":3,"column":1,"endColumn":8,"level":"info","code":2012,"message":"Use find instead of ls","fix":{fix}}}"#
    );
    let script = format!(
        "#!/bin/sh\necho run >> '{}'\n{before}\nfor last; do :; done\nprintf '{{\"comments\":[{comment}]}}' \"$last\"\nexit 1\n",
        runs.display()
    );
    let path = dir.join("fake-shellcheck");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// How many times the stand-in in `dir` ran.
fn runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("runs"))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The next `publishDiagnostics` for `uri` at `version` satisfying `test`.
fn diagnostics_where(
    client: &mut Client,
    uri: &str,
    version: i64,
    what: &str,
    test: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let message = client.wait_for(what, |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["version"] == version
            && test(m["params"]["diagnostics"].as_array().map_or(&[], |a| a))
    });
    message["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn has(code: &'static str) -> impl Fn(&[Value]) -> bool {
    move |diagnostics| diagnostics.iter().any(|d| d["code"] == code)
}

fn change(client: &mut Client, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }],
        }),
    );
}

fn save(client: &mut Client, uri: &str) {
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
}

fn position(line: u64, character: u64) -> Value {
    json!({ "line": line, "character": character })
}

#[test]
fn shellcheck_runs_on_open_and_save_and_edits_reuse_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let fix = r#"{"replacements":[{"line":3,"endLine":3,"column":1,"endColumn":8,"replacement":"find /tmp"}]}"#;
    let shellcheck = stand_in(dir.path(), "", fix);
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start(
        json!({}),
        json!({ "plimsoll": { "shellcheck": shellcheck, "context": false } }),
    );
    assert_eq!(
        client.initialized["capabilities"]["textDocumentSync"]["save"],
        json!({ "includeText": false })
    );
    client.open(&uri, DOCKERFILE);
    let diagnostics = diagnostics_where(&mut client, &uri, 1, "SC2012 after open", has("SC2012"));
    let sc = diagnostics.iter().find(|d| d["code"] == "SC2012").unwrap();
    assert_eq!(
        sc["range"],
        json!({ "start": position(2, 4), "end": position(2, 11) })
    );
    assert_eq!(sc["severity"], 3, "info");
    assert_eq!(
        sc["codeDescription"]["href"],
        "https://www.shellcheck.net/wiki/SC2012"
    );
    assert_eq!(runs(dir.path()), 1);

    // A line added above the RUN: the finding moves with it, no new run.
    let moved = "FROM alpine:3.20\nLABEL a=b\nUSER nobody\nRUN ls /tmp\n";
    change(&mut client, &uri, 2, moved);
    let diagnostics = client.diagnostics(&uri, 2);
    let sc = diagnostics
        .iter()
        .find(|d| d["code"] == "SC2012")
        .unwrap_or_else(|| panic!("kept: {diagnostics:#?}"));
    assert_eq!(
        sc["range"],
        json!({ "start": position(3, 4), "end": position(3, 11) })
    );
    // Its quick fix edits where the RUN is now.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": position(3, 5), "end": position(3, 5) },
            "context": { "diagnostics": [], "only": ["quickfix"] },
        }),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("(SC2012"))
        .unwrap_or_else(|| panic!("no SC2012 fix in {actions:#}"));
    assert_eq!(
        fix["edit"]["changes"][&uri],
        json!([{ "range": { "start": position(3, 4), "end": position(3, 11) }, "newText": "find /tmp" }])
    );

    // The RUN edited: its finding is gone until the next save.
    let edited = "FROM alpine:3.20\nLABEL a=b\nUSER nobody\nRUN ls /var\n";
    change(&mut client, &uri, 3, edited);
    let diagnostics = client.diagnostics(&uri, 3);
    assert!(
        !codes(&diagnostics).contains(&"SC2012".to_string()),
        "{diagnostics:#?}"
    );
    assert_eq!(runs(dir.path()), 1, "edits do not run shellcheck");

    save(&mut client, &uri);
    diagnostics_where(&mut client, &uri, 3, "SC2012 after save", has("SC2012"));
    assert_eq!(runs(dir.path()), 2);
    assert!(client.shutdown().success());
    assert_eq!(runs(dir.path()), 2);
}

#[test]
fn a_slow_shellcheck_delays_no_edit_and_no_hover() {
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = stand_in(dir.path(), "sleep 6", "null");
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start(
        json!({}),
        json!({ "shellcheck": shellcheck, "context": false }),
    );
    let started = Instant::now();
    client.open(&uri, DOCKERFILE);
    let first = client.diagnostics(&uri, 1);
    assert!(!codes(&first).contains(&"SC2012".to_string()));

    let edit = Instant::now();
    let text = format!("{DOCKERFILE}CMD echo hi\n");
    change(&mut client, &uri, 2, &text);
    let diagnostics = client.diagnostics(&uri, 2);
    assert!(codes(&diagnostics).contains(&"exec-form-cmd".to_string()));
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": position(3, 5) }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("exec-form-cmd"));
    let waited = edit.elapsed();
    assert!(
        waited < Duration::from_secs(3),
        "the edit waited {waited:?} for a shellcheck sleeping 6 s"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // ShellCheck's finding arrives later, on the version being edited.
    let diagnostics = diagnostics_where(&mut client, &uri, 2, "SC2012 later", has("SC2012"));
    assert!(started.elapsed() >= Duration::from_secs(6));
    assert!(codes(&diagnostics).contains(&"exec-form-cmd".to_string()));
    assert_eq!(runs(dir.path()), 1);
    assert!(client.shutdown().success());
}

#[test]
fn a_fix_without_edits_in_the_document_is_no_code_action() {
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = stand_in(dir.path(), "", r#"{"replacements":[]}"#);
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start(
        json!({}),
        json!({ "shellcheck": shellcheck, "context": false }),
    );
    client.open(&uri, DOCKERFILE);
    diagnostics_where(&mut client, &uri, 1, "SC2012", has("SC2012"));
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": position(2, 5), "end": position(2, 5) },
            "context": { "diagnostics": [] },
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Disable SC2012 for this line"], "{actions:#}");
    assert!(client.shutdown().success());
}

#[test]
fn shellcheck_turned_off_never_runs() {
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = stand_in(dir.path(), "", "null");
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start(
        json!({}),
        json!({ "shellcheck": shellcheck, "context": false }),
    );
    client.open(&uri, DOCKERFILE);
    diagnostics_where(&mut client, &uri, 1, "SC2012", has("SC2012"));
    // A new version, so that no publication from before the settings change
    // (the first, fast one of version 1) can pass for one after it.
    change(&mut client, &uri, 2, DOCKERFILE);
    assert!(has("SC2012")(&client.diagnostics(&uri, 2)));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "plimsoll": { "shellcheck": false, "context": false } } }),
    );
    // Settings changed: checked again, without ShellCheck's finding.
    diagnostics_where(&mut client, &uri, 2, "no SC2012", |d| !has("SC2012")(d));
    save(&mut client, &uri);
    // The save is handled before the next request is answered... and the
    // slow thread had its chance to run.
    client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": position(0, 1) }),
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(runs(dir.path()), 1);
    assert!(client.shutdown().success());
}

#[test]
fn the_build_context_is_walked_on_open_and_again_on_save() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("app.py"), "print(1)\n").unwrap();
    let text = "FROM python:3.13-slim\nUSER nobody\nCOPY app.py /app/\nCOPY data.csv /app/\n";
    std::fs::write(root.join("Dockerfile"), text).unwrap();
    let uri = file_uri(&root.join("Dockerfile"));
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = Client::start_in(capabilities, json!({ "shellcheck": false }), Some(root));
    let registration = client.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let watchers =
        registration["params"]["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(watchers.contains("**/.dockerignore"), "{watchers}");

    client.open(&uri, text);
    let diagnostics = diagnostics_where(
        &mut client,
        &uri,
        1,
        "copy-missing-source after open",
        has("copy-missing-source"),
    );
    let missing: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "copy-missing-source")
        .collect();
    assert_eq!(missing.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        missing[0]["range"],
        json!({ "start": position(3, 5), "end": position(3, 13) })
    );

    // An edit is checked against the walk made on open, at once.
    let edited = format!("{text}COPY notes.md /app/\n");
    change(&mut client, &uri, 2, &edited);
    let diagnostics = client.diagnostics(&uri, 2);
    let lines: Vec<u64> = diagnostics
        .iter()
        .filter(|d| d["code"] == "copy-missing-source")
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4], "{diagnostics:#?}");

    // The files created, the Dockerfile saved: the folder is walked again.
    std::fs::write(root.join("data.csv"), "a,b\n").unwrap();
    std::fs::write(root.join("notes.md"), "# notes\n").unwrap();
    std::fs::write(root.join("Dockerfile"), &edited).unwrap();
    save(&mut client, &uri);
    let diagnostics = diagnostics_where(&mut client, &uri, 2, "cleared after save", |d| {
        !has("copy-missing-source")(d)
    });
    assert!(!codes(&diagnostics).contains(&"copy-ignored-file".to_string()));

    // A new .dockerignore leaving app.py out: walked again without a save.
    std::fs::write(root.join(".dockerignore"), "app.py\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&root.join(".dockerignore")), "type": 1 }] }),
    );
    let diagnostics = diagnostics_where(
        &mut client,
        &uri,
        2,
        "copy-ignored-file after .dockerignore",
        has("copy-ignored-file"),
    );
    let ignored = diagnostics
        .iter()
        .find(|d| d["code"] == "copy-ignored-file")
        .unwrap();
    assert_eq!(ignored["range"]["start"]["line"], 2);
    assert!(client.shutdown().success());
}

#[test]
fn the_context_setting_names_the_folder_or_turns_it_off() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("docker")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/app.py"), "print(1)\n").unwrap();
    let text = "FROM python:3.13-slim\nUSER nobody\nCOPY src/app.py src/gone.py /app/\n";
    let uri = file_uri(&root.join("docker/Dockerfile"));
    // The context is the workspace folder, not the Dockerfile's (relative
    // paths are taken from the first workspace folder).
    let mut client = Client::start_in(
        json!({}),
        json!({ "shellcheck": false, "context": "." }),
        Some(root),
    );
    client.open(&uri, text);
    let diagnostics = diagnostics_where(
        &mut client,
        &uri,
        1,
        "copy-missing-source in the named context",
        has("copy-missing-source"),
    );
    let missing: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "copy-missing-source")
        .collect();
    assert_eq!(missing.len(), 1, "{diagnostics:#?}");
    assert_eq!(missing[0]["range"]["start"]["character"], 16);

    // A new version, so that no publication from before the settings change
    // (the first, fast one of version 1) can pass for one after it.
    change(&mut client, &uri, 2, text);
    assert!(has("copy-missing-source")(&client.diagnostics(&uri, 2)));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "plimsoll": { "shellcheck": false, "context": false } } }),
    );
    diagnostics_where(&mut client, &uri, 2, "no context", |d| {
        !has("copy-missing-source")(d)
    });
    assert!(client.shutdown().success());
}

#[test]
fn leaving_does_not_wait_for_a_slow_shellcheck() {
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = stand_in(dir.path(), "sleep 6", "null");
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start(
        json!({}),
        json!({ "shellcheck": shellcheck, "context": false }),
    );
    client.open(&uri, DOCKERFILE);
    client.diagnostics(&uri, 1);
    // The stand-in is sleeping now (it counts its run first).
    let deadline = Instant::now() + Duration::from_secs(5);
    while runs(dir.path()) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(runs(dir.path()), 1);
    let leaving = Instant::now();
    assert!(client.shutdown().success());
    let waited = leaving.elapsed();
    assert!(
        waited < Duration::from_secs(3),
        "exit waited {waited:?} for a shellcheck sleeping 6 s"
    );
}

#[test]
fn pulling_clients_are_asked_to_pull_again_when_shellcheck_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let shellcheck = stand_in(dir.path(), "sleep 2", "null");
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let capabilities = json!({
        "textDocument": { "diagnostic": { "dynamicRegistration": false } },
        "workspace": { "diagnostic": { "refreshSupport": true } },
    });
    let mut client = Client::start(
        capabilities,
        json!({ "shellcheck": shellcheck, "context": false }),
    );
    client.open(&uri, DOCKERFILE);
    let pull = |client: &mut Client, previous: Option<&str>| {
        client.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri }, "previousResultId": previous }),
        )
    };
    // Before ShellCheck is done (it sleeps 2 s): the rules' findings only.
    let first = pull(&mut client, None);
    assert!(
        !has("SC2012")(first["items"].as_array().unwrap()),
        "{first:#}"
    );
    let first_id = first["resultId"].as_str().unwrap().to_string();

    client.wait_for("workspace/diagnostic/refresh", |m| {
        m["method"] == "workspace/diagnostic/refresh"
    });
    // Same text, same settings, but the result is not the one the client has.
    let second = pull(&mut client, Some(&first_id));
    assert_eq!(second["kind"], "full", "{second:#}");
    assert!(
        has("SC2012")(second["items"].as_array().unwrap()),
        "{second:#}"
    );
    let second_id = second["resultId"].as_str().unwrap().to_string();
    assert_ne!(second_id, first_id);
    assert_eq!(pull(&mut client, Some(&second_id))["kind"], "unchanged");
    // Nothing is pushed to a client that pulls.
    assert!(!client.saw_within(Duration::from_millis(100), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    }));
    assert!(client.shutdown().success());
}

/// A real ShellCheck, from `PLIMSOLL_SHELLCHECK` (CI sets it) or `PATH`;
/// `None` (skip) without one, except under `CI=true`.
fn real_shellcheck() -> Option<PathBuf> {
    let found = std::env::var_os("PLIMSOLL_SHELLCHECK")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join("shellcheck"))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI needs shellcheck: set PLIMSOLL_SHELLCHECK or put it on PATH"
        );
        eprintln!("skipping: no shellcheck (set PLIMSOLL_SHELLCHECK or put it on PATH)");
    }
    found
}

#[test]
fn a_real_shellcheck_finds_what_plimsoll_check_finds() {
    let Some(shellcheck) = real_shellcheck() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let text = "FROM alpine:3.20\nUSER nobody\nRUN echo $undefined\n";
    let path = dir.path().join("Dockerfile");
    std::fs::write(&path, text).unwrap();
    let uri = file_uri(&path);
    let mut client = Client::start(
        json!({}),
        json!({ "shellcheck": shellcheck, "context": false }),
    );
    client.open(&uri, text);
    let diagnostics = diagnostics_where(&mut client, &uri, 1, "SC2086", has("SC2086"));
    let sc = diagnostics.iter().find(|d| d["code"] == "SC2086").unwrap();
    // `$undefined`, on line 3.
    assert_eq!(
        sc["range"],
        json!({ "start": position(2, 9), "end": position(2, 19) })
    );

    // The same findings as `plimsoll check --shellcheck` on the saved file.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--shellcheck"])
        .arg(&shellcheck)
        .arg("Dockerfile")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    // (code, 0-based line, 0-based column) of each finding, from both.
    let mut from_check: Vec<(String, u64, u64)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() - 1,
                d["column"].as_u64().unwrap() - 1,
            )
        })
        .collect();
    let mut from_server: Vec<(String, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    from_check.sort();
    from_server.sort();
    assert_eq!(from_server, from_check);
    assert!(from_server.iter().any(|(code, ..)| code == "SC2154"));
    assert!(client.shutdown().success());
}

/// A Node app whose `COPY . .` sends `node_modules`, opened by a client with
/// `capabilities`; returns the client, the Dockerfile's URI and the
/// context-bloat quick fix offered (if any).
fn bloat_quick_fix(root: &Path, capabilities: Value) -> (Client, String, Option<Value>) {
    std::fs::create_dir_all(root.join("node_modules/left-pad")).unwrap();
    for i in 0..20 {
        std::fs::write(
            root.join(format!("node_modules/left-pad/f{i}.js")),
            "x".repeat(2000),
        )
        .unwrap();
    }
    std::fs::write(root.join("package.json"), "{}\n").unwrap();
    let text =
        "FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER node\nCMD [\"node\", \"index.js\"]\n";
    std::fs::write(root.join("Dockerfile"), text).unwrap();
    let uri = file_uri(&root.join("Dockerfile"));
    let mut client = Client::start_in(capabilities, json!({ "shellcheck": false }), Some(root));
    client.open(&uri, text);
    let diagnostics =
        diagnostics_where(&mut client, &uri, 1, "context-bloat", has("context-bloat"));
    let bloat = diagnostics
        .iter()
        .find(|d| d["code"] == "context-bloat")
        .unwrap()
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": bloat["range"],
            "context": { "diagnostics": [bloat], "only": ["quickfix"] },
        }),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("(context-bloat, unsafe"))
        })
        .cloned();
    (client, uri, fix)
}

const FULL_EDITS: &str = r#"{ "workspace": { "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] } } }"#;

#[test]
fn the_dockerignore_fix_creates_or_extends_the_file_as_workspace_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let capabilities: Value = serde_json::from_str(FULL_EDITS).unwrap();
    let (client, _, fix) = bloat_quick_fix(root, capabilities.clone());
    let fix = fix.expect("a context-bloat quick fix");
    assert_eq!(fix["isPreferred"], false);
    let ignore_uri = file_uri(&root.join(".dockerignore"));
    let operations = fix["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(operations.len(), 2, "{operations:#?}");
    assert_eq!(operations[0]["kind"], "create");
    assert_eq!(operations[0]["uri"], ignore_uri);
    assert_eq!(operations[0]["options"]["ignoreIfExists"], true);
    assert_eq!(operations[1]["textDocument"]["uri"], ignore_uri);
    let edit = &operations[1]["edits"][0];
    assert_eq!(edit["range"]["start"], position(0, 0));
    assert_eq!(
        edit["newText"],
        "# added by plimsoll (context-bloat)\nnode_modules\n"
    );
    assert!(client.shutdown().success());

    // An existing file without a final newline: the lines go after its end.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".dockerignore"), "# logs\n*.log").unwrap();
    let (client, _, fix) = bloat_quick_fix(root, capabilities);
    let fix = fix.expect("a context-bloat quick fix");
    let operations = fix["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(operations.len(), 1, "{operations:#?}");
    let edit = &operations[0]["edits"][0];
    assert_eq!(
        edit["range"],
        json!({ "start": position(1, 5), "end": position(1, 5) })
    );
    assert_eq!(
        edit["newText"],
        "\n# added by plimsoll (context-bloat)\nnode_modules\n"
    );
    assert!(client.shutdown().success());
}

#[test]
fn the_dockerignore_fix_needs_a_client_that_can_edit_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let (client, _, fix) = bloat_quick_fix(dir.path(), json!({}));
    assert!(fix.is_none(), "{fix:#?}");
    assert!(client.shutdown().success());
    // documentChanges but no `create`: only an existing file can be extended.
    let dir = tempfile::tempdir().unwrap();
    let capabilities = json!({ "workspace": { "workspaceEdit": { "documentChanges": true } } });
    let (client, _, fix) = bloat_quick_fix(dir.path(), capabilities.clone());
    assert!(fix.is_none(), "{fix:#?}");
    assert!(client.shutdown().success());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".dockerignore"), ".git\n").unwrap();
    let (client, _, fix) = bloat_quick_fix(dir.path(), capabilities);
    assert!(fix.is_some());
    assert!(client.shutdown().success());
}

#[test]
fn a_compose_service_names_the_context_when_the_settings_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("docker")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/app.py"), "print(1)\n").unwrap();
    std::fs::write(
        root.join("docker/compose.yaml"),
        "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n",
    )
    .unwrap();
    let text = "FROM python:3.13-slim\nUSER nobody\nCOPY src/app.py src/gone.py /app/\n";
    std::fs::write(root.join("docker/Dockerfile"), text).unwrap();
    let uri = file_uri(&root.join("docker/Dockerfile"));
    // No context setting: the Dockerfile's folder would have neither
    // source and be dropped; the Compose service's context has one.
    let mut client = Client::start_in(json!({}), json!({ "shellcheck": false }), Some(root));
    client.open(&uri, text);
    let diagnostics = diagnostics_where(
        &mut client,
        &uri,
        1,
        "copy-missing-source in the Compose context",
        has("copy-missing-source"),
    );
    let missing: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "copy-missing-source")
        .collect();
    assert_eq!(missing.len(), 1, "{diagnostics:#?}");
    assert_eq!(missing[0]["range"]["start"]["character"], 16);

    // The Compose file goes away: the watcher says so, and the Dockerfile's
    // own folder (which has neither source) is no context: no finding.
    client.forget_received();
    std::fs::remove_file(root.join("docker/compose.yaml")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&root.join("docker/compose.yaml")), "type": 3 }] }),
    );
    diagnostics_where(&mut client, &uri, 1, "no Compose context", |d| {
        !has("copy-missing-source")(d)
    });
    assert!(client.shutdown().success());
}
