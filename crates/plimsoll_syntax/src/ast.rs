//! The Dockerfile AST. Every node carries a [`Span`] into the original text.
//!
//! The shape follows BuildKit's parser (`parser.Node`): an instruction is a
//! keyword, leading `--flags`, and a list of arguments split the way BuildKit
//! splits them for that keyword. Typed views of the arguments (stage names,
//! key/value pairs, exec form) live in [`crate::typed`].

use serde::Serialize;

use crate::{SourceMap, Span};

/// A parsed Dockerfile. Parse errors are data: the parser recovers at the next
/// instruction, so `instructions` holds everything that did parse.
#[derive(Debug, Clone, Serialize)]
pub struct Dockerfile {
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`) in file order.
    pub directives: Vec<Directive>,
    /// The escape character in force (`\` unless `# escape=` says otherwise).
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// Every comment line, directives excluded, in file order.
    pub comments: Vec<Comment>,
    /// Errors BuildKit's parser would reject the file for.
    pub errors: Vec<ParseError>,
    /// Things BuildKit's parser accepts but warns about.
    pub warnings: Vec<ParseWarning>,
}

impl Dockerfile {
    /// The value of a parser directive (`syntax`, `escape`, `check`), if present.
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

/// `# name=value` at the top of the file.
#[derive(Debug, Clone, Serialize)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    /// The whole line, from `#`.
    pub span: Span,
    pub value_span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    /// Text after `#`, trimmed.
    pub text: String,
    /// From `#` to the end of the line.
    pub span: Span,
    /// True for a comment line inside a continued instruction (BuildKit drops those).
    pub in_continuation: bool,
}

/// The instruction keywords BuildKit knows, plus `Unknown` for anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Keyword {
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// Case-insensitive lookup, as BuildKit does (`strings.ToLower`).
    pub fn parse(word: &str) -> Keyword {
        Keyword::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .unwrap_or(Keyword::Unknown)
    }

    /// Upper-case spelling (`UNKNOWN` for unknown keywords).
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }
}

/// One instruction (one BuildKit node).
#[derive(Debug, Clone, Serialize)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (`RuN`): casing checks and messages need it.
    pub keyword_text: String,
    pub keyword_span: Span,
    /// From the keyword to the end of the last line the instruction consumed
    /// (continuation lines and heredoc terminators included), without the final newline.
    pub span: Span,
    pub flags: Vec<Flag>,
    /// Arguments as BuildKit splits them for this keyword (see `buildkit-parser.md` §5).
    /// ENV and LABEL hold flat `key, value, separator` triplets.
    pub args: Vec<Arg>,
    /// The exec (JSON array) form was detected.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// The logical line after continuation joining, without heredoc bodies.
    pub original: String,
    /// Where each byte of `original` is in the source.
    #[serde(skip)]
    pub original_map: SourceMap,
    /// 1-based physical lines (BuildKit's `StartLine`/`EndLine`; 0 for an ONBUILD trigger).
    pub start_line: u32,
    pub end_line: u32,
    /// Comment texts directly above the instruction (BuildKit's `PrevComment`).
    pub prev_comments: Vec<String>,
    /// The trigger of an `ONBUILD`.
    pub trigger: Option<Box<Instruction>>,
    /// Spans of blank lines inside the continuation (BuildKit warns about them).
    pub empty_continuation_lines: Vec<Span>,
}

impl Instruction {
    /// The instruction itself, or the trigger for `ONBUILD <trigger>` (recursively).
    pub fn innermost(&self) -> &Instruction {
        let mut current = self;
        while let Some(trigger) = &current.trigger {
            current = trigger;
        }
        current
    }

    /// Source span of `start..end` of [`Instruction::original`].
    pub fn original_span(&self, start: usize, end: usize) -> Span {
        self.original_map.span(start, end, self.original.len())
    }

    /// Offset of `arg` within [`Instruction::original`] (for text arguments, not JSON ones).
    pub fn original_offset_of(&self, arg: &Arg) -> usize {
        // The map is monotonic: binary-search the first byte at or after the arg start.
        let target = arg.span.start as usize;
        let (mut low, mut high) = (0, self.original.len());
        while low < high {
            let mid = (low + high) / 2;
            if self.original_map.source_offset(mid) < target {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        low
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// Span covering every argument (empty at the end of the keyword if there are none).
    pub fn args_span(&self) -> Span {
        match (self.args.first(), self.args.last()) {
            (Some(first), Some(last)) => first.span.cover(last.span),
            _ => Span::empty(self.keyword_span.end as usize),
        }
    }
}

/// A `--name[=value]` word before the arguments.
#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    /// BuildKit's form of the flag word: quotes and escapes removed (non-ASCII
    /// bytes mangled exactly as BuildKit does, so dumps match).
    pub raw: String,
    /// The name without `--`.
    pub name: String,
    /// The value after `=`, quotes and escapes removed; `None` for a bare flag.
    pub value: Option<String>,
    pub span: Span,
    pub value_span: Option<Span>,
}

/// One argument node.
#[derive(Debug, Clone, Serialize)]
pub struct Arg {
    pub value: String,
    /// Where the argument is in the source. For a JSON string, the literal with its quotes.
    pub span: Span,
}

/// A here-document attached to a RUN/COPY/ADD.
#[derive(Debug, Clone, Serialize)]
pub struct Heredoc {
    /// The delimiter with quotes removed.
    pub name: String,
    pub file_descriptor: u32,
    /// False when any part of the delimiter was quoted (no variable expansion).
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the body.
    pub chomp: bool,
    /// The body with its original line endings.
    pub content: String,
    /// Span of the body.
    pub body_span: Span,
    /// Span of the terminator line.
    pub terminator_span: Span,
}

/// Where an error or warning is, in BuildKit's terms and ours.
#[derive(Debug, Clone, Serialize)]
pub struct ParseError {
    /// BuildKit's message, word for word.
    pub message: String,
    pub span: Span,
    /// The line range BuildKit reports (1-based, except BuildKit's 0-based directive quirk).
    pub buildkit_lines: (u32, u32),
}

#[derive(Debug, Clone, Serialize)]
pub struct ParseWarning {
    pub message: String,
    pub span: Span,
}
