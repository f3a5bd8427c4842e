//! `plimsoll optimize FILE`: the optimized Dockerfile on standard output (or
//! written back, or as a diff), the plan on standard error.

use std::io::{Read, Write};
use std::path::Path;

use plimsoll_linter::optimize::{optimize, OptimizeOptions, Optimized};
use similar::TextDiff;

use crate::args::{OptimizeArgs, PlanFormat};
use crate::ExitStatus;

pub fn run(args: &OptimizeArgs, out: &mut dyn Write) -> Result<ExitStatus, String> {
    let stdin = args.file.as_os_str() == "-";
    let name = args.file.display().to_string();
    let source = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("reading standard input: {e}"))?;
        super::decode_owned(bytes, &name)?
    } else {
        super::read_dockerfile(&args.file, super::DEFAULT_MAX_FILE_SIZE)?
    };
    if args.write && stdin {
        return Err("--write needs a file, not standard input".into());
    }
    let options = OptimizeOptions {
        cache_mounts: args.cache_mounts,
        link: args.link,
    };
    let result = optimize(&source, &options);
    let write_error = |e: std::io::Error| format!("writing output: {e}");
    match args.plan {
        PlanFormat::Text => eprint!("{}", plan_text(&name, &result)),
        PlanFormat::Json => {
            let mut value = serde_json::to_value(&result).map_err(|e| e.to_string())?;
            value["file"] = serde_json::Value::String(name.clone());
            eprintln!(
                "{}",
                serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
            );
        }
        PlanFormat::None => {}
    }
    if args.diff {
        if result.changed() {
            let diff = TextDiff::from_lines(&source, &result.source)
                .unified_diff()
                .header(&name, &name)
                .to_string();
            out.write_all(diff.as_bytes()).map_err(write_error)?;
        }
    } else if args.write {
        if result.changed() {
            std::fs::write(Path::new(&args.file), &result.source)
                .map_err(|e| format!("{name}: {e}"))?;
        }
    } else {
        out.write_all(result.source.as_bytes())
            .map_err(write_error)?;
    }
    Ok(ExitStatus::Success)
}

/// The plan for people: each step, why, what it changes; then suggestions.
fn plan_text(name: &str, result: &Optimized) -> String {
    let mut text = String::new();
    if result.steps.is_empty() {
        text.push_str(&format!("{name}: nothing to optimize\n"));
    } else {
        text.push_str(&format!(
            "{name}: {} change{}\n",
            result.steps.len(),
            if result.steps.len() == 1 { "" } else { "s" }
        ));
    }
    for (number, step) in result.steps.iter().enumerate() {
        text.push_str(&format!(
            "\n{}. {} (line {}): {}\n   why: {}\n",
            number + 1,
            step.transformation,
            step.line,
            step.title,
            step.why
        ));
        if let Some(assumes) = &step.assumes {
            text.push_str(&format!("   assumes: {assumes}\n"));
        }
        text.push_str(&format!(
            "   effect: layers {} -> {}; rebuilt when a source file changes: {} -> {}\n",
            step.layers_before,
            step.layers_after,
            step.rebuilt_on_source_change_before,
            step.rebuilt_on_source_change_after
        ));
        for layer in &step.now_cached {
            text.push_str(&format!("   now cached when sources change: {layer}\n"));
        }
    }
    if !result.suggestions.is_empty() {
        text.push_str("\nsuggestions (not applied):\n");
        for suggestion in &result.suggestions {
            text.push_str(&format!(
                "- {} (line {}): {}\n",
                suggestion.transformation, suggestion.line, suggestion.message
            ));
        }
    }
    if result.changed() {
        text.push_str(&format!(
            "\nin total: layers {} -> {}; layers rebuilt when a source file changes: {} -> {}\n",
            result.before.layers,
            result.after.layers,
            result.before.rebuilt_on_source_change,
            result.after.rebuilt_on_source_change
        ));
    }
    text
}
