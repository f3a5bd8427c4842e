//! Shared by the `FROM --platform` rules: the flag's value and where it is.

use plimsoll_syntax::{Instruction, Span};

/// The `--platform` value of a FROM, with its span.
pub(super) fn platform_value(instruction: &Instruction) -> Option<(&str, Span)> {
    let flag = instruction.as_from()?.platform?;
    Some((flag.value.as_deref()?, flag.value_span?))
}
