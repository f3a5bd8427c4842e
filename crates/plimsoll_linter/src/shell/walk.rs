//! One iterative walk over the tree-sitter tree: simple commands with their
//! words, redirects, connectors and nesting; wrappers unwrapped; scripts run
//! by a child shell queued and walked the same way.

use std::cell::RefCell;
use std::ops::Range;

use plimsoll_syntax::Span;
use tree_sitter::{Node, Parser, Tree};

use super::word::{self, Text};
use super::{Connector, Nesting, Redirect, ShellCommand, ShellScript, ShellWord};

thread_local! {
    // Creating a parser allocates; one per thread is reused for every script.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Programs that read a script from `-c` or from stdin.
pub(super) const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

/// Programs that run their arguments as another command.
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "exec",
    "nohup",
    "time",
    "timeout",
    "xargs",
    "nice",
    "ionice",
    "gosu",
    "su-exec",
    "tini",
    "dumb-init",
    "command",
];

fn parse(text: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            // The grammar is compiled in; failing to load it is a build defect,
            // reported as a script with syntax errors rather than a panic.
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, None)
    })
}

/// A script still to walk: a range of the text and the nesting of its commands.
struct Pending {
    range: Range<usize>,
    nesting: Nesting,
}

pub(super) fn extract(text: &str, map: &dyn Fn(usize, usize) -> Span) -> ShellScript {
    let mut script = ShellScript::default();
    // A queue rather than recursion: `bash <<A` inside `bash <<B` inside ...
    // costs heap, not stack.
    let mut queue = vec![Pending {
        range: 0..text.len(),
        nesting: Nesting::TopLevel,
    }];
    while let Some(pending) = queue.pop() {
        let tree = text.get(pending.range.clone()).and_then(parse);
        let Some(tree) = tree else {
            script.has_syntax_errors = true;
            continue;
        };
        let root = tree.root_node();
        script.has_syntax_errors |= root.has_error();
        let src = Text::new(text, pending.range.start, map);
        let mut walker = Walker {
            src: &src,
            commands: &mut script.commands,
            queue: &mut queue,
            statement: None,
            child_bodies: Vec::new(),
        };
        walker.walk(root, pending.nesting);
    }
    // Child scripts were walked after their parent: restore source order.
    script.commands.sort_by_key(|c| c.span.start);
    script
}

/// Redirects and heredoc parts of a `redirected_statement`, waiting for its
/// body command (the next command the walk meets).
struct StatementParts<'t> {
    body: usize,
    redirects: Vec<Redirect>,
    /// `cat <<EOF file`: tree-sitter puts `file` under the heredoc.
    args: Vec<Node<'t>>,
    /// Heredoc bodies on stdin (a shell would run them).
    stdin_bodies: Vec<Node<'t>>,
}

struct Walker<'w, 't> {
    src: &'w Text<'w>,
    commands: &'w mut Vec<ShellCommand>,
    queue: &'w mut Vec<Pending>,
    statement: Option<StatementParts<'t>>,
    /// Heredoc bodies queued as child scripts: not walked again as data.
    child_bodies: Vec<usize>,
}

/// What the walk restores when it leaves a node.
struct Frame {
    kind: &'static str,
    connector: Connector,
    nesting: Nesting,
}

/// The nesting a node's children get, if the node opens one.
fn nesting_of(kind: &str, parent: &str) -> Option<Nesting> {
    match kind {
        "command_substitution" | "process_substitution" => Some(Nesting::Substitution),
        "subshell" => Some(Nesting::Subshell),
        // A function body is `{ ... }`: it stays a function body.
        "compound_statement" if parent == "function_definition" => None,
        "compound_statement" => Some(Nesting::Group),
        "if_statement"
        | "for_statement"
        | "c_style_for_statement"
        | "while_statement"
        | "case_statement" => Some(Nesting::Compound),
        "function_definition" => Some(Nesting::Function),
        _ => None,
    }
}

/// `(field name, child)` for each child of `node`.
fn children_with_fields<'t>(node: Node<'t>) -> Vec<(Option<&'static str>, Node<'t>)> {
    let mut cursor = node.walk();
    let mut out = Vec::new();
    if cursor.goto_first_child() {
        loop {
            out.push((cursor.field_name(), cursor.node()));
            if !cursor.goto_next_sibling() {
                break;
            }
        }
    }
    out
}

impl<'t> Walker<'_, 't> {
    /// Depth-first, with an explicit stack of frames: a hostile script cannot
    /// overflow the call stack.
    fn walk(&mut self, root: Node<'t>, base: Nesting) {
        let mut cursor = root.walk();
        let mut frames: Vec<Frame> = Vec::new();
        let mut connector = Connector::Start;
        let mut nesting = base;
        loop {
            let node = cursor.node();
            let parent = frames.last().map_or("", |f| f.kind);
            let descend = self.visit(node, parent, &mut connector, nesting);
            if descend && cursor.goto_first_child() {
                frames.push(Frame {
                    kind: node.kind(),
                    connector,
                    nesting,
                });
                if let Some(inner) = nesting_of(node.kind(), parent) {
                    nesting = inner;
                    if inner == Nesting::Substitution {
                        connector = Connector::Start;
                    }
                }
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                let Some(frame) = frames.pop() else { return };
                if !cursor.goto_parent() {
                    return;
                }
                nesting = frame.nesting;
                // A substitution is part of a word: the list around it goes on.
                if nesting_of(frame.kind, "") == Some(Nesting::Substitution) {
                    connector = frame.connector;
                }
            }
        }
    }

    /// Record what `node` is; returns whether to walk its children.
    fn visit(
        &mut self,
        node: Node<'t>,
        parent: &str,
        connector: &mut Connector,
        nesting: Nesting,
    ) -> bool {
        // Operators inside `[[ a && b ]]`, `$(( a | b ))` and case patterns
        // (`a|b)`) are not list operators.
        let in_expression = parent == "binary_expression";
        match node.kind() {
            "command" => {
                self.command(node, *connector, nesting);
                *connector = Connector::Sequence;
            }
            "declaration_command" | "unset_command" => {
                self.builtin(node, *connector, nesting);
                *connector = Connector::Sequence;
            }
            "variable_assignment"
                if !matches!(
                    parent,
                    "command" | "declaration_command" | "variable_assignments"
                ) =>
            {
                self.bare_assignments(node, &[node], *connector, nesting);
                *connector = Connector::Sequence;
            }
            "variable_assignments" => {
                let mut cursor = node.walk();
                let parts: Vec<_> = node
                    .children(&mut cursor)
                    .filter(|c| c.kind() == "variable_assignment")
                    .collect();
                self.bare_assignments(node, &parts, *connector, nesting);
                *connector = Connector::Sequence;
            }
            "redirected_statement" => self.statement = self.statement_parts(node),
            "heredoc_body" => return !self.child_bodies.contains(&node.id()),
            "&&" if !in_expression => *connector = Connector::And,
            "||" if !in_expression => *connector = Connector::Or,
            "|" | "|&" if !in_expression && parent != "case_item" => *connector = Connector::Pipe,
            ";" | "&" | ";;" | ";&" | ";;&" | "then" | "do" | "else" | "elif" if !in_expression => {
                *connector = Connector::Sequence
            }
            _ => {}
        }
        true
    }

    fn command(&mut self, node: Node<'t>, connector: Connector, nesting: Nesting) {
        let mut name = None;
        let mut arg_nodes = Vec::new();
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        for (field, child) in children_with_fields(node) {
            match field {
                Some("name") => name = Some(word::word(child, self.src)),
                Some("argument") => arg_nodes.push(child),
                Some("redirect") => redirects.push(self.redirect(child)),
                _ if child.kind() == "variable_assignment" => {
                    assignments.push(self.assignment(child))
                }
                _ => {}
            }
        }
        let mut stdin_bodies = Vec::new();
        // The redirects after the command belong to the statement around it.
        if let Some(parts) = self.statement.take().filter(|p| p.body == node.id()) {
            redirects.extend(parts.redirects);
            arg_nodes.extend(parts.args);
            stdin_bodies = parts.stdin_bodies;
        }
        let span = redirects
            .iter()
            .fold(self.src.span(node), |span, r| span.cover(r.span));
        let command = ShellCommand {
            name,
            args: arg_nodes.iter().map(|&a| word::word(a, self.src)).collect(),
            assignments,
            redirects,
            span,
            connector,
            nesting,
            wrapped_by: None,
        };
        for (command, first_arg) in wrapper_chain(command) {
            let is_shell = command.program().is_some_and(|p| SHELLS.contains(&p));
            if is_shell {
                self.queue_child_script(
                    &command,
                    arg_nodes.get(first_arg..).unwrap_or(&[]),
                    &stdin_bodies,
                );
            }
            self.commands.push(command);
        }
    }

    /// `bash -c 'script'` or `bash <<EOF`: walk the script too. A `-c` script
    /// is only followed when its text is in the source verbatim (single quotes,
    /// or double quotes without escapes), so that spans stay exact.
    fn queue_child_script(
        &mut self,
        command: &ShellCommand,
        arg_nodes: &[Node<'t>],
        stdin_bodies: &[Node<'t>],
    ) {
        if let Some(index) = dash_c_script(&command.args) {
            let (Some(word), Some(&node)) = (command.args.get(index), arg_nodes.get(index)) else {
                return;
            };
            let range = self.src.range(node);
            let verbatim = match node.kind() {
                "raw_string" => true,
                "string" => {
                    let inner = word.raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'));
                    word.is_static && inner == Some(word.text.as_str())
                }
                _ => false,
            };
            if verbatim && range.len() >= 2 {
                self.queue.push(Pending {
                    range: range.start + 1..range.end - 1,
                    nesting: Nesting::ChildShell,
                });
            }
            return;
        }
        for body in stdin_bodies {
            self.child_bodies.push(body.id());
            self.queue.push(Pending {
                range: self.src.range(*body),
                nesting: Nesting::ChildShell,
            });
        }
    }

    /// `export A=1 B`, `unset X`: the keyword is the name, the rest are arguments.
    fn builtin(&mut self, node: Node<'t>, connector: Connector, nesting: Nesting) {
        let mut cursor = node.walk();
        let mut children = node.children(&mut cursor);
        let name = children.next().map(|keyword| word::word(keyword, self.src));
        let args = children
            .filter(|c| c.is_named() && c.kind() != "comment")
            .map(|c| word::word(c, self.src))
            .collect();
        self.commands.push(ShellCommand {
            name,
            args,
            assignments: Vec::new(),
            redirects: Vec::new(),
            span: self.src.span(node),
            connector,
            nesting,
            wrapped_by: None,
        });
    }

    fn bare_assignments(
        &mut self,
        node: Node<'t>,
        parts: &[Node<'t>],
        connector: Connector,
        nesting: Nesting,
    ) {
        self.commands.push(ShellCommand {
            name: None,
            args: Vec::new(),
            assignments: parts.iter().map(|&p| self.assignment(p)).collect(),
            redirects: Vec::new(),
            span: self.src.span(node),
            connector,
            nesting,
            wrapped_by: None,
        });
    }

    fn assignment(&self, node: Node<'t>) -> (String, ShellWord) {
        let name = node
            .child_by_field_name("name")
            .map_or("", |n| self.src.slice(n))
            .to_string();
        let value = match node.child_by_field_name("value") {
            Some(value) => word::word(value, self.src),
            None => word::literal(String::new(), "", self.src.span_after(node)),
        };
        (name, value)
    }

    /// `> file`, `2>&1`, `<<< word`.
    fn redirect(&self, node: Node<'t>) -> Redirect {
        let mut redirect = Redirect {
            descriptor: None,
            operator: String::new(),
            target: None,
            span: self.src.span(node),
        };
        for (field, child) in children_with_fields(node) {
            match field {
                Some("descriptor") => redirect.descriptor = self.src.slice(child).parse().ok(),
                _ if !child.is_named() => redirect.operator = child.kind().to_string(),
                // `> a b` has two destination words; the first is the file.
                _ if redirect.target.is_none() => {
                    redirect.target = Some(word::word(child, self.src))
                }
                _ => {}
            }
        }
        redirect
    }

    /// What a `redirected_statement` adds to its body command, if that is a
    /// simple command (redirects of `{ ...; } > f` apply to no single command).
    fn statement_parts(&self, node: Node<'t>) -> Option<StatementParts<'t>> {
        let body = node.child_by_field_name("body")?;
        if body.kind() != "command" {
            return None;
        }
        let mut parts = StatementParts {
            body: body.id(),
            redirects: Vec::new(),
            args: Vec::new(),
            stdin_bodies: Vec::new(),
        };
        for (_, child) in children_with_fields(node) {
            match child.kind() {
                "file_redirect" | "herestring_redirect" => {
                    parts.redirects.push(self.redirect(child))
                }
                "heredoc_redirect" => self.heredoc_parts(child, &mut parts),
                _ => {}
            }
        }
        Some(parts)
    }

    /// `<<-'EOF' > out arg`: the heredoc itself, the redirects and arguments
    /// tree-sitter nests under it, and its body.
    fn heredoc_parts(&self, node: Node<'t>, parts: &mut StatementParts<'t>) {
        let mut heredoc = Redirect {
            descriptor: None,
            operator: String::new(),
            target: None,
            span: self.src.span(node),
        };
        let mut inner = Vec::new();
        let mut body = None;
        for (field, child) in children_with_fields(node) {
            match (field, child.kind()) {
                (Some("descriptor"), _) => heredoc.descriptor = self.src.slice(child).parse().ok(),
                (_, "<<" | "<<-") => heredoc.operator = child.kind().to_string(),
                (_, "heredoc_start") => {
                    let raw = self.src.slice(child);
                    let delimiter = raw.replace(['\'', '"', '\\'], "");
                    let span = self.src.span(child);
                    heredoc.span = Span::new(heredoc.span.start as usize, span.end as usize);
                    heredoc.target = Some(word::literal(delimiter, raw, span));
                }
                (Some("redirect"), _) => inner.push(self.redirect(child)),
                (Some("argument"), _) => parts.args.push(child),
                (_, "heredoc_body") => body = Some(child),
                _ => {}
            }
        }
        if let Some(body) = body.filter(|_| heredoc.descriptor.unwrap_or(0) == 0) {
            parts.stdin_bodies.push(body);
        }
        parts.redirects.push(heredoc);
        parts.redirects.extend(inner);
    }
}

/// The command, then what each wrapper runs (`sudo env A=1 make` → `sudo …`,
/// `env …`, `make`), each with the index in the first command's arguments
/// where its own arguments start.
pub(super) fn wrapper_chain(command: ShellCommand) -> Vec<(ShellCommand, usize)> {
    let mut chain = vec![(command, 0)];
    while let Some((last, first_arg)) = chain.last() {
        let Some((wrapped, name_index)) = unwrap_wrapper(last) else {
            break;
        };
        let first_arg = first_arg + name_index + 1;
        chain.push((wrapped, first_arg));
    }
    chain
}

/// `sudo -u app npm ci` → `npm ci` and the index of `npm` in the arguments.
fn unwrap_wrapper(command: &ShellCommand) -> Option<(ShellCommand, usize)> {
    let wrapper = command.program()?;
    if !WRAPPERS.contains(&wrapper) {
        return None;
    }
    // Options that take the next word as their value.
    let takes_value = |flag: &str| {
        matches!(
            (wrapper, flag),
            (
                "sudo" | "doas",
                "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-r" | "-t" | "-U"
            ) | ("env", "-u" | "-C" | "-S")
                | ("exec", "-a")
                | ("time", "-f" | "-o")
                | ("timeout", "-s" | "-k")
                | ("nice", "-n")
                | ("ionice", "-c" | "-n")
                | ("tini", "-e")
                | (
                    "xargs",
                    "-I" | "-n" | "-P" | "-d" | "-E" | "-L" | "-s" | "-a"
                )
        )
    };
    // Leading operands that are not the command: the user, the duration.
    let mut operands_to_skip = usize::from(matches!(wrapper, "gosu" | "su-exec" | "timeout"));
    let mut assignments = Vec::new();
    let mut index = 0;
    while let Some(arg) = command.args.get(index) {
        let t = arg.text.as_str();
        if t == "--" {
            index += 1;
            break;
        }
        if t.len() > 1 && t.starts_with('-') {
            // `command -v x` looks `x` up; it does not run it.
            if wrapper == "command" && t.contains(['v', 'V']) {
                return None;
            }
            index += if takes_value(t) { 2 } else { 1 };
        } else if let Some(assignment) = (wrapper == "env").then(|| env_assignment(arg)).flatten() {
            assignments.push(assignment);
            index += 1;
        } else if operands_to_skip > 0 {
            operands_to_skip -= 1;
            index += 1;
        } else {
            break;
        }
    }
    let name = command.args.get(index)?.clone();
    let args = command.args.get(index + 1..).unwrap_or(&[]).to_vec();
    let span = args
        .last()
        .map_or(name.span, |last| name.span.cover(last.span));
    let wrapped = ShellCommand {
        name: Some(name),
        args,
        assignments,
        // The wrapped program inherits the wrapper's file descriptors.
        redirects: command.redirects.clone(),
        span,
        connector: command.connector,
        nesting: command.nesting,
        wrapped_by: Some(wrapper.to_string()),
    };
    Some((wrapped, index))
}

/// `NAME=value` given to `env`: the name and the value as a word.
fn env_assignment(arg: &ShellWord) -> Option<(String, ShellWord)> {
    let (name, value) = arg.text.split_once('=')?;
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return None;
    }
    // The value's own span only when the word is written as it reads.
    let exact = arg.raw == arg.text && arg.span.len() == arg.raw.len();
    let span = if exact {
        Span::new(
            arg.span.start as usize + name.len() + 1,
            arg.span.end as usize,
        )
    } else {
        arg.span
    };
    let word = ShellWord {
        text: value.to_string(),
        raw: if exact {
            value.to_string()
        } else {
            arg.raw.clone()
        },
        span,
        is_static: arg.is_static,
    };
    Some((name.to_string(), word))
}

/// For a shell's arguments (after its name): the index of the script operand
/// when an option cluster contains `c` (`-c`, `-ec`, `-o pipefail -c`).
pub(super) fn dash_c_script(args: &[ShellWord]) -> Option<usize> {
    let mut has_c = false;
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        let t = arg.text.as_str();
        if t == "--" {
            index += 1;
            break;
        }
        if matches!(t, "-o" | "+o" | "-O" | "+O") {
            index += 2;
        } else if t.starts_with("--") {
            index += 1;
        } else if t.len() > 1 && (t.starts_with('-') || t.starts_with('+')) {
            has_c |= t.starts_with('-') && t.contains('c');
            index += 1;
        } else {
            break;
        }
    }
    (has_c && index < args.len()).then_some(index)
}
