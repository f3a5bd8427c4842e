//! Every rule over the whole real-world corpus: nothing panics, every finding
//! has a span inside its file on character boundaries, and the per-rule counts
//! are printed (run with `--nocapture` to see them).

mod support;

use std::collections::BTreeMap;
use std::fs;

use plimsoll_linter::lint;

#[test]
fn all_rules_over_the_corpus() {
    let Some(files) = support::corpus_files() else {
        return;
    };
    let settings = support::all_rules();
    let rules = settings.resolve();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut bad_spans = Vec::new();
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let Ok(source) = plimsoll_syntax::decode(&bytes) else {
            continue;
        };
        let file = plimsoll_syntax::parse(source);
        let output = lint(source, &file, &rules, &settings.options);
        for d in &output.diagnostics {
            *counts.entry(d.rule.name).or_default() += 1;
            let (start, end) = (d.span.start as usize, d.span.end as usize);
            if start > end
                || end > source.len()
                || !source.is_char_boundary(start)
                || !source.is_char_boundary(end)
            {
                bad_spans.push(format!("{}: {} {:?}", path.display(), d.rule.name, d.span));
            }
            if let Some(fix) = &d.fix {
                for edit in &fix.edits {
                    let (s, e) = (edit.span.start as usize, edit.span.end as usize);
                    if s > e
                        || e > source.len()
                        || !source.is_char_boundary(s)
                        || !source.is_char_boundary(e)
                    {
                        bad_spans.push(format!(
                            "{}: fix of {} {:?}",
                            path.display(),
                            d.rule.name,
                            edit.span
                        ));
                    }
                }
            }
        }
    }
    println!("corpus: {} files linted with every rule", files.len());
    for (rule, count) in &counts {
        println!("{count:>7}  {rule}");
    }
    assert_eq!(files.len(), 4311);
    assert!(bad_spans.is_empty(), "{}", bad_spans.join("\n"));
}

#[test]
fn fixes_converge_and_keep_every_corpus_file_parseable() {
    let Some(files) = support::corpus_files() else {
        return;
    };
    let settings = support::all_rules();
    let rules = settings.resolve();
    let (mut changed, mut applied) = (0, 0);
    let mut problems = Vec::new();
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let Ok(source) = plimsoll_syntax::decode(&bytes) else {
            continue;
        };
        let errors_before = plimsoll_syntax::parse(source).errors.len();
        let outcome = plimsoll_linter::fix::fix_source(source, &rules, &settings.options, true);
        if !outcome.changed() {
            continue;
        }
        changed += 1;
        applied += outcome.applied.len();
        if plimsoll_syntax::parse(&outcome.source).errors.len() > errors_before {
            problems.push(format!("{}: fixing broke the parse", path.display()));
        }
        let again =
            plimsoll_linter::fix::fix_source(&outcome.source, &rules, &settings.options, true);
        if again.changed() {
            problems.push(format!(
                "{}: fixes did not converge: {:?}",
                path.display(),
                again.applied
            ));
        }
    }
    println!("fixes: {applied} applied in {changed} corpus files; all converged and parse");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
