use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::shell::{Connector, ShellCommand};

declare_rule! {
    /// ## What it does
    /// Flags a download piped straight into an interpreter: `curl -fsSL URL |
    /// sh`, `wget -qO- URL | bash`, `curl URL | sudo python3`, and
    /// `sh -c "$(curl -fsSL URL)"`.
    ///
    /// ## Why is this bad?
    /// Whatever the server returns at build time runs as root in the image,
    /// unchecked: a compromised or changed script goes unnoticed, and a
    /// connection dropped halfway runs half a script. The build is not
    /// reproducible either, since the script can change between builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:<digest> https://example.com/install.sh /tmp/install.sh
    /// RUN sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    ///
    /// ## Differences from other tools
    /// hadolint has no equivalent rule; its DL4006 only asks for `pipefail`
    /// on such a pipe, which does not make the script trustworthy.
    pub struct CurlPipeToShell {
        name: "curl-pipe-to-shell",
        code: "PL007",
        aliases: [],
        category: Security,
        severity: Warning,
        fix: None,
        summary: "a downloaded script runs unchecked: curl/wget piped into a shell",
    }
}

/// Programs that execute what they read on standard input.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python3", "perl", "ruby", "node", "php",
];

impl Rule for CurlPipeToShell {
    fn check(&self, checker: &mut Checker<'_>) {
        for index in 0..checker.file.instructions.len() {
            let Some(script) = checker.model.run_script(index) else {
                continue;
            };
            let commands = &script.commands;
            for (position, command) in commands.iter().enumerate() {
                let downloader = if command.connector == Connector::Pipe {
                    // Through wrappers: `curl URL | sudo -E bash` pipes into sudo,
                    // whose unwrapped command follows it.
                    let runs_interpreter = std::iter::once(command)
                        .chain(
                            commands[position + 1..]
                                .iter()
                                .take_while(|c| c.wrapped_by.is_some()),
                        )
                        .any(|c| c.program().is_some_and(|p| INTERPRETERS.contains(&p)));
                    let source = position
                        .checked_sub(1)
                        .map(|p| &commands[p])
                        .filter(|c| downloads_to_stdout(c));
                    source.filter(|_| runs_interpreter)
                } else {
                    substituted_download(commands, position)
                };
                let Some(downloader) = downloader else {
                    continue;
                };
                let span = downloader.span.cover(command.span);
                checker
                    .report(
                        span,
                        format!(
                            "`{}` runs whatever the server sends, unchecked, as the build user",
                            checker.text(span).trim()
                        ),
                    )
                    .help("download to a file and verify its checksum first (`ADD --checksum=sha256:...` or `sha256sum -c`), then run it");
            }
        }
    }
}

/// curl (which writes to standard output unless told otherwise) or wget with
/// `-O -`.
fn downloads_to_stdout(command: &ShellCommand) -> bool {
    match command.program() {
        Some("curl") => {
            !command.has_flag(Some('o'), Some("output"))
                && !command.has_flag(Some('O'), Some("remote-name"))
        }
        Some("wget") => {
            let args: Vec<&str> = command.args.iter().map(|a| a.text.as_str()).collect();
            args.windows(2).any(|w| w[0] == "-O" && w[1] == "-")
                || args.iter().any(|a| {
                    *a == "--output-document=-"
                        || (a.starts_with('-') && !a.starts_with("--") && a.ends_with("O-"))
                })
        }
        _ => false,
    }
}

/// `sh -c "$(curl URL)"`: an interpreter at `position` whose arguments hold a
/// download substituted into them (the download is listed right after it).
fn substituted_download(commands: &[ShellCommand], position: usize) -> Option<&ShellCommand> {
    let command = &commands[position];
    if !command.program().is_some_and(|p| INTERPRETERS.contains(&p)) {
        return None;
    }
    let next = commands.get(position + 1)?;
    let inside = command.span.start <= next.span.start && next.span.end <= command.span.end;
    (inside && next.is_nested() && downloads_to_stdout(next)).then_some(next)
}
