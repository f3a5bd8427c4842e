use plimsoll_syntax::shell_lex::Lexer;

use crate::checker::Checker;
use crate::knowledge::PREDEFINED_PLATFORM_ARGS;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image, expanded with the global ARGs' *default*
    /// values, is empty or not a valid image reference (`ARG VERSION` +
    /// `FROM busybox:$VERSION` gives `busybox:`).
    ///
    /// ## Why is this bad?
    /// The Dockerfile only builds when every caller passes the right
    /// `--build-arg`; a plain `docker build .` fails, and so do tools that read
    /// the file without build arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION
    /// FROM busybox:$VERSION
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VERSION=1.36
    /// FROM busybox:$VERSION
    /// ```
    ///
    /// ## References
    /// BuildKit check `InvalidDefaultArgInFrom`.
    pub struct InvalidDefaultArgInFrom {
        name: "invalid-default-arg-in-from",
        code: "PL117",
        aliases: ["InvalidDefaultArgInFrom"],
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "Global ARG defaults give FROM an empty or invalid image name",
    }
}

/// Values BuildKit gives the platform arguments when nothing is passed (any
/// valid platform does here: only the shape of the image name is judged).
fn predefined_value(name: &str) -> &'static str {
    match name {
        "BUILDPLATFORM" | "TARGETPLATFORM" => "linux/amd64",
        "BUILDOS" | "TARGETOS" => "linux",
        "BUILDARCH" | "TARGETARCH" => "amd64",
        _ => "",
    }
}

impl Rule for InvalidDefaultArgInFrom {
    fn check(&self, checker: &mut Checker<'_>) {
        let lexer = Lexer {
            escape: checker.file.escape,
            ..Lexer::default()
        };
        // Global ARG defaults, each expanded with the ones before it.
        let mut defaults: Vec<(String, String)> = PREDEFINED_PLATFORM_ARGS
            .iter()
            .map(|n| (n.to_string(), predefined_value(n).to_string()))
            .collect();
        for declaration in &checker.model.global_args {
            let env = |name: &str| {
                defaults
                    .iter()
                    .rev()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let value = match declaration.default {
                Some(raw) => match lexer.process_word(raw, &env) {
                    Ok(expansion) => expansion.result,
                    Err(_) => continue,
                },
                None => String::new(),
            };
            defaults.push((declaration.name.to_string(), value));
        }
        let env = |name: &str| {
            defaults
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        for instruction in &checker.file.instructions {
            let Some(from) = instruction.as_from() else {
                continue;
            };
            let image = &from.image.value;
            if !image.contains('$') {
                continue;
            }
            // BuildKit skips the check when the word does not lex.
            let Ok(expansion) = lexer.process_word(image, &env) else {
                continue;
            };
            if !is_valid_reference(&expansion.result) {
                checker
                    .report(
                        from.image.span,
                        format!("Default value for ARG {image} results in empty or invalid base image name"),
                    )
                    .help("give the ARG a default that makes a valid image reference");
            }
        }
    }
}

/// A loose `name[:tag][@digest]` check in the spirit of the distribution
/// reference grammar: lowercase path components, a well-formed tag and digest.
fn is_valid_reference(reference: &str) -> bool {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let Some((algorithm, hex)) = digest.split_once(':') else {
            return false;
        };
        if algorithm.is_empty() || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let valid_tag = !tag.is_empty()
            && tag.len() <= 128
            && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid_tag {
            return false;
        }
    }
    if name.is_empty() {
        return false;
    }
    let mut components = name.split('/').peekable();
    let first = components.next().unwrap_or("");
    let has_domain =
        components.peek().is_some() && (first.contains(['.', ':']) || first == "localhost");
    let path_component = |c: &str| {
        !c.is_empty()
            && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
            && c.chars().all(|ch| {
                ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '_' | '-')
            })
    };
    let first_ok = if has_domain {
        first
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | ':'))
    } else {
        path_component(first)
    };
    first_ok && components.all(path_component)
}

#[cfg(test)]
mod tests {
    use super::is_valid_reference;

    #[test]
    fn references() {
        for ok in [
            "busybox",
            "busybox:latest",
            "ghcr.io/owner/app:1.2",
            "localhost:5000/x",
            "base",
            "a/b@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_valid_reference(ok), "{ok}");
        }
        for bad in ["", "busybox:", "Busybox", "busy:box:", ":latest", "a//b"] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}
