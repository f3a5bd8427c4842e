use plimsoll_syntax::Keyword;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ADD https://...` (or `http://`) without `--checksum=`.
    ///
    /// ## Why is this bad?
    /// The file is fetched at build time and goes into the image as is. If
    /// the server's file changes, or someone tampers with it, the build
    /// silently ships something else. `ADD --checksum=sha256:<digest>` (Dockerfile
    /// syntax 1.6 and later) makes the build fail instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// ## Differences from other tools
    /// hadolint has no equivalent rule (DL3020 accepts any URL in ADD).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    pub struct AddUrlWithoutChecksum {
        name: "add-url-without-checksum",
        code: "PL008",
        aliases: [],
        category: Security,
        severity: Info,
        fix: None,
        summary: "ADD of a URL without --checksum ships whatever the server returns",
    }
}

impl Rule for AddUrlWithoutChecksum {
    fn check(&self, checker: &mut Checker<'_>) {
        for instruction in &checker.file.instructions {
            let add = instruction.innermost();
            if add.keyword != Keyword::Add || add.flag("checksum").is_some() {
                continue;
            }
            let Some(view) = add.as_copy() else { continue };
            for source in view.sources {
                let url = source.value.to_ascii_lowercase();
                // Git sources (`.git` URLs, `git@`) are pinned by a commit instead.
                let is_http = url.starts_with("https://") || url.starts_with("http://");
                if !is_http || url.ends_with(".git") || url.contains(".git#") {
                    continue;
                }
                checker
                    .report(
                        source.span,
                        "this download goes into the image unchecked: a changed or tampered file would ship silently",
                    )
                    .help("pin it: `ADD --checksum=sha256:<digest> <url> <dest>` (Dockerfile syntax 1.6+)");
            }
        }
    }
}
