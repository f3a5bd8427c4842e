use plimsoll_syntax::{Arg, Keyword, Span};

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::shell::ShellCommand;

use super::support::runs;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` of a local tar archive that a later `RUN` of the same
    /// stage extracts.
    ///
    /// ## Why is this bad?
    /// The archive is stored in the `COPY` layer, and its extracted files
    /// again in the `RUN` layer: the image carries both, even if the `RUN`
    /// deletes the archive afterwards. `ADD` extracts a local tar archive
    /// (plain, gzip, bzip2 or xz) while copying it, in one layer, without
    /// storing the archive.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// COPY app.tar.gz /opt/
    /// RUN tar -xzf /opt/app.tar.gz -C /opt && rm /opt/app.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL3010 also flags archives that `ADD` would not extract: a
    /// compressed file that is not a tar archive (`data.gz` opened with
    /// `gunzip`), and extractions `ADD` cannot reproduce. plimsoll flags only
    /// tar archives (by name, or opened with `tar`), and not extractions with
    /// `--strip-components`, `--exclude`, `--transform`, `--wildcards` or to
    /// standard output, which `ADD` has no equivalent for.
    ///
    /// ## References
    /// hadolint DL3010.
    pub struct CopiedArchiveExtracted {
        name: "copied-archive-extracted",
        code: "PL303",
        aliases: ["DL3010"],
        category: Size,
        severity: Info,
        fix: None,
        summary: "a copied tar archive is extracted in a later RUN: ADD extracts it in one layer",
    }
}

/// hadolint's archive extensions.
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Names that are tar archives (which ADD extracts).
const TAR_SUFFIXES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tar.bz2",
    ".tar.xz",
    ".tar.Z",
    ".tar.lz",
    ".tar.lzma",
    ".tZ",
    ".tb2",
    ".tbz",
    ".tbz2",
    ".tgz",
    ".tlz",
    ".tpz",
    ".txz",
];

/// Programs that unpack or decompress a file named as an argument.
const DECOMPRESSORS: &[&str] = &[
    "unzip",
    "gunzip",
    "bunzip2",
    "unlzma",
    "unxz",
    "zgz",
    "uncompress",
    "zcat",
    "gzcat",
];

/// A copied archive waiting to be extracted.
struct Copied {
    /// The names it can be reached by: its own, and the destination's when
    /// the destination is a file name.
    names: Vec<String>,
    span: Span,
    stage: Option<usize>,
}

impl Rule for CopiedArchiveExtracted {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let runs = runs(model);
        let mut copied: Vec<Copied> = Vec::new();
        for (index, instruction) in model.file.instructions.iter().enumerate() {
            if instruction.keyword != Keyword::Copy || instruction.flag("from").is_some() {
                continue;
            }
            let words = copy_words(&instruction.args);
            let Some(((destination, _), sources)) = words.split_last() else {
                continue;
            };
            let destination_name = basename(destination);
            for (source, span) in sources {
                let name = basename(source);
                if source.starts_with("<<") || !is_archive(name) {
                    continue;
                }
                let mut names = vec![name.to_string()];
                if is_archive(destination_name) && sources.len() == 1 {
                    names.push(destination_name.to_string());
                }
                copied.push(Copied {
                    names,
                    span: *span,
                    stage: model.states[index].stage,
                });
            }
        }
        for archive in copied {
            let found = runs.iter().filter(|r| !r.onbuild).find_map(|run| {
                if run.stage != archive.stage || run.instruction.span.start < archive.span.end {
                    return None;
                }
                run.script
                    .commands
                    .iter()
                    .find(|c| extracts(c, &archive.names))
                    .map(|c| (c, run.instruction.start_line))
            });
            let Some((command, line)) = found else {
                continue;
            };
            let program = command.program().unwrap_or("tar");
            checker
                .report(
                    archive.span,
                    format!(
                        "this archive is copied, then extracted by `{program}` on line {line}: the image stores it twice"
                    ),
                )
                .help("`ADD` a local tar archive to extract it while copying, in one layer");
        }
    }
}

/// COPY arguments as the builder reads them: quoted words (split at spaces
/// by the parser) joined again, quotes removed, each with the span of its
/// first part.
fn copy_words(args: &[Arg]) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = Vec::new();
    let mut open: Option<(String, Span, char)> = None;
    for arg in args {
        let value = arg.value.as_str();
        if let Some((mut text, span, quote)) = open.take() {
            text.push(' ');
            text.push_str(value);
            if value.ends_with(quote) {
                out.push((text.trim_matches(quote).to_string(), span.cover(arg.span)));
            } else {
                open = Some((text, span, quote));
            }
            continue;
        }
        match value.chars().next() {
            Some(q @ ('"' | '\'')) if !(value.len() > 1 && value.ends_with(q)) => {
                open = Some((value.to_string(), arg.span, q));
            }
            Some(q @ ('"' | '\'')) => out.push((value.trim_matches(q).to_string(), arg.span)),
            _ => out.push((value.to_string(), arg.span)),
        }
    }
    if let Some((text, span, _)) = open {
        out.push((text, span));
    }
    out
}

/// The last path component, with `/` or `\` as separator.
fn basename(path: &str) -> &str {
    path.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
}

fn is_archive(name: &str) -> bool {
    ARCHIVE_EXTENSIONS
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len())
}

fn is_tar_name(name: &str) -> bool {
    TAR_SUFFIXES.iter().any(|e| name.ends_with(e))
}

/// Does `command` extract a file named one of `names`, the way ADD could?
fn extracts(command: &ShellCommand, names: &[String]) -> bool {
    let Some(program) = command.program() else {
        return false;
    };
    let names_it = |name: &str| {
        command
            .args
            .iter()
            .any(|a| !a.text.starts_with('-') && basename(&a.text) == name)
    };
    let Some(name) = names.iter().find(|n| names_it(n)) else {
        return false;
    };
    if program == "tar" {
        return is_tar_extraction(command);
    }
    DECOMPRESSORS.contains(&program) && is_tar_name(name)
}

/// `tar -xf`, `tar xzf`, `tar --extract`, without options ADD cannot mimic.
fn is_tar_extraction(command: &ShellCommand) -> bool {
    let mut extract = false;
    for (position, arg) in command.args.iter().enumerate() {
        let text = arg.text.as_str();
        if let Some(long) = text.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            match name {
                "extract" | "get" => extract = true,
                "strip-components" | "exclude" | "transform" | "xform" | "wildcards"
                | "to-stdout" | "to-command" => return false,
                _ => {}
            }
        } else if let Some(cluster) = text.strip_prefix('-') {
            extract |= cluster.contains('x');
            if cluster.contains('O') {
                return false;
            }
        } else if position == 0 && text.chars().all(|c| c.is_ascii_alphabetic()) {
            // Old-style `tar xzf file`: the first word is a cluster without a dash.
            extract |= text.contains('x');
            if text.contains('O') {
                return false;
            }
        }
    }
    extract
}
