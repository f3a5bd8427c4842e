//! Every row of the shared `.dockerignore` table, whose expected answers come
//! from Docker's own pattern matcher, must agree with [`DockerIgnore`].

use plimsoll_context::DockerIgnore;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/dockerignore/cases.tsv"
);

/// The table writes a newline as `\n`, a tab as `\t` and a backslash as `\\`.
fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[test]
fn dockerignore_conformance() {
    let text = match std::fs::read_to_string(CASES) {
        Ok(text) => text,
        Err(err) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{CASES} is required in CI but could not be read: {err}");
            }
            println!("skipping: ../shared not found");
            return;
        }
    };
    let mut total = 0;
    let mut failures = Vec::new();
    for (index, row) in text.lines().enumerate() {
        if row.starts_with("# ") && index == 0 {
            continue;
        }
        let fields: Vec<&str> = row.split('\t').collect();
        let [content, path, expected] = fields[..] else {
            panic!(
                "row {}: expected 3 tab-separated fields: {row:?}",
                index + 1
            );
        };
        let expected = match expected {
            "true" => true,
            "false" => false,
            other => panic!("row {}: bad expectation {other:?}", index + 1),
        };
        total += 1;
        let content = unescape(content);
        let path = unescape(path);
        let got = match DockerIgnore::parse(&content) {
            Ok(ignore) => Ok(ignore.is_excluded(&path)),
            Err(err) => Err(err.to_string()),
        };
        if got != Ok(expected) {
            failures.push(format!(
                "row {}: {content:?} vs {path:?}: Docker says {expected}, we say {got:?}",
                index + 1
            ));
        }
    }
    println!(
        "dockerignore conformance: {}/{total} rows agree",
        total - failures.len()
    );
    assert!(total > 0, "no rows read from {CASES}");
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
}
