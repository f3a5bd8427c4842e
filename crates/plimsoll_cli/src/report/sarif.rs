//! SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.
//! Every rule is described in `tool.driver.rules`; results point at exact
//! regions (1-based lines, columns in Unicode code points) and carry fixes.

use std::io::{self, Write};

use serde_json::{json, Value};

use plimsoll_linter::{registry, Severity};

use super::FileReport;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// SARIF wants URIs; paths are written relative with `/` separators.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    path.replace('%', "%25")
        .replace(' ', "%20")
        .replace('#', "%23")
        .replace('?', "%3F")
}

fn rules_metadata() -> Vec<Value> {
    registry::all()
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            json!({
                "id": meta.name,
                "name": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.documentation().trim() },
                "helpUri": format!("{}/blob/main/docs/rules/{}.md", env!("CARGO_PKG_REPOSITORY"), meta.name),
                "help": { "text": meta.summary, "markdown": meta.documentation().trim() },
                "defaultConfiguration": { "level": level(meta.severity) },
                "properties": {
                    "tags": [meta.category.as_str()],
                    "code": meta.code,
                    "aliases": meta.aliases,
                },
            })
        })
        .collect()
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut results = Vec::new();
    for file in files {
        let location_uri = uri(&file.path);
        for d in &file.diagnostics {
            let (start, end) = file.range(d.span);
            let rule_index = registry::all()
                .iter()
                .position(|r| std::ptr::eq(r.meta(), d.rule))
                .unwrap_or(0);
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(". Help: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.rule.name,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": location_uri },
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                            "charOffset": char_offset(&file.source, d.span.start),
                            "charLength": d.span.text(&file.source).chars().count(),
                        },
                    },
                }],
            });
            if let Some(fix) = &d.fix {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        json!({
                            "deletedRegion": {
                                "charOffset": char_offset(&file.source, edit.span.start),
                                "charLength": edit.span.text(&file.source).chars().count(),
                            },
                            "insertedContent": { "text": edit.content },
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": location_uri },
                        "replacements": replacements,
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "plimsoll",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules_metadata(),
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Offset in characters (SARIF's `charOffset`), from a byte offset.
fn char_offset(source: &str, byte: u32) -> usize {
    let mut end = (byte as usize).min(source.len());
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    source[..end].chars().count()
}
