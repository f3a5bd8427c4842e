//! `cargo run --release -p plimsoll_bench -- [CORPUS_DIR]`: parse and lint
//! throughput over a corpus, side by side with the `parse-dockerfile` crate,
//! and scaling with instruction count. Prints a table; nothing is asserted.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use plimsoll_cli::args::OutputFormat;
use plimsoll_cli::report::{write_report, FileReport};
use plimsoll_linter::{lint, Settings};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Best and median of `runs` timings of `f`.
fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut result = f();
    for _ in 0..runs {
        let start = Instant::now();
        result = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[0], times[runs / 2], result)
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn main() {
    let corpus = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus/files"
            ))
        });
    let mut paths = Vec::new();
    if let Err(e) = collect(&corpus, &mut paths) {
        eprintln!("error: {}: {e}", corpus.display());
        std::process::exit(2);
    }
    paths.sort();
    // Both parsers take `&str`: files that are unreadable or not UTF-8 are
    // counted and left out rather than silently dropped.
    let sources: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| String::from_utf8(b).ok())
        .collect();
    let skipped = paths.len() - sources.len();
    let bytes: usize = sources.iter().map(String::len).sum();
    // The first call of each measurement is a warm-up and is not timed.
    println!(
        "corpus: {} files, {:.2} MB ({}); {skipped} skipped (unreadable or not UTF-8)",
        sources.len(),
        bytes as f64 / 1e6,
        corpus.display()
    );
    println!();
    println!(
        "{:<34} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "task (single thread)", "best ms", "median ms", "MB/s", "files/s", "rejected"
    );

    let runs = 10;
    let row = |name: &str, (best, median, rejected): (Duration, Duration, Option<usize>)| {
        println!(
            "{name:<34} {:>10.1} {:>10.1} {:>10.1} {:>10.0} {:>9}",
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            mb_per_s(bytes, best),
            sources.len() as f64 / best.as_secs_f64(),
            rejected.map_or("-".to_string(), |r| r.to_string())
        )
    };
    row(
        "plimsoll_syntax::parse",
        measure(runs, || {
            Some(
                sources
                    .iter()
                    .filter(|s| !plimsoll_syntax::parse(s).errors.is_empty())
                    .count(),
            )
        }),
    );
    row(
        "parse-dockerfile 0.1 (taiki-e)",
        measure(runs, || {
            Some(
                sources
                    .iter()
                    .filter(|s| parse_dockerfile::parse(s).is_err())
                    .count(),
            )
        }),
    );
    // Rejections are a correctness signal, not a speed one: plimsoll matches
    // BuildKit on every corpus file, so these are files BuildKit builds.
    let only_parse_dockerfile = sources
        .iter()
        .filter(|s| {
            parse_dockerfile::parse(s).is_err() && plimsoll_syntax::parse(s).errors.is_empty()
        })
        .count();
    println!(
        "{:<34} {only_parse_dockerfile} files that plimsoll (and BuildKit) accept",
        "  parse-dockerfile also rejects"
    );
    let settings = Settings {
        select: Some(vec!["all".into()]),
        ..Settings::default()
    };
    let rules = settings.resolve();
    row(
        "plimsoll parse + lint (all rules)",
        measure(runs, || {
            for s in &sources {
                let file = plimsoll_syntax::parse(s);
                std::hint::black_box(lint(s, &file, &rules, &settings.options));
            }
            None
        }),
    );

    println!();
    println!(
        "{:<22} {:>10} {:>9} {:>10} {:>9} {:>10} {:>9} {:>10} {:>9}",
        "scaling: N RUN + N ENV",
        "bytes",
        "parse ms",
        "µs/instr",
        "p-d ms",
        "µs/instr",
        "lint ms",
        "µs/instr",
        "MB/s"
    );
    for n in [1_000, 10_000, 100_000] {
        let text = synthetic(n);
        let instructions = 2 * n + 1;
        let (parse_best, _, count) =
            measure(5, || plimsoll_syntax::parse(&text).instructions.len());
        assert_eq!(count, instructions, "the synthetic file parses completely");
        let (pd_best, _, _) = measure(5, || parse_dockerfile::parse(&text).is_ok());
        let (lint_best, _, _) = measure(3, || {
            let file = plimsoll_syntax::parse(&text);
            lint(&text, &file, &rules, &settings.options)
                .diagnostics
                .len()
        });
        let per = |t: Duration| t.as_secs_f64() * 1e6 / instructions as f64;
        println!(
            "{:<22} {:>10} {:>9.1} {:>10.3} {:>9.1} {:>10.3} {:>9.1} {:>10.3} {:>9.1}",
            format!("N = {n}"),
            text.len(),
            parse_best.as_secs_f64() * 1e3,
            per(parse_best),
            pd_best.as_secs_f64() * 1e3,
            per(pd_best),
            lint_best.as_secs_f64() * 1e3,
            per(lint_best),
            mb_per_s(text.len(), parse_best)
        );
    }
    println!("(parse = plimsoll_syntax::parse, p-d = parse-dockerfile, lint = parse + lint with all rules; best runs)");

    println!();
    report_rendering(&rules, &settings);
}

/// `FROM` then `n` ENV and `n` RUN instructions, alternating; distinct names
/// so that nothing can be cached between instructions.
fn synthetic(n: usize) -> String {
    let mut text = String::from("FROM alpine:3.20\n");
    for i in 0..n {
        text.push_str(&format!(
            "ENV VAR_{i}=value_{i}\nRUN apk add --no-cache pkg{i} && echo $VAR_{i}\n"
        ));
    }
    text
}

/// Rendering cost per format: 100,000 findings from one synthetic file.
fn report_rendering(rules: &plimsoll_linter::ResolvedRules, settings: &Settings) {
    let mut text = String::from("FROM alpine:3.20\nUSER nobody\n");
    for i in 0..100_000 {
        text.push_str(&format!("CMD serve --port {i}\n"));
    }
    let file = plimsoll_syntax::parse(&text);
    let diagnostics = lint(&text, &file, rules, &settings.options).diagnostics;
    let reports = vec![FileReport {
        path: "Dockerfile".into(),
        line_index: plimsoll_syntax::LineIndex::new(&text),
        source: std::sync::Arc::new(text),
        diagnostics,
        warnings: Vec::new(),
    }];
    println!(
        "{:<34} {:>10} {:>14}",
        "report rendering", "findings", "ms (best of 3)"
    );
    for format in OutputFormat::value_variants() {
        let (best, _, _) = measure(3, || {
            let mut sink = std::io::sink();
            write_report(*format, &reports, &mut sink, false).map(|()| 0)
        });
        let name = format
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        println!(
            "{name:<34} {:>10} {:>14.1}",
            reports[0].diagnostics.len(),
            best.as_secs_f64() * 1e3
        );
    }
}
