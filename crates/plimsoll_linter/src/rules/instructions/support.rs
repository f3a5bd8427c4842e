//! Helpers shared by the instruction rules: quote removal as BuildKit does it,
//! global ARG defaults for FROM, spans inside an argument, where an
//! instruction sits (its stage, or before the first FROM).

use plimsoll_syntax::shell_lex::Lexer;
use plimsoll_syntax::{Arg, Instruction, Keyword, Span};

use crate::checker::Checker;
use crate::knowledge::PREDEFINED_PLATFORM_ARGS;
use crate::semantic::SemanticModel;

/// `word` with quotes and escapes removed and variables left as written
/// (`"a b"` → `a b`, `'$X'/y` → `$X/y`). A word that does not lex is returned as is.
pub(crate) fn unquote(word: &str, escape: char) -> String {
    let lexer = Lexer {
        escape,
        skip_unset_env: true,
        ..Lexer::default()
    };
    lexer
        .process_word(word, &|_| None)
        .map_or_else(|_| word.to_string(), |e| e.result)
}

/// Does the word reference a variable (`$X`, `${X}`) outside single quotes?
pub(crate) fn has_variable(word: &str, escape: char) -> bool {
    match plimsoll_syntax::shell_lex::variable_references(word, escape) {
        Ok(refs) => !refs.is_empty(),
        // Unlexable: treat a `$` as a possible reference.
        Err(_) => word.contains('$'),
    }
}

/// The span of `start..end` (byte offsets into `arg.value`) in the source,
/// when the argument is written verbatim there; the whole argument otherwise
/// (a continuation line inside it, a JSON string).
pub(crate) fn span_in_arg(source: &str, arg: &Arg, start: usize, end: usize) -> Span {
    if arg.span.text(source) == arg.value && start <= end && end <= arg.value.len() {
        Span::new(
            arg.span.start as usize + start,
            arg.span.start as usize + end,
        )
    } else {
        arg.span
    }
}

/// Global ARG defaults, which FROM lines are expanded with.
pub(crate) struct GlobalArgs {
    /// Name and expanded default; `None` when the ARG has no default (its value
    /// comes from `--build-arg` or is empty: unknown to a linter).
    values: Vec<(String, Option<String>)>,
    escape: char,
}

impl GlobalArgs {
    pub(crate) fn new(checker: &Checker<'_>) -> GlobalArgs {
        let escape = checker.file.escape;
        // The platform ARGs always have a value; any valid one will do for
        // questions about the shape of an image reference.
        let mut values: Vec<(String, Option<String>)> = PREDEFINED_PLATFORM_ARGS
            .iter()
            .map(|n| (n.to_string(), Some(platform_placeholder(n).to_string())))
            .collect();
        for declaration in &checker.model.global_args {
            // A default that uses an unknown variable is unknown too.
            let default = declaration.default.and_then(|raw| {
                let lookup = |name: &str| lookup(&values, name);
                lexer(escape)
                    .process_word(raw, &lookup)
                    .ok()
                    .filter(|e| e.unmatched.is_empty())
                    .map(|e| e.result)
            });
            values.push((declaration.name.to_string(), default));
        }
        GlobalArgs { values, escape }
    }

    /// An image reference expanded with the ARG defaults and unquoted.
    /// Variables without a known value stay as written; `None` when one of
    /// them is in the last path component (the name, tag or digest are then
    /// unknown: `img:$TAG`, `$IMAGE`), or the word does not lex.
    pub(crate) fn expand_image(&self, word: &str) -> Option<String> {
        let lookup = |name: &str| lookup(&self.values, name);
        let lexer = Lexer {
            skip_unset_env: true,
            ..lexer(self.escape)
        };
        let image = lexer.process_word(word, &lookup).ok()?.result;
        let last = image.rsplit('/').next().unwrap_or("");
        (!last.contains('$')).then_some(image)
    }
}

fn lexer(escape: char) -> Lexer {
    Lexer {
        escape,
        ..Lexer::default()
    }
}

fn lookup(values: &[(String, Option<String>)], name: &str) -> Option<String> {
    values
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.clone())
}

fn platform_placeholder(name: &str) -> &'static str {
    match name {
        "BUILDPLATFORM" | "TARGETPLATFORM" => "linux/amd64",
        "BUILDOS" | "TARGETOS" => "linux",
        "BUILDARCH" | "TARGETARCH" => "amd64",
        _ => "",
    }
}

/// An image reference split into its parts: `name[:tag][@digest]`.
pub(crate) struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub(crate) fn parse(reference: &'a str) -> ImageRef<'a> {
        let (rest, digest) = match reference.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (reference, None),
        };
        // A `:` after the last `/` is a tag; before it, a registry port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[last_slash..].rfind(':') {
            Some(i) => ImageRef {
                name: &rest[..last_slash + i],
                tag: Some(&rest[last_slash + i + 1..]),
                digest,
            },
            None => ImageRef {
                name: rest,
                tag: None,
                digest,
            },
        }
    }
}

/// The stage an instruction belongs to (`None` before the first FROM).
pub(crate) fn stage_of(model: &SemanticModel<'_>, index: usize) -> Option<usize> {
    model.states.get(index).and_then(|s| s.stage)
}

/// The instructions that run in the build, with their index: every
/// instruction, and for `ONBUILD X` the trigger `X` marked as such.
pub(crate) fn with_triggers<'a>(
    instructions: &'a [Instruction],
) -> impl Iterator<Item = (usize, &'a Instruction, bool)> + 'a {
    instructions.iter().enumerate().map(|(index, instruction)| {
        let innermost = instruction.innermost();
        (
            index,
            innermost,
            instruction.keyword == Keyword::Onbuild && !std::ptr::eq(innermost, instruction),
        )
    })
}

/// A `--from` value names a build stage by index (`--from=0`)?
pub(crate) fn stage_index(value: &str) -> Option<usize> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse().unwrap_or(usize::MAX))
}

/// What a `COPY --from=<value>` refers to, seen from the stage it is in.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CopyFrom {
    /// A stage before this one: fine.
    Earlier,
    /// The stage the COPY is in (by name or index).
    Own,
    /// A stage defined later in the file, by name (with its index) or index.
    Later(usize),
    /// An index past the last stage.
    NoSuchIndex,
    /// A tagged or digested image reference (`alpine:3.20`): fine.
    Image,
    /// A bare name that is no stage: an image without tag, a named build
    /// context, or a typo.
    Unknown,
    /// Contains a variable: not judged.
    Variable,
}

/// Resolve the `--from` of a COPY at instruction `index`.
pub(crate) fn copy_from(model: &SemanticModel<'_>, index: usize, value: &str) -> CopyFrom {
    if value.contains('$') {
        return CopyFrom::Variable;
    }
    // Before the first FROM there is no stage: every stage is "later".
    let current = stage_of(model, index);
    let earlier = current.unwrap_or(0);
    if let Some(n) = stage_index(value) {
        return if n < earlier {
            CopyFrom::Earlier
        } else if Some(n) == current {
            CopyFrom::Own
        } else if n < model.stages.len() {
            CopyFrom::Later(n)
        } else {
            CopyFrom::NoSuchIndex
        };
    }
    let lower = value.to_lowercase();
    let named = model
        .stages
        .iter()
        .position(|s| s.name.as_deref() == Some(lower.as_str()));
    match named {
        Some(n) if n < earlier => CopyFrom::Earlier,
        Some(n) if Some(n) == current => CopyFrom::Own,
        Some(n) => CopyFrom::Later(n),
        None if value.contains([':', '@']) => CopyFrom::Image,
        None => CopyFrom::Unknown,
    }
}

/// Every `COPY --from=<value>` of the file (ONBUILD triggers not included),
/// in order: where to point (the value, else the flag), the value as written
/// (possibly empty), and what it refers to.
pub(crate) fn copy_from_flags<'a>(model: &SemanticModel<'a>) -> Vec<(Span, &'a str, CopyFrom)> {
    let mut out = Vec::new();
    for (index, instruction) in model.file.instructions.iter().enumerate() {
        if instruction.keyword != Keyword::Copy {
            continue;
        }
        let Some(flag) = instruction.flag("from") else {
            continue;
        };
        let Some(value) = flag.value.as_deref() else {
            continue;
        };
        let span = flag.value_span.unwrap_or(flag.span);
        out.push((span, value, copy_from(model, index, value)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_tag_digest_and_registry_port() {
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("localhost:5000/app", None, None)
        );
        let r = ImageRef::parse("ghcr.io/o/app:1.2@sha256:abc");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("ghcr.io/o/app", Some("1.2"), Some("sha256:abc"))
        );
        let r = ImageRef::parse("debian:latest");
        assert_eq!((r.name, r.tag), ("debian", Some("latest")));
    }

    #[test]
    fn unquote_keeps_variables() {
        assert_eq!(unquote("\"baz/\"", '\\'), "baz/");
        assert_eq!(unquote("'$X'/y", '\\'), "$X/y");
        assert_eq!(unquote("${A}/b", '\\'), "${A}/b");
        assert!(has_variable("a${B}", '\\'));
        assert!(!has_variable("'$B'", '\\'));
    }

    #[test]
    fn stage_indices() {
        assert_eq!(stage_index("0"), Some(0));
        assert_eq!(stage_index("99999999999999999999999"), Some(usize::MAX));
        assert_eq!(stage_index("build"), None);
        assert_eq!(stage_index(""), None);
    }
}
