//! One module per subcommand.

pub mod cache_report;
pub mod check;
pub mod context;
pub mod optimize;
pub mod parse;
pub mod rules;

use std::path::Path;

/// Read a file as a Dockerfile: errors name the file (and the byte offset for bad UTF-8).
pub fn read_dockerfile(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    decode_owned(bytes, &path.display().to_string())
}

pub fn decode_owned(bytes: Vec<u8>, name: &str) -> Result<String, String> {
    if let Err(e) = plimsoll_syntax::decode(&bytes) {
        return Err(format!("{name}: {e}"));
    }
    String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))
}
