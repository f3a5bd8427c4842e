//! Parser directives (`# syntax=`, `# escape=`, `# check=`): only in the
//! leading run of lines, each key once, case-insensitive keys.

use std::collections::HashSet;

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::satisfy;
use nom::combinator::recognize;
use nom::{IResult, Parser};

const KNOWN: [&str; 3] = ["syntax", "escape", "check"];

/// Scans lines until the first one that is not a directive.
#[derive(Default)]
pub(super) struct DirectiveScanner {
    done: bool,
    seen: HashSet<String>,
}

pub(super) enum Found {
    Directive {
        name: String,
        value: String,
        /// Offsets of the value in the scanned line.
        value_start: usize,
        value_end: usize,
    },
    Duplicate(String),
}

/// Go RE2's `\s`: `[\t\n\f\r ]` (no vertical tab).
fn is_re2_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// `#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*` — returns the key; the value is the rest.
fn directive_head(line: &str) -> IResult<&str, &str> {
    let (input, _) = tag("#")(line)?;
    let (input, _) = take_while(is_re2_space)(input)?;
    let (input, key) = recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric()),
    ))
    .parse(input)?;
    let (input, _) = take_while(is_re2_space)(input)?;
    let (input, _) = tag("=")(input)?;
    let (input, _) = take_while(is_re2_space)(input)?;
    let (_, _) = take_while1(|c| c != '\n')(input)?;
    Ok((input, key))
}

impl DirectiveScanner {
    /// Look at one line (leading whitespace already stripped). Returns the
    /// directive if the line is one; any other line ends the scan for good.
    pub(super) fn scan(&mut self, line: &str) -> Option<Found> {
        if self.done {
            return None;
        }
        let parsed = directive_head(line).ok().and_then(|(rest, key)| {
            let value = rest.trim_end_matches(is_re2_space);
            (!value.is_empty() && !value.contains('\n')).then_some((rest, key, value))
        });
        let Some((rest, key, value)) = parsed else {
            self.done = true;
            return None;
        };
        let name = key.to_ascii_lowercase();
        if !KNOWN.contains(&name.as_str()) {
            self.done = true;
            return None;
        }
        if !self.seen.insert(name.clone()) {
            return Some(Found::Duplicate(name));
        }
        let value_start = line.len() - rest.len();
        Some(Found::Directive {
            name,
            value: value.to_string(),
            value_start,
            value_end: value_start + value.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(lines: &[&str]) -> Vec<String> {
        let mut scanner = DirectiveScanner::default();
        lines
            .iter()
            .filter_map(|l| match scanner.scan(l) {
                Some(Found::Directive { name, value, .. }) => Some(format!("{name}={value}")),
                Some(Found::Duplicate(name)) => Some(format!("duplicate {name}")),
                None => None,
            })
            .collect()
    }

    #[test]
    fn directives_only_count_at_the_top() {
        assert_eq!(
            scan_all(&["#\t ESCAPE = `  ", "# syntax=x"]),
            ["escape=`", "syntax=x"]
        );
        assert_eq!(scan_all(&["# foo=bar", "# escape=`"]), Vec::<String>::new());
        assert_eq!(scan_all(&["# escape=", "# syntax=x"]), Vec::<String>::new());
        assert_eq!(scan_all(&["", "# escape=`"]), Vec::<String>::new());
        assert_eq!(
            scan_all(&["# syntax=a", "# syntax=b"]),
            ["syntax=a", "duplicate syntax"]
        );
    }
}
