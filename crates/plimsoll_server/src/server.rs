//! The message loop and the lint worker.
//!
//! The loop owns the documents and the settings and does only quick work:
//! applying edits, looking up config files (cached), queueing jobs. Linting,
//! code actions, hover and pull diagnostics run in order on one worker thread,
//! which answers the client directly. A queued push job whose document has
//! moved on by the time it runs is skipped, so a burst of keystrokes is linted
//! once.
//!
//! The slow checks (ShellCheck, the build context walk) run on a third
//! thread, on open, save and settings changes (see `slow`). Their results go
//! to the lint worker as a job, which keeps them for the document and lints
//! again; a slow check overtaken by a newer one for the same document is
//! skipped or its result dropped.

use std::collections::HashMap;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles,
    DidChangeWorkspaceFolders, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogMessage, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, HoverRequest, RegisterCapability, Request as _,
    WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    CancelParams, ClientCapabilities, CodeActionParams, DidChangeConfigurationParams,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, HoverParams, InitializeParams, LogMessageParams, MessageType,
    NumberOrString, PublishDiagnosticsParams, RelatedFullDocumentDiagnosticReport,
    RelatedUnchangedDocumentDiagnosticReport, ShowMessageParams, UnchangedDocumentDiagnosticReport,
    Uri,
};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::actions::{code_actions, ClientEdits, SOURCE_FIX_ALL_PLIMSOLL};
use crate::analysis::{Analysis, Snapshot};
use crate::document::Document;
use crate::hover::hover;
use crate::position::Encoding;
use crate::slow::{Extras, SlowWorker};
use crate::workspace::{
    is_compose_file, is_config_file, is_ignore_file, uri_to_path, EditorSettings, Notice, Profile,
    Workspace,
};

/// Serve one client over `connection` until it says `shutdown` then `exit`.
pub fn run(connection: Connection) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("language server: initialize: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params)
        .map_err(|e| format!("language server: bad initialize request: {e}"))?;
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let result = json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "plimsoll", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("language server: initialize: {e}"))?;

    let mut server = Server::new(connection.sender.clone(), params, encoding);
    // `initialize_finish` has consumed the `initialized` notification.
    server.register_watchers();
    let outcome = server.serve(&connection.receiver);
    server.stop_worker();
    outcome
}

fn capabilities(encoding: Encoding) -> serde_json::Value {
    json!({
        "positionEncoding": encoding.kind(),
        // Open/close and incremental changes; saves start the slow checks.
        "textDocumentSync": {
            "openClose": true,
            "change": 2,
            "save": { "includeText": false },
        },
        "hoverProvider": true,
        "codeActionProvider": {
            "codeActionKinds": ["quickfix", SOURCE_FIX_ALL_PLIMSOLL],
            "resolveProvider": false,
        },
        "diagnosticProvider": {
            "identifier": "plimsoll",
            "interFileDependencies": false,
            "workspaceDiagnostics": false,
        },
        "workspace": {
            "workspaceFolders": { "supported": true, "changeNotifications": true },
        },
    })
}

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// LSP's code for a request the client cancelled before it was answered.
const REQUEST_CANCELLED: i32 = -32800;

/// Requests queued on the worker, each with whether the client cancelled it.
type Pending = Arc<Mutex<HashMap<RequestId, bool>>>;

/// State that lives on the worker thread.
struct Worker {
    sender: Sender<Message>,
    encoding: Encoding,
    /// The latest analysis of each document, reused while text, settings and
    /// slow check results are the same.
    cache: HashMap<Uri, Arc<Analysis>>,
    /// The latest slow check results of each open document.
    extras: HashMap<Uri, Extras>,
    /// The generation given to the last slow check results taken.
    extras_generation: u64,
    /// Diagnostics are pulled: new slow results ask the client to pull again.
    pull: bool,
    /// The client can be asked to pull again (`workspace/diagnostic/refresh`).
    refresh: bool,
    next_request: u64,
    /// `shutdown` was answered: nothing more is sent.
    closed: bool,
}

impl Worker {
    fn analysis(&mut self, snapshot: Snapshot) -> Arc<Analysis> {
        let extras = self.extras.get_mut(&snapshot.uri);
        let generation = extras.as_ref().map_or(0, |e| e.generation);
        if let Some(cached) = self.cache.get(&snapshot.uri) {
            if Arc::ptr_eq(&cached.snapshot.text, &snapshot.text)
                && Arc::ptr_eq(&cached.snapshot.profile, &snapshot.profile)
                && cached.extras == generation
            {
                return cached.clone();
            }
        }
        let analysis = Arc::new(Analysis::new(snapshot, extras));
        self.cache
            .insert(analysis.snapshot.uri.clone(), analysis.clone());
        analysis
    }

    /// Keep the results of a slow check of `uri` and show them: lint the
    /// latest text linted again (push), or ask the client to pull (pull).
    fn take_extras(&mut self, uri: Uri, mut extras: Extras, open: OpenHandles) {
        if self.closed || open.latest.load(Ordering::SeqCst) == i32::MIN {
            return;
        }
        // Nothing found now nor before (no ShellCheck, no context): nothing to redo.
        if extras.is_empty() && self.extras.get(&uri).is_none_or(Extras::is_empty) {
            return;
        }
        self.extras_generation += 1;
        extras.generation = self.extras_generation;
        self.extras.insert(uri.clone(), extras);
        open.extras.store(self.extras_generation, Ordering::SeqCst);
        if self.pull {
            if self.refresh {
                self.next_request += 1;
                let id = RequestId::from(format!("plimsoll-worker-{}", self.next_request));
                let _ = self.sender.send(
                    Request::new(
                        id,
                        WorkspaceDiagnosticRefresh::METHOD.to_string(),
                        serde_json::Value::Null,
                    )
                    .into(),
                );
            }
            return;
        }
        let Some(before) = self.cache.get(&uri).cloned() else {
            return;
        };
        // A newer version is queued: its own job uses these results.
        if open.latest.load(Ordering::SeqCst) != before.snapshot.version {
            return;
        }
        let version = before.snapshot.version;
        let encoding = self.encoding;
        let analysis = self.analysis(before.snapshot.clone());
        let diagnostics = analysis.lsp_diagnostics(encoding);
        // The editor has these already.
        if diagnostics != before.lsp_diagnostics(encoding) {
            self.publish(uri, Some(version), diagnostics);
        }
    }

    fn publish(&self, uri: Uri, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let _ = self.sender.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )));
    }
}

/// Run the loop's jobs and the slow thread's results in order of arrival,
/// until the loop hangs up (the slow thread may still be busy: it is not waited for).
fn run_worker(jobs: Receiver<Job>, results: Receiver<Job>, mut worker: Worker) {
    let mut results = results;
    loop {
        let job = crossbeam_channel::select! {
            recv(jobs) -> job => match job {
                Ok(job) => job,
                Err(_) => return,
            },
            recv(results) -> job => match job {
                Ok(job) => job,
                Err(_) => {
                    results = crossbeam_channel::never();
                    continue;
                }
            },
        };
        // A bug in a rule must not take the editor's linter down with it.
        if catch_unwind(AssertUnwindSafe(|| job(&mut worker))).is_err() {
            eprintln!("plimsoll server: a job panicked; carrying on");
        }
    }
}

type SlowJob = Box<dyn FnOnce(&mut Slow) + Send>;

/// State that lives on the slow thread. It holds no sender of the
/// connection: everything goes through the lint worker, so that a check still
/// running when the editor leaves does not keep the connection open.
struct Slow {
    checks: SlowWorker,
    /// Where results and messages go: the lint worker.
    results: Sender<Job>,
    /// Messages already shown, so that each is shown once.
    shown: HashSet<String>,
}

impl Slow {
    fn tell(&mut self, text: String, kind: MessageType, show: bool) {
        if !self.shown.insert(text.clone()) {
            return;
        }
        let _ = self.results.send(Box::new(move |w: &mut Worker| {
            if w.closed {
                return;
            }
            if show {
                let _ = w.sender.send(
                    Notification::new(
                        ShowMessage::METHOD.into(),
                        ShowMessageParams {
                            typ: kind,
                            message: text.clone(),
                        },
                    )
                    .into(),
                );
            }
            let _ = w.sender.send(
                Notification::new(
                    LogMessage::METHOD.into(),
                    LogMessageParams {
                        typ: kind,
                        message: text,
                    },
                )
                .into(),
            );
        }));
    }
}

fn run_slow(jobs: Receiver<SlowJob>, mut slow: Slow) {
    for job in jobs {
        if catch_unwind(AssertUnwindSafe(|| job(&mut slow))).is_err() {
            eprintln!("plimsoll server: a slow check panicked; carrying on");
        }
    }
}

/// What a slow check needs to know about its document as it is now.
#[derive(Clone)]
struct OpenHandles {
    latest: Arc<AtomicI32>,
    /// The newest slow check asked for; older ones are skipped.
    checks: Arc<AtomicU64>,
    /// The generation of the slow results the worker has (pull result ids).
    extras: Arc<AtomicU64>,
}

/// An open document and the version its newest push job must match.
struct Open {
    document: Document,
    latest: Arc<AtomicI32>,
    /// Distinguishes one opening of a URI from the next (pull result ids).
    serial: u64,
    /// The settings for it; recomputed when settings or config files change.
    profile: Arc<Profile>,
    /// Shared with jobs: `latest` (above), the newest slow check, the slow results taken.
    handles: OpenHandles,
}

struct Server {
    sender: Sender<Message>,
    jobs: Option<Sender<Job>>,
    worker: Option<JoinHandle<()>>,
    slow: Option<Sender<SlowJob>>,
    encoding: Encoding,
    capabilities: ClientCapabilities,
    /// The client pulls diagnostics (`textDocument/diagnostic`), so none are pushed.
    pull: bool,
    workspace: Workspace,
    documents: HashMap<Uri, Open>,
    serial: u64,
    next_request: u64,
    shutting_down: bool,
    pending: Pending,
}

impl Server {
    fn new(sender: Sender<Message>, params: InitializeParams, encoding: Encoding) -> Server {
        let (jobs, receiver) = crossbeam_channel::unbounded::<Job>();
        let (results, results_receiver) = crossbeam_channel::unbounded::<Job>();
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostic.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let worker_state = Worker {
            sender: sender.clone(),
            encoding,
            cache: HashMap::new(),
            extras: HashMap::new(),
            extras_generation: 0,
            pull,
            refresh,
            next_request: 0,
            closed: false,
        };
        let worker = std::thread::Builder::new()
            .name("plimsoll-lint".into())
            .spawn(move || run_worker(receiver, results_receiver, worker_state))
            .ok();
        let (slow_jobs, slow_receiver) = crossbeam_channel::unbounded::<SlowJob>();
        let slow_state = Slow {
            checks: SlowWorker::default(),
            results,
            shown: HashSet::new(),
        };
        // Not joined: a slow `shellcheck` must not hold up `exit`.
        let slow = std::thread::Builder::new()
            .name("plimsoll-slow".into())
            .spawn(move || run_slow(slow_receiver, slow_state))
            .ok()
            .map(|_| slow_jobs);
        #[allow(deprecated)]
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_to_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(params.root_uri.as_ref().and_then(uri_to_path));
        }
        let mut server = Server {
            sender,
            jobs: Some(jobs),
            worker,
            slow,
            encoding,
            capabilities: params.capabilities,
            pull,
            workspace: Workspace::new(folders, EditorSettings::default()),
            documents: HashMap::new(),
            serial: 0,
            next_request: 0,
            shutting_down: false,
            pending: Pending::default(),
        };
        if let Some(options) = &params.initialization_options {
            server.take_editor_settings(options);
        }
        server
    }

    fn serve(&mut self, receiver: &Receiver<Message>) -> Result<(), String> {
        for message in receiver {
            match message {
                Message::Request(request) => self.on_request(request),
                Message::Notification(notification) => {
                    if notification.method == "exit" {
                        return if self.shutting_down {
                            Ok(())
                        } else {
                            Err("language server: exit before shutdown".into())
                        };
                    }
                    self.on_notification(notification);
                }
                // Answers to our own requests (capability registration, refresh).
                Message::Response(_) => {}
            }
        }
        Err("language server: the client closed the connection without exit".into())
    }

    fn stop_worker(&mut self) {
        self.slow = None;
        self.jobs = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }

    fn send(&self, message: impl Into<Message>) {
        let _ = self.sender.send(message.into());
    }

    fn queue(&self, job: impl FnOnce(&mut Worker) + Send + 'static) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Box::new(job));
        }
    }

    fn queue_slow(&self, job: impl FnOnce(&mut Slow) + Send + 'static) {
        if let Some(slow) = &self.slow {
            let _ = slow.send(Box::new(job));
        }
    }

    fn notify_user(&self, notices: Vec<Notice>) {
        for notice in notices {
            if notice.show {
                self.send(Notification::new(
                    ShowMessage::METHOD.into(),
                    ShowMessageParams {
                        typ: notice.kind,
                        message: notice.text.clone(),
                    },
                ));
            }
            self.send(Notification::new(
                LogMessage::METHOD.into(),
                LogMessageParams {
                    typ: notice.kind,
                    message: notice.text,
                },
            ));
        }
    }

    fn request_client(&mut self, method: &str, params: serde_json::Value) {
        self.next_request += 1;
        let id = RequestId::from(format!("plimsoll-{}", self.next_request));
        self.send(Request::new(id, method.to_string(), params));
    }

    // ----- requests -----

    fn on_request(&mut self, request: Request) {
        if self.shutting_down {
            self.send(Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                // Answer after the jobs queued so far, so nothing is sent after the reply.
                let id = request.id;
                self.queue(move |w| {
                    w.closed = true;
                    let _ = w.sender.send(Response::new_ok(id, ()).into());
                });
            }
            HoverRequest::METHOD => self.document_request::<HoverParams, _>(
                request,
                |p| p.text_document_position_params.text_document.uri.clone(),
                |analysis, params, encoding| {
                    let position = params.text_document_position_params.position;
                    let offset =
                        analysis
                            .snapshot
                            .lines
                            .offset(position, analysis.text(), encoding);
                    serde_json::to_value(hover(analysis, offset, encoding))
                },
            ),
            CodeActionRequest::METHOD => {
                let client = self.client_edits();
                self.document_request::<CodeActionParams, _>(
                    request,
                    |p| p.text_document.uri.clone(),
                    move |analysis, params, encoding| {
                        serde_json::to_value(code_actions(analysis, &params, encoding, client))
                    },
                )
            }
            DocumentDiagnosticRequest::METHOD => self.pull_diagnostics(request),
            _ => self.send(Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("plimsoll does not handle {}", request.method),
            )),
        }
    }

    /// What the client's workspace edits can do besides editing one document.
    fn client_edits(&self) -> ClientEdits {
        let edit = self
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref());
        ClientEdits {
            document_changes: edit.and_then(|e| e.document_changes).unwrap_or(false),
            create_files: edit
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&lsp_types::ResourceOperationKind::Create)),
        }
    }

    /// Answer a request about one document on the worker; `null` for a
    /// document that is not open.
    fn document_request<P, F>(&mut self, request: Request, uri: impl Fn(&P) -> Uri, answer: F)
    where
        P: DeserializeOwned + Send + 'static,
        F: FnOnce(&Analysis, P, Encoding) -> serde_json::Result<serde_json::Value> + Send + 'static,
    {
        let Some((id, params)) = self.parse_params::<P>(request) else {
            return;
        };
        let Some(snapshot) = self.snapshot(&uri(&params)) else {
            self.send(Response::new_ok(id, serde_json::Value::Null));
            return;
        };
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(id.clone(), false);
        }
        let pending = self.pending.clone();
        self.queue(move |w| {
            // A request the client gave up on while it waited is not worked on.
            let cancelled = pending
                .lock()
                .ok()
                .and_then(|mut p| p.remove(&id))
                .unwrap_or(false);
            if cancelled {
                let response =
                    Response::new_err(id, REQUEST_CANCELLED, "cancelled by the client".into());
                let _ = w.sender.send(response.into());
                return;
            }
            let encoding = w.encoding;
            let response = catch_unwind(AssertUnwindSafe(|| {
                let analysis = w.analysis(snapshot);
                answer(&analysis, params, encoding)
            }));
            let response = match response {
                Ok(Ok(value)) => Response::new_ok(id, value),
                Ok(Err(e)) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
                Err(_) => Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    "plimsoll failed on this document (a bug: please report it)".into(),
                ),
            };
            let _ = w.sender.send(response.into());
        });
    }

    fn parse_params<P: DeserializeOwned>(&self, request: Request) -> Option<(RequestId, P)> {
        let id = request.id.clone();
        match serde_json::from_value(request.params) {
            Ok(params) => Some((id, params)),
            Err(e) => {
                self.send(Response::new_err(
                    id,
                    ErrorCode::InvalidParams as i32,
                    format!("{}: {e}", request.method),
                ));
                None
            }
        }
    }

    fn pull_diagnostics(&mut self, request: Request) {
        let Some((id, params)) = self.parse_params::<DocumentDiagnosticParams>(request) else {
            return;
        };
        let uri = params.text_document.uri;
        let Some(snapshot) = self.snapshot(&uri) else {
            let empty = full_report(None, Vec::new());
            self.send(Response::new_ok(id, empty));
            return;
        };
        let (serial, extras) = self.documents.get(&uri).map_or((0, 0), |d| {
            (d.serial, d.handles.extras.load(Ordering::SeqCst))
        });
        let result_id = format!(
            "{}.{serial}.{}.{extras}",
            snapshot.profile.generation, snapshot.version
        );
        if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
            let unchanged = DocumentDiagnosticReportResult::Report(
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id,
                    },
                }),
            );
            self.send(Response::new_ok(id, unchanged));
            return;
        }
        self.queue(move |w| {
            let encoding = w.encoding;
            let analysis = w.analysis(snapshot);
            let report = full_report(Some(result_id), analysis.lsp_diagnostics(encoding));
            let _ = w.sender.send(Response::new_ok(id, report).into());
        });
    }

    // ----- notifications -----

    fn on_notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Some(p) = self.parse_notification::<DidOpenTextDocumentParams>(notification)
                {
                    let doc = p.text_document;
                    self.serial += 1;
                    let (profile, notices) = self.workspace.profile_for(&doc.uri);
                    self.notify_user(notices);
                    let latest = Arc::new(AtomicI32::new(doc.version));
                    let open = Open {
                        document: Document::new(doc.text, doc.version),
                        latest: latest.clone(),
                        serial: self.serial,
                        profile,
                        handles: OpenHandles {
                            latest,
                            checks: Arc::default(),
                            extras: Arc::default(),
                        },
                    };
                    self.documents.insert(doc.uri.clone(), open);
                    self.lint(&doc.uri);
                    self.check_slowly(&doc.uri, false);
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Some(p) = self.parse_notification::<DidSaveTextDocumentParams>(notification)
                {
                    // The folder may have changed since the last walk.
                    self.check_slowly(&p.text_document.uri, true);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(p) =
                    self.parse_notification::<DidChangeTextDocumentParams>(notification)
                {
                    let uri = p.text_document.uri;
                    if let Some(open) = self.documents.get_mut(&uri) {
                        let version = p.text_document.version;
                        open.document
                            .apply_changes(p.content_changes, version, self.encoding);
                        open.latest.store(version, Ordering::SeqCst);
                        self.lint(&uri);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(p) = self.parse_notification::<DidCloseTextDocumentParams>(notification)
                {
                    let uri = p.text_document.uri;
                    if let Some(open) = self.documents.remove(&uri) {
                        // Queued jobs for it see the sentinels and do nothing.
                        open.latest.store(i32::MIN, Ordering::SeqCst);
                        open.handles.checks.store(u64::MAX, Ordering::SeqCst);
                        let pull = self.pull;
                        self.queue(move |w| {
                            w.cache.remove(&uri);
                            w.extras.remove(&uri);
                            if !pull {
                                w.publish(uri, None, Vec::new());
                            }
                        });
                    }
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Some(p) =
                    self.parse_notification::<DidChangeWatchedFilesParams>(notification)
                {
                    if p.changes.iter().any(|c| is_config_file(&c.uri)) {
                        self.workspace.reload_configs();
                        self.relint_all();
                    } else if p
                        .changes
                        .iter()
                        .any(|c| is_ignore_file(&c.uri) || is_compose_file(&c.uri))
                    {
                        // What each context sends, or which folder is the
                        // context, may have changed: walk again.
                        self.queue_slow(|s| s.checks.forget_walks());
                        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
                        for uri in &uris {
                            self.check_slowly(uri, false);
                        }
                    }
                }
            }
            DidChangeConfiguration::METHOD => {
                if let Some(p) =
                    self.parse_notification::<DidChangeConfigurationParams>(notification)
                {
                    if self.take_editor_settings(&p.settings) {
                        self.relint_all();
                    }
                }
            }
            DidChangeWorkspaceFolders::METHOD => {
                if let Some(p) =
                    self.parse_notification::<DidChangeWorkspaceFoldersParams>(notification)
                {
                    let removed: Vec<PathBuf> = p
                        .event
                        .removed
                        .iter()
                        .filter_map(|f| uri_to_path(&f.uri))
                        .collect();
                    let mut folders: Vec<PathBuf> = self
                        .workspace
                        .folders
                        .iter()
                        .filter(|f| !removed.contains(f))
                        .cloned()
                        .collect();
                    folders.extend(p.event.added.iter().filter_map(|f| uri_to_path(&f.uri)));
                    self.workspace.set_folders(folders);
                }
            }
            "$/cancelRequest" => {
                if let Some(p) = self.parse_notification::<CancelParams>(notification) {
                    let id = match p.id {
                        NumberOrString::Number(n) => RequestId::from(n),
                        NumberOrString::String(s) => RequestId::from(s),
                    };
                    if let Ok(mut pending) = self.pending.lock() {
                        // Only requests still waiting; answered ones are gone from the map.
                        if let Some(cancelled) = pending.get_mut(&id) {
                            *cancelled = true;
                        }
                    }
                }
            }
            // Trace settings...: nothing to do.
            _ => {}
        }
    }

    fn parse_notification<P: DeserializeOwned>(&self, notification: Notification) -> Option<P> {
        match serde_json::from_value(notification.params) {
            Ok(params) => Some(params),
            Err(e) => {
                self.notify_user(vec![Notice {
                    kind: MessageType::ERROR,
                    text: format!("plimsoll: bad {} notification: {e}", notification.method),
                    show: false,
                }]);
                None
            }
        }
    }

    /// Read editor settings; `true` if they changed.
    fn take_editor_settings(&mut self, value: &serde_json::Value) -> bool {
        match EditorSettings::from_json(value) {
            Ok(Some(settings)) => {
                self.workspace.set_editor_settings(settings);
                true
            }
            Ok(None) => false,
            Err(message) => {
                self.notify_user(vec![Notice {
                    kind: MessageType::ERROR,
                    text: message,
                    show: true,
                }]);
                false
            }
        }
    }

    /// Ask the client to tell us when config files change, where it can.
    fn register_watchers(&mut self) {
        let dynamic = self
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|c| c.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let watchers: Vec<serde_json::Value> = [
            "**/plimsoll.toml",
            "**/.plimsoll.toml",
            "**/.hadolint.yaml",
            "**/.hadolint.yml",
            "**/.dockerignore",
            "**/*.dockerignore",
            "**/compose.yaml",
            "**/compose.yml",
            "**/docker-compose.yml",
            "**/docker-compose.yaml",
        ]
        .iter()
        .map(|glob| json!({ "globPattern": glob }))
        .collect();
        self.request_client(
            RegisterCapability::METHOD,
            json!({ "registrations": [{
                "id": "plimsoll-config-files",
                "method": DidChangeWatchedFiles::METHOD,
                "registerOptions": { "watchers": watchers },
            }]}),
        );
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let open = self.documents.get(uri)?;
        Some(Snapshot {
            uri: uri.clone(),
            version: open.document.version,
            text: open.document.text.clone(),
            lines: open.document.lines.clone(),
            profile: open.profile.clone(),
        })
    }

    /// Queue a push of this document's diagnostics (nothing in pull mode).
    fn lint(&mut self, uri: &Uri) {
        if self.pull {
            return;
        }
        let Some(snapshot) = self.snapshot(uri) else {
            return;
        };
        let Some(latest) = self.documents.get(uri).map(|d| d.latest.clone()) else {
            return;
        };
        self.queue(move |w| {
            if latest.load(Ordering::SeqCst) != snapshot.version {
                return;
            }
            let version = snapshot.version;
            let uri = snapshot.uri.clone();
            let encoding = w.encoding;
            let analysis = w.analysis(snapshot);
            w.publish(uri, Some(version), analysis.lsp_diagnostics(encoding));
        });
    }

    /// Run the slow checks (ShellCheck, the build context) on `uri` as it is
    /// now, on the slow thread; `fresh_walk` forgets the walk of its context
    /// first. The results reach the lint worker, which lints again with them.
    fn check_slowly(&mut self, uri: &Uri, fresh_walk: bool) {
        let Some(snapshot) = self.snapshot(uri) else {
            return;
        };
        let Some(handles) = self.documents.get(uri).map(|d| d.handles.clone()) else {
            return;
        };
        let ticket = handles.checks.fetch_add(1, Ordering::SeqCst) + 1;
        self.queue_slow(move |s| {
            if fresh_walk {
                s.checks.forget_walk_of(&snapshot);
            }
            // A newer check of this document is queued, or it was closed.
            if handles.checks.load(Ordering::SeqCst) != ticket {
                return;
            }
            let checked = s.checks.check(&snapshot);
            for note in checked.notes {
                s.tell(format!("plimsoll: {note}"), MessageType::INFO, false);
            }
            for error in checked.errors {
                s.tell(error, MessageType::WARNING, true);
            }
            if handles.checks.load(Ordering::SeqCst) != ticket {
                return;
            }
            let uri = snapshot.uri.clone();
            let extras = checked.extras;
            let _ = s.results.send(Box::new(move |w: &mut Worker| {
                w.take_extras(uri, extras, handles)
            }));
        });
    }

    /// Settings or config files changed: new profiles for every open document,
    /// then new diagnostics.
    fn relint_all(&mut self) {
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in &uris {
            let (profile, notices) = self.workspace.profile_for(uri);
            self.notify_user(notices);
            if let Some(open) = self.documents.get_mut(uri) {
                open.profile = profile;
            }
            // ShellCheck's selection, its path, the context may have changed.
            self.check_slowly(uri, false);
        }
        if self.pull {
            let refresh = self
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostic.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false);
            if refresh {
                self.request_client(WorkspaceDiagnosticRefresh::METHOD, serde_json::Value::Null);
            }
            return;
        }
        for uri in &uris {
            self.lint(uri);
        }
    }
}

fn full_report(result_id: Option<String>, items: Vec<lsp_types::Diagnostic>) -> serde_json::Value {
    let report = DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
        },
    ));
    serde_json::to_value(report).unwrap_or(serde_json::Value::Null)
}
