//! `plimsoll server` over stdio, driven with JSON-RPC as an editor would:
//! initialize, diagnostics on open and change, hover, code actions, UTF-16
//! positions, pull diagnostics, config discovery and reload, shutdown/exit.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{apply_text_edits, file_uri, Client};

const URI: &str = "file:///nonexistent-plimsoll-test/Dockerfile";

/// An emoji (two UTF-16 units, four bytes) and an accented letter before
/// and inside findings, so byte, character and UTF-16 columns all differ.
const DOC: &str = "FROM alpine:3.20\nLABEL note=\"😀 é\"\nUSER app\nCMD echo 😀 héllo done\n";

fn utf16_len(text: &str) -> u64 {
    text.encode_utf16().count() as u64
}

fn by_code<'a>(diagnostics: &'a [Value], code: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
}

fn range(start: (u64, u64), end: (u64, u64)) -> Value {
    json!({
        "start": { "line": start.0, "character": start.1 },
        "end": { "line": end.0, "character": end.1 },
    })
}

#[test]
fn initialize_announces_capabilities_and_shutdown_exits_cleanly() {
    let client = Client::start(json!({}), Value::Null);
    let caps = &client.initialized["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.plimsoll"])
    );
    assert_eq!(caps["diagnosticProvider"]["identifier"], "plimsoll");
    assert!(caps.get("documentFormattingProvider").is_none());
    assert_eq!(client.initialized["serverInfo"]["name"], "plimsoll");
    assert!(client.shutdown().success());
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut client = Client::start(json!({}), Value::Null);
    client.notify("exit", Value::Null);
    assert!(!client.wait().success());
}

#[test]
fn diagnostics_on_open_have_utf16_ranges() {
    let mut client = Client::start(json!({}), Value::Null);
    client.open(URI, DOC);
    let diagnostics = client.diagnostics(URI, 1);
    let cmd = by_code(&diagnostics, "exec-form-cmd");
    // `echo 😀 héllo done` on line 3, from column 4; its end counts the emoji as 2.
    let args = "echo 😀 héllo done";
    assert_eq!(cmd["range"], range((3, 4), (3, 4 + utf16_len(args))));
    assert_eq!(cmd["source"], "plimsoll");
    assert_eq!(cmd["severity"], 2, "warning");
    assert!(cmd["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/docs/rules/exec-form-cmd.md"));
    assert!(
        diagnostics.iter().all(|d| d["code"] != "non-root-user"),
        "USER is set: {diagnostics:#?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn incremental_changes_after_an_emoji_relint() {
    let mut client = Client::start(json!({}), Value::Null);
    client.open(URI, DOC);
    client.diagnostics(URI, 1);
    // Replace `done` (after the emoji on line 3) with `ok`, and add a legacy
    // ENV line at the top, in one notification: the second range is relative
    // to the text after the first.
    let done_at = utf16_len("CMD echo 😀 héllo ");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [
                { "range": range((3, done_at), (3, done_at + 4)), "text": "ok" },
                { "range": range((1, 0), (1, 0)), "text": "ENV A 1\n" },
            ],
        }),
    );
    let diagnostics = client.diagnostics(URI, 2);
    let cmd = by_code(&diagnostics, "exec-form-cmd");
    assert_eq!(
        cmd["range"],
        range((4, 4), (4, 4 + utf16_len("echo 😀 héllo ok")))
    );
    let env = by_code(&diagnostics, "legacy-key-value-format");
    assert_eq!(env["range"]["start"]["line"], 1);

    // A full-text change replaces everything.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 3 },
            "contentChanges": [{ "text": "FROM alpine:3.20\nUSER app\n" }],
        }),
    );
    assert_eq!(client.diagnostics(URI, 3), Vec::<Value>::new());

    // Closing clears the editor's list.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    let cleared = client.wait_for("diagnostics cleared on close", |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"].is_null()
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]));
    assert!(client.shutdown().success());
}

#[test]
fn hover_shows_rule_docs_on_findings_and_a_reference_on_keywords() {
    let mut client = Client::start(json!({}), Value::Null);
    client.open(URI, DOC);
    client.diagnostics(URI, 1);
    let hover_at = |client: &mut Client, line: u64, character: u64| {
        client.request(
            "textDocument/hover",
            json!({
                "textDocument": { "uri": URI },
                "position": { "line": line, "character": character },
            }),
        )
    };
    // On `done`, after the emoji: inside the exec-form-cmd finding.
    let done_at = utf16_len("CMD echo 😀 héllo ");
    let on_finding = hover_at(&mut client, 3, done_at + 1);
    let text = on_finding["contents"]["value"].as_str().unwrap();
    assert!(text.contains("# exec-form-cmd ("), "{text}");
    assert!(text.contains("## What it does"), "{text}");
    assert_eq!(on_finding["contents"]["kind"], "markdown");
    assert_eq!(
        on_finding["range"]["start"],
        json!({"line": 3, "character": 4})
    );

    let on_keyword = hover_at(&mut client, 2, 1);
    let text = on_keyword["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**USER**"), "{text}");
    assert_eq!(on_keyword["range"], range((2, 0), (2, 4)));

    // Inside the LABEL value, past the emoji: nothing to say.
    assert_eq!(hover_at(&mut client, 1, 14), Value::Null);
    assert!(client.shutdown().success());
}

fn code_actions(client: &mut Client, uri: &str, range: Value, only: Option<Value>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = only;
    }
    client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": context }),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn edits_of<'a>(action: &'a Value, uri: &str) -> &'a [Value] {
    action["edit"]["changes"][uri].as_array().unwrap()
}

fn titled<'a>(actions: &'a [Value], part: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains(part))
        .unwrap_or_else(|| panic!("no action titled *{part}* in {actions:#?}"))
}

#[test]
fn code_actions_fix_disable_and_fix_all() {
    let mut client = Client::start(json!({}), Value::Null);
    let text = format!("{DOC}ENV A 1\n");
    client.open(URI, &text);
    client.diagnostics(URI, 1);

    // The cursor on `done`, after the emoji.
    let done_at = utf16_len("CMD echo 😀 héllo ");
    let actions = code_actions(&mut client, URI, range((3, done_at), (3, done_at)), None);

    let fix = titled(&actions, "(exec-form-cmd)");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "exec-form-cmd");
    let fixed = apply_text_edits(&text, edits_of(fix, URI));
    assert!(
        fixed.contains("CMD [\"echo\", \"😀\", \"héllo\", \"done\"]\n"),
        "{fixed}"
    );

    let disable = titled(&actions, "Disable exec-form-cmd for this line");
    // Silencing is never what a client should apply by default.
    assert_eq!(disable["isPreferred"], false);
    let disabled = apply_text_edits(&text, edits_of(disable, URI));
    assert!(
        disabled.contains("USER app\n# plimsoll ignore=exec-form-cmd\nCMD echo"),
        "{disabled}"
    );

    // Fix all: both the CMD and the ENV line, in one edit.
    let fix_all = titled(&actions, "Fix all plimsoll problems");
    assert_eq!(fix_all["kind"], "source.fixAll.plimsoll");
    let all_fixed = apply_text_edits(&text, edits_of(fix_all, URI));
    assert!(
        all_fixed.ends_with("CMD [\"echo\", \"😀\", \"héllo\", \"done\"]\nENV A=1\n"),
        "{all_fixed}"
    );

    // Asking only for source.fixAll gives just that one.
    let only = code_actions(
        &mut client,
        URI,
        range((0, 0), (0, 0)),
        Some(json!(["source.fixAll"])),
    );
    assert_eq!(only.len(), 1, "{only:#?}");
    assert_eq!(only[0]["kind"], "source.fixAll.plimsoll");

    // The disable comment, once applied, silences the finding; a second
    // rule on the same instruction is added to the same comment.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "text": disabled }],
        }),
    );
    let after = client.diagnostics(URI, 2);
    assert!(
        after.iter().all(|d| d["code"] != "exec-form-cmd"),
        "{after:#?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn disable_adds_to_an_existing_comment_and_keeps_indentation() {
    let mut client = Client::start(json!({}), json!({ "select": ["all"] }));
    let uri = "file:///nonexistent-plimsoll-test/indented/Dockerfile";
    let text = "FROM alpine:3.20\nUSER app\nONBUILD RUN true\n  # plimsoll ignore=exec-form-cmd\n  CMD echo hi\n  MAINTAINER me\n";
    client.open(uri, text);
    let diagnostics = client.diagnostics(uri, 1);
    let maintainer = by_code(&diagnostics, "maintainer-deprecated");
    let start = maintainer["range"]["start"].clone();
    let actions = code_actions(
        &mut client,
        uri,
        json!({ "start": start, "end": start }),
        Some(json!(["quickfix"])),
    );
    let disable = titled(&actions, "Disable maintainer-deprecated");
    let result = apply_text_edits(text, edits_of(disable, uri));
    assert!(
        result.ends_with(
            "  CMD echo hi\n  # plimsoll ignore=maintainer-deprecated\n  MAINTAINER me\n"
        ),
        "{result}"
    );

    // Hover on the keyword of an ONBUILD trigger describes the trigger.
    let trigger = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 9 } }),
    );
    let text = trigger["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**RUN**"), "{text}");
    assert_eq!(trigger["range"], range((2, 8), (2, 11)));
    assert!(client.shutdown().success());
}

#[test]
fn pull_diagnostics_answer_full_then_unchanged() {
    let capabilities =
        json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    let mut client = Client::start(capabilities, Value::Null);
    client.open(URI, DOC);
    let request = |client: &mut Client, previous: Option<&str>| {
        client.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": URI }, "previousResultId": previous }),
        )
    };
    let full = request(&mut client, None);
    assert_eq!(full["kind"], "full");
    by_code(full["items"].as_array().unwrap(), "exec-form-cmd");
    let result_id = full["resultId"].as_str().unwrap().to_string();
    let unchanged = request(&mut client, Some(&result_id));
    assert_eq!(
        unchanged,
        json!({ "kind": "unchanged", "resultId": result_id })
    );
    // A client that pulls gets nothing pushed.
    assert!(!client.saw_within(Duration::from_millis(200), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    }));
    assert!(client.shutdown().success());
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let capabilities = json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } });
    let mut client = Client::start(capabilities, Value::Null);
    assert_eq!(
        client.initialized["capabilities"]["positionEncoding"],
        "utf-8"
    );
    client.open(URI, DOC);
    let diagnostics = client.diagnostics(URI, 1);
    let args = "echo 😀 héllo done";
    assert_eq!(
        by_code(&diagnostics, "exec-form-cmd")["range"],
        range((3, 4), (3, 4 + args.len() as u64))
    );
    assert!(client.shutdown().success());
}

#[test]
fn config_files_are_discovered_and_reloaded_when_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("plimsoll.toml");
    std::fs::write(&config, "ignore = [\"exec-form-cmd\"]\n").unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    let uri = file_uri(&dir.path().join("app/Dockerfile"));
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = Client::start_in(
        capabilities,
        json!({ "ignore": ["legacy-key-value-format"] }),
        Some(dir.path()),
    );
    // The server asks to watch config files.
    let registration = client.wait_for("client/registerCapability", |m| {
        m["method"] == "client/registerCapability"
    });
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        watchers.to_string().contains("**/plimsoll.toml"),
        "{watchers}"
    );

    let text = format!("{DOC}ENV A 1\n");
    client.open(&uri, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "exec-form-cmd"),
        "config ignores it: {diagnostics:#?}"
    );
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "legacy-key-value-format"),
        "editor ignores it"
    );

    std::fs::write(&config, "severity = { exec-form-cmd = \"error\" }\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&config), "type": 2 }] }),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(
        by_code(&diagnostics, "exec-form-cmd")["severity"],
        1,
        "error now"
    );

    // Settings from the editor can change at run time too.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "plimsoll": { "ignore": [] } } }),
    );
    let diagnostics = client.diagnostics(&uri, 1);
    by_code(&diagnostics, "legacy-key-value-format");

    // A broken config is shown to the user, and linting goes on without it.
    std::fs::write(&config, "select = 3\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&config), "type": 2 }] }),
    );
    let shown = client.wait_for("window/showMessage", |m| {
        m["method"] == "window/showMessage"
    });
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(message.contains("plimsoll.toml:1"), "{message}");
    let diagnostics = client.diagnostics(&uri, 1);
    by_code(&diagnostics, "exec-form-cmd");
    assert!(client.shutdown().success());
}

#[test]
fn a_config_that_disables_pragmas_gets_no_disable_action() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plimsoll.toml"),
        "disable-ignore-pragma = true\n",
    )
    .unwrap();
    let uri = file_uri(&dir.path().join("Dockerfile"));
    let mut client = Client::start_in(json!({}), Value::Null, Some(dir.path()));
    let text = "FROM alpine:3.20\nUSER app\n# plimsoll ignore=exec-form-cmd\nCMD echo hi\n";
    client.open(&uri, text);
    let diagnostics = client.diagnostics(&uri, 1);
    by_code(&diagnostics, "exec-form-cmd");
    let actions = code_actions(&mut client, &uri, range((3, 0), (3, 11)), None);
    assert!(
        actions
            .iter()
            .all(|a| !a["title"].as_str().unwrap().starts_with("Disable")),
        "{actions:#?}"
    );
    // The quick fix itself is still there.
    titled(&actions, "(exec-form-cmd");
    assert!(client.shutdown().success());
}

#[test]
fn requests_for_unknown_documents_and_methods_do_not_break_the_server() {
    let mut client = Client::start(json!({}), Value::Null);
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///not/open" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(hover, Value::Null);
    let formatting = client.request_raw(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert_eq!(formatting["error"]["code"], -32601, "method not found");
    let bad = client.request_raw("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(bad["error"]["code"], -32602, "invalid params");
    // Positions far outside the text clamp.
    client.open(URI, "FROM alpine:3.20\nUSER app\nCMD x\n");
    client.diagnostics(URI, 1);
    let actions = code_actions(&mut client, URI, range((99, 99), (120, 0)), None);
    assert!(
        actions.iter().all(|a| a["kind"] != "quickfix"),
        "{actions:#?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn unsaved_buffers_take_the_config_of_the_workspace_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".hadolint.yaml"), "ignored:\n  - DL3025\n").unwrap();
    let mut client = Client::start_in(json!({}), Value::Null, Some(dir.path()));
    let untitled = "untitled:Untitled-1";
    client.open(untitled, DOC);
    let diagnostics = client.diagnostics(untitled, 1);
    // DL3025 is hadolint's code for exec-form-cmd (and exec-form-entrypoint).
    assert!(
        diagnostics.iter().all(|d| d["code"] != "exec-form-cmd"),
        "{diagnostics:#?}"
    );
    // The hover and the code actions work on it too.
    let actions = code_actions(&mut client, untitled, range((0, 0), (9, 0)), None);
    assert!(
        actions
            .iter()
            .all(|a| a["kind"] != "source.fixAll.plimsoll"),
        "{actions:#?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn unsafe_fixes_are_offered_one_by_one_and_in_fix_all_only_when_enabled() {
    let text = "FROM alpine:3.20\nUSER nobody\nENTRYPOINT app --port $PORT\nENV A 1\n";
    let whole = range((0, 0), (4, 0));
    for (options, entrypoint_fixed) in
        [(Value::Null, false), (json!({ "unsafeFixes": true }), true)]
    {
        let mut client = Client::start(json!({}), options);
        client.open(URI, text);
        client.diagnostics(URI, 1);
        let actions = code_actions(&mut client, URI, whole.clone(), None);
        let unsafe_fix = titled(&actions, "(exec-form-entrypoint, unsafe");
        assert_eq!(unsafe_fix["isPreferred"], false);
        let all = apply_text_edits(text, edits_of(titled(&actions, "Fix all"), URI));
        assert!(all.contains("ENV A=1\n"), "{all}");
        assert_eq!(
            all.contains("ENTRYPOINT [\"/bin/sh\", \"-c\", \"exec app --port $PORT\"]"),
            entrypoint_fixed,
            "{all}"
        );
        assert!(client.shutdown().success());
    }
}

#[test]
fn cancelled_requests_are_answered_as_cancelled_or_normally() {
    let mut client = Client::start(json!({}), Value::Null);
    client.open(URI, DOC);
    // Cancel a request the moment it is sent: it is either still queued
    // (answered -32800) or already answered; either way exactly one reply.
    for id_offset in 0..5 {
        client.send(&json!({
            "jsonrpc": "2.0", "id": 1000 + id_offset, "method": "textDocument/hover",
            "params": { "textDocument": { "uri": URI }, "position": { "line": 2, "character": 1 } },
        }));
        client.notify("$/cancelRequest", json!({ "id": 1000 + id_offset }));
    }
    for id_offset in 0..5 {
        let reply = client.wait_for("hover reply", |m| m["id"] == 1000 + id_offset);
        let cancelled = reply["error"]["code"] == -32800;
        let answered = reply["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("**USER**"));
        assert!(cancelled || answered, "{reply}");
    }
    // Cancelling something long answered, or never sent, is harmless.
    client.notify("$/cancelRequest", json!({ "id": 1000 }));
    client.notify("$/cancelRequest", json!({ "id": "nope" }));
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": URI }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**FROM**"));
    assert!(client.shutdown().success());
}

#[test]
fn disable_comment_keeps_crlf_line_endings() {
    let mut client = Client::start(json!({}), Value::Null);
    let text = "FROM alpine:3.20\r\nUSER app\r\nCMD echo hi\r\n";
    client.open(URI, text);
    let diagnostics = client.diagnostics(URI, 1);
    let start = by_code(&diagnostics, "exec-form-cmd")["range"]["start"].clone();
    assert_eq!(start, json!({ "line": 2, "character": 4 }));
    let actions = code_actions(
        &mut client,
        URI,
        json!({ "start": start, "end": start }),
        None,
    );
    let disable = titled(&actions, "Disable exec-form-cmd");
    assert_eq!(
        apply_text_edits(text, edits_of(disable, URI)),
        "FROM alpine:3.20\r\nUSER app\r\n# plimsoll ignore=exec-form-cmd\r\nCMD echo hi\r\n"
    );
    assert!(client.shutdown().success());
}
