//! `cargo run --release -p plimsoll_bench --bin lsp_latency [-- --stdio PATH/TO/plimsoll]`
//!
//! How long an editor waits for diagnostics after a keystroke: a generated
//! 500-line Dockerfile is opened in the language server, then each of 200
//! incremental `didChange` edits is timed until the `publishDiagnostics` for
//! its version arrives. In process (over `Connection::memory()`, with JSON
//! (de)serialization) by default; with `--stdio`, against a `plimsoll server`
//! process over pipes, as editors run it. Prints numbers; asserts nothing.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plimsoll_server::Connection;
use serde_json::{json, Value};

const LINES: usize = 500;
const EDITS: usize = 200;
const URI: &str = "file:///bench/Dockerfile";

/// A realistic multi-stage Dockerfile of exactly `LINES` lines, with findings.
fn dockerfile() -> String {
    let block = |i: usize| {
        format!(
            "FROM debian:12.{i} AS stage{i}\n\
             ARG VERSION=1.{i}\n\
             RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n       curl ca-certificates git \\\n    && rm -rf /var/lib/apt/lists/*\n\
             WORKDIR /app/{i}\n\
             COPY package.json package-lock.json ./\n\
             RUN npm ci --omit=dev\n\
             COPY . .\n\
             ENV NODE_ENV production\n\
             EXPOSE 80{i:02}/tcp\n\
             LABEL org.opencontainers.image.source=\"https://example.org/{i}\"\n\
             USER node\n\
             CMD node server.js --stage {i}\n"
        )
    };
    let mut text = String::from("# syntax=docker/dockerfile:1\n");
    let mut i = 0;
    loop {
        let next = block(i);
        if text.lines().count() + next.lines().count() > LINES {
            break;
        }
        text.push_str(&next);
        i += 1;
    }
    while text.lines().count() < LINES {
        let n = text.lines().count();
        text.push_str(&format!("LABEL pad.{n}=\"x\"\n"));
    }
    text
}

/// One side of the protocol: send a message, receive the next one.
trait Transport {
    fn send(&mut self, message: Value);
    fn recv(&mut self) -> Option<Value>;
}

struct Memory(Connection);

impl Transport for Memory {
    fn send(&mut self, message: Value) {
        let message: lsp_server::Message =
            serde_json::from_value(message).expect("valid LSP message");
        self.0.sender.send(message).expect("server alive");
    }
    fn recv(&mut self) -> Option<Value> {
        let message = self.0.receiver.recv_timeout(Duration::from_secs(30)).ok()?;
        serde_json::to_value(message).ok()
    }
}

struct Stdio_ {
    child: Child,
    stdin: ChildStdin,
    incoming: mpsc::Receiver<Value>,
}

impl Transport for Stdio_ {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }
    fn recv(&mut self) -> Option<Value> {
        self.incoming.recv_timeout(Duration::from_secs(30)).ok()
    }
}

fn spawn_stdio(binary: &str) -> Stdio_ {
    let mut child = Command::new(binary)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("error: {binary}: {e}");
            std::process::exit(2)
        });
    let stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, incoming) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
                return;
            }
            let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                return;
            };
            if sender.send(value).is_err() {
                return;
            }
        }
    });
    Stdio_ {
        child,
        stdin,
        incoming,
    }
}

/// Receive until a message matches; panics after 30 s of silence.
fn wait(transport: &mut dyn Transport, matches: impl Fn(&Value) -> bool) -> Value {
    loop {
        let message = transport.recv().expect("server answered within 30 s");
        if matches(&message) {
            return message;
        }
    }
}

fn diagnostics_for(transport: &mut dyn Transport, version: i64) -> usize {
    let message = wait(transport, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
    });
    message["params"]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

fn run(name: &str, transport: &mut dyn Transport, text: &str) {
    transport.send(json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "processId": null, "rootUri": null, "capabilities": {} },
    }));
    wait(transport, |m| m["id"] == 1);
    transport.send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));

    let start = Instant::now();
    transport.send(json!({
        "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": { "textDocument": { "uri": URI, "languageId": "dockerfile", "version": 1, "text": text } },
    }));
    let found = diagnostics_for(transport, 1);
    let open = start.elapsed();

    // Each edit types one character into a RUN line in the middle of the file
    // (alternately inserting and deleting it), as a keystroke would.
    let line = text
        .lines()
        .enumerate()
        .skip(LINES / 2)
        .find(|(_, l)| l.starts_with("RUN npm ci"))
        .map_or(LINES / 2, |(i, _)| i);
    let mut times = Vec::with_capacity(EDITS);
    for edit in 0..EDITS {
        let version = edit as i64 + 2;
        let change = if edit % 2 == 0 {
            json!({ "range": { "start": { "line": line, "character": 10 }, "end": { "line": line, "character": 10 } }, "text": "x" })
        } else {
            json!({ "range": { "start": { "line": line, "character": 10 }, "end": { "line": line, "character": 11 } }, "text": "" })
        };
        let start = Instant::now();
        transport.send(json!({
            "jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": { "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] },
        }));
        diagnostics_for(transport, version);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{name:<26} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>12}",
        open.as_secs_f64() * 1e3,
        percentile(&times, 0.0),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0),
        found,
    );

    // A burst: 20 keystrokes sent back to back (fast typing, or a paste in
    // pieces). The server should lint far fewer than 20 versions.
    let first = EDITS as i64 + 2;
    let burst = 20;
    let start = Instant::now();
    for k in 0..burst {
        let change = json!({ "range": { "start": { "line": line, "character": 10 }, "end": { "line": line, "character": 10 } }, "text": "y" });
        transport.send(json!({
            "jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": { "textDocument": { "uri": URI, "version": first + k }, "contentChanges": [change] },
        }));
    }
    let last = first + burst - 1;
    let mut published = 0;
    loop {
        let message = transport.recv().expect("server answered within 30 s");
        if message["method"] == "textDocument/publishDiagnostics" {
            published += 1;
            if message["params"]["version"] == last {
                break;
            }
        }
    }
    println!(
        "{:<26} {burst} edits sent at once: last version's diagnostics after {:.2} ms, {published} version(s) linted",
        "",
        start.elapsed().as_secs_f64() * 1e3
    );

    transport.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null }));
    wait(transport, |m| m["id"] == 2);
    transport.send(json!({ "jsonrpc": "2.0", "method": "exit", "params": null }));
}

fn main() {
    let text = dockerfile();
    println!(
        "document: {} lines, {} bytes; {EDITS} incremental edits, each timed until its publishDiagnostics",
        text.lines().count(),
        text.len()
    );
    // What the server cannot avoid: parsing and linting the whole text.
    let settings = plimsoll_linter::Settings::default();
    let mut lint_times: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(plimsoll_linter::lint_source(&text, &settings));
            start.elapsed()
        })
        .collect();
    lint_times.sort();
    println!(
        "library parse + lint alone: min {:.2} ms, p50 {:.2} ms",
        percentile(&lint_times, 0.0),
        percentile(&lint_times, 0.5)
    );
    println!(
        "{:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "transport", "open ms", "min ms", "p50 ms", "p95 ms", "max ms", "diagnostics"
    );

    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || plimsoll_server::run(server));
    run("in process (memory)", &mut Memory(client), &text);
    let _ = thread.join();

    let args: Vec<String> = std::env::args().collect();
    if let Some(binary) = args
        .iter()
        .position(|a| a == "--stdio")
        .and_then(|i| args.get(i + 1))
    {
        let mut transport = spawn_stdio(binary);
        run("plimsoll server (stdio)", &mut transport, &text);
        let _ = transport.child.wait();
    }
}
