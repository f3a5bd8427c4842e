//! Which files are Dockerfiles, and finding them under directories.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`, `Containerfile`, `Containerfile.*`.
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // Files named after a Dockerfile that are something else.
    const OTHER_KINDS: &[&str] = &[
        ".dockerignore",
        ".md",
        ".rst",
        ".txt",
        ".yml",
        ".yaml",
        ".json",
        ".toml",
        ".sh",
        ".py",
        ".orig",
        ".rej",
        ".swp",
    ];
    if OTHER_KINDS.iter().any(|ext| lower.ends_with(ext)) {
        return false;
    }
    ["dockerfile", "containerfile"].iter().any(|base| {
        // `Dockerfile`, `Dockerfile.prod`, `Dockerfile-prod`, `prod.Dockerfile`,
        // `prod-Dockerfile`, `prod_Dockerfile`: the base name with a separator.
        lower == *base
            || lower
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with(['.', '-', '_']))
            || lower
                .strip_suffix(base)
                .is_some_and(|rest| rest.ends_with(['.', '-', '_']))
    })
}

/// Directories never descended into unless named explicitly.
fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules" || name == "target"
}

/// Dockerfiles under `root` in a stable (sorted) order, and what could not be
/// read on the way (each naming the path). One unreadable folder does not
/// hide the rest of the tree. Symbolic links are never followed, so the walk
/// stays inside `root` and cannot loop.
pub fn find_dockerfiles(root: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            // The root itself is always entered, even if hidden: it was named explicitly.
            entry.depth() == 0
                || !entry.file_type().is_dir()
                || !is_skipped_dir(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), crate::commands::io_message);
                errors.push(format!("{path}: {reason}"));
                continue;
            }
        };
        if entry.file_type().is_file() && is_dockerfile_name(&entry.file_name().to_string_lossy()) {
            found.push(entry.into_path());
        }
    }
    (found, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "Containerfile.prod",
            "Dockerfile-dev",
            "prod-Dockerfile",
            "app_Dockerfile",
            "docs__Dockerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name}");
        }
        for name in [
            "Dockerfile.dockerignore",
            "README.md",
            "dockerfiles",
            "mydockerfile",
            "Dockerfile.md",
            "dockerfile-lint.yml",
            "Containerfile.orig",
        ] {
            assert!(!is_dockerfile_name(name), "{name}");
        }
    }
}
