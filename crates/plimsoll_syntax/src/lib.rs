//! Dockerfile syntax for plimsoll: source text → AST with byte spans.
//!
//! The parser reproduces BuildKit's `parser.Parse` (directives, continuations,
//! heredocs, exec-form detection, argument splitting) and keeps what BuildKit
//! throws away (comments, exact spans) so that rules and fixes can point into
//! the original text.
//!
//! ```
//! let file = plimsoll_syntax::parse("FROM alpine AS build\nRUN apk add curl\n");
//! assert!(file.errors.is_empty());
//! assert_eq!(file.instructions[1].args[0].value, "apk add curl");
//! assert_eq!(plimsoll_syntax::buildkit_dump(&file), "(from \"alpine\" \"AS\" \"build\")\n(run \"apk add curl\")\n");
//! ```

pub mod ast;
mod dump;
mod go_quote;
mod line_index;
mod parser;
pub mod shell_lex;
mod source;
mod source_map;
mod span;
pub mod typed;

pub use ast::*;
pub use dump::{buildkit_dump, dump_instruction};
pub use go_quote::go_quote;
pub use line_index::{LineColumn, LineIndex};
pub use parser::parse;
pub use source::{decode, DecodeError};
pub use source_map::SourceMap;
pub use span::Span;
