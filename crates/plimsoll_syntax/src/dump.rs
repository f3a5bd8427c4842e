//! BuildKit's `Node.Dump()` format, byte for byte (see `buildkit-ast-dump.md`).

use crate::ast::{Dockerfile, Instruction};
use crate::go_quote::{go_quote, go_quote_list};

/// The whole file: one `(instruction)` line per instruction.
pub fn buildkit_dump(dockerfile: &Dockerfile) -> String {
    let mut out = String::new();
    for instruction in &dockerfile.instructions {
        out.push('(');
        out.push_str(&dump_instruction(instruction));
        out.push_str(")\n");
    }
    out
}

/// One instruction without the surrounding parentheses.
pub fn dump_instruction(instruction: &Instruction) -> String {
    // Go lower-cases rune by rune (no context-sensitive rules).
    let mut out: String = instruction
        .keyword_text
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    if !instruction.flags.is_empty() {
        out.push(' ');
        out.push_str(&go_quote_list(
            instruction.flags.iter().map(|f| f.raw.as_str()),
        ));
    }
    if let Some(trigger) = &instruction.trigger {
        out.push_str(" (");
        out.push_str(&dump_instruction(trigger));
        out.push(')');
    }
    for arg in &instruction.args {
        out.push(' ');
        out.push_str(&go_quote(&arg.value));
    }
    out.trim().to_string()
}
