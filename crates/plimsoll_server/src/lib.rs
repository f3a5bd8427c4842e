//! The plimsoll language server: diagnostics as you type, quick fixes, "fix
//! all", "disable this rule for this line", and hover documentation, for any
//! editor that speaks the Language Server Protocol. `plimsoll server` runs it
//! over standard input and output.
//!
//! The server is thin: every answer comes from `plimsoll_linter`'s library
//! API; this crate converts positions (UTF-16 by default), keeps documents in
//! step with the editor, finds config files, and schedules the work so that the
//! message loop never waits on linting.

mod actions;
mod analysis;
mod document;
mod hover;
mod position;
mod server;
mod slow;
mod workspace;

pub use actions::SOURCE_FIX_ALL_PLIMSOLL;
pub use lsp_server::Connection;
pub use server::run;
pub use workspace::EditorSettings;

/// Serve one editor over standard input and output; returns when the editor
/// sends `exit` (an error if it did so without `shutdown` first, or hung up).
pub fn run_stdio() -> Result<(), String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprintln!(
            "plimsoll server speaks the Language Server Protocol on standard input and output; \
             start it from your editor (see docs/editors.md). Ctrl+C to leave."
        );
    }
    let (connection, io_threads) = Connection::stdio();
    let outcome = run(connection);
    // The writer thread ends once every sender (ours, the worker's) is gone.
    io_threads
        .join()
        .map_err(|e| format!("language server: standard input/output: {e}"))?;
    outcome
}
