//! Locating `../shared` (the corpus and conformance cases live outside the repo).

use std::path::PathBuf;

/// `../shared` beside the checkout, or `None` (with a message) when it is absent.
/// Under `CI=true` a missing `../shared` is a failure, never a silent skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if dir.join("conformance").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "../shared not found at {}: CI needs the corpus and conformance cases",
            dir.display()
        );
    }
    eprintln!(
        "skipping: ../shared not found at {} (conformance data lives outside the repository)",
        dir.display()
    );
    None
}
