//! Dockerfile syntax for plimsoll: source text → AST with byte spans.
//!
//! The parser reproduces BuildKit's `parser.Parse` (directives, continuations,
//! heredocs, exec-form detection, argument splitting) and keeps what BuildKit
//! throws away (comments, exact spans) so that rules and fixes can point into
//! the original text.

pub mod shell_lex;
