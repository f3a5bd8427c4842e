//! hadolint's rule cases (`conformance/hadolint/cases.jsonl`) for the DL codes
//! plimsoll carries as aliases: a "catch" case must produce a finding of a rule
//! with that alias, a "pass" case none. Cases hadolint itself disagrees with,
//! or that need hadolint options, are skipped. Where plimsoll deliberately
//! differs (each documented under "Differences from hadolint" in the rule),
//! disagreements are counted and listed, not failed.

#[path = "../../plimsoll_syntax/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use plimsoll_linter::{lint, registry, Settings};
use serde_json::Value;

/// Does a rule carrying hadolint's `code` document that it decides some
/// cases differently? Only those rules' disagreements are tolerated.
fn difference_documented(code: &str) -> bool {
    registry::all().iter().any(|r| {
        r.meta().aliases.contains(&code) && r.meta().docs.contains("## Differences from hadolint")
    })
}

#[test]
fn hadolint_rule_cases_for_aliased_codes() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text = std::fs::read_to_string(shared.join("conformance/hadolint/cases.jsonl")).unwrap();
    let settings = Settings {
        select: Some(vec!["all".into()]),
        ..Settings::default()
    };
    let rules = settings.resolve();
    let mut agree: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut documented = Vec::new();
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let code = case["rule"].as_str().unwrap_or("");
        let aliased = registry::all()
            .iter()
            .any(|r| r.meta().aliases.contains(&code));
        if !aliased
            || case["hadolint_agrees"] != Value::Bool(true)
            || case["needs_config"] == Value::Bool(true)
        {
            continue;
        }
        // ONBUILD variants: the text hadolint linted, with each RUN wrapped in ONBUILD.
        let source = case["linted_dockerfile"]
            .as_str()
            .filter(|_| case["onbuild"] == Value::Bool(true))
            .or(case["dockerfile"].as_str())
            .unwrap();
        let file = plimsoll_syntax::parse(source);
        let fired = lint(source, &file, &rules, &settings.options)
            .diagnostics
            .iter()
            .any(|d| d.rule.aliases.contains(&code));
        let expected = case["expect"] == "catch";
        let entry = agree.entry(code.to_string()).or_default();
        entry.1 += 1;
        if fired == expected {
            entry.0 += 1;
        } else {
            let message = format!("{code} {} ({}): {source:?}", case["expect"], case["source"]);
            if difference_documented(code) {
                documented.push(message);
            } else {
                failures.push(message);
            }
        }
    }
    for (code, (ok, total)) in &agree {
        println!("hadolint {code}: {ok} of {total} cases agree");
    }
    let (ok, total) = agree
        .values()
        .fold((0, 0), |(a, b), (ok, total)| (a + ok, b + total));
    println!(
        "hadolint cases: {ok} of {total} agree over {} codes; documented differences: {}",
        agree.len(),
        documented.len()
    );
    for message in &documented {
        println!("  {message}");
    }
    let compat = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/compat/hadolint.md"
    ))
    .unwrap();
    let unlisted: Vec<&String> = documented
        .iter()
        .filter(|m| {
            let source = m.split('"').nth(3).unwrap_or("");
            !compat.contains(&format!("`{source}`"))
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "list these cases, with the reason, in docs/compat/hadolint.md: {unlisted:#?}"
    );
    assert!(!agree.is_empty());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
