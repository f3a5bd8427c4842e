//! Typed views of instruction arguments: what a rule wants to ask ("the stage
//! name", "the ENV pairs", "exec or shell form") without re-splitting text.

use crate::ast::{Arg, Flag, Instruction, Keyword};
use crate::Span;

/// `FROM [--platform=p] image [AS name]`.
#[derive(Debug, Clone, Copy)]
pub struct FromView<'a> {
    pub image: &'a Arg,
    /// The `AS` word as written (for casing checks).
    pub as_keyword: Option<&'a Arg>,
    pub stage_name: Option<&'a Arg>,
    pub platform: Option<&'a Flag>,
}

/// One `key=value` (or legacy `key value`) of ENV or LABEL.
#[derive(Debug, Clone, Copy)]
pub struct KeyValue<'a> {
    pub key: &'a Arg,
    pub value: &'a Arg,
    /// Written as `ENV key value` (no `=`).
    pub legacy: bool,
}

/// One `ARG name[=default]` declaration.
#[derive(Debug, Clone)]
pub struct ArgDeclaration<'a> {
    pub arg: &'a Arg,
    pub name: &'a str,
    pub default: Option<&'a str>,
    pub name_span: Span,
}

/// How RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK CMD give their command.
#[derive(Debug, Clone, Copy)]
pub enum CommandForm<'a> {
    /// `["exe", "arg"]`.
    Exec(&'a [Arg]),
    /// The whole text, run by the shell.
    Shell(&'a Arg),
    /// Nothing after the keyword (or `[]`).
    Empty,
}

/// COPY/ADD sources and destination.
#[derive(Debug, Clone, Copy)]
pub struct CopyView<'a> {
    pub sources: &'a [Arg],
    pub destination: Option<&'a Arg>,
}

impl Instruction {
    pub fn as_from(&self) -> Option<FromView<'_>> {
        if self.keyword != Keyword::From {
            return None;
        }
        let image = self.args.first()?;
        let (as_keyword, stage_name) = match self.args.get(1..3) {
            Some([kw, name]) if kw.value.eq_ignore_ascii_case("as") => (Some(kw), Some(name)),
            _ => (None, None),
        };
        Some(FromView {
            image,
            as_keyword,
            stage_name,
            platform: self.flag("platform"),
        })
    }

    /// ENV/LABEL pairs (empty for other keywords).
    pub fn key_values(&self) -> impl Iterator<Item = KeyValue<'_>> {
        let pairs = matches!(self.keyword, Keyword::Env | Keyword::Label);
        self.args
            .chunks_exact(3)
            .filter(move |_| pairs)
            .map(|triplet| KeyValue {
                key: &triplet[0],
                value: &triplet[1],
                legacy: triplet[2].value.is_empty(),
            })
    }

    /// ARG declarations (empty for other keywords).
    pub fn arg_declarations(&self) -> impl Iterator<Item = ArgDeclaration<'_>> {
        let is_arg = self.keyword == Keyword::Arg;
        self.args.iter().filter(move |_| is_arg).map(|arg| {
            let (name, default) = match arg.value.split_once('=') {
                Some((name, default)) => (name, Some(default)),
                None => (arg.value.as_str(), None),
            };
            ArgDeclaration {
                arg,
                name,
                default,
                name_span: Span::new(
                    arg.span.start as usize,
                    (arg.span.start as usize + name.len()).min(arg.span.end as usize),
                ),
            }
        })
    }

    /// The command of RUN, CMD, ENTRYPOINT, SHELL, or HEALTHCHECK CMD.
    pub fn command_form(&self) -> Option<CommandForm<'_>> {
        let args = match self.keyword {
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => &self.args[..],
            Keyword::Healthcheck => match self.args.split_first() {
                Some((kind, rest)) if kind.value.eq_ignore_ascii_case("cmd") => rest,
                _ => return None,
            },
            _ => return None,
        };
        Some(if self.json {
            if args.is_empty() {
                CommandForm::Empty
            } else {
                CommandForm::Exec(args)
            }
        } else {
            match args.first() {
                Some(arg) => CommandForm::Shell(arg),
                None => CommandForm::Empty,
            }
        })
    }

    /// COPY/ADD sources and destination.
    pub fn as_copy(&self) -> Option<CopyView<'_>> {
        if !matches!(self.keyword, Keyword::Copy | Keyword::Add) {
            return None;
        }
        Some(match self.args.split_last() {
            Some((destination, sources)) => CopyView {
                sources,
                destination: Some(destination),
            },
            None => CopyView {
                sources: &[],
                destination: None,
            },
        })
    }
}

impl CopyView<'_> {
    /// Is this source a heredoc (`<<EOF`) rather than a path?
    pub fn is_heredoc_source(arg: &Arg) -> bool {
        let rest = arg.value.trim_start_matches(|c: char| c.is_ascii_digit());
        rest.starts_with("<<") && rest.len() > 2
    }
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn typed_views_read_arguments() {
        let file = parse(
            "ARG V=1 W\nFROM --platform=$P alpine:$V as build\nENV a=b c=\"d e\"\nLABEL k v w\nCOPY --from=build a b /d/\nCMD [\"x\"]\nRUN echo hi\n",
        );
        let [arg, from, env, label, copy, cmd, run] = &file.instructions[..] else {
            panic!("{:?}", file.errors)
        };
        let decls: Vec<_> = arg
            .arg_declarations()
            .map(|d| (d.name, d.default))
            .collect();
        assert_eq!(decls, [("V", Some("1")), ("W", None)]);
        let from = from.as_from().unwrap();
        assert_eq!(from.stage_name.unwrap().value, "build");
        assert_eq!(from.platform.unwrap().value.as_deref(), Some("$P"));
        let pairs: Vec<_> = env
            .key_values()
            .map(|kv| (kv.key.value.as_str(), kv.value.value.as_str(), kv.legacy))
            .collect();
        assert_eq!(pairs, [("a", "b", false), ("c", "\"d e\"", false)]);
        let legacy: Vec<_> = label
            .key_values()
            .map(|kv| (kv.key.value.as_str(), kv.value.value.as_str(), kv.legacy))
            .collect();
        assert_eq!(legacy, [("k", "v w", true)]);
        let copy = copy.as_copy().unwrap();
        assert_eq!(copy.sources.len(), 2);
        assert_eq!(copy.destination.unwrap().value, "/d/");
        assert!(matches!(
            cmd.command_form(),
            Some(super::CommandForm::Exec(_))
        ));
        assert!(
            matches!(run.command_form(), Some(super::CommandForm::Shell(a)) if a.value == "echo hi")
        );
    }
}
