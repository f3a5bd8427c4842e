//! Shared by the COPY-ordering rules: what a COPY/ADD brings in from the build
//! context, and where it lands in the image.

use plimsoll_syntax::typed::CopyView;
use plimsoll_syntax::{Arg, Instruction, Keyword};

use crate::knowledge::is_manifest_name;
use crate::semantic::{join_path, normalize_path};

/// Extension-less files that are files, not directories, in practice.
const EXTENSIONLESS_FILES: &[&str] = &[
    "Gemfile",
    "Pipfile",
    "Makefile",
    "Dockerfile",
    "LICENSE",
    "Procfile",
    "Rakefile",
    "VERSION",
    "Caddyfile",
    "Jenkinsfile",
    "Brewfile",
    "Podfile",
    "Vagrantfile",
    "NOTICE",
    "README",
    "CHANGELOG",
    "AUTHORS",
    "Justfile",
    "Taskfile",
];

/// One COPY/ADD from the build context, seen from the image side.
#[derive(Debug)]
pub(crate) struct ContextCopy<'a> {
    pub index: usize,
    pub instruction: &'a Instruction,
    pub sources: &'a [Arg],
    /// Absolute directory (or file) the sources land in.
    pub destination: String,
    /// Copies the whole context (`.`, `*`) or a directory of sources.
    pub is_volatile: bool,
    /// Basenames of the plain files named as sources.
    pub file_names: Vec<&'a str>,
}

fn basename(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// Directory names that hold sources in most projects.
const SOURCE_DIRECTORIES: &[&str] = &[
    "src",
    "app",
    "apps",
    "lib",
    "libs",
    "pkg",
    "cmd",
    "internal",
    "api",
    "web",
    "frontend",
    "backend",
    "server",
    "client",
    "public",
    "static",
    "assets",
    "templates",
    "source",
    "sources",
    "packages",
    "services",
    "modules",
    "components",
    "tests",
    "test",
    "spec",
    "code",
    "project",
];

/// Is this source the whole context or (by its name) a directory of sources?
/// Without the build context at hand, an extension-less name is a directory only
/// when written as one (`name/`), copied to a same-named directory, or a common
/// source directory name; otherwise it may be a file such as `sshd_config`.
fn is_volatile_source(source: &str, destination: &str) -> bool {
    if source.contains('$') {
        // Unknown until build time.
        return false;
    }
    let trimmed = source.trim_start_matches("./");
    // `requirements/`: the conventional folder of pip requirement files, not sources.
    if basename(trimmed) == "requirements" {
        return false;
    }
    if matches!(trimmed, "" | "." | "*" | "/" | "./") || source.ends_with('/') {
        return true;
    }
    let name = basename(trimmed);
    if name.contains('.') || name.contains('*') || EXTENSIONLESS_FILES.contains(&name) {
        return false;
    }
    SOURCE_DIRECTORIES.contains(&name) || basename(destination) == name
}

/// The COPY/ADD at `index` if it takes files from the build context.
pub(crate) fn context_copy<'a>(
    index: usize,
    instruction: &'a Instruction,
    workdir: &str,
) -> Option<ContextCopy<'a>> {
    if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
        || instruction.flag("from").is_some()
    {
        return None;
    }
    let view = instruction.as_copy()?;
    let destination = view.destination?;
    let sources: &[Arg] = view.sources;
    let local: Vec<&Arg> = sources
        .iter()
        .filter(|s| !CopyView::is_heredoc_source(s) && !s.value.contains("://"))
        .collect();
    if local.is_empty() {
        return None;
    }
    Some(ContextCopy {
        index,
        instruction,
        sources,
        destination: join_path(workdir, &destination.value),
        is_volatile: local
            .iter()
            .any(|s| is_volatile_source(&s.value, &destination.value)),
        file_names: local
            .iter()
            .filter(|s| !is_volatile_source(&s.value, &destination.value))
            .map(|s| basename(&s.value))
            .collect(),
    })
}

impl ContextCopy<'_> {
    /// Did this COPY name a dependency manifest on its own?
    pub fn copies_manifest(&self, manifest: &str) -> bool {
        self.file_names
            .iter()
            .any(|name| match manifest.strip_prefix('*') {
                Some(suffix) => name.ends_with(suffix),
                None => *name == manifest,
            })
            || (manifest == "requirements.txt"
                && self
                    .file_names
                    .iter()
                    .any(|n| is_manifest_name(n) && n.starts_with("requirements")))
    }

    /// The instruction's arguments as written, for messages: `COPY . .`.
    pub fn describe(&self) -> String {
        as_written(self.instruction)
    }
}

/// Is `path` the same as `dir` or inside it?
/// A COPY/ADD as written, for messages: keyword and arguments (`COPY . .`).
pub(crate) fn as_written(instruction: &Instruction) -> String {
    let words: Vec<&str> = instruction.args.iter().map(|a| a.value.as_str()).collect();
    format!("{} {}", instruction.keyword_text, words.join(" "))
}

pub(crate) fn is_within(path: &str, dir: &str) -> bool {
    let (path, dir) = (normalize_path(path), normalize_path(dir));
    path == dir || dir == "/" || path.starts_with(&format!("{dir}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_sources() {
        for s in [".", "./", "*", "src", "app/", "./lib"] {
            assert!(is_volatile_source(s, "/srv/"), "{s}");
        }
        assert!(is_volatile_source("ansible", "/home/x/ansible"));
        for s in [
            "requirements/",
            "package.json",
            "Gemfile",
            "requirements.txt",
            "*.csproj",
            "sshd_config",
            "${URL}",
        ] {
            assert!(!is_volatile_source(s, "/etc/ssh/"), "{s}");
        }
    }

    #[test]
    fn within() {
        assert!(is_within("/app/src", "/app"));
        assert!(is_within("/app", "/app/"));
        assert!(!is_within("/application", "/app"));
        assert!(is_within("/x", "/"));
    }
}
