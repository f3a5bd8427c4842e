//! The RUN shell facade: commands and words with spans that slice the
//! Dockerfile source exactly, through continuations, comments, CRLF, UTF-8,
//! backtick escapes and heredocs.

use plimsoll_linter::shell::{Connector, Nesting, ShellCommand, ShellScript};
use plimsoll_syntax::parse;

/// Parse `source` and return the script of its instruction at `index`.
fn script(source: &str, index: usize) -> ShellScript {
    let file = parse(source);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    ShellScript::parse_run(&file.instructions[index])
}

fn names(script: &ShellScript) -> Vec<&str> {
    script.commands.iter().filter_map(|c| c.program()).collect()
}

/// The source text of each argument.
fn arg_sources<'s>(command: &ShellCommand, source: &'s str) -> Vec<&'s str> {
    command.args.iter().map(|a| a.span.text(source)).collect()
}

/// 1-based physical line of a byte offset.
fn line_of(source: &str, offset: u32) -> usize {
    source[..offset as usize].matches('\n').count() + 1
}

#[test]
fn apt_chain_over_continuations_gives_three_commands_with_exact_spans() {
    let source = "FROM debian\nRUN apt-get update && \\\n    apt-get install -y --no-install-recommends curl=7.* \\\n    && rm -rf /var/lib/apt/lists/*\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    assert_eq!(names(&s), ["apt-get", "apt-get", "rm"]);
    let connectors: Vec<_> = s.commands.iter().map(|c| c.connector).collect();
    assert_eq!(
        connectors,
        [Connector::Start, Connector::And, Connector::And]
    );
    let install = &s.commands[1];
    assert_eq!(
        install.span.text(source),
        "apt-get install -y --no-install-recommends curl=7.*"
    );
    let curl = &install.args[3];
    assert_eq!(curl.text, "curl=7.*");
    assert_eq!(curl.span.text(source), "curl=7.*");
    assert_eq!(line_of(source, curl.span.start), 3);
    assert!(!curl.is_static, "an unquoted `*` is a glob");
    assert_eq!(
        install.subcommand().map(|w| w.text.as_str()),
        Some("install")
    );
    assert_eq!(
        arg_sources(&s.commands[2], source),
        ["-rf", "/var/lib/apt/lists/*"]
    );
}

#[test]
fn comment_lines_and_trailing_blanks_inside_a_continuation_are_skipped() {
    let source = "FROM debian\nRUN apt-get update && \\  \n    # a comment && not-a-command\n    apt-get install -y curl\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    assert_eq!(names(&s), ["apt-get", "apt-get"]);
    assert_eq!(s.commands[1].connector, Connector::And);
    assert_eq!(s.commands[1].span.text(source), "apt-get install -y curl");
    assert_eq!(line_of(source, s.commands[1].span.start), 4);
}

#[test]
fn crlf_and_utf8_spans_are_byte_exact() {
    let source = "FROM alpine\r\nRUN echo \"héllo wörld\" \\\r\n  && ls -l /tmp\r\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["echo", "ls"]);
    let word = &s.commands[0].args[0];
    assert_eq!(word.span.text(source), "\"héllo wörld\"");
    assert_eq!(word.text, "héllo wörld");
    assert!(word.is_static);
    assert_eq!(arg_sources(&s.commands[1], source), ["-l", "/tmp"]);
    assert_eq!(s.commands[1].span.text(source), "ls -l /tmp");
}

#[test]
fn backtick_escape_continuations() {
    let source = "# escape=`\nFROM alpine\nRUN echo a `\n    && echo b\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["echo", "echo"]);
    assert_eq!(s.commands[1].connector, Connector::And);
    assert_eq!(s.commands[1].span.text(source), "echo b");
    assert_eq!(line_of(source, s.commands[1].span.start), 4);
}

#[test]
fn lone_heredoc_body_is_the_script() {
    let source = "FROM alpine\nRUN <<EOF\nset -e\napk add --no-cache curl\nif true; then\n  echo ok\nfi\nEOF\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    assert_eq!(names(&s), ["set", "apk", "true", "echo"]);
    assert_eq!(s.commands[1].span.text(source), "apk add --no-cache curl");
    assert_eq!(line_of(source, s.commands[1].span.start), 4);
    assert_eq!(s.commands[3].nesting, Nesting::Compound);
}

#[test]
fn quoted_chomped_heredoc_fed_to_bash_is_a_child_script() {
    let source = "FROM alpine\nRUN <<-'EOF' bash\n\techo tabbed $HOME\n\tEOF\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    assert_eq!(names(&s), ["bash", "echo"]);
    let bash = &s.commands[0];
    let heredoc = &bash.redirects[0];
    assert_eq!(heredoc.operator, "<<-");
    assert_eq!(
        heredoc.target.as_ref().map(|t| t.text.as_str()),
        Some("EOF")
    );
    assert_eq!(heredoc.span.text(source), "<<-'EOF'");
    let echo = &s.commands[1];
    assert_eq!(echo.nesting, Nesting::ChildShell);
    assert_eq!(arg_sources(echo, source), ["tabbed", "$HOME"]);
    assert!(!echo.args[1].is_static);
}

#[test]
fn heredoc_body_read_by_another_program_is_data() {
    let source = "FROM alpine\nRUN python3 <<EOF\nprint('not shell')\nEOF\nRUN cat <<EOF > /etc/x.conf && chmod 600 /etc/x.conf\nkey=value\nuser=$(id -un)\nEOF\n";
    let python = script(source, 1);
    assert!(!python.has_syntax_errors);
    assert_eq!(names(&python), ["python3"]);
    let cat = script(source, 2);
    assert!(!cat.has_syntax_errors);
    // The unquoted body's `$(...)` is expanded by the shell: it runs.
    assert_eq!(names(&cat), ["cat", "chmod", "id"]);
    let redirects: Vec<_> = cat.commands[0]
        .redirects
        .iter()
        .map(|r| (r.operator.as_str(), r.span.text(source)))
        .collect();
    assert_eq!(redirects, [("<<", "<<EOF"), (">", "> /etc/x.conf")]);
    assert_eq!(cat.commands[1].connector, Connector::And);
    assert_eq!(cat.commands[2].nesting, Nesting::Substitution);
    assert_eq!(cat.commands[2].span.text(source), "id -un");
}

#[test]
fn several_heredocs_on_one_line_are_attached_and_never_run_as_commands() {
    let source = "FROM alpine\nRUN bash <<A && 5<<B cat /proc/self/fd/5 > /out\necho hi\nA\nnot a command\nB\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    // Source order: `cat` is on the command line, `echo` in the first body.
    assert_eq!(names(&s), ["bash", "cat", "echo"]);
    assert_eq!(s.commands[2].nesting, Nesting::ChildShell);
    assert_eq!(s.commands[2].span.text(source), "echo hi");
    let cat = &s.commands[1];
    assert_eq!(cat.connector, Connector::And);
    let heredoc = cat
        .redirects
        .iter()
        .find(|r| r.operator == "<<")
        .expect("heredoc");
    assert_eq!(heredoc.descriptor, Some(5));
    assert_eq!(heredoc.span.text(source), "5<<B");
}

#[test]
fn heredoc_with_a_foreign_shebang_is_run_by_that_interpreter() {
    let source = "FROM alpine\nRUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\nRUN <<EOF\n#!/bin/bash\necho hi\nEOF\n";
    let python = script(source, 1);
    assert_eq!(names(&python), ["env", "python3"]);
    assert_eq!(python.commands[1].span.text(source), "python3");
    assert_eq!(names(&script(source, 2)), ["echo"]);
}

#[test]
fn nested_wrapped_and_assigned_commands() {
    let source = "FROM alpine\nRUN chown -R $(id -u):$(id -g) /app && sudo -u app npm ci && FOO=1 make build\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["chown", "id", "id", "sudo", "npm", "make"]);
    assert_eq!(s.commands[1].nesting, Nesting::Substitution);
    assert_eq!(s.commands[1].connector, Connector::Start);
    assert_eq!(s.commands[1].span.text(source), "id -u");
    assert!(!s.commands[0].args[1].is_static, "$(id -u) is dynamic");
    assert_eq!(s.commands[3].nesting, Nesting::TopLevel);
    assert_eq!(s.commands[3].connector, Connector::And);
    let npm = &s.commands[4];
    assert_eq!(npm.wrapped_by.as_deref(), Some("sudo"));
    assert_eq!(npm.span.text(source), "npm ci");
    assert_eq!(npm.connector, Connector::And);
    let make = &s.commands[5];
    assert_eq!(make.assignments[0].0, "FOO");
    assert_eq!(make.assignments[0].1.span.text(source), "1");
    assert_eq!(
        make.subcommand().map(|w| w.span.text(source)),
        Some("build")
    );
}

#[test]
fn sudo_apt_get_is_found_as_apt_get() {
    let source = "FROM debian\nRUN sudo apt-get install -y x\n";
    let s = script(source, 1);
    let apt: Vec<_> = s.commands_named("apt-get").collect();
    assert_eq!(apt.len(), 1);
    assert_eq!(apt[0].span.text(source), "apt-get install -y x");
    assert!(apt[0].has_flag(Some('y'), Some("yes")));
}

#[test]
fn wrappers_unwrap_in_a_chain_and_env_assignments_move_to_the_command() {
    let source =
        "FROM debian\nRUN sudo env DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get -qy install x\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["sudo", "env", "apt-get"]);
    let apt = s.commands_named("apt-get").next().expect("apt-get");
    assert_eq!(apt.wrapped_by.as_deref(), Some("env"));
    let (name, value) = &apt.assignments[0];
    assert_eq!(name, "DEBIAN_FRONTEND");
    assert_eq!(value.span.text(source), "noninteractive");
    assert!(apt.has_flag(Some('q'), None));
}

#[test]
fn compound_statements_subshells_and_pipes_are_walked() {
    let source = "FROM alpine\nRUN for f in a b; do gzip \"$f\"; done; (cd /x && make) | tee log; { echo a; } || exit 1; [[ -n x && -n y ]]; case $x in a|b) rm z;; esac\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    assert_eq!(
        names(&s),
        ["gzip", "cd", "make", "tee", "echo", "exit", "rm"]
    );
    let nesting: Vec<_> = s.commands.iter().map(|c| c.nesting).collect();
    assert_eq!(
        nesting,
        [
            Nesting::Compound,
            Nesting::Subshell,
            Nesting::Subshell,
            Nesting::TopLevel,
            Nesting::Group,
            Nesting::TopLevel,
            Nesting::Compound,
        ]
    );
    let connectors: Vec<_> = s.commands.iter().map(|c| c.connector).collect();
    assert_eq!(
        connectors,
        [
            Connector::Sequence,
            Connector::Sequence,
            Connector::And,
            Connector::Pipe,
            Connector::Sequence,
            Connector::Or,
            Connector::Sequence,
        ]
    );
}

#[test]
fn redirects_and_bare_assignments() {
    let source = "FROM alpine\nRUN A=1 B=\"two\"; curl -fsSL https://x.io/i.sh 2>&1 >/tmp/out\n";
    let s = script(source, 1);
    let bare = &s.commands[0];
    assert!(bare.name.is_none());
    let assigned: Vec<_> = bare
        .assignments
        .iter()
        .map(|(n, v)| (n.as_str(), v.text.as_str()))
        .collect();
    assert_eq!(assigned, [("A", "1"), ("B", "two")]);
    let curl = &s.commands[1];
    let redirects: Vec<_> = curl
        .redirects
        .iter()
        .map(|r| {
            (
                r.descriptor,
                r.operator.as_str(),
                r.target.as_ref().map(|t| t.span.text(source)),
            )
        })
        .collect();
    assert_eq!(
        redirects,
        [(Some(2), ">&", Some("1")), (None, ">", Some("/tmp/out"))]
    );
    assert_eq!(
        curl.span.text(source),
        "curl -fsSL https://x.io/i.sh 2>&1 >/tmp/out"
    );
}

#[test]
fn exec_form_sh_c_script_and_plain_exec() {
    let source = "FROM alpine\nRUN [\"sh\", \"-c\", \"npm ci && npm test\"]\nRUN [\"npm\", \"ci\"]\nRUN [\"/bin/bash\", \"-o\", \"pipefail\", \"-ec\", \"echo \\\"x\\\" | wc\"]\n";
    let shell = script(source, 1);
    assert_eq!(names(&shell), ["npm", "npm"]);
    assert_eq!(shell.commands[1].connector, Connector::And);
    // No escapes in the JSON string: spans are exact.
    assert_eq!(shell.commands[1].span.text(source), "npm test");
    let direct = script(source, 2);
    assert_eq!(names(&direct), ["npm"]);
    assert_eq!(direct.commands[0].args[0].text, "ci");
    assert_eq!(direct.commands[0].args[0].span.text(source), "\"ci\"");
    let escaped = script(source, 3);
    assert_eq!(names(&escaped), ["echo", "wc"]);
    assert_eq!(escaped.commands[0].args[0].text, "x");
    // Escapes: every word points at the whole JSON string.
    assert_eq!(
        escaped.commands[1].span.text(source),
        "\"echo \\\"x\\\" | wc\""
    );
}

#[test]
fn sh_c_inside_a_script_is_a_child_script() {
    let source = "FROM alpine\nRUN su-exec app sh -c 'cd /app && npm ci'\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["su-exec", "sh", "cd", "npm"]);
    assert_eq!(s.commands[3].nesting, Nesting::ChildShell);
    assert_eq!(s.commands[3].connector, Connector::And);
    assert_eq!(s.commands[3].span.text(source), "npm ci");
}

#[test]
fn flags_in_clusters_long_forms_and_after_double_dash() {
    let s = script(
        "FROM a\nRUN apt-get -qy install --no-install-recommends --option=x -- -z curl\n",
        1,
    );
    let c = &s.commands[0];
    assert!(c.has_flag(Some('y'), Some("yes")));
    assert!(c.has_flag(Some('q'), None));
    assert!(c.has_flag(None, Some("no-install-recommends")));
    assert!(c.has_flag(None, Some("option")));
    assert!(!c.has_flag(None, Some("opt")), "no prefix matching");
    assert!(!c.has_flag(Some('z'), None), "after `--` it is an operand");
    let positional: Vec<_> = c.positional_args().map(|w| w.text.as_str()).collect();
    assert_eq!(positional, ["install", "-z", "curl"]);
    let long = script("FROM a\nRUN apt-get install --yes curl\n", 1);
    assert!(long.commands[0].has_flag(Some('y'), Some("yes")));
}

#[test]
fn broken_scripts_report_errors_and_keep_what_parsed() {
    let s = script("FROM a\nRUN echo ok && if then fi (((\n", 1);
    assert!(s.has_syntax_errors);
    assert_eq!(names(&s).first(), Some(&"echo"));
}

#[test]
fn five_thousand_nested_substitutions_do_not_overflow_the_stack() {
    let depth = 5_000;
    let source = format!(
        "FROM a\nRUN echo {}x{}\n",
        "$(echo ".repeat(depth),
        ")".repeat(depth)
    );
    // Run on a small stack so that recursion in the facade would fail here.
    let count = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || script(&source, 1).commands.len())
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    assert_eq!(count, depth + 1);
}
