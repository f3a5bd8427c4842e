//! `docs/rules/<name>.md` is generated from each rule's doc comment. This test
//! fails when a page is stale or missing; regenerate them all with
//! `PLIMSOLL_UPDATE_DOCS=1 cargo test -p plimsoll_linter --test rule_docs`.

use std::fs;
use std::path::{Path, PathBuf};

use plimsoll_linter::registry;

#[test]
fn rule_pages_are_up_to_date() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules"));
    let update = std::env::var_os("PLIMSOLL_UPDATE_DOCS").is_some();
    if update {
        fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    let mut index = String::from(
        "# Rules\n\nGenerated from the rules' doc comments; do not edit by hand.\n\n\
         | code | name | severity | category | summary |\n|---|---|---|---|---|\n",
    );
    for rule in registry::all() {
        let meta = rule.meta();
        index.push_str(&format!(
            "| `{}` | [{}]({}.md) | {} | {} | {} |\n",
            meta.code,
            meta.name,
            meta.name,
            meta.severity.as_str(),
            meta.category.as_str(),
            meta.summary
        ));
        check_page(
            &dir.join(format!("{}.md", meta.name)),
            &meta.markdown(),
            update,
            &mut stale,
        );
    }
    check_page(&dir.join("README.md"), &index, update, &mut stale);
    // Pages of rules that no longer exist are stale too.
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let known = name == "README.md"
            || registry::all()
                .iter()
                .any(|r| format!("{}.md", r.meta().name) == name);
        if !known {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs: {stale:?}\nrun: PLIMSOLL_UPDATE_DOCS=1 cargo test -p plimsoll_linter --test rule_docs"
    );
}

fn check_page(path: &Path, expected: &str, update: bool, stale: &mut Vec<String>) {
    if update {
        fs::write(path, expected).unwrap();
    } else if fs::read_to_string(path).ok().as_deref() != Some(expected) {
        stale.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
}
