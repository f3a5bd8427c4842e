//! `plimsoll check`: discover files, lint them in parallel, report, exit code.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use plimsoll_linter::config::{self, Config, Threshold};
use plimsoll_linter::context::WalkCache;
use plimsoll_linter::fix::{fix_source, AppliedFix};
use plimsoll_linter::shellcheck::Shellcheck;
use plimsoll_linter::{lint_with_context, Settings, Severity};
use plimsoll_syntax::LineIndex;
use similar::TextDiff;

use crate::args::{CheckArgs, ThresholdArg};
use crate::discover::find_dockerfiles;
use crate::report::{write_report, FileReport};
use crate::ExitStatus;

/// hadolint's default: info and above fail the run, style does not.
const DEFAULT_THRESHOLD: Threshold = Threshold::Severity(Severity::Info);

/// One file to lint.
enum Input {
    File(PathBuf),
    Stdin { name: PathBuf, text: String },
}

impl Input {
    fn display(&self) -> String {
        match self {
            Input::File(path) => path.display().to_string(),
            Input::Stdin { name, .. } => name.display().to_string(),
        }
    }

    fn path(&self) -> &Path {
        match self {
            Input::File(path) => path,
            Input::Stdin { name, .. } => name,
        }
    }
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let mut errors: Vec<String> = Vec::new();
    check_selectors(args, &mut errors);
    let inputs = collect_inputs(args, &mut errors)?;
    let configs = load_configs(args, &inputs, &mut errors)?;
    let shellcheck = find_shellcheck(args)?;
    let walks = WalkCache::default();

    let lint_one = |input: &Input| {
        let config = configs
            .get(&config_key(input.path()))
            .and_then(|c| c.as_ref());
        lint_input(
            input,
            config,
            args,
            shellcheck.as_ref(),
            &walks,
            args.fixing(),
        )
    };
    // One file (a pre-commit hook, an editor save) does not need a thread pool:
    // starting rayon's threads costs more than linting a small file.
    let results: Vec<Result<(FileReport, FileFixes), String>> = if inputs.len() == 1 {
        inputs.iter().map(lint_one).collect()
    } else {
        inputs.par_iter().map(lint_one).collect()
    };
    let mut reports = Vec::with_capacity(results.len());
    let mut fixes = Vec::new();
    for result in results {
        match result {
            Ok((report, fixed)) => {
                reports.push(report);
                fixes.push(fixed);
            }
            Err(error) => errors.push(error),
        }
    }
    // `.dockerignore` fixes, once every Dockerfile reading the file is known.
    let pending: Vec<_> = fixes.iter_mut().filter_map(|f| f.pending.take()).collect();
    let (ignore_files, ignore_warnings) = super::ignore_fix::apply(&pending, args.diff);
    for warning in &ignore_warnings {
        eprintln!("warning: {warning}");
    }
    // What a rewritten ignore file changed is seen only by a new walk.
    let rewritten: Vec<&String> = ignore_files
        .iter()
        .filter(|f| f.written)
        .flat_map(|f| &f.readers)
        .collect();
    if !rewritten.is_empty() {
        let fresh = WalkCache::default();
        for (input, report) in inputs.iter().zip(reports.iter_mut()) {
            if !rewritten.contains(&&input.display()) {
                continue;
            }
            let config = configs
                .get(&config_key(input.path()))
                .and_then(|c| c.as_ref());
            match lint_input(input, config, args, shellcheck.as_ref(), &fresh, false) {
                Ok((again, _)) => *report = again,
                Err(error) => errors.push(error),
            }
        }
    }
    fixes.extend(ignore_files.into_iter().map(|f| FileFixes {
        path: f.path,
        applied: f.applied,
        diff: f.diff,
        pending: None,
    }));
    if args.show_fixes {
        for file in fixes.iter().filter(|f| !f.applied.is_empty()) {
            for fix in &file.applied {
                eprintln!("fixed: {}: {} ({})", file.path, fix.title, fix.rule);
            }
        }
    }
    if args.diff || args.fix_only {
        return finish_fix_run(args, &fixes, &errors, out);
    }
    // Standard input has no file to write back: the fixed text goes to standard output.
    if args.fix {
        if let Some(Input::Stdin { .. }) = inputs.first().filter(|_| inputs.len() == 1) {
            if let Some(report) = reports.first() {
                out.write_all(report.source.as_bytes())
                    .map_err(|e| format!("writing output: {e}"))?;
            }
            return Ok(if errors.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Error
            });
        }
    }
    for report in &reports {
        for warning in &report.warnings {
            let at = report.position(warning.span.start);
            eprintln!("warning: {}:{}: {}", report.path, at.line, warning.message);
        }
    }
    for error in &errors {
        eprintln!("error: {error}");
    }

    let mut file_out;
    let sink: &mut dyn Write = match &args.output_file {
        Some(path) => {
            file_out =
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
            &mut file_out
        }
        None => out,
    };
    let color = args.output_file.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let written = if args.statistics {
        write_statistics(&reports, sink)
    } else {
        write_report(args.format, &reports, sink, color)
    };
    match written {
        // The reader went away (`plimsoll check | head`): nothing left to say.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("writing report: {e}")),
        Ok(()) => {}
    }

    if !errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    if args.exit_zero {
        return Ok(ExitStatus::Success);
    }
    let failed = reports.iter().any(|report| {
        let threshold = threshold_for(
            args,
            configs
                .get(&config_key(Path::new(&report.path)))
                .and_then(|c| c.as_ref()),
        );
        report.diagnostics.iter().any(|d| match threshold {
            Threshold::None => false,
            Threshold::Severity(min) => d.severity >= min,
        })
    });
    Ok(if failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// `--diff` prints the diffs (exit 1 if anything would change); `--fix-only`
/// reports only what it fixed.
fn finish_fix_run(
    args: &CheckArgs,
    fixes: &[FileFixes],
    errors: &[String],
    out: &mut dyn Write,
) -> Result<ExitStatus, String> {
    for error in errors {
        eprintln!("error: {error}");
    }
    let write_error = |e: std::io::Error| format!("writing output: {e}");
    let changed = fixes.iter().filter(|f| !f.applied.is_empty()).count();
    let count: usize = fixes.iter().map(|f| f.applied.len()).sum();
    if args.diff {
        for diff in fixes.iter().filter_map(|f| f.diff.as_deref()) {
            out.write_all(diff.as_bytes()).map_err(write_error)?;
        }
        eprintln!("Would fix {count} problem(s) in {changed} file(s).");
    } else {
        eprintln!("Fixed {count} problem(s) in {changed} file(s).");
    }
    Ok(if !errors.is_empty() {
        ExitStatus::Error
    } else if args.diff && changed > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

fn collect_inputs(args: &CheckArgs, errors: &mut Vec<String>) -> Result<Vec<Input>, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let limit = args.max_file_size.unwrap_or(super::DEFAULT_MAX_FILE_SIZE);
            let bytes = super::read_limited(std::io::stdin(), "standard input", limit)?;
            let name = args
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            let text = super::decode_owned(bytes, &name.display().to_string())?;
            inputs.push(Input::Stdin { name, text });
        } else if path.is_dir() {
            let (files, walk_errors) = find_dockerfiles(&path);
            if files.is_empty() && walk_errors.is_empty() {
                eprintln!(
                    "warning: {}: no Dockerfiles found (looked for Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile, Containerfile.*)",
                    path.display()
                );
            }
            inputs.extend(files.into_iter().map(Input::File));
            errors.extend(walk_errors);
        } else if path.exists() || path.is_symlink() {
            // A file named explicitly is linted whatever its name.
            inputs.push(Input::File(path));
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    Ok(inputs)
}

/// Selectors on the command line must name something: a typo there is an
/// error (exit 2), unlike in a config file, which has to keep working across
/// versions. hadolint, ShellCheck and BuildKit codes without a plimsoll rule
/// are accepted. The run goes on with the selectors that are known.
fn check_selectors(args: &CheckArgs, errors: &mut Vec<String>) {
    let lists = [
        ("--select", args.select.as_deref().unwrap_or_default()),
        ("--extend-select", &args.extend_select[..]),
        ("--ignore", &args.ignore[..]),
    ];
    for (flag, selectors) in lists {
        for selector in selectors {
            if !plimsoll_linter::settings::is_known_selector(selector)
                && !plimsoll_linter::knowledge::is_foreign_code(selector)
            {
                errors.push(format!(
                    "{flag}: unknown rule or category `{selector}` (`plimsoll rules` lists them)"
                ));
            }
        }
    }
}

/// Config lookups are per directory, so key them by the file's folder.
fn config_key(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn load_configs(
    args: &CheckArgs,
    inputs: &[Input],
    errors: &mut Vec<String>,
) -> Result<HashMap<PathBuf, Option<Config>>, String> {
    let mut configs = HashMap::new();
    let explicit = match &args.config {
        Some(path) => Some(config::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    for input in inputs {
        let key = config_key(input.path());
        if configs.contains_key(&key) {
            continue;
        }
        let config = match &explicit {
            Some(config) => Some(config.clone()),
            None => {
                let dir = if key.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    key.clone()
                };
                match config::discover(&dir) {
                    Ok(config) => config,
                    Err(e) => {
                        errors.push(e.to_string());
                        None
                    }
                }
            }
        };
        if let Some(config) = &config {
            for warning in &config.warnings {
                eprintln!("warning: {warning}");
            }
        }
        configs.insert(key, config);
    }
    Ok(configs)
}

fn threshold_for(args: &CheckArgs, config: Option<&Config>) -> Threshold {
    match args.failure_threshold {
        Some(ThresholdArg::Error) => Threshold::Severity(Severity::Error),
        Some(ThresholdArg::Warning) => Threshold::Severity(Severity::Warning),
        Some(ThresholdArg::Info) => Threshold::Severity(Severity::Info),
        Some(ThresholdArg::Style) => Threshold::Severity(Severity::Style),
        Some(ThresholdArg::None) => Threshold::None,
        None => config
            .and_then(|c| c.failure_threshold)
            .unwrap_or(DEFAULT_THRESHOLD),
    }
}

/// Config settings for this file, then the command line on top.
fn settings_for(input: &Input, config: Option<&Config>, args: &CheckArgs) -> Settings {
    let mut settings = config
        .map(|c| c.settings_for(input.path()))
        .unwrap_or_default();
    if let Some(select) = &args.select {
        settings.select = Some(select.clone());
    }
    settings
        .extend_select
        .extend(args.extend_select.iter().cloned());
    settings.ignore.extend(args.ignore.iter().cloned());
    settings.disable_ignore_pragma |= args.disable_ignore_pragma;
    settings
}

/// What `--fix`/`--diff` did to one file.
struct FileFixes {
    path: String,
    applied: Vec<AppliedFix>,
    diff: Option<String>,
    /// Its fixes for the ignore file of its build, applied after the run.
    pending: Option<super::ignore_fix::Pending>,
}

/// The ShellCheck to run on RUN scripts, if any; `--verbose` says which.
fn find_shellcheck(args: &CheckArgs) -> Result<Option<Shellcheck>, String> {
    if args.no_shellcheck {
        return Ok(None);
    }
    let found = match &args.shellcheck {
        Some(path) if path.is_file() => Some(Shellcheck::at(path)),
        Some(path) => {
            return Err(format!(
                "--shellcheck {}: no such executable file",
                path.display()
            ))
        }
        None => std::env::var_os("PATH").and_then(|path| Shellcheck::find_in(&path)),
    };
    if args.verbose {
        match &found {
            Some(shellcheck) => eprintln!(
                "shellcheck: running {} on RUN scripts",
                shellcheck.binary().display()
            ),
            None => eprintln!(
                "shellcheck: not found on PATH, so no SC findings; install shellcheck or pass --shellcheck PATH"
            ),
        }
    }
    Ok(found)
}

fn lint_input(
    input: &Input,
    config: Option<&Config>,
    args: &CheckArgs,
    shellcheck: Option<&Shellcheck>,
    walks: &WalkCache,
    fixing: bool,
) -> Result<(FileReport, FileFixes), String> {
    let max_size = args
        .max_file_size
        .or(config.and_then(|c| c.max_file_size))
        .unwrap_or(super::DEFAULT_MAX_FILE_SIZE);
    let original = match input {
        Input::File(path) => super::read_dockerfile(path, max_size)?,
        Input::Stdin { text, .. } => text.clone(),
    };
    let settings = settings_for(input, config, args);
    let rules = settings.resolve();
    let mut fixes = FileFixes {
        path: input.display(),
        applied: Vec::new(),
        diff: None,
        pending: None,
    };
    let source = if fixing {
        let outcome = fix_source(&original, &rules, &settings.options, args.unsafe_fixes);
        if outcome.changed() {
            if args.diff {
                let name = input.display();
                let diff = TextDiff::from_lines(&original, &outcome.source)
                    .unified_diff()
                    .header(&name, &name)
                    .to_string();
                fixes.diff = Some(diff);
            } else if let Input::File(path) = input {
                std::fs::write(path, &outcome.source)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        fixes.applied = outcome.applied;
        if args.diff {
            original
        } else {
            outcome.source
        }
    } else {
        original
    };
    let file = plimsoll_syntax::parse(&source);
    let mut context_notes = Vec::new();
    let context = if plimsoll_linter::context::wants_context(&rules)
        && plimsoll_linter::context::copies_from_context(&file)
    {
        let dockerfile = match input {
            Input::File(path) => Some(path.as_path()),
            Input::Stdin { name, .. } => (name.as_os_str() != "-").then_some(name.as_path()),
        };
        let choice = super::context::ContextChoice {
            explicit: args.context.as_deref(),
            disabled: args.no_context,
        };
        let started = std::time::Instant::now();
        let mut context = super::context::load(dockerfile, &choice, walks)?;
        if let Some(loaded) = &mut context {
            context_notes = loaded.notes();
            match plimsoll_linter::context::prepare(loaded, &source, &file) {
                Err(note) => {
                    context_notes.push(note);
                    context = None;
                }
                Ok(read) if args.verbose => {
                    let ignore = match &loaded.ignore {
                        Some(i) => format!(
                            "{} excluded by {}",
                            loaded.listing.excluded.len(),
                            i.file.path.display()
                        ),
                        None => "no ignore file".to_owned(),
                    };
                    let from = match &loaded.origin {
                        plimsoll_linter::context::ContextOrigin::Compose { .. } => {
                            format!("{}; ", loaded.origin.describe())
                        }
                        _ => String::new(),
                    };
                    eprintln!(
                        "context: {}: {} ({from}{} entries sent, {ignore}; {read} file(s) read; \
                         {} ms)",
                        input.display(),
                        loaded.root.display(),
                        loaded.listing.entries.len(),
                        started.elapsed().as_millis()
                    );
                }
                Ok(_) => {}
            }
        } else if args.verbose {
            eprintln!("context: {}: none", input.display());
        }
        context
    } else {
        if args.verbose && !args.no_context {
            eprintln!(
                "context: {}: not read (no context rule selected, or nothing is copied from it)",
                input.display()
            );
        }
        None
    };
    let mut output = lint_with_context(&source, &file, &rules, &settings.options, context.as_ref());
    if let (true, Some(loaded), Input::File(path)) = (fixing, &context, input) {
        let (pending, warnings) = super::ignore_fix::Pending::collect(
            path,
            loaded,
            &source,
            &file,
            &output.diagnostics,
            args.unsafe_fixes,
        );
        fixes.pending = Some(pending);
        context_notes.extend(warnings);
    }
    if let Some(shellcheck) = shellcheck {
        match shellcheck.check(&source, &file, &settings) {
            Ok(found) => {
                output.diagnostics.extend(found);
                output.diagnostics.sort_by(|a, b| {
                    (a.span.start, a.span.end, a.rule.code).cmp(&(
                        b.span.start,
                        b.span.end,
                        b.rule.code,
                    ))
                });
            }
            Err(error) => output.warnings.push(plimsoll_linter::LintWarning {
                span: plimsoll_syntax::Span::default(),
                message: error.to_string(),
            }),
        }
    }
    let mut warnings = output.warnings;
    warnings.extend(
        context_notes
            .into_iter()
            .map(|message| plimsoll_linter::LintWarning {
                span: plimsoll_syntax::Span::default(),
                message,
            }),
    );
    // Unknown selectors are reported once, not per file: command-line ones by
    // `check_selectors`, config ones by the config loader with file and line.
    let line_index = LineIndex::new(&source);
    let report = FileReport {
        path: input.display(),
        source: Arc::new(source),
        line_index,
        diagnostics: output.diagnostics,
        warnings,
    };
    Ok((report, fixes))
}

fn write_statistics(reports: &[FileReport], out: &mut dyn Write) -> std::io::Result<()> {
    let mut counts: HashMap<&'static str, (usize, &'static plimsoll_linter::RuleMeta)> =
        HashMap::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        counts.entry(d.rule.name).or_insert((0, d.rule)).0 += 1;
    }
    let mut rows: Vec<_> = counts.into_values().collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    for (count, rule) in rows {
        writeln!(
            out,
            "{count:>6}  {:<6} {:<24} {}",
            rule.code, rule.name, rule.summary
        )?;
    }
    Ok(())
}
