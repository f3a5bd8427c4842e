use plimsoll_syntax::typed::CopyView;
use plimsoll_syntax::{Arg, Keyword};

use crate::checker::Checker;
use crate::diagnostic::{Edit, Fix};
use crate::rule::{declare_rule, Rule};

use super::support::{has_variable, unquote, with_triggers};

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of local files or directories that are not archives: what
    /// `COPY` does, with less magic.
    ///
    /// ## Why is this bad?
    /// `ADD` also downloads URLs and unpacks local tar archives. Using it for
    /// plain files hides which of those behaviours the author wanted, and a
    /// file that later becomes a tarball is silently unpacked. `COPY` says
    /// exactly what happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Fix safety
    /// The fix renames the keyword (keeping its casing). It is offered only
    /// when every source is local, none looks like an archive, and every flag
    /// is one COPY accepts. `ADD` unpacks a local tar archive whatever its
    /// name, so the fix is safe when each source is a directory (`.`, `dir/`),
    /// a heredoc, or a file with a non-archive extension (`app.py`); a source
    /// without an extension (`ADD rootfs /`) could be a tarball, and the fix
    /// is then unsafe.
    ///
    /// ## Differences from hadolint
    /// hadolint flags a source with a variable (`ADD ${JAR_FILE} app.jar`)
    /// although its value may be an archive or URL; plimsoll does not judge
    /// such sources. Zstandard archives (`.zst`, `.tzst`), which BuildKit
    /// unpacks, count as archives.
    ///
    /// ## References
    /// hadolint DL3020.
    pub struct AddInsteadOfCopy {
        name: "add-instead-of-copy",
        code: "PL404",
        aliases: ["DL3020"],
        category: Maintainability,
        severity: Error,
        fix: Sometimes,
        summary: "ADD of local files that are not archives: use COPY",
    }
}

/// File name endings that `ADD` may unpack (or that name compressed data).
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".z", ".bz2", ".gz", ".lz", ".lzma", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz",
    ".txz", ".xz", ".zst", ".zstd", ".tzst",
];

/// Flags COPY accepts too (ADD's `--checksum`, `--keep-git-dir`, `--unpack` it does not).
const COPY_FLAGS: &[&str] = &["chown", "chmod", "link", "exclude"];

#[derive(PartialEq)]
enum Source {
    /// URL or git repository: ADD's own job.
    Remote,
    Archive,
    /// A variable: its value is unknown.
    Unknown,
    /// A local path that is not an archive; `certain` when it cannot be a
    /// tarball either (a directory, or a file with a non-archive extension).
    Local {
        certain: bool,
    },
}

fn classify(arg: &Arg, escape: char) -> Source {
    if CopyView::is_heredoc_source(arg) {
        return Source::Local { certain: true };
    }
    if has_variable(&arg.value, escape) {
        return Source::Unknown;
    }
    let path = unquote(&arg.value, escape);
    let lower = path.to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("git@") {
        return Source::Remote;
    }
    if ARCHIVE_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return Source::Archive;
    }
    let directory = matches!(path.as_str(), "." | "..") || path.ends_with('/');
    let name = path.rsplit('/').next().unwrap_or("");
    let extension = name
        .rfind('.')
        .filter(|&i| i > 0 && i + 1 < name.len())
        .map(|i| &name[i + 1..]);
    let known_extension = extension.is_some_and(|e| !e.contains(['*', '?', '[']));
    Source::Local {
        certain: directory || known_extension,
    }
}

impl Rule for AddInsteadOfCopy {
    fn check(&self, checker: &mut Checker<'_>) {
        let escape = checker.file.escape;
        for (_, instruction, _) in with_triggers(&checker.file.instructions) {
            if instruction.keyword != Keyword::Add {
                continue;
            }
            let Some(view) = instruction.as_copy() else {
                continue;
            };
            let sources: Vec<Source> = view.sources.iter().map(|a| classify(a, escape)).collect();
            let Some(local) = view
                .sources
                .iter()
                .zip(&sources)
                .find(|(_, s)| matches!(s, Source::Local { .. }))
                .map(|(a, _)| a)
            else {
                continue;
            };
            let all_local = sources.iter().all(|s| matches!(s, Source::Local { .. }));
            let copy_flags = instruction
                .flags
                .iter()
                .all(|f| COPY_FLAGS.contains(&f.name.as_str()));
            let shown = if CopyView::is_heredoc_source(local) {
                "a heredoc".to_string()
            } else {
                format!("`{}`", unquote(&local.value, escape))
            };
            let keyword = copy_keyword(&instruction.keyword_text);
            let diagnostic = checker
                .report(
                    instruction.keyword_span,
                    format!("ADD of {shown}, a local file or directory: COPY does the same without ADD's URL and archive handling"),
                )
                .help(if all_local {
                    format!("use `{keyword}`")
                } else {
                    "copy the local sources with COPY, keep ADD for the archives and URLs".to_string()
                });
            if all_local && copy_flags {
                let edits = vec![Edit::replace(instruction.keyword_span, keyword)];
                let title = format!("Replace ADD with {keyword}");
                let certain = sources
                    .iter()
                    .all(|s| *s == Source::Local { certain: true });
                diagnostic.fix(if certain {
                    Fix::safe(title, edits)
                } else {
                    Fix::unsafe_edit(title, edits)
                });
            }
        }
    }
}

/// `COPY` in the casing the keyword was written in: `add` → `copy`, `Add` → `Copy`.
fn copy_keyword(add: &str) -> &'static str {
    let mut chars = add.chars();
    let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest: String = chars.collect();
    if add.chars().all(|c| c.is_ascii_lowercase()) {
        "copy"
    } else if first_upper && rest.chars().all(|c| c.is_ascii_lowercase()) {
        "Copy"
    } else {
        "COPY"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(word: &str) -> &'static str {
        let arg = Arg {
            value: word.to_string(),
            span: plimsoll_syntax::Span::default(),
        };
        match classify(&arg, '\\') {
            Source::Remote => "remote",
            Source::Archive => "archive",
            Source::Unknown => "unknown",
            Source::Local { certain: true } => "local",
            Source::Local { certain: false } => "maybe-archive",
        }
    }

    #[test]
    fn sources_are_classified() {
        assert_eq!(kind("file.tar"), "archive");
        assert_eq!(kind("\"file.TGZ\""), "archive");
        assert_eq!(kind("rootfs.tar.zst"), "archive");
        assert_eq!(kind("https://x.org/a"), "remote");
        assert_eq!(kind("git@github.com:o/r.git"), "remote");
        assert_eq!(kind("${JAR}"), "unknown");
        assert_eq!(kind("file.zip"), "local");
        assert_eq!(kind("."), "local");
        assert_eq!(kind("src/"), "local");
        assert_eq!(kind("<<EOF"), "local");
        assert_eq!(kind("*.json"), "local");
        assert_eq!(kind("file"), "maybe-archive");
        assert_eq!(kind(".bashrc"), "maybe-archive");
        assert_eq!(kind("*"), "maybe-archive");
    }

    #[test]
    fn keyword_casing_is_kept() {
        assert_eq!(copy_keyword("ADD"), "COPY");
        assert_eq!(copy_keyword("add"), "copy");
        assert_eq!(copy_keyword("Add"), "Copy");
        assert_eq!(copy_keyword("aDd"), "COPY");
    }
}
