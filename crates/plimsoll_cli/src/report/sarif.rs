//! SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.
//! Every rule is described in `tool.driver.rules`; results point at exact
//! regions (1-based lines, columns in Unicode code points) and carry fixes.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Value};

use plimsoll_linter::fix::append_lines;
use plimsoll_linter::{registry, FileChange, RuleMeta, Severity};

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

/// The rules that have results in this run, in order of first appearance.
/// Listing only those keeps the log small (every rule's documentation would
/// add hundreds of kilobytes) and is what SARIF viewers need.
fn referenced_rules(files: &[FileReport]) -> Vec<&'static RuleMeta> {
    let mut seen: Vec<&'static RuleMeta> = Vec::new();
    for d in files.iter().flat_map(|f| &f.diagnostics) {
        if !seen.iter().any(|r| std::ptr::eq(*r, d.rule)) {
            seen.push(d.rule);
        }
    }
    seen
}

/// Where a rule is documented: its page in `docs/rules/`, or ShellCheck's wiki.
fn help_uri(meta: &RuleMeta) -> String {
    if registry::find(meta.code).is_some() {
        format!(
            "{}/blob/main/docs/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            meta.name
        )
    } else {
        format!("https://www.shellcheck.net/wiki/{}", meta.code)
    }
}

fn rules_metadata(rules: &[&'static RuleMeta]) -> Vec<Value> {
    rules
        .iter()
        .map(|meta| {
            json!({
                "id": meta.name,
                "name": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.documentation().trim() },
                "helpUri": help_uri(meta),
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

// Results are typed structs rather than `json!` trees: a run can carry
// hundreds of thousands of them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    char_offset: usize,
    char_length: usize,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedRegion {
    char_offset: usize,
    char_length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: DeletedRegion,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation<'a>,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: Vec<ArtifactChange<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

pub fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let rules = referenced_rules(files);
    let uris: Vec<String> = files.iter().map(|f| uri(&f.path)).collect();
    let messages: Vec<Vec<String>> = files
        .iter()
        .map(|file| {
            file.diagnostics
                .iter()
                .map(|d| match &d.help {
                    Some(help) => format!("{}. Help: {help}", d.message),
                    None => d.message.clone(),
                })
                .collect()
        })
        .collect();
    let mut results = Vec::new();
    for ((file, uri), messages) in files.iter().zip(&uris).zip(&messages) {
        let mut chars = CharOffsets::new(&file.source);
        for (d, message) in file.diagnostics.iter().zip(messages) {
            let (start, end) = file.range(d.span);
            let rule_index = rules
                .iter()
                .position(|r| std::ptr::eq(*r, d.rule))
                .expect("every result's rule is listed");
            let fixes = d.fix.as_ref().and_then(|fix| {
                let mut changes = Vec::new();
                if !fix.edits.is_empty() {
                    changes.push(ArtifactChange {
                        artifact_location: ArtifactLocation { uri: uri.into() },
                        replacements: fix
                            .edits
                            .iter()
                            .map(|edit| Replacement {
                                deleted_region: DeletedRegion {
                                    char_offset: chars.at(edit.span.start),
                                    char_length: edit.span.text(&file.source).chars().count(),
                                },
                                inserted_content: Text {
                                    text: edit.content.as_str().into(),
                                },
                            })
                            .collect(),
                    });
                }
                changes.extend(fix.file_changes.iter().filter_map(file_change));
                // A fix whose other file cannot be read here is left out, not half shown.
                (changes.len() == usize::from(!fix.edits.is_empty()) + fix.file_changes.len()
                    && !changes.is_empty())
                .then(|| {
                    [SarifFix {
                        description: Text {
                            text: fix.title.as_str().into(),
                        },
                        artifact_changes: changes,
                    }]
                })
            });
            results.push(SarifResult {
                rule_id: d.rule.name,
                rule_index,
                level: level(d.severity),
                message: Text {
                    text: message.into(),
                },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: uri.into() },
                        region: Region {
                            start_line: start.line,
                            start_column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                            char_offset: chars.at(d.span.start),
                            char_length: d.span.text(&file.source).chars().count(),
                        },
                    },
                }],
                fixes,
            });
        }
    }
    let log = SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({
                "driver": {
                    "name": "plimsoll",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules_metadata(&rules),
                },
            }),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// The largest ignore file read to place an appended line.
const MAX_OTHER_FILE: u64 = 1024 * 1024;

/// A change to another file as a SARIF artifact change: the appended text,
/// inserted at the end of the file as it is now (read here: SARIF places
/// insertions by offset). `None` when the file cannot be read as text or is
/// a symlink.
fn file_change<'a>(change: &FileChange) -> Option<ArtifactChange<'a>> {
    let FileChange::AppendLines {
        path,
        lines,
        comment,
    } = change;
    let existing = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(_) => return None,
        Ok(m) if !m.is_file() || m.len() > MAX_OTHER_FILE => return None,
        Ok(_) => Some(String::from_utf8(std::fs::read(path).ok()?).ok()?),
    };
    let after = append_lines(existing.as_deref(), lines, comment.as_deref())?;
    let before = existing.unwrap_or_default();
    let inserted = after.get(before.len()..)?.to_owned();
    Some(ArtifactChange {
        artifact_location: ArtifactLocation {
            uri: uri(&super::display_path(path)).into(),
        },
        replacements: vec![Replacement {
            deleted_region: DeletedRegion {
                char_offset: before.chars().count(),
                char_length: 0,
            },
            inserted_content: Text {
                text: inserted.into(),
            },
        }],
    })
}

/// Byte offsets → character offsets (SARIF's `charOffset`). Findings come in
/// position order, so counting resumes from the last answer instead of the
/// start of the file (which would be quadratic for many findings).
struct CharOffsets<'a> {
    source: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(source: &'a str) -> Self {
        CharOffsets {
            source,
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, byte: u32) -> usize {
        let mut target = (byte as usize).min(self.source.len());
        while !self.source.is_char_boundary(target) {
            target -= 1;
        }
        if target < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.source[self.byte..target].chars().count();
        self.byte = target;
        self.chars
    }
}
