//! Is an RPM package argument (`yum`/`dnf install`) pinned to a version?
//! Shared by the yum and dnf pinning rules, which decide it the same way.

use crate::semantic::SemanticModel;

use super::Run;

/// Stands in for a variable whose value the Dockerfile sets: counted as a
/// version part (hadolint accepts `git-core-${version}` when `version` is an
/// ENV or ARG).
const KNOWN_VARIABLE: char = '\u{0}';

/// Variables a package word may use as its version: ENV in force at the RUN
/// (this stage and the stages it builds on), every ARG of the file, and
/// variables the RUN's script assigns.
pub(crate) fn version_variables(model: &SemanticModel<'_>, run: &Run<'_>) -> Vec<String> {
    let mut names: Vec<String> = super::env_in_scope(model, run.index)
        .into_iter()
        .map(|(k, _)| k.to_string())
        .collect();
    names.extend(
        model
            .file
            .instructions
            .iter()
            .flat_map(|i| i.innermost().arg_declarations())
            .map(|d| d.name.to_string()),
    );
    // Variables the script itself sets (`V=$(cut ...) && dnf install x-$V`).
    names.extend(
        run.script
            .commands
            .iter()
            .flat_map(|c| &c.assignments)
            .map(|(k, _)| k.clone()),
    );
    names
}

/// `name-version[-release]`: after the first `-`, every part uses only
/// version characters and one starts with a digit; or an `.rpm` file.
pub(crate) fn is_pinned(package: &str, variables: &[String]) -> bool {
    let package = substitute_known(package, variables);
    if package.ends_with(".rpm") {
        return true;
    }
    let mut parts = package.split('-');
    parts.next();
    let tail: Vec<&str> = parts.collect();
    !tail.is_empty()
        && tail.iter().all(|part| {
            part.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c) || c == KNOWN_VARIABLE)
        })
        && tail.iter().any(|part| {
            part.starts_with(|c: char| c.is_ascii_digit()) || part.contains(KNOWN_VARIABLE)
        })
}

/// `package` with quotes removed and `$NAME` / `${NAME}` of known variables
/// replaced by [`KNOWN_VARIABLE`]; unknown references stay (and fail the check).
fn substitute_known(package: &str, variables: &[String]) -> String {
    let text: String = package
        .chars()
        .filter(|c| *c != '"' && *c != '\'')
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, consumed) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(close) => (&inner[..close], close + 2),
                None => ("", 0),
            },
            None => {
                let len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..len], len)
            }
        };
        if !name.is_empty() && variables.iter().any(|v| v == name) {
            out.push(KNOWN_VARIABLE);
            rest = &after[consumed..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_after_the_name() {
        let none: Vec<String> = Vec::new();
        for pinned in [
            "tomcat-9.0.1",
            "openssl-1:1.1.1k",
            "gcc-c++-1.1.1",
            "rpm-sign-4.16.1.3",
            "foo-2-bar",
            "x.rpm",
        ] {
            assert!(is_pinned(pinned, &none), "{pinned}");
        }
        for unpinned in [
            "tomcat",
            "rpm-sign",
            "python3.11",
            "foo-2.x*",
            "perl(Foo)",
            "foo-$V",
        ] {
            assert!(!is_pinned(unpinned, &none), "{unpinned}");
        }
    }

    #[test]
    fn known_variables_count_as_versions() {
        let vars = vec!["version".to_string()];
        assert!(is_pinned("git-core-${version}", &vars));
        assert!(is_pinned("git-core-\"$version\"", &vars));
        assert!(is_pinned("git-core${version}-x", &vars));
        assert!(!is_pinned("git-core-${other}", &vars));
        assert!(!is_pinned("${version}", &vars), "no name-version split");
    }
}
