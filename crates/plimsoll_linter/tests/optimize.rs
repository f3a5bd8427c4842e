//! The optimizer: before/after pairs in `fixtures/optimize/`, and the whole
//! corpus (never breaks the parse, optimizing twice changes nothing).
//!
//! A fixture `NAME.Dockerfile` is optimized and compared with
//! `NAME.optimized.Dockerfile`. Names starting with `cache-mounts-` or
//! `link-` turn on that option. A fixture that must not change has no
//! `.optimized` file. `PLIMSOLL_UPDATE_OPTIMIZE=1` rewrites the expected
//! files: read every one before committing it.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use plimsoll_linter::lint;
use plimsoll_linter::optimize::{optimize, OptimizeOptions};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/optimize"
    ))
}

fn options_for(name: &str) -> OptimizeOptions {
    OptimizeOptions {
        cache_mounts: name.starts_with("cache-mounts-"),
        link: name.starts_with("link-"),
    }
}

fn findings(source: &str) -> usize {
    let settings = support::all_rules();
    let file = plimsoll_syntax::parse(source);
    lint(source, &file, &settings.resolve(), &settings.options)
        .diagnostics
        .len()
}

#[test]
fn optimize_fixtures_match_their_expected_output() {
    let mut inputs: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".Dockerfile") && !name.ends_with(".optimized.Dockerfile")
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "fixtures missing");
    let (mut before_total, mut after_total) = (0, 0);
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name.trim_end_matches(".Dockerfile");
        let source = fs::read_to_string(&input).unwrap();
        let options = options_for(stem);
        let result = optimize(&source, &options);
        let expected_path = input.with_file_name(format!("{stem}.optimized.Dockerfile"));
        // PLIMSOLL_UPDATE_OPTIMIZE=1 writes the expected files (read them before committing).
        if std::env::var_os("PLIMSOLL_UPDATE_OPTIMIZE").is_some() {
            if result.changed() {
                fs::write(&expected_path, &result.source).unwrap();
            } else if expected_path.exists() {
                fs::remove_file(&expected_path).unwrap();
            }
        }
        let expected = if expected_path.exists() {
            fs::read_to_string(&expected_path).unwrap()
        } else {
            source.clone()
        };
        assert_eq!(result.source, expected, "{name}: plan {:#?}", result.steps);
        assert_eq!(result.changed(), source != expected, "{name}");
        let errors = |s: &str| plimsoll_syntax::parse(s).errors.len();
        assert!(
            errors(&result.source) <= errors(&source),
            "{name}: parse broke"
        );
        let again = optimize(&result.source, &options);
        assert!(
            !again.changed(),
            "{name}: not idempotent: {:#?}",
            again.steps
        );
        let (before, after) = (findings(&source), findings(&result.source));
        assert!(after <= before, "{name}: findings {before} -> {after}");
        if result.changed() {
            before_total += before;
            after_total += after;
            // Every step says what it did and why, with numbers that add up.
            let mut layers = result.before.layers;
            for step in &result.steps {
                assert!(!step.title.is_empty() && !step.why.is_empty(), "{name}");
                assert_eq!(step.layers_before, layers, "{name}: {step:?}");
                layers = step.layers_after;
            }
            assert_eq!(layers, result.after.layers, "{name}");
        }
    }
    println!("optimize fixtures: findings {before_total} -> {after_total}");
    assert!(after_total < before_total);
}

fn lone_carriage_returns(text: &str) -> usize {
    text.as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(text.ends_with('\r'))
}

#[test]
fn optimize_never_breaks_a_corpus_file_and_is_idempotent() {
    let Some(files) = support::corpus_files() else {
        return;
    };
    let all_options = OptimizeOptions {
        cache_mounts: true,
        link: true,
    };
    let mut problems = Vec::new();
    let mut changed = [0usize; 2];
    let mut per_transformation: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut layers_before, mut layers_after) = (0, 0);
    let (mut rebuilt_before, mut rebuilt_after) = (0, 0);
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let Ok(source) = plimsoll_syntax::decode(&bytes) else {
            continue;
        };
        let errors = plimsoll_syntax::parse(source).errors.len();
        for (slot, options) in [OptimizeOptions::default(), all_options].iter().enumerate() {
            let result = optimize(source, options);
            if !result.changed() {
                continue;
            }
            changed[slot] += 1;
            if slot == 0 {
                for step in &result.steps {
                    *per_transformation.entry(step.transformation).or_default() += 1;
                }
                layers_before += result.before.layers;
                layers_after += result.after.layers;
                rebuilt_before += result.before.rebuilt_on_source_change;
                rebuilt_after += result.after.rebuilt_on_source_change;
            }
            if plimsoll_syntax::parse(&result.source).errors.len() > errors {
                problems.push(format!("{}: optimizing broke the parse", path.display()));
            }
            // Line endings survive: no carriage return is left without its line feed.
            if lone_carriage_returns(&result.source) > lone_carriage_returns(source) {
                problems.push(format!("{}: a CRLF line ending was split", path.display()));
            }
            let again = optimize(&result.source, options);
            if again.changed() {
                problems.push(format!(
                    "{}: not idempotent ({:?}): {:?}",
                    path.display(),
                    options,
                    again.steps.iter().map(|s| &s.title).collect::<Vec<_>>()
                ));
            }
        }
    }
    println!(
        "optimize: {} of {} corpus files changed ({} with --cache-mounts --link); layers {layers_before} -> {layers_after}, rebuilt on a source change {rebuilt_before} -> {rebuilt_after}; idempotence failures: {}",
        changed[0],
        files.len(),
        changed[1],
        problems.len()
    );
    for (transformation, count) in &per_transformation {
        println!("{count:>7}  {transformation}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
