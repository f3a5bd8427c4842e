//! RUN scripts as shell: a small facade over tree-sitter-bash.
//!
//! tree-sitter-bash gives byte-exact offsets, tolerates broken scripts (an
//! editor lints while the user types), and parses `$(...)` into nested
//! commands (see `../shared/reference/rust-02-shell-parsing.md`). Rules see
//! only [`ShellScript`]: commands with their words, each word with a span in
//! the original Dockerfile, mapped back through continuations and heredocs.

use std::cell::RefCell;

use plimsoll_syntax::typed::CommandForm;
use plimsoll_syntax::{Instruction, Span};
use tree_sitter::{Node, Parser};

/// One shell word (a command name or argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    /// The value after quote removal when the word is static; otherwise the raw text.
    pub text: String,
    /// The word as written in the script.
    pub raw: String,
    pub span: Span,
    /// No expansions (`$VAR`, `$(...)`, arithmetic): `text` is what the command receives.
    pub is_static: bool,
}

/// How a command is joined to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    Start,
    And,
    Or,
    Pipe,
    /// `;`, `&` or a newline.
    Sequence,
}

/// One simple command.
#[derive(Debug, Clone)]
pub struct ShellCommand {
    /// `None` for a bare assignment (`A=b`).
    pub name: Option<ShellWord>,
    pub args: Vec<ShellWord>,
    /// `FOO=bar cmd`.
    pub assignments: Vec<ShellWord>,
    pub span: Span,
    pub connector: Connector,
    /// Inside `$(...)`, backticks, `( )`, `{ }`, or a compound statement body.
    pub nested: bool,
    /// Run through a wrapper (`sudo apt-get …` also yields `apt-get …` with this set).
    pub wrapped_by: Option<String>,
}

/// The commands of one script, in source order.
#[derive(Debug, Clone, Default)]
pub struct ShellScript {
    pub commands: Vec<ShellCommand>,
    pub has_syntax_errors: bool,
}

/// Commands that run their arguments as another command.
const WRAPPERS: &[&str] = &[
    "sudo",
    "env",
    "exec",
    "nohup",
    "time",
    "xargs",
    "nice",
    "ionice",
    "gosu",
    "su-exec",
    "tini",
    "dumb-init",
    "command",
];

/// Shells whose stdin or `-c` argument is a script.
const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh"];

thread_local! {
    // Creating a parser allocates; one per thread is reused for every RUN.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl ShellWord {
    /// The program name without its directory (`/usr/bin/apt-get` → `apt-get`).
    pub fn basename(&self) -> &str {
        basename(&self.text)
    }
}

impl ShellCommand {
    /// The program's basename, if there is a command name.
    pub fn program(&self) -> Option<&str> {
        self.name.as_ref().map(ShellWord::basename)
    }

    /// `-y` (also inside clusters like `-qy`), or `--yes` / `--yes=…`.
    pub fn has_flag(&self, short: Option<char>, long: Option<&str>) -> bool {
        self.args.iter().any(|arg| {
            let t = arg.text.as_str();
            if let Some(name) = t.strip_prefix("--") {
                long.is_some_and(|l| name == l || name.starts_with(&format!("{l}=")))
            } else if let Some(cluster) = t.strip_prefix('-') {
                short.is_some_and(|s| {
                    cluster.chars().all(|c| c.is_ascii_alphanumeric()) && cluster.contains(s)
                })
            } else {
                false
            }
        })
    }

    /// Arguments that are not options (do not start with `-`).
    pub fn positional_args(&self) -> impl Iterator<Item = &ShellWord> {
        self.args.iter().filter(|a| !a.text.starts_with('-'))
    }

    /// The first positional argument (`install` in `apt-get -y install curl`).
    pub fn subcommand(&self) -> Option<&ShellWord> {
        self.positional_args().next()
    }
}

impl ShellScript {
    /// Parse `text`; `map(start, end)` turns offsets in `text` into source spans.
    pub fn parse_text(text: &str, map: &dyn Fn(usize, usize) -> Span) -> ShellScript {
        let mut script = ShellScript::default();
        script.extend_from(text, map);
        script
    }

    fn extend_from(&mut self, text: &str, map: &dyn Fn(usize, usize) -> Span) {
        let tree = PARSER.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                let mut parser = Parser::new();
                // The grammar is compiled in; failing to load it is a build defect.
                if parser
                    .set_language(&tree_sitter_bash::LANGUAGE.into())
                    .is_err()
                {
                    return None;
                }
                *slot = Some(parser);
            }
            slot.as_mut().and_then(|p| p.parse(text, None))
        });
        let Some(tree) = tree else {
            self.has_syntax_errors = true;
            return;
        };
        let root = tree.root_node();
        self.has_syntax_errors |= root.has_error();
        let mut cursor = root.walk();
        // Iterative depth-first walk: a hostile script cannot overflow the stack.
        loop {
            let node = cursor.node();
            if node.kind() == "command" {
                let command = command_from_node(node, text, map);
                if let Some(wrapped) = unwrap_wrapper(&command) {
                    self.commands.push(command);
                    self.commands.push(wrapped);
                } else {
                    self.commands.push(command);
                }
            } else if node.kind() == "variable_assignment"
                && node.parent().is_some_and(|p| p.kind() != "command")
            {
                // A bare `A=b` line.
                let word = word_from_node(node, text, map);
                self.commands.push(ShellCommand {
                    name: None,
                    args: Vec::new(),
                    span: word.span,
                    assignments: vec![word],
                    connector: connector_before(text, node.start_byte()),
                    nested: is_nested(node),
                    wrapped_by: None,
                });
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    /// Add the commands of every heredoc body (contiguous source text, so
    /// offsets map by adding the body's start).
    fn extend_from_heredocs(&mut self, instruction: &Instruction) {
        for heredoc in &instruction.heredocs {
            let base = heredoc.body_span.start as usize;
            self.extend_from(&heredoc.content, &|s, e| Span::new(base + s, base + e));
        }
    }

    /// The script of a RUN: shell form (with heredocs), heredoc scripts, or exec form.
    pub fn parse_run(instruction: &Instruction) -> ShellScript {
        match instruction.command_form() {
            Some(CommandForm::Shell(arg)) => {
                let offset = instruction.original_offset_of(arg);
                let command_line = arg.value.as_str();
                let line_map =
                    |s: usize, e: usize| instruction.original_span(offset + s, offset + e);
                if instruction.heredocs.is_empty() {
                    return ShellScript::parse_text(command_line, &line_map);
                }
                // BuildKit runs a bare `RUN <<EOF` body as the script itself.
                if is_bare_heredoc_line(command_line) {
                    let mut script = ShellScript::default();
                    script.extend_from_heredocs(instruction);
                    return script;
                }
                // The command line alone (the bodies are input, not commands). Without
                // its bodies the heredoc looks unterminated to tree-sitter: not an error here.
                let mut script = ShellScript::parse_text(command_line, &line_map);
                script.has_syntax_errors = false;
                // `RUN bash <<EOF`: the body is a script too.
                let feeds_shell = script
                    .commands
                    .first()
                    .and_then(ShellCommand::program)
                    .is_some_and(|p| SHELLS.contains(&p));
                if feeds_shell {
                    script.extend_from_heredocs(instruction);
                }
                script
            }
            Some(CommandForm::Exec(args)) => {
                let program = basename(&args[0].value);
                if SHELLS.contains(&program) && args.len() >= 3 && args[1].value == "-c" {
                    // JSON-decoded text has no exact source offsets: point at the whole string.
                    let span = args[2].span;
                    return ShellScript::parse_text(&args[2].value, &|_, _| span);
                }
                let word = |arg: &plimsoll_syntax::Arg| ShellWord {
                    text: arg.value.clone(),
                    raw: arg.value.clone(),
                    span: arg.span,
                    is_static: true,
                };
                ShellScript {
                    commands: vec![ShellCommand {
                        name: Some(word(&args[0])),
                        args: args[1..].iter().map(word).collect(),
                        assignments: Vec::new(),
                        span: args[0].span.cover(args[args.len() - 1].span),
                        connector: Connector::Start,
                        nested: false,
                        wrapped_by: None,
                    }],
                    has_syntax_errors: false,
                }
            }
            _ => ShellScript::default(),
        }
    }

    /// Commands whose program basename is `name`.
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ShellCommand> {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(name))
    }
}

/// `<<EOF`, `<<-'EOF' <<X`: nothing but heredoc operators.
fn is_bare_heredoc_line(line: &str) -> bool {
    line.split_whitespace().all(|word| {
        word.trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with("<<")
    })
}

fn command_from_node(
    node: Node<'_>,
    text: &str,
    map: &dyn Fn(usize, usize) -> Span,
) -> ShellCommand {
    let mut name = None;
    let mut args = Vec::new();
    let mut assignments = Vec::new();
    let mut cursor = node.walk();
    for (index, child) in node.children(&mut cursor).enumerate() {
        match node.field_name_for_child(index as u32) {
            Some("name") => name = Some(word_from_node(child, text, map)),
            Some("argument") => args.push(word_from_node(child, text, map)),
            _ if child.kind() == "variable_assignment" => {
                assignments.push(word_from_node(child, text, map))
            }
            _ => {}
        }
    }
    ShellCommand {
        name,
        args,
        assignments,
        span: map(node.start_byte(), node.end_byte()),
        connector: connector_before(text, node.start_byte()),
        nested: is_nested(node),
        wrapped_by: None,
    }
}

/// `sudo -u app npm ci` → `npm ci`, marked as wrapped by `sudo`.
fn unwrap_wrapper(command: &ShellCommand) -> Option<ShellCommand> {
    let wrapper = command.program()?;
    if !WRAPPERS.contains(&wrapper) {
        return None;
    }
    // Options that take a value: `sudo -u user`, `env -u NAME`, `nice -n 10`.
    let takes_value = |flag: &str| {
        matches!(
            (wrapper, flag),
            ("sudo", "-u" | "-g" | "-C" | "-D" | "-h")
                | ("env", "-u" | "-C" | "-S")
                | ("nice", "-n")
                | ("ionice", "-c" | "-n")
                | ("xargs", "-I" | "-n" | "-P" | "-d" | "-E" | "-L" | "-s")
        )
    };
    let mut index = 0;
    while let Some(arg) = command.args.get(index) {
        let t = arg.text.as_str();
        if t == "--" {
            index += 1;
            break;
        }
        if t.starts_with('-') {
            index += if takes_value(t) { 2 } else { 1 };
        } else if wrapper == "env" && t.contains('=') {
            index += 1;
        } else if matches!(wrapper, "gosu" | "su-exec") && index == 0 {
            // The first argument is the user.
            index += 1;
        } else {
            break;
        }
    }
    let name = command.args.get(index)?.clone();
    let rest = command.args.get(index + 1..).unwrap_or(&[]).to_vec();
    let end = rest.last().map_or(name.span, |last| last.span);
    Some(ShellCommand {
        span: name.span.cover(end),
        name: Some(name),
        args: rest,
        assignments: Vec::new(),
        connector: command.connector,
        nested: command.nested,
        wrapped_by: Some(wrapper.to_string()),
    })
}

const NESTING_KINDS: &[&str] = &[
    "command_substitution",
    "subshell",
    "compound_statement",
    "if_statement",
    "for_statement",
    "c_style_for_statement",
    "while_statement",
    "case_statement",
    "function_definition",
    "process_substitution",
];

fn is_nested(node: Node<'_>) -> bool {
    let mut current = node.parent();
    while let Some(parent) = current {
        if NESTING_KINDS.contains(&parent.kind()) {
            return true;
        }
        current = parent.parent();
    }
    false
}

/// The operator before a command: scan back over blanks and line continuations.
fn connector_before(text: &str, start: usize) -> Connector {
    let before = text.get(..start).unwrap_or("");
    let trimmed = before.trim_end_matches([' ', '\t']);
    let trimmed = trimmed
        .strip_suffix("\\\n")
        .map_or(trimmed, |t| t.trim_end_matches([' ', '\t', '\n', '\\']));
    if trimmed.is_empty() {
        Connector::Start
    } else if trimmed.ends_with("&&") {
        Connector::And
    } else if trimmed.ends_with("||") {
        Connector::Or
    } else if trimmed.ends_with('|') {
        Connector::Pipe
    } else {
        Connector::Sequence
    }
}

/// Kinds whose presence makes a word's value unknown before run time.
const DYNAMIC_KINDS: &[&str] = &[
    "simple_expansion",
    "expansion",
    "command_substitution",
    "arithmetic_expansion",
    "process_substitution",
];

fn word_from_node(node: Node<'_>, text: &str, map: &dyn Fn(usize, usize) -> Span) -> ShellWord {
    let raw = text.get(node.byte_range()).unwrap_or("").to_string();
    let is_static = !has_descendant(node, DYNAMIC_KINDS);
    let value = if is_static {
        static_value(node, text)
    } else {
        raw.clone()
    };
    ShellWord {
        text: value,
        raw,
        span: map(node.start_byte(), node.end_byte()),
        is_static,
    }
}

fn has_descendant(node: Node<'_>, kinds: &[&str]) -> bool {
    let mut cursor = node.walk();
    loop {
        if kinds.contains(&cursor.node().kind()) {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == node {
                return false;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

/// The value of a static word after quote removal.
fn static_value(node: Node<'_>, text: &str) -> String {
    let raw = text.get(node.byte_range()).unwrap_or("");
    match node.kind() {
        "raw_string" => raw
            .trim_start_matches('\'')
            .trim_end_matches('\'')
            .to_string(),
        "string" => unescape(
            raw.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(raw),
            true,
        ),
        "concatenation" => {
            let mut cursor = node.walk();
            node.children(&mut cursor)
                .map(|child| static_value(child, text))
                .collect()
        }
        _ => unescape(raw, false),
    }
}

/// Backslash removal: inside double quotes only before `"`, `\`, `$` and a backtick.
fn unescape(text: &str, quoted: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {}
            Some(next) if !quoted || matches!(next, '"' | '\\' | '$' | '`') => out.push(next),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}
