use plimsoll_context::{BuildContext, EntryKind};

use crate::checker::Checker;
use crate::context::{
    ignore_fix_target, ignore_patterns_text, literal_ignore_line, newly_excluded,
    protected_paths_of, runs_git_after,
};
use crate::diagnostic::{FileChange, Fix};
use crate::rule::{declare_rule, Rule};

use super::copy_ignored_file::ignore_file_name;
use super::sources::{context_sources, human_bytes, join_list, name_list, ContextSource};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` whose source (`.` or a directory) pulls
    /// directories into the image that it does not need: version-control
    /// history (`.git`), installed packages (`node_modules`), Python caches
    /// (`__pycache__`, `.pytest_cache`, `.mypy_cache`, `.tox`), virtualenvs
    /// (any directory with a `pyvenv.cfg`), and build outputs (`target` next
    /// to a `Cargo.toml` or `pom.xml`, `.next`, `.nuxt`, `.gradle`,
    /// `.terraform`). It counts the files and bytes of each and proposes the
    /// `.dockerignore` lines that keep them out.
    ///
    /// A directory is not reported when the Dockerfile copies it (or
    /// something in it) by name, nor `.git` when a later `RUN` of the stage
    /// runs `git` (and then no stage is offered an ignore line for `.git`:
    /// the ignore file applies to the whole build).
    ///
    /// ## Why is this bad?
    /// Every byte is sent to the builder on each build and stored in the
    /// layer. Worse, any change in these directories (a commit, an
    /// `npm install`, running the tests) changes the layer's cache key, so
    /// the `COPY` and every step after it rebuild. A host `node_modules` or
    /// virtualenv also holds binaries built for the host, not the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    /// with `.git` and `node_modules` in the context and no `.dockerignore`.
    ///
    /// ## Use instead
    /// A `.dockerignore` beside the Dockerfile:
    /// ```text
    /// .git
    /// node_modules
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends the lines to the ignore file the build reads
    /// (`<name>.Dockerfile.dockerignore` beside the Dockerfile when there is
    /// one, else `.dockerignore` in the context, created if missing) under a
    /// `# added by plimsoll (context-bloat)` comment. It is unsafe: that file
    /// is shared by every Dockerfile and `docker compose` service built with
    /// this context, and a later `RUN` may use what the directory holds (a
    /// binary built on the host in `target/`). Before offering a line,
    /// plimsoll checks with Docker's matcher that the file with the new lines
    /// still sends every file, directory and wildcard match that a `COPY`,
    /// `ADD` or `RUN --mount=type=bind` of this Dockerfile names; a
    /// `**/node_modules` that would hide one falls back to the directory's own
    /// path, and a directory no line can leave out safely gets none. When
    /// `plimsoll check --fix --unsafe-fixes` writes the file, it checks again
    /// against the file as it is then and against every Dockerfile of the
    /// run that reads it, and never writes through a symlink.
    pub struct ContextBloat {
        name: "context-bloat",
        code: "PL603",
        aliases: [],
        category: Size,
        severity: Warning,
        fix: Sometimes,
        summary: "COPY pulls .git, node_modules, caches or build outputs into the image",
    }
}

/// A directory the image does not need.
struct Bloat {
    root: String,
    what: &'static str,
    /// The `.dockerignore` line that excludes it.
    line: String,
    files: usize,
    bytes: u64,
}

/// Names unwanted at any depth, and what they are.
const ANY_DEPTH: &[(&str, &str)] = &[
    (".git", "version control"),
    (".hg", "version control"),
    (".svn", "version control"),
    ("node_modules", "installed packages"),
    ("bower_components", "installed packages"),
    ("__pycache__", "bytecode cache"),
    (".pytest_cache", "test cache"),
    (".mypy_cache", "type-checker cache"),
    (".ruff_cache", "linter cache"),
    (".tox", "test environments"),
    (".nox", "test environments"),
    (".next", "build output"),
    (".nuxt", "build output"),
    (".gradle", "build cache"),
    (".terraform", "provider plugins"),
];

/// The unwanted directory `path` is in, if any: its path, what it is, and
/// the ignore line for it.
fn bloat_root(path: &str, context: &BuildContext) -> Option<(String, &'static str, String)> {
    let mut end = 0;
    let mut depth = 0;
    loop {
        let next = path[end..].find('/').map(|i| end + i);
        let prefix = &path[..next.unwrap_or(path.len())];
        let name = prefix.rsplit('/').next().unwrap_or(prefix);
        let parent = &prefix[..prefix.len() - name.len()];
        let top = depth == 0;
        if let Some((_, what)) = ANY_DEPTH.iter().find(|(n, _)| *n == name) {
            let line = if top && name != "__pycache__" {
                name.to_owned()
            } else {
                format!("**/{name}")
            };
            return Some((prefix.to_owned(), what, line));
        }
        // Only a directory can hold a pyvenv.cfg or be a build's `target`.
        if next.is_some() {
            if context
                .entry(&format!("{prefix}/pyvenv.cfg"))
                .is_some_and(|e| e.kind == EntryKind::File)
            {
                return Some((prefix.to_owned(), "virtualenv", prefix.to_owned()));
            }
            if name == "target"
                && ["Cargo.toml", "pom.xml"]
                    .iter()
                    .any(|m| context.entry(&format!("{parent}{m}")).is_some())
            {
                return Some((prefix.to_owned(), "build output", prefix.to_owned()));
            }
        }
        match next {
            Some(slash) => {
                end = slash + 1;
                depth += 1;
            }
            None => return None,
        }
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn files(n: usize) -> String {
    format!("{} file{}", thousands(n), if n == 1 { "" } else { "s" })
}

impl Rule for ContextBloat {
    fn check(&self, checker: &mut Checker<'_>) {
        let Some(context) = checker.context else {
            return;
        };
        let model = checker.model;
        let sources = context_sources(model);
        // Directories the Dockerfile asks for by name are wanted.
        let named: Vec<String> = sources
            .iter()
            .filter(|s| !s.is_whole_context())
            .map(ContextSource::clean_path)
            .collect();
        let is_named = |root: &str| {
            named
                .iter()
                .any(|n| n == root || n.starts_with(&format!("{root}/")))
        };
        let mut per_source: Vec<(&ContextSource<'_>, Vec<Bloat>)> = Vec::new();
        for source in &sources {
            let Some(taken) = source.resolve(&context.listing) else {
                continue;
            };
            let mut found: Vec<Bloat> = Vec::new();
            for entry in taken.iter().filter(|e| e.kind != EntryKind::Dir) {
                let Some((root, what, line)) = bloat_root(&entry.path, context) else {
                    continue;
                };
                if is_named(&root) {
                    continue;
                }
                match found.iter_mut().find(|b| b.root == root) {
                    Some(bloat) => {
                        bloat.files += 1;
                        bloat.bytes += entry.size;
                    }
                    None => found.push(Bloat {
                        root,
                        what,
                        line,
                        files: 1,
                        bytes: entry.size,
                    }),
                }
            }
            if found.iter().any(|b| b.what == "version control")
                && runs_git_after(model, source.index)
            {
                found.retain(|b| b.what != "version control");
            }
            if !found.is_empty() {
                per_source.push((source, found));
            }
        }
        if per_source.is_empty() {
            return;
        }
        let target = ignore_fix_target(context);
        // Includes `.git` when a stage runs git on it: the ignore file is the
        // whole build's, so no stage may leave it out.
        let protected = protected_paths_of(model, context);
        let existing = ignore_patterns_text(context);
        for (source, mut found) in per_source {
            found.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.root.cmp(&b.root)));
            let total_files: usize = found.iter().map(|b| b.files).sum();
            let total_bytes: u64 = found.iter().map(|b| b.bytes).sum();
            let parts: Vec<String> = found
                .iter()
                .map(|b| {
                    format!(
                        "`{}` ({}, {}, {})",
                        b.root,
                        b.what,
                        files(b.files),
                        human_bytes(b.bytes)
                    )
                })
                .collect();
            let message = format!(
                "`{}` sends {} ({}) the image does not need: {}",
                source.describe(),
                files(total_files),
                human_bytes(total_bytes),
                join_list(&parts, 5)
            );
            let (lines, unsafe_roots) = ignore_lines(&found, &existing, &protected);
            let file_name = ignore_file_name(context);
            let mut help = if lines.is_empty() {
                "copy only what the image needs".to_owned()
            } else {
                format!(
                    "add {} {} to `{file_name}`",
                    if lines.len() == 1 {
                        "the line"
                    } else {
                        "the lines"
                    },
                    name_list(&lines, lines.len()),
                )
            };
            if !unsafe_roots.is_empty() {
                help.push_str(&format!(
                    "; an ignore line for {} would also hide what this Dockerfile uses",
                    name_list(&unsafe_roots, 3)
                ));
            }
            let diagnostic = checker.report(source.arg.span, message);
            diagnostic.help(help);
            if let (Some(path), false) = (&target, lines.is_empty()) {
                diagnostic.fix(Fix::unsafe_file_changes(
                    format!("Add {} to `{file_name}`", name_list(&lines, 3)),
                    vec![FileChange::AppendLines {
                        path: path.clone(),
                        lines,
                        comment: Some(format!("# added by plimsoll ({})", ContextBloat::META.name)),
                    }],
                ));
            }
        }
    }
}

/// The ignore lines that keep `found` out without hiding anything in
/// `protected`: each directory's usual line, else its own path. Also the
/// directories for which neither is safe.
fn ignore_lines(
    found: &[Bloat],
    existing: &str,
    protected: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut lines: Vec<String> = Vec::new();
    let mut unsafe_roots = Vec::new();
    for bloat in found {
        // `**/name` lines use only known names; a path is checked for pattern characters.
        let usual = if bloat.line == bloat.root {
            literal_ignore_line(&bloat.line)
        } else {
            Some(bloat.line.clone())
        };
        let mut candidates: Vec<String> = [usual, literal_ignore_line(&bloat.root)]
            .into_iter()
            .flatten()
            .collect();
        candidates.dedup();
        if candidates.iter().any(|c| lines.contains(c)) {
            continue;
        }
        let safe = candidates.into_iter().find(|candidate| {
            let mut with = lines.clone();
            with.push(candidate.clone());
            matches!(newly_excluded(existing, &with, protected), Ok(None))
        });
        match safe {
            Some(line) => lines.push(line),
            None => unsafe_roots.push(bloat.root.clone()),
        }
    }
    (lines, unsafe_roots)
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
