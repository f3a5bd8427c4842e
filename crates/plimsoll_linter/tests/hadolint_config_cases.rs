//! hadolint's rule cases that need configuration (`needs_config: true` in
//! `conformance/hadolint/cases.jsonl`): each case's hadolint command-line
//! flags (`--trusted-registry`, `--require-label name:type`,
//! `--strict-labels`, `--ignore`) become the equivalent plimsoll settings, and
//! the case must agree with what hadolint does with those flags. Cases whose
//! code no plimsoll rule carries, or where hadolint disagrees with its own
//! test, are skipped.

#[path = "../../plimsoll_syntax/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use plimsoll_linter::settings::LabelType;
use plimsoll_linter::{lint, registry, Settings};
use serde_json::Value;

/// The plimsoll settings for hadolint's command-line flags.
fn settings_from_flags(flags: &[&str]) -> Result<Settings, String> {
    let mut settings = Settings {
        select: Some(vec!["all".into()]),
        ..Settings::default()
    };
    let mut flags = flags.iter();
    while let Some(&flag) = flags.next() {
        let mut value = || flags.next().copied().ok_or(format!("{flag} needs a value"));
        match flag {
            "--trusted-registry" => settings
                .options
                .trusted_registries
                .push(value()?.to_string()),
            "--require-label" => {
                let spec = value()?;
                let (name, kind) = spec.split_once(':').unwrap_or((spec, ""));
                let kind = LabelType::parse(kind).ok_or(format!("unknown label type in {spec}"))?;
                settings.options.label_schema.insert(name.to_string(), kind);
            }
            "--strict-labels" => settings.options.strict_labels = true,
            "--ignore" => settings.ignore.push(value()?.to_string()),
            other => return Err(format!("unknown hadolint flag {other}")),
        }
    }
    Ok(settings)
}

fn difference_documented(code: &str) -> bool {
    registry::all().iter().any(|r| {
        r.meta().aliases.contains(&code) && r.meta().docs.contains("## Differences from hadolint")
    })
}

#[test]
fn flags_translate_to_settings() {
    let settings = settings_from_flags(&[
        "--trusted-registry",
        "docker.io",
        "--require-label",
        "version:semver",
        "--require-label",
        "author",
        "--strict-labels",
    ])
    .unwrap();
    assert_eq!(settings.options.trusted_registries, ["docker.io"]);
    assert_eq!(
        settings.options.label_schema.get("version"),
        Some(&LabelType::Semver)
    );
    assert_eq!(
        settings.options.label_schema.get("author"),
        Some(&LabelType::Text)
    );
    assert!(settings.options.strict_labels);
    assert!(settings_from_flags(&["--require-label", "x:date"]).is_err());
}

#[test]
fn hadolint_cases_with_config_flags() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let text = std::fs::read_to_string(shared.join("conformance/hadolint/cases.jsonl")).unwrap();
    let mut agree: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut failures, mut documented, mut skipped) = (Vec::new(), Vec::new(), 0);
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        if case["needs_config"] != Value::Bool(true) {
            continue;
        }
        let code = case["rule"].as_str().unwrap_or("");
        let aliased = registry::all()
            .iter()
            .any(|r| r.meta().aliases.contains(&code));
        if !aliased || case["hadolint_agrees_with_config_flags"] != Value::Bool(true) {
            skipped += 1;
            continue;
        }
        let flags: Vec<&str> = case["config_flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let settings = settings_from_flags(&flags).unwrap();
        // The text hadolint actually linted (ONBUILD variants are rewritten).
        let source = case["linted_dockerfile"]
            .as_str()
            .or(case["dockerfile"].as_str())
            .unwrap();
        let file = plimsoll_syntax::parse(source);
        let found = lint(source, &file, &settings.resolve(), &settings.options)
            .diagnostics
            .iter()
            .filter(|d| d.rule.aliases.contains(&code))
            .count();
        // `failsWith n` cases pin the number of findings; the others only
        // whether the rule fires.
        let agrees = match case["expect_count"].as_u64() {
            Some(n) => found as u64 == n,
            None => (found > 0) == (case["expect"] == "catch"),
        };
        let entry = agree.entry(code.to_string()).or_default();
        entry.1 += 1;
        if agrees {
            entry.0 += 1;
        } else {
            let message = format!(
                "{code} {} {flags:?} ({}): {found} findings for {source:?}",
                case["expect"], case["source"]
            );
            if difference_documented(code) {
                documented.push(message);
            } else {
                failures.push(message);
            }
        }
    }
    for (code, (ok, total)) in &agree {
        println!("hadolint {code} (with config flags): {ok} of {total} cases agree");
    }
    println!("skipped (code not carried, or hadolint disagrees with its own test): {skipped}");
    println!("documented differences: {}", documented.len());
    for message in &documented {
        println!("  {message}");
    }
    assert!(!agree.is_empty());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
