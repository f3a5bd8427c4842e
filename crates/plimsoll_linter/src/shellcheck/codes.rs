//! A [`RuleMeta`] for each ShellCheck code, so that SC findings flow through
//! selection, pragmas and every report format like plimsoll's own rules.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use crate::diagnostic::Severity;
use crate::rule::{Category, FixAvailability, RuleMeta};

/// Selects every ShellCheck code at once (`--ignore shellcheck`).
pub const SHELLCHECK_SELECTOR: &str = "shellcheck";

/// Stands for "any ShellCheck code" when asking whether selectors could pick
/// one: it matches `shellcheck`, categories and `all`, but no real code.
pub(super) const ANY_CODE: RuleMeta = RuleMeta {
    name: "SC0000",
    code: "SC0000",
    aliases: &[SHELLCHECK_SELECTOR],
    category: Category::Correctness,
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    summary: "ShellCheck finding in a RUN script",
    docs: "",
    default_enabled: true,
};

/// ShellCheck has over 400 codes and adds more in new releases, so the table
/// is filled as codes are seen rather than listed here; each entry is created
/// once and lives for the rest of the process (a few hundred at most).
static METAS: Mutex<BTreeMap<u32, &'static RuleMeta>> = Mutex::new(BTreeMap::new());

/// The metadata of `SC<code>`.
pub fn meta(code: u32) -> &'static RuleMeta {
    let mut metas = METAS.lock().unwrap_or_else(PoisonError::into_inner);
    metas.entry(code).or_insert_with(|| {
        let name: &'static str = Box::leak(format!("SC{code}").into_boxed_str());
        let docs: &'static str = Box::leak(
            format!(
                "A finding of ShellCheck in a RUN script. See \
                 <https://www.shellcheck.net/wiki/SC{code}> for what it means \
                 and how to fix it."
            )
            .into_boxed_str(),
        );
        Box::leak(Box::new(RuleMeta {
            name,
            code: name,
            aliases: &[SHELLCHECK_SELECTOR],
            category: Category::Correctness,
            severity: Severity::Warning,
            fix: FixAvailability::Sometimes,
            summary: "ShellCheck finding in a RUN script",
            docs,
            default_enabled: true,
        }))
    })
}

/// `SC2086`, `sc2086`: a ShellCheck code, with its number.
pub fn parse_code(text: &str) -> Option<u32> {
    let digits = text
        .get(..2)?
        .eq_ignore_ascii_case("sc")
        .then(|| &text[2..])?;
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_meta_per_code() {
        assert!(std::ptr::eq(meta(2086), meta(2086)));
        assert_eq!(meta(2086).code, "SC2086");
        assert!(meta(1001).is_named("sc1001"));
        assert!(meta(1001).is_named("shellcheck"));
        assert!(!meta(1001).is_named("SC1002"));
    }

    #[test]
    fn codes() {
        assert_eq!(parse_code("SC2086"), Some(2086));
        assert_eq!(parse_code("sc1000"), Some(1000));
        assert_eq!(parse_code("SC20"), None);
        assert_eq!(parse_code("DL3008"), None);
        assert_eq!(parse_code("SC2086x"), None);
        assert_eq!(parse_code("SCé"), None);
    }
}
