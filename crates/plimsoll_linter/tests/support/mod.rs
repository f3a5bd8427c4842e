//! What the linter's corpus tests share: locating `../shared`, listing the
//! corpus files, and settings that select every rule.

#[path = "../../../plimsoll_syntax/tests/support/mod.rs"]
mod shared;

use std::fs;
use std::path::{Path, PathBuf};

use plimsoll_linter::Settings;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every file of `../shared/corpus/files` (subfolders included), sorted;
/// `None` (with a message) without `../shared`, a failure under `CI=true`.
pub fn corpus_files() -> Option<Vec<PathBuf>> {
    let shared = shared::shared_dir()?;
    let mut files = Vec::new();
    walk(&shared.join("corpus/files"), &mut files);
    files.sort();
    Some(files)
}

/// Settings selecting every rule (`--select all`).
pub fn all_rules() -> Settings {
    Settings {
        select: Some(vec!["all".into()]),
        ..Settings::default()
    }
}
