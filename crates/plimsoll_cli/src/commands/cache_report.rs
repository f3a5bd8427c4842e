//! `plimsoll cache-report`: the context files behind each layer, and what a
//! change rebuilds.

use std::io::Write;

use serde::Serialize;

use plimsoll_linter::cache_report::{cache_report, CacheReport, Invalidation, Layer, StageCache};

use crate::args::{CacheReportArgs, CacheReportFormat};
use crate::ExitStatus;

use super::context::{context_relative, load, ContextChoice};
use plimsoll_linter::context::{ContextOrigin, WalkCache};

#[derive(Serialize)]
struct JsonReport<'a> {
    file: String,
    context: Option<String>,
    /// The Compose service whose context this is, when one was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    compose: Option<ComposeRef>,
    ignore_file: Option<String>,
    #[serde(flatten)]
    report: &'a CacheReport,
    reruns: Vec<Rerun>,
}

#[derive(Serialize)]
struct ComposeRef {
    file: String,
    service: String,
}

#[derive(Serialize)]
struct Rerun {
    stage: usize,
    line: u32,
}

pub fn run(args: &CacheReportArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let source = super::read_dockerfile(&args.file, super::DEFAULT_MAX_FILE_SIZE)?;
    let file = plimsoll_syntax::parse(&source);
    let choice = ContextChoice {
        explicit: args.context.as_deref(),
        disabled: args.no_context,
    };
    let context = load(Some(&args.file), &choice, &WalkCache::default())?;
    for note in context.iter().flat_map(|c| c.origin_notes.iter()) {
        eprintln!("warning: {note}");
    }
    let compose = context.as_ref().and_then(|c| match &c.origin {
        ContextOrigin::Compose { file, service } => Some(ComposeRef {
            file: file.display().to_string(),
            service: service.clone(),
        }),
        _ => None,
    });
    let changed: Vec<String> = args
        .changed
        .iter()
        .map(|path| match &context {
            Some(c) => context_relative(path, &c.root),
            None => path.to_string_lossy().trim_start_matches("./").to_owned(),
        })
        .collect();
    let report = cache_report(&source, &file, context.as_ref(), &changed);
    let context_name = context.as_ref().map(|c| c.root.display().to_string());
    let ignore_name = context
        .as_ref()
        .and_then(|c| c.ignore.as_ref())
        .map(|i| i.file.path.display().to_string());
    let written = match args.format {
        CacheReportFormat::Json => {
            let json = JsonReport {
                file: args.file.display().to_string(),
                context: context_name,
                compose,
                ignore_file: ignore_name,
                report: &report,
                reruns: report
                    .reruns()
                    .into_iter()
                    .map(|(stage, line)| Rerun { stage, line })
                    .collect(),
            };
            serde_json::to_string_pretty(&json)
                .map_err(|e| format!("writing JSON: {e}"))
                .and_then(|text| writeln!(out, "{text}").map_err(|e| e.to_string()))
        }
        CacheReportFormat::Text => write_text(
            &args.file.display().to_string(),
            context_name
                .map(|name| match &compose {
                    Some(c) => format!("{name} of service `{}` in {}", c.service, c.file),
                    None => name,
                })
                .as_deref(),
            ignore_name.as_deref(),
            &report,
            out,
        )
        .map_err(|e| e.to_string()),
    };
    written.map_err(|e| format!("writing report: {e}"))?;
    Ok(ExitStatus::Success)
}

fn stage_label(stage: &StageCache) -> String {
    match &stage.name {
        Some(name) => format!("`{name}`"),
        None => format!("{}", stage.index),
    }
}

fn files_summary(layer: &Layer) -> String {
    let count = layer.context_files.len();
    if count == 0 {
        return String::new();
    }
    let shown: Vec<&str> = layer
        .context_files
        .iter()
        .take(3)
        .map(String::as_str)
        .collect();
    let more = if count > 3 {
        format!(" +{} more", count - 3)
    } else {
        String::new()
    };
    format!(
        "{count} file{} ({}): {}{more}",
        if count == 1 { "" } else { "s" },
        human_bytes(layer.context_bytes),
        shown.join(", ")
    )
}

fn human_bytes(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    for unit in ["KiB", "MiB", "GiB"] {
        if value < 1024.0 {
            return format!("{value:.1} {unit}");
        }
        value /= 1024.0;
    }
    format!("{value:.1} TiB")
}

fn reason(invalidation: &Invalidation, stages: &[StageCache]) -> String {
    let stage_name = |i: usize| stages.get(i).map_or(i.to_string(), stage_label);
    match invalidation {
        Invalidation::ChangedFiles { files } => {
            let shown: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
            let more = files.len().saturating_sub(3);
            let more = if more > 0 {
                format!(" +{more} more")
            } else {
                String::new()
            };
            format!("reads {}{more}", shown.join(", "))
        }
        Invalidation::EarlierLayer { line } => format!("after line {line}"),
        Invalidation::BaseStage { stage } => format!("built on stage {}", stage_name(*stage)),
        Invalidation::StageInput { stage } => format!("reads from stage {}", stage_name(*stage)),
    }
}

fn write_text(
    file: &str,
    context: Option<&str>,
    ignore: Option<&str>,
    report: &CacheReport,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let context = context.map_or_else(|| "none".to_owned(), str::to_owned);
    let ignore = ignore.map_or_else(String::new, |i| format!(", ignore file {i}"));
    writeln!(out, "{file} (context {context}{ignore})")?;
    for note in &report.notes {
        writeln!(out, "note: {note}")?;
    }
    let asking = !report.changed.is_empty();
    if asking {
        writeln!(out, "changed: {}", report.changed.join(", "))?;
    }
    for stage in &report.stages {
        let unbuilt = if stage.built_by_default {
            ""
        } else {
            " (not built by default)"
        };
        writeln!(
            out,
            "\nstage {} (line {}: FROM {}){unbuilt}",
            stage_label(stage),
            stage.line,
            stage.from
        )?;
        for layer in &stage.layers {
            let mut row = format!("  {:>4}  {}", layer.line, layer.instruction);
            let files = files_summary(layer);
            if !files.is_empty() {
                row.push_str(&format!("\n        ← {files}"));
            }
            if asking {
                let status = match &layer.invalidated {
                    None => "cached".to_owned(),
                    Some(why) if layer.reruns() => {
                        format!("RE-RUNS: {}", reason(why, &report.stages))
                    }
                    Some(why) => format!("rebuilds: {}", reason(why, &report.stages)),
                };
                row.push_str(&format!("\n        → {status}"));
            }
            writeln!(out, "{row}")?;
        }
    }
    if asking {
        let built = |stage: usize| report.stages.get(stage).is_some_and(|s| s.built_by_default);
        let reruns = report.reruns();
        let lines = |by_default: bool| -> Vec<String> {
            reruns
                .iter()
                .filter(|(stage, _)| built(*stage) == by_default)
                .map(|(_, line)| line.to_string())
                .collect()
        };
        let (main, other) = (lines(true), lines(false));
        let steps = report.invalidated_layers();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let mut summary = format!(
            "\n{steps} step{} rebuild; {} RUN{} re-run",
            plural(steps),
            main.len(),
            plural(main.len())
        );
        if !main.is_empty() {
            summary.push_str(&format!(
                " (line{} {})",
                plural(main.len()),
                main.join(", ")
            ));
        }
        if !other.is_empty() {
            summary.push_str(&format!(
                ", and {} in stages not built by default (line{} {})",
                other.len(),
                plural(other.len()),
                other.join(", ")
            ));
        }
        writeln!(out, "{summary}")?;
        if !report.unused_changes.is_empty() {
            writeln!(
                out,
                "no step reads: {} (not copied, or excluded by the ignore file)",
                report.unused_changes.join(", ")
            )?;
        }
    }
    Ok(())
}
