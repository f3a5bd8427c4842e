//! Applying fixes: edits on the original text, in passes, until nothing
//! changes. A pass takes the fixes whose edits do not overlap, applies them,
//! re-parses and re-lints; a fix whose result BuildKit would reject is dropped.

use plimsoll_syntax::{parse, Span};

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::lint::lint;
use crate::settings::{ResolvedRules, RuleOptions};

/// Fixes converge in a few passes; the bound stops two fixes undoing each other forever.
const MAX_PASSES: usize = 10;

/// One fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub rule: &'static str,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub source: String,
    pub applied: Vec<AppliedFix>,
    pub passes: usize,
}

impl FixOutcome {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    // Two insertions at the same point conflict too: their order would be arbitrary.
    (a.start < b.end && b.start < a.end) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// `source` with `edits` applied (edits must not overlap).
pub fn apply_edits(source: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut position = 0;
    for edit in sorted {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        if start < position || end > source.len() {
            continue;
        }
        out.push_str(&source[position..start]);
        out.push_str(&edit.content);
        position = end;
    }
    out.push_str(&source[position..]);
    out
}

/// The text of a file after appending `lines` to `existing` (`None`: the
/// file does not exist yet), or `None` when it already has every line.
/// Existing content is kept byte for byte; a missing final newline is added
/// before the new lines; lines already there (compared without surrounding
/// whitespace, and only after the file's last `!` exception, which could undo
/// them) and repeated lines are skipped. `comment` goes above the new
/// lines.
pub fn append_lines(
    existing: Option<&str>,
    lines: &[String],
    comment: Option<&str>,
) -> Option<String> {
    let text = existing.unwrap_or("");
    // A line before a `!` exception may be undone by it: only lines after the
    // last exception count as present (appended lines come after it too).
    let all: Vec<&str> = text.lines().map(str::trim).collect();
    let after_exceptions = all
        .iter()
        .rposition(|l| l.starts_with('!'))
        .map_or(0, |i| i + 1);
    let mut present: Vec<&str> = all[after_exceptions..].to_vec();
    let mut added: Vec<&str> = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() || present.contains(&line) {
            continue;
        }
        present.push(line);
        added.push(line);
    }
    if added.is_empty() {
        return None;
    }
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        // Keep the file's own line ending style.
        out.push_str(if out.contains("\r\n") { "\r\n" } else { "\n" });
    }
    let newline = if out.contains("\r\n") { "\r\n" } else { "\n" };
    if let Some(comment) = comment {
        out.push_str(comment);
        out.push_str(newline);
    }
    for line in added {
        out.push_str(line);
        out.push_str(newline);
    }
    Some(out)
}

/// Apply safe fixes (and unsafe ones when `unsafe_fixes`) until nothing changes.
pub fn fix_source(
    source: &str,
    rules: &ResolvedRules,
    options: &RuleOptions,
    unsafe_fixes: bool,
) -> FixOutcome {
    let mut current = source.to_string();
    let mut applied = Vec::new();
    let mut passes = 0;
    while passes < MAX_PASSES {
        passes += 1;
        let file = parse(&current);
        let errors_before = file.errors.len();
        let diagnostics = lint(&current, &file, rules, options).diagnostics;
        let mut taken: Vec<Span> = Vec::new();
        let mut chosen: Vec<(&'static str, &Fix)> = Vec::new();
        for d in &diagnostics {
            let Some(fix) = &d.fix else { continue };
            if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
                continue;
            }
            // Changes to other files are the caller's to apply (see `append_lines`).
            if !fix.file_changes.is_empty() {
                continue;
            }
            if fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| overlaps(*t, e.span)))
            {
                continue;
            }
            // Never write a file BuildKit would reject: check each fix on its own.
            let alone = apply_edits(&current, &fix.edits.iter().collect::<Vec<_>>());
            if parse(&alone).errors.len() > errors_before {
                continue;
            }
            taken.extend(fix.edits.iter().map(|e| e.span));
            chosen.push((d.rule.name, fix));
        }
        if chosen.is_empty() {
            break;
        }
        let edits: Vec<&Edit> = chosen.iter().flat_map(|(_, fix)| &fix.edits).collect();
        let next = apply_edits(&current, &edits);
        if next == current || parse(&next).errors.len() > errors_before {
            break;
        }
        applied.extend(chosen.iter().map(|(rule, fix)| AppliedFix {
            rule,
            title: fix.title.clone(),
        }));
        current = next;
    }
    FixOutcome {
        source: current,
        applied,
        passes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn fix(source: &str, unsafe_fixes: bool) -> FixOutcome {
        let settings = Settings {
            select: Some(vec!["all".into()]),
            ..Settings::default()
        };
        fix_source(source, &settings.resolve(), &settings.options, unsafe_fixes)
    }

    #[test]
    fn safe_fixes_apply_and_converge() {
        let source = "FROM alpine:3.20\n# keep me\nMAINTAINER Jane <j@x>\nENV A 1\nUSER nobody\nCMD node server.js\n";
        let outcome = fix(source, false);
        assert_eq!(
            outcome.source,
            "FROM alpine:3.20\n# keep me\nLABEL org.opencontainers.image.authors=\"Jane <j@x>\"\nENV A=1\nUSER nobody\nCMD [\"node\", \"server.js\"]\n"
        );
        assert_eq!(outcome.applied.len(), 3);
        // A second run finds nothing left to fix.
        assert!(!fix(&outcome.source, false).changed());
    }

    #[test]
    fn unsafe_fixes_need_opting_in() {
        let source = "FROM alpine:3.20\nUSER nobody\nENTRYPOINT app --port $PORT\n";
        assert!(!fix(source, false).changed());
        let outcome = fix(source, true);
        assert_eq!(
            outcome.source,
            "FROM alpine:3.20\nUSER nobody\nENTRYPOINT [\"/bin/sh\", \"-c\", \"exec app --port $PORT\"]\n"
        );
    }

    #[test]
    fn fix_modes_promote_demote_or_drop_a_rules_fixes() {
        use crate::settings::FixMode;
        let with_mode = |selector: &str, mode: FixMode, unsafe_fixes: bool, source: &str| {
            let settings = Settings {
                select: Some(vec!["exec-form-entrypoint".into(), "exec-form-cmd".into()]),
                fix_modes: [(selector.to_string(), mode)].into_iter().collect(),
                ..Settings::default()
            };
            fix_source(source, &settings.resolve(), &settings.options, unsafe_fixes).source
        };
        let unsafe_only = "FROM alpine:3.20\nENTRYPOINT app --port $PORT\n";
        // `always`: an unsafe fix is applied by plain --fix.
        assert_eq!(
            with_mode("exec-form-entrypoint", FixMode::Always, false, unsafe_only),
            "FROM alpine:3.20\nENTRYPOINT [\"/bin/sh\", \"-c\", \"exec app --port $PORT\"]\n"
        );
        let safe = "FROM alpine:3.20\nCMD node server.js\n";
        // `unsafe-only`: a safe fix waits for --unsafe-fixes.
        assert_eq!(with_mode("PL004", FixMode::UnsafeOnly, false, safe), safe);
        assert_ne!(with_mode("PL004", FixMode::UnsafeOnly, true, safe), safe);
        // `never`: not even --unsafe-fixes applies it, and the finding carries no fix.
        assert_eq!(with_mode("exec-form-cmd", FixMode::Never, true, safe), safe);
        let settings = Settings {
            select: Some(vec!["exec-form-cmd".into()]),
            fix_modes: [("runtime".to_string(), FixMode::Never)]
                .into_iter()
                .collect(),
            ..Settings::default()
        };
        let file = parse(safe);
        let output = lint(safe, &file, &settings.resolve(), &settings.options);
        assert_eq!(output.diagnostics.len(), 1);
        assert!(output.diagnostics[0].fix.is_none());
    }

    #[test]
    fn append_lines_keeps_content_and_skips_present_lines() {
        let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            append_lines(None, &lines(&["node_modules", ".git"]), Some("# added")).as_deref(),
            Some("# added\nnode_modules\n.git\n")
        );
        // No final newline: one is added before the new lines.
        assert_eq!(
            append_lines(Some("*.log"), &lines(&[".git", "*.log", ".git"]), None).as_deref(),
            Some("*.log\n.git\n")
        );
        assert_eq!(
            append_lines(Some("a\r\n .git \r\n"), &lines(&[".git", "b"]), None).as_deref(),
            Some("a\r\n .git \r\nb\r\n")
        );
        assert_eq!(
            append_lines(Some(".git\n"), &lines(&[".git"]), Some("# c")),
            None
        );
        // `.git` is undone by the exception after it: appending it again is what works.
        assert_eq!(
            append_lines(Some(".git\n!.git\n"), &lines(&[".git"]), None).as_deref(),
            Some(".git\n!.git\n.git\n")
        );
    }

    #[test]
    fn overlapping_edits_wait_for_the_next_pass() {
        let a = Edit::replace(Span::new(0, 4), "x");
        let b = Edit::insert(2, "y");
        assert!(overlaps(a.span, b.span));
        assert_eq!(apply_edits("abcdef", &[&a]), "xef");
        assert_eq!(
            apply_edits(
                "abcdef",
                &[&Edit::insert(3, "-"), &Edit::delete(Span::new(0, 1))]
            ),
            "bc-def"
        );
    }
}
