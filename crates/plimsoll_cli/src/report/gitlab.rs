//! GitLab Code Quality report (a JSON array of Code Climate issues).
//!
//! The fingerprint must stay the same across runs and when the finding moves
//! to another line, or GitLab shows it as fixed-and-new. It is a hash of the
//! file, the rule, the flagged text (whitespace-normalised) and how many
//! identical findings came before it in the file — never the line number.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use plimsoll_linter::Severity;

use super::FileReport;

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'static str,
    description: String,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location<'a>,
}

/// 64-bit FNV-1a: tiny, stable across platforms and releases (unlike std's hasher).
fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325 ^ seed, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn fingerprint(path: &str, rule: &str, text: &str, occurrence: usize) -> String {
    let normalized: Vec<&str> = text.split_whitespace().collect();
    let key = format!("{path}\0{rule}\0{}\0{occurrence}", normalized.join(" "));
    format!(
        "{:016x}{:016x}",
        fnv1a(key.as_bytes(), 0),
        fnv1a(key.as_bytes(), 0x9e37_79b9_7f4a_7c15)
    )
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in files {
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for d in &file.diagnostics {
            let (start, end) = file.range(d.span);
            let text = d.span.text(&file.source);
            let occurrence = seen.entry((d.rule.name, text)).or_default();
            *occurrence += 1;
            issues.push(Issue {
                kind: "issue",
                check_name: d.rule.name,
                description: format!("{} ({})", d.message, d.rule.name),
                categories: [match d.rule.category.as_str() {
                    "security" => "Security",
                    "cache" | "size" => "Performance",
                    "style" => "Style",
                    "correctness" | "runtime" => "Bug Risk",
                    _ => "Clarity",
                }],
                severity: match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Info => "minor",
                    Severity::Style => "info",
                },
                fingerprint: fingerprint(&file.path, d.rule.name, text, *occurrence),
                location: Location {
                    path: &file.path,
                    lines: Lines {
                        begin: start.line,
                        end: end.line,
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_position_and_layout_but_not_content() {
        let a = fingerprint("Dockerfile", "exec-form-cmd", "node  server.js", 1);
        assert_eq!(
            a,
            fingerprint("Dockerfile", "exec-form-cmd", "node server.js", 1)
        );
        assert_ne!(
            a,
            fingerprint("Dockerfile", "exec-form-cmd", "node server.js", 2)
        );
        assert_ne!(
            a,
            fingerprint("Dockerfile", "exec-form-cmd", "node app.js", 1)
        );
        assert_eq!(a.len(), 32);
    }
}
