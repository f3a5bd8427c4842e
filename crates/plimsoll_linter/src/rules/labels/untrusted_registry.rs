use plimsoll_syntax::shell_lex::Lexer;
use plimsoll_syntax::{Keyword, Span};

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::semantic::{Base, SemanticModel};

declare_rule! {
    /// ## What it does
    /// When the `trusted-registries` option lists registries, flags every image
    /// pulled from another registry: `FROM` images, `COPY --from=<image>`, and
    /// `RUN --mount=type=bind|cache,from=<image>`. An image without a registry
    /// comes from Docker Hub (`docker.io`; `hub.docker.com` is accepted as its
    /// name too). `scratch` and the stages of the file always pass.
    ///
    /// Entries are exact registry names (`registry.example.com:5000`), `*`
    /// (anything), `*suffix` (`*.example.com`: any subdomain) or `prefix*`.
    ///
    /// ## Why is this bad?
    /// Images from registries your organisation does not control or mirror can
    /// change or disappear under you, and bypass its scanning.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.example.com"]`:
    /// ```dockerfile
    /// FROM quay.io/prometheus/busybox:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM registry.example.com/mirror/busybox:1.36
    /// ```
    ///
    /// ## Differences from hadolint
    /// References are resolved as BuildKit resolves them: `COPY --from=0` (a
    /// stage index) and `FROM Builder` (stage names are case-insensitive) are
    /// stages, not images. Variables in the image are expanded with the
    /// defaults of global ARGs; when the registry itself is still unknown, the
    /// image is not judged.
    ///
    /// ## References
    /// hadolint DL3026 (`trustedRegistries`).
    pub struct UntrustedRegistry {
        name: "untrusted-registry",
        code: "PL500",
        aliases: ["DL3026"],
        category: Security,
        severity: Error,
        fix: None,
        summary: "Image comes from a registry that is not in trusted-registries",
    }
}

/// The registry of an image reference, or `None` for Docker Hub: the first
/// path component when it looks like a host (has `.` or `:`, or is `localhost`).
fn registry_of(image: &str) -> Option<&str> {
    let (first, _) = image.split_once('/')?;
    (first.contains(['.', ':']) || first == "localhost").then_some(first)
}

/// Does a `trusted-registries` entry allow `registry`?
fn pattern_allows(pattern: &str, registry: &str) -> bool {
    if pattern == "*" {
        true
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        registry.ends_with(suffix)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        registry.starts_with(prefix)
    } else {
        pattern == registry
    }
}

/// The stage that a `--from` value names (an `AS` name or an index below `before`).
fn is_stage(model: &SemanticModel<'_>, reference: &str, before: usize) -> bool {
    model.stage_by_name(reference).is_some() || reference.parse::<usize>().is_ok_and(|i| i < before)
}

/// The span of the `from=` value inside a `--mount` flag when the flag is
/// written without quotes or escapes; else the whole value.
fn mount_from_span(checker: &Checker<'_>, span: Span, value: &str, from: &str) -> Span {
    if checker.text(span) != value {
        return span;
    }
    let found = value.split(',').scan(0usize, |offset, field| {
        let start = *offset;
        *offset += field.len() + 1;
        Some((start, field))
    });
    for (start, field) in found {
        if let Some((key, v)) = field.split_once('=') {
            if key.trim() == "from" && v.trim() == from {
                let at = start + key.len() + 1 + (v.len() - v.trim_start().len());
                let begin = span.start as usize + at;
                return Span::new(begin, begin + from.len());
            }
        }
    }
    span
}

impl Rule for UntrustedRegistry {
    fn check(&self, checker: &mut Checker<'_>) {
        let trusted = &checker.options.trusted_registries;
        if trusted.is_empty() {
            return;
        }
        let model = checker.model;
        // Images as written, with where they are; FROM images first.
        let mut images: Vec<(&str, Span)> = Vec::new();
        for stage in &model.stages {
            if let Base::Image(_) = stage.base {
                images.push((&stage.from.image.value, stage.from.image.span));
            }
        }
        // Every instruction, also those before the first FROM (which BuildKit
        // rejects, but the reference is still worth a finding).
        for (index, instruction) in checker.file.instructions.iter().enumerate() {
            // Stages up to and including this one can be named by `--from`.
            let before = model
                .states
                .get(index)
                .and_then(|s| s.stage)
                .map_or(0, |stage| stage + 1);
            match instruction.keyword {
                Keyword::Copy => {
                    let Some(flag) = instruction.flag("from") else {
                        continue;
                    };
                    if let (Some(value), Some(span)) = (&flag.value, flag.value_span) {
                        if !is_stage(model, value, before) {
                            images.push((value, span));
                        }
                    }
                }
                Keyword::Run => {
                    for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
                        let (Some(value), Some(span)) = (&flag.value, flag.value_span) else {
                            continue;
                        };
                        let option = |key: &str| {
                            value.split(',').find_map(|field| {
                                let (k, v) = field.split_once('=')?;
                                (k.trim() == key).then_some(v.trim())
                            })
                        };
                        let kind = option("type").unwrap_or("bind");
                        if let (true, Some(from)) =
                            (matches!(kind, "bind" | "cache"), option("from"))
                        {
                            if !is_stage(model, from, before) {
                                images.push((from, mount_from_span(checker, span, value, from)));
                            }
                        }
                    }
                }
                _ => {}
            }
        }

        let defaults: Vec<(&str, &str)> = model
            .global_args
            .iter()
            .filter_map(|d| Some((d.name, d.default?)))
            .collect();
        let lexer = Lexer {
            escape: checker.file.escape,
            ..Lexer::default()
        };
        let env = |name: &str| {
            defaults
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        for (written, span) in images {
            let Ok(expansion) = lexer.process_word(written, &env) else {
                continue;
            };
            let image = expansion.result;
            let registry_unknown = !expansion.unmatched.is_empty()
                && written
                    .split('/')
                    .next()
                    .is_some_and(|first| first.contains('$'));
            if registry_unknown || image.is_empty() || image.eq_ignore_ascii_case("scratch") {
                continue;
            }
            let (registry, allowed) = match registry_of(&image) {
                Some(registry) => (
                    registry,
                    trusted.iter().any(|p| pattern_allows(p, registry)),
                ),
                None => (
                    "docker.io",
                    trusted.iter().any(|p| {
                        pattern_allows(p, "docker.io") || pattern_allows(p, "hub.docker.com")
                    }),
                ),
            };
            if !allowed {
                checker
                    .report(
                        span,
                        format!("Image `{image}` comes from registry `{registry}`, which is not trusted"),
                    )
                    .help(format!(
                        "pull it from a trusted registry ({}), or add `{registry}` to `trusted-registries`",
                        trusted.join(", ")
                    ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::labels::tests::finding_lines;
    use crate::settings::RuleOptions;

    fn untrusted(source: &str, trusted: &[&str]) -> Vec<u32> {
        let options = RuleOptions {
            trusted_registries: trusted.iter().map(|s| s.to_string()).collect(),
            ..RuleOptions::default()
        };
        finding_lines("untrusted-registry", source, options)
    }

    #[test]
    fn patterns_match_like_hadolint() {
        let source = "FROM ubuntu:24.04\nFROM docker.io/library/ubuntu:24.04\nFROM a.b.random.com/x:1\nFROM random.com/x:1\nFROM localhost:5000/x:1\n";
        assert_eq!(untrusted(source, &["*"]), Vec::<u32>::new());
        assert_eq!(untrusted(source, &["*.random.com"]), vec![1, 2, 4, 5]);
        assert_eq!(untrusted(source, &["*random.com"]), vec![1, 2, 5]);
        assert_eq!(untrusted(source, &["docker*"]), vec![3, 4, 5]);
        // `hub.docker.com` allows images without a registry, not `docker.io/...`.
        assert_eq!(untrusted(source, &["hub.docker.com"]), vec![2, 3, 4, 5]);
        assert_eq!(untrusted(source, &["localhost:5000"]), vec![1, 2, 3, 4]);
    }

    #[test]
    fn stages_scratch_and_unknown_registries_pass() {
        let source = "FROM x.com/a:1 AS Build\nFROM build\nCOPY --from=0 /a /b\nCOPY --from=BUILD /a /b\nFROM scratch\nFROM ${REGISTRY}/a:1\n";
        assert_eq!(untrusted(source, &["x.com"]), Vec::<u32>::new());
    }

    #[test]
    fn global_arg_defaults_are_expanded() {
        let source = "ARG REGISTRY=quay.io\nFROM ${REGISTRY}/a:1\nFROM $REGISTRY/b:1 AS b\n";
        assert_eq!(untrusted(source, &["x.com"]), vec![2, 3]);
        assert_eq!(untrusted(source, &["quay.io"]), Vec::<u32>::new());
    }

    #[test]
    fn mounts_of_bind_and_cache_type_are_checked() {
        let source = "FROM x.com/a:1\nRUN --mount=from=y.com/b:1,target=/b true\nRUN --mount=type=cache,from=y.com/b:1,target=/c true\nRUN --mount=type=tmpfs,target=/t true\n";
        assert_eq!(untrusted(source, &["x.com"]), vec![2, 3]);
    }
}
