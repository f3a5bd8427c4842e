//! `plimsoll optimize FILE`: the optimized Dockerfile on standard output (or
//! written back, or as a diff), the plan on standard error.

use std::io::{Read, Write};
use std::path::Path;

use plimsoll_linter::context::{BuildContext, WalkCache};
use plimsoll_linter::optimize::{
    assumed_context_mismatch, optimize_with_context, read_manifests, OptimizeContext,
    OptimizeOptions, Optimized,
};
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
    let (context, mut notes, why_not) = load_context(args, stdin, &source)?;
    let optimize_context = match &context {
        Some(context) => OptimizeContext::Read(context),
        None => OptimizeContext::NotRead(&why_not),
    };
    let result = optimize_with_context(&source, &options, optimize_context);
    if let Some(reason) = result.context.reason.as_ref().filter(|_| context.is_some()) {
        // A context that was read but not used (its walk was cut short).
        notes.push(reason.clone());
    }
    let write_error = |e: std::io::Error| format!("writing output: {e}");
    match args.plan {
        PlanFormat::Text => eprint!("{}", plan_text(&name, &result, &notes)),
        PlanFormat::Json => {
            let mut value = serde_json::to_value(&result).map_err(|e| e.to_string())?;
            value["file"] = serde_json::Value::String(name.clone());
            value["context"]["notes"] = serde_json::Value::from(notes.clone());
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

/// The build context for the optimizer, the notes about it, and why there
/// is none. The same choice as `plimsoll check`: `--context DIR`, else a
/// Compose service's context, else the Dockerfile's folder when it fits the
/// file; none for `--no-context` and standard input.
fn load_context(
    args: &OptimizeArgs,
    stdin: bool,
    source: &str,
) -> Result<(Option<BuildContext>, Vec<String>, String), String> {
    if args.no_context {
        return Ok((None, Vec::new(), "--no-context".into()));
    }
    let choice = super::context::ContextChoice {
        explicit: args.context.as_deref(),
        disabled: false,
    };
    let dockerfile = (!stdin).then_some(args.file.as_path());
    let Some(mut context) = super::context::load(dockerfile, &choice, &WalkCache::default())?
    else {
        let why = if stdin {
            "standard input, and no --context".to_string()
        } else {
            format!("the folder of {} could not be read", args.file.display())
        };
        return Ok((None, Vec::new(), why));
    };
    let mut notes = context.notes();
    let file = plimsoll_syntax::parse(source);
    let unfit = plimsoll_linter::context::prepare(&mut context, source, &file)
        .err()
        .or_else(|| assumed_context_mismatch(&context, source));
    match unfit {
        Some(note) => {
            notes.push(note);
            let why = format!(
                "{} does not look like this file's build context",
                context.root.display()
            );
            Ok((None, notes, why))
        }
        None => {
            read_manifests(&mut context, source);
            Ok((Some(context), notes, String::new()))
        }
    }
}

/// The plan for people: the context used, each step, why, what it changes;
/// then suggestions.
fn plan_text(name: &str, result: &Optimized, notes: &[String]) -> String {
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
    let facts = &result.context;
    match (&facts.root, &facts.reason) {
        (Some(root), _) => {
            let ignore = facts.ignore_file.as_deref().map_or_else(
                || "no .dockerignore".to_string(),
                |f| format!("ignore file {f}"),
            );
            let compose = facts.compose.as_ref().map_or_else(String::new, |c| {
                format!("service `{}` of {}; ", c.service, c.file)
            });
            text.push_str(&format!("context: {root} ({compose}{ignore})\n"));
        }
        (None, Some(reason)) => text.push_str(&format!(
            "context: not read ({reason}): a manifests-first split names the usual manifests \
             as patterns and assumes what .dockerignore excludes\n"
        )),
        (None, None) => {}
    }
    for note in notes {
        text.push_str(&format!("context note: {note}\n"));
    }
    for install in &facts.installs {
        let found = if install.found.is_empty() {
            "no manifests".to_string()
        } else {
            install.found.join(", ")
        };
        text.push_str(&format!(
            "- line {}, `{}`: the context has {found}; {}\n",
            install.line,
            install.install,
            if install.split {
                "split"
            } else {
                "not split (see the suggestions)"
            }
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
