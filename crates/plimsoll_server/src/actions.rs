//! Code actions: a quick fix per fixable finding, "disable this rule for this
//! line" (a `# plimsoll ignore=` comment above the instruction), and the
//! `source.fixAll.plimsoll` action that applies every fix.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CreateFile,
    CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, ResourceOp, TextDocumentEdit, TextEdit,
    WorkspaceEdit,
};
use plimsoll_linter::fix::{append_lines, apply_edits, fix_source};
use plimsoll_linter::{Applicability, Diagnostic, Edit, FileChange, Fix};
use plimsoll_syntax::{parse, Span};

use crate::analysis::Analysis;
use crate::position::{Encoding, LineTable};
use crate::workspace::path_to_uri;

/// What the client's workspace edits may do beyond changing this document
/// (`workspace.workspaceEdit` capabilities).
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientEdits {
    /// `documentChanges`: edits of other files, in order.
    pub document_changes: bool,
    /// The `create` resource operation: a file that does not exist yet.
    pub create_files: bool,
}

/// An ignore file larger than this is not read for a quick fix.
const MAX_IGNORE_FILE_BYTES: u64 = 1 << 20;

/// The kind of the "fix all plimsoll problems" action.
pub const SOURCE_FIX_ALL_PLIMSOLL: &str = "source.fixAll.plimsoll";

/// Is `kind` among the kinds the client asked for? Kinds are hierarchical:
/// asking for `source` includes `source.fixAll.plimsoll`.
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|o| {
            let o = o.as_str();
            kind == o
                || kind
                    .strip_prefix(o)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

pub fn code_actions(
    analysis: &Analysis,
    params: &CodeActionParams,
    encoding: Encoding,
    client: ClientEdits,
) -> Vec<CodeActionOrCommand> {
    let text = analysis.text();
    let (start, end) = analysis.snapshot.lines.span(params.range, text, encoding);
    let only = params.context.only.as_deref();
    let mut actions = Vec::new();

    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        for d in analysis.diagnostics_in(start, end) {
            if let Some(action) = quick_fix(analysis, d, encoding, client) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        // One "disable" per rule, however many of its findings are in range;
        // none where the config makes suppression comments inert.
        let mut disabled: Vec<&str> = Vec::new();
        let pragmas_work = !analysis.snapshot.profile.settings.disable_ignore_pragma;
        for d in analysis.diagnostics_in(start, end).filter(|_| pragmas_work) {
            if disabled.contains(&d.rule.name) {
                continue;
            }
            if let Some(action) = disable_for_line(analysis, d, encoding) {
                disabled.push(d.rule.name);
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if wanted(only, SOURCE_FIX_ALL_PLIMSOLL) {
        if let Some(action) = fix_all(analysis, encoding) {
            actions.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    actions
}

fn edit_for(analysis: &Analysis, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(analysis.snapshot.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn text_edit(analysis: &Analysis, edit: &Edit, encoding: Encoding) -> TextEdit {
    TextEdit {
        range: analysis.range(edit.span, encoding),
        new_text: edit.content.clone(),
    }
}

fn quick_fix(
    analysis: &Analysis,
    d: &Diagnostic,
    encoding: Encoding,
    client: ClientEdits,
) -> Option<CodeAction> {
    let fix = d.fix.as_ref()?;
    if !fix.file_changes.is_empty() {
        return other_files_fix(analysis, d, fix, encoding, client);
    }
    // A fix without edits would be an action that does nothing.
    if fix.edits.is_empty() {
        return None;
    }
    let text = analysis.text();
    // Never offer an edit that leaves a file BuildKit would reject.
    let fixed = apply_edits(text, &fix.edits.iter().collect::<Vec<_>>());
    if parse(&fixed).errors.len() > analysis.file.errors.len() {
        return None;
    }
    let safe = fix.applicability == Applicability::Safe;
    let title = if safe {
        format!("{} ({})", fix.title, d.rule.name)
    } else {
        format!("{} ({}, unsafe: check the result)", fix.title, d.rule.name)
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![analysis.lsp_diagnostic(d, encoding)]),
        edit: Some(edit_for(
            analysis,
            fix.edits
                .iter()
                .map(|e| text_edit(analysis, e, encoding))
                .collect(),
        )),
        is_preferred: Some(safe),
        ..CodeAction::default()
    })
}

/// A fix that also changes other files (lines appended to the build's
/// `.dockerignore`), as `documentChanges`: the file is read now, so the edit
/// appends to what is on disk; a file that does not exist yet is created
/// first. Offered only when the client can apply such edits; never preferred
/// (these fixes are unsafe). The lint checked the lines against the build's
/// COPY sources; the re-lint after the save checks the result.
fn other_files_fix(
    analysis: &Analysis,
    d: &Diagnostic,
    fix: &Fix,
    encoding: Encoding,
    client: ClientEdits,
) -> Option<CodeAction> {
    if !client.document_changes {
        return None;
    }
    let mut operations = Vec::new();
    if !fix.edits.is_empty() {
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: analysis.snapshot.uri.clone(),
                version: None,
            },
            edits: fix
                .edits
                .iter()
                .map(|e| OneOf::Left(text_edit(analysis, e, encoding)))
                .collect(),
        }));
    }
    for change in &fix.file_changes {
        let FileChange::AppendLines {
            path,
            lines,
            comment,
        } = change;
        let uri = path_to_uri(path)?;
        let existing = match std::fs::symlink_metadata(path) {
            // Never written through a link, never a huge file.
            Ok(meta) if !meta.is_file() || meta.len() > MAX_IGNORE_FILE_BYTES => return None,
            Ok(_) => Some(std::fs::read_to_string(path).ok()?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => return None,
        };
        let current = existing.as_deref().unwrap_or("");
        let appended = append_lines(existing.as_deref(), lines, comment.as_deref())?;
        // The file's content is kept byte for byte: the change is a suffix.
        let suffix = appended.strip_prefix(current)?;
        if existing.is_none() {
            if !client.create_files {
                return None;
            }
            operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
                CreateFile {
                    uri: uri.clone(),
                    options: Some(CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                },
            )));
        }
        let end: Position = LineTable::new(current).position(current.len(), current, encoding);
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(TextEdit {
                range: lsp_types::Range::new(end, end),
                new_text: suffix.to_string(),
            })],
        }));
    }
    Some(CodeAction {
        title: format!("{} ({}, unsafe: check the result)", fix.title, d.rule.name),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![analysis.lsp_diagnostic(d, encoding)]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(false),
        ..CodeAction::default()
    })
}

/// The list of a `# plimsoll ignore=` comment (not `global`), if `comment` is one.
fn plimsoll_ignore_list(comment: &str) -> Option<&str> {
    let rest = comment.trim().strip_prefix("plimsoll")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    rest.trim_start()
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')
}

/// Insert `# plimsoll ignore=<rule>` above the instruction of `d`, or add the
/// rule to such a comment that is already there.
fn disable_for_line(analysis: &Analysis, d: &Diagnostic, encoding: Encoding) -> Option<CodeAction> {
    let text = analysis.text();
    let lines = &analysis.snapshot.lines;
    let at = d.span.start;
    let instruction = analysis
        .file
        .instructions
        .iter()
        .find(|i| i.span.start <= at && at <= i.span.end)?;
    let line = lines.line_of(instruction.span.start as usize);
    let line_start = lines.line_start(line);
    let indent = text
        .get(line_start..instruction.span.start as usize)
        .filter(|s| s.chars().all(char::is_whitespace))
        .unwrap_or("");
    let name = d.rule.name;

    let existing = line.checked_sub(1).and_then(|above| {
        analysis
            .file
            .comments
            .iter()
            .find(|c| !c.in_continuation && lines.line_of(c.span.start as usize) == above)
    });
    let edit = match existing.and_then(|c| Some((c, plimsoll_ignore_list(&c.text)?))) {
        // A trailing `# reason` would swallow anything appended after it.
        Some((comment, list)) if !list.contains('#') => {
            let source = comment.span.text(text);
            let end = comment.span.start as usize + source.trim_end().len();
            let separator = if list.trim().is_empty() { "" } else { "," };
            Edit::insert(end as u32, format!("{separator}{name}"))
        }
        _ => {
            // Keep the file's line endings.
            let line_end = text[line_start..].find('\n').map(|i| line_start + i);
            let crlf = line_end.is_some_and(|i| i > 0 && text.as_bytes()[i - 1] == b'\r');
            let newline = if crlf { "\r\n" } else { "\n" };
            Edit::insert(
                line_start as u32,
                format!("{indent}# plimsoll ignore={name}{newline}"),
            )
        }
    };
    Some(CodeAction {
        title: format!("Disable {name} for this line"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![analysis.lsp_diagnostic(d, encoding)]),
        edit: Some(edit_for(
            analysis,
            vec![text_edit(analysis, &edit, encoding)],
        )),
        is_preferred: Some(false),
        ..CodeAction::default()
    })
}

/// Every fix at once (safe ones, and unsafe ones when the editor settings ask),
/// as one edit spanning what changed.
fn fix_all(analysis: &Analysis, encoding: Encoding) -> Option<CodeAction> {
    let text = analysis.text();
    let fixed = analysis.fixed.get_or_init(|| {
        let profile = &analysis.snapshot.profile;
        let fixable = analysis.output.diagnostics.iter().any(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Safe || profile.unsafe_fixes)
        });
        if !fixable {
            return None;
        }
        let outcome = fix_source(
            text,
            &profile.rules,
            &profile.settings.options,
            profile.unsafe_fixes,
        );
        outcome.changed().then_some(outcome.source)
    });
    let edit = minimal_edit(text, fixed.as_deref()?);
    Some(CodeAction {
        title: "Fix all plimsoll problems".into(),
        kind: Some(CodeActionKind::new(SOURCE_FIX_ALL_PLIMSOLL)),
        edit: Some(edit_for(
            analysis,
            vec![text_edit(analysis, &edit, encoding)],
        )),
        ..CodeAction::default()
    })
}

/// One edit turning `old` into `new`: everything between their common prefix
/// and common suffix (so the editor keeps cursor and folds elsewhere).
pub fn minimal_edit(old: &str, new: &str) -> Edit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Edit::replace(
        Span::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edit_reproduces_the_new_text() {
        for (old, new) in [
            ("ENV A 1\n", "ENV A=1\n"),
            ("abc", "abc"),
            ("", "x"),
            ("aaa", "aa"),
            ("é😀x", "é😁x"),
            ("FROM a\nCMD x\n", "FROM a\nCMD [\"x\"]\n"),
        ] {
            let edit = minimal_edit(old, new);
            assert_eq!(apply_edits(old, &[&edit]), new, "{old:?} → {new:?}");
        }
        assert_eq!(minimal_edit("ENV A 1\n", "ENV A=1\n").span, Span::new(5, 6));
    }

    #[test]
    fn only_filters_by_kind_hierarchy() {
        let source = [CodeActionKind::SOURCE];
        let fix_all = [CodeActionKind::SOURCE_FIX_ALL];
        let quickfix = [CodeActionKind::QUICKFIX];
        assert!(wanted(None, SOURCE_FIX_ALL_PLIMSOLL));
        assert!(wanted(Some(&source), SOURCE_FIX_ALL_PLIMSOLL));
        assert!(wanted(Some(&fix_all), SOURCE_FIX_ALL_PLIMSOLL));
        assert!(!wanted(Some(&quickfix), SOURCE_FIX_ALL_PLIMSOLL));
        assert!(!wanted(Some(&fix_all), "source.fixAllX"));
    }

    #[test]
    fn ignore_lists_are_recognised() {
        assert_eq!(plimsoll_ignore_list(" plimsoll ignore=a,b"), Some("a,b"));
        assert_eq!(plimsoll_ignore_list("plimsoll ignore = a"), Some(" a"));
        assert_eq!(plimsoll_ignore_list("plimsoll global ignore=a"), None);
        assert_eq!(plimsoll_ignore_list("plimsollignore=a"), None);
    }
}
