//! BuildKit's own build-check cases (`conformance/buildkit-checks/cases.jsonl`):
//! for every check plimsoll implements (matched through rule aliases), the
//! same findings on the same lines. Cases of checks not implemented yet are
//! counted and skipped.

#[path = "../../plimsoll_syntax/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use plimsoll_linter::context::{BuildContext, ContextOrigin, WalkLimits};
use plimsoll_linter::{lint_with_context, registry, Settings};
use serde_json::Value;

/// Where plimsoll deliberately reports elsewhere than BuildKit (documented in
/// the rules): only the number of findings is compared.
const LOCATION_DIFFERS: &[&str] = &["NoEmptyContinuation"];

fn implemented(check: &str) -> bool {
    registry::all()
        .iter()
        .any(|r| r.meta().aliases.contains(&check))
}

#[test]
fn buildkit_check_cases() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text =
        std::fs::read_to_string(shared.join("conformance/buildkit-checks/cases.jsonl")).unwrap();
    let settings = Settings {
        select: Some(vec!["all".into()]),
        ..Settings::default()
    };
    let rules = settings.resolve();
    let (mut run, mut skipped, mut failures) = (0, BTreeMap::<String, usize>::new(), Vec::new());
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let check = case["rule"].as_str().unwrap();
        if !implemented(check) {
            *skipped.entry(check.to_string()).or_default() += 1;
            continue;
        }
        // A BUILDKIT_DOCKERFILE_CHECK build argument replaces the file's check
        // directive; a lint run has no build arguments.
        if case["frontend_attrs"]
            .get("build-arg:BUILDKIT_DOCKERFILE_CHECK")
            .is_some()
        {
            *skipped
                .entry("(build-arg override)".to_string())
                .or_default() += 1;
            continue;
        }
        run += 1;
        let source = case["dockerfile"].as_str().unwrap();
        let file = plimsoll_syntax::parse(source);
        let index = plimsoll_syntax::LineIndex::new(source);
        // Cases with a `.dockerignore` run against a context holding the
        // Dockerfile and the ignore file, as BuildKit's test builds do.
        let context = case["dockerignore"].as_str().map(|ignore| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("Dockerfile"), source).unwrap();
            std::fs::write(dir.path().join(".dockerignore"), ignore).unwrap();
            let context = BuildContext::load(
                dir.path(),
                Some(&dir.path().join("Dockerfile")),
                ContextOrigin::Explicit,
                &WalkLimits::default(),
            )
            .unwrap();
            (dir, context)
        });
        let output = lint_with_context(
            source,
            &file,
            &rules,
            &settings.options,
            context.as_ref().map(|(_, c)| c),
        );
        let mut got: Vec<(String, u32)> = Vec::new();
        for d in &output.diagnostics {
            for alias in d
                .rule
                .aliases
                .iter()
                .filter(|a| implemented(a) && !a.starts_with("DL"))
            {
                got.push((
                    alias.to_string(),
                    index.line_column(d.span.start, source).line,
                ));
            }
        }
        let mut want: Vec<(String, u32)> = case["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["rule"].as_str().unwrap().to_string(),
                    w["line"].as_u64().unwrap() as u32,
                )
            })
            .filter(|(rule, _)| implemented(rule))
            .collect();
        // A diagnostic can carry several aliases (JSONArgsRecommended on two rules); keep the
        // comparison to the checks this case is about plus the ones it expects.
        got.retain(|(rule, _)| rule == check || want.iter().any(|(w, _)| w == rule));
        for (rule, line) in got.iter_mut().chain(want.iter_mut()) {
            if LOCATION_DIFFERS.contains(&rule.as_str()) {
                *line = 0;
            }
        }
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "{} ({}): got {got:?}, BuildKit {want:?}",
                check, case["source"]
            ));
        }
    }
    println!(
        "buildkit checks: {} of {run} cases agree; skipped (not implemented yet): {skipped:?}",
        run - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
