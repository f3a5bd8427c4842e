//! RUN scripts as shell: a small facade over tree-sitter-bash.
//!
//! tree-sitter-bash gives byte-exact offsets, tolerates broken scripts (an
//! editor lints while the user types), and parses `$(...)` and heredocs into
//! nodes (see `shared/reference/rust-02-shell-parsing.md`). Rules see only
//! [`ShellScript`]: the simple commands the shell would run, each word with a
//! span in the original Dockerfile, mapped back through continuations, dropped
//! comment lines, CRLF and heredoc bodies.
//!
//! Wrappers are unwrapped into extra commands: `sudo -u app npm ci` yields the
//! `sudo` command and then `npm ci` with [`ShellCommand::wrapped_by`] set, so a
//! rule asking for `npm` finds it without knowing about `sudo`.
//!
//! Scripts run by a nested shell are analysed too: the body of `bash <<EOF` and
//! the argument of `sh -c '...'` (when its text is in the source verbatim), with
//! [`Nesting::ChildShell`].

mod run;
mod walk;
mod word;

use plimsoll_syntax::{Instruction, Span};

/// One shell word (a command name, an argument, a redirect target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellWord {
    /// The value after quote removal, unless the word has a parameter, command
    /// or arithmetic expansion: then the raw text. Glob and brace patterns stay
    /// as written (`7.*`), quotes removed.
    pub text: String,
    /// The word as written in the script (for exec form: the decoded element).
    pub raw: String,
    pub span: Span,
    /// No expansion of any kind (variables, substitutions, globs, braces, `~`):
    /// `text` is exactly what the command receives.
    pub is_static: bool,
}

/// How a command is joined to the one before it in the same list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// The first command of a script or of a `$(...)`.
    Start,
    /// `a && b`.
    And,
    /// `a || b`.
    Or,
    /// `a | b` or `a |& b`.
    Pipe,
    /// `;`, `&`, a newline, `then`, `do`, `else`: runs whatever the previous
    /// command's status.
    Sequence,
}

/// The innermost construct a command runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Directly in the script: effects like `cd` persist to the next command.
    TopLevel,
    /// `$(...)`, backticks, `<(...)`, `>(...)`: a subshell whose output is used.
    Substitution,
    /// `( ... )`: a subshell; `cd` and `export` do not leak out of it.
    Subshell,
    /// `{ ...; }`: the same shell.
    Group,
    /// The condition or body of `if`, `for`, `while`, `until`, `case`.
    Compound,
    /// The body of a function definition: runs only when the function is called.
    Function,
    /// A script run by another shell: `bash <<EOF` bodies, `sh -c '...'`.
    ChildShell,
}

/// A redirection of a command: `> file`, `2>&1`, `<<EOF`, `<<< word`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The file descriptor written before the operator (`2` in `2>&1`).
    pub descriptor: Option<u32>,
    /// The operator without the descriptor: `<`, `>`, `>>`, `>&`, `&>`, `<<`, `<<-`, `<<<`...
    pub operator: String,
    /// The file, descriptor (`1` in `2>&1`), here-string, or heredoc delimiter
    /// (quotes removed). `None` for `>&-` without a target.
    pub target: Option<ShellWord>,
    /// The operator and its target (for a heredoc, not its body).
    pub span: Span,
}

/// One simple command.
#[derive(Debug, Clone)]
pub struct ShellCommand {
    /// `None` for a bare assignment (`A=b`).
    pub name: Option<ShellWord>,
    pub args: Vec<ShellWord>,
    /// Assignments before the name (`FOO=bar cmd`, `env FOO=bar cmd`), or the
    /// whole statement for a bare `A=b`: variable name and value.
    pub assignments: Vec<(String, ShellWord)>,
    pub redirects: Vec<Redirect>,
    /// The command with its assignments, arguments and redirects (heredoc bodies
    /// excluded). For an unwrapped command, from its name to its last argument.
    pub span: Span,
    pub connector: Connector,
    pub nesting: Nesting,
    /// The wrapper this command was unwrapped from (`sudo`, `env`, `xargs`...):
    /// the wrapper itself is the command just before it in
    /// [`ShellScript::commands`].
    pub wrapped_by: Option<String>,
}

/// The simple commands of one script, in source order, and whether the parser
/// had to recover from errors (the commands it found are still listed).
#[derive(Debug, Clone, Default)]
pub struct ShellScript {
    pub commands: Vec<ShellCommand>,
    pub has_syntax_errors: bool,
}

/// The last `/`-separated component (`/usr/bin/apt-get` → `apt-get`).
fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl ShellCommand {
    /// The program's basename (`/usr/bin/apt-get` → `apt-get`). `None` for a
    /// bare assignment or when the name's last component is not known before
    /// run time (`$(which apt)`, `"$TOOL"`); `$HOME/bin/tool` still gives `tool`.
    pub fn program(&self) -> Option<&str> {
        let name = self.name.as_ref()?;
        let base = basename(&name.text);
        let known = name.is_static || !base.contains(['$', '`', '(', ')', '"', '\'', '\\']);
        (known && !base.is_empty()).then_some(base)
    }

    /// Whether the command runs outside the top level of its script.
    pub fn is_nested(&self) -> bool {
        self.nesting != Nesting::TopLevel
    }

    /// The arguments before `--` (everything after it is an operand).
    fn option_args(&self) -> impl Iterator<Item = &ShellWord> {
        self.args.iter().take_while(|a| a.text != "--")
    }

    /// `-y` (also inside a cluster like `-qy`), or `--yes` / `--yes=…`. Pass
    /// `None` for a spelling the option does not have. Arguments after `--`
    /// are not options.
    pub fn has_flag(&self, short: Option<char>, long: Option<&str>) -> bool {
        self.option_args().any(|arg| {
            let t = arg.text.as_str();
            if let Some(name) = t.strip_prefix("--") {
                long.is_some_and(|l| {
                    name.strip_prefix(l)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
                })
            } else if let Some(cluster) = t.strip_prefix('-') {
                // Only pure letter clusters: `-oDpkg::Options=…` carries a value.
                short.is_some_and(|s| {
                    cluster.chars().all(|c| c.is_ascii_alphanumeric()) && cluster.contains(s)
                })
            } else {
                false
            }
        })
    }

    /// Arguments that are not options: not starting with `-` (a lone `-` is an
    /// operand), and everything after `--`. The value of an option written as a
    /// separate word (`-o Foo=1`) cannot be told apart and is included.
    pub fn positional_args(&self) -> impl Iterator<Item = &ShellWord> {
        let mut after_double_dash = false;
        self.args.iter().filter(move |a| {
            if after_double_dash {
                return true;
            }
            if a.text == "--" {
                after_double_dash = true;
                return false;
            }
            !a.text.starts_with('-') || a.text == "-"
        })
    }

    /// The first positional argument (`install` in `apt-get -y install curl`).
    pub fn subcommand(&self) -> Option<&ShellWord> {
        self.positional_args().next()
    }
}

impl ShellScript {
    /// Parse `text` as a POSIX/bash script; `map(start, end)` turns a byte range
    /// of `text` into a source span.
    pub fn parse_text(text: &str, map: &dyn Fn(usize, usize) -> Span) -> ShellScript {
        walk::extract(text, map)
    }

    /// The script of a RUN (or of a CMD, ENTRYPOINT or HEALTHCHECK CMD), as
    /// BuildKit hands it to the shell:
    ///
    /// - shell form: the joined logical line;
    /// - `RUN <<EOF` alone: the heredoc body is the script (a `#!` line naming
    ///   another interpreter makes it one command, that interpreter);
    /// - other heredoc forms (`RUN python3 <<EOF`, `RUN cat <<EOF > f`): the
    ///   command line followed by the bodies, as BuildKit reassembles it; bodies
    ///   are data unless a shell reads them (`RUN bash <<EOF`);
    /// - exec form `["sh", "-c", "script"]`: the script (spans exact when the
    ///   JSON string has no escapes, else the whole string's span);
    /// - other exec forms: one command, each element's span.
    ///
    /// The caller decides whether the stage's `SHELL` is a POSIX shell.
    pub fn parse_run(instruction: &Instruction) -> ShellScript {
        run::parse_instruction(instruction)
    }

    /// Commands whose program basename is `name` (`/usr/bin/apt-get` matches
    /// `apt-get`), wrapped ones included.
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ShellCommand> {
        self.commands
            .iter()
            .filter(move |c| c.program() == Some(name))
    }
}
