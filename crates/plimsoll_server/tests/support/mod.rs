//! A minimal LSP client for tests: spawns `plimsoll server`, frames JSON-RPC
//! over its standard input/output, and waits (with a deadline) for answers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const DEADLINE: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications and requests from the server not consumed yet.
    backlog: Vec<Value>,
    next_id: i64,
    /// The `initialize` result.
    pub initialized: Value,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Start the server and complete `initialize`/`initialized`.
    pub fn start(capabilities: Value, initialization_options: Value) -> Client {
        Client::start_in(capabilities, initialization_options, None)
    }

    pub fn start_in(
        capabilities: Value,
        initialization_options: Value,
        root: Option<&std::path::Path>,
    ) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start plimsoll server");
        let stdout = child.stdout.take().expect("server stdout");
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut client = Client {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            next_id: 0,
            initialized: Value::Null,
        };
        let folders = root.map(|r| json!([{ "uri": file_uri(r), "name": "root" }]));
        client.initialized = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root.map(file_uri),
                "workspaceFolders": folders,
                "capabilities": capabilities,
                "initializationOptions": initialization_options,
            }),
        );
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("server stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to server");
        stdin.flush().expect("flush to server");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Send a request and return its whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    /// Send a request and return its `result` (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The next message matching `matches`, from the backlog or the wire.
    pub fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(index);
        }
        let start = Instant::now();
        loop {
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    // Answer the server's own requests (capability registration).
                    if message.get("id").is_some() && message.get("method").is_some() {
                        let id = message["id"].clone();
                        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                    }
                    if matches(&message) {
                        return message;
                    }
                    self.backlog.push(message);
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; got {:#?}", self.backlog)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "server hung up while waiting for {what}; got {:#?}",
                        self.backlog
                    )
                }
            }
        }
    }

    /// The next `publishDiagnostics` for `uri` with this version.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Has the server sent a message matching `matches` within `wait`?
    pub fn saw_within(&mut self, wait: Duration, matches: impl Fn(&Value) -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < wait {
            if self.backlog.iter().any(&matches) {
                return true;
            }
            if let Ok(message) = self.incoming.recv_timeout(Duration::from_millis(20)) {
                self.backlog.push(message);
            }
        }
        self.backlog.iter().any(&matches)
    }

    /// Forget every message received so far (after taking in what is on the
    /// wire), so that a later `wait_for` sees only what comes after.
    pub fn forget_received(&mut self) {
        self.saw_within(Duration::from_millis(200), |_| false);
        self.backlog.clear();
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "dockerfile", "version": 1, "text": text,
            }}),
        );
    }

    /// `shutdown`, `exit`, and the server's exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Close the server's input and wait for it to end.
    pub fn wait(mut self) -> ExitStatus {
        self.stdin = None;
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for server") {
                return status;
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn file_uri(path: &std::path::Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// Byte offset of a 0-based line and UTF-16 column (the test's own, independent count).
pub fn utf16_offset(text: &str, line: u64, character: u64) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i as u64 == line {
            let mut units = 0;
            for (byte, c) in l.char_indices() {
                if units >= character {
                    return offset + byte;
                }
                units += c.len_utf16() as u64;
            }
            return offset + l.len();
        }
        offset += l.len();
    }
    text.len()
}

/// Apply LSP `TextEdit`s (UTF-16 ranges) to `text`, last first.
pub fn apply_text_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let r = &e["range"];
            let start = utf16_offset(
                text,
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
            );
            let end = utf16_offset(
                text,
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
            );
            (start, end, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}
