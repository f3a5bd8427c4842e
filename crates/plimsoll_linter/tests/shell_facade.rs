//! The RUN shell facade: commands and words with spans that slice the
//! Dockerfile source exactly, through continuations, CRLF, UTF-8 and heredocs.

use plimsoll_linter::shell::{Connector, ShellScript};
use plimsoll_syntax::parse;

/// Parse `source` and return the script of its RUN at `index`.
fn script(source: &str, index: usize) -> ShellScript {
    let file = parse(source);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    ShellScript::parse_run(&file.instructions[index])
}

fn names(script: &ShellScript) -> Vec<&str> {
    script.commands.iter().filter_map(|c| c.program()).collect()
}

#[test]
fn continued_run_with_comment_and_trailing_blanks() {
    let source = "FROM debian\nRUN apt-get update && \\  \n    # a comment\n    apt-get install -y --no-install-recommends curl=7.* \\\n    && rm -rf /var/lib/apt/lists/*\n";
    let s = script(source, 1);
    assert!(!s.has_syntax_errors);
    assert_eq!(names(&s), ["apt-get", "apt-get", "rm"]);
    let install = &s.commands[1];
    assert_eq!(install.connector, Connector::And);
    let curl = install.args.iter().find(|a| a.text == "curl=7.*").unwrap();
    assert_eq!(curl.span.text(source), "curl=7.*");
    assert_eq!(
        source[..curl.span.start as usize].lines().count(),
        4,
        "on the fourth physical line"
    );
    assert_eq!(
        install.span.text(source),
        "apt-get install -y --no-install-recommends curl=7.*"
    );
    assert!(install.has_flag(Some('y'), Some("yes")));
    assert!(install.has_flag(None, Some("no-install-recommends")));
    assert_eq!(install.subcommand().unwrap().text, "install");
}

#[test]
fn crlf_and_utf8_spans_are_byte_exact() {
    let source = "FROM alpine\r\nRUN echo \"héllo wörld\" \\\r\n  && ls -l /tmp\r\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["echo", "ls"]);
    let word = &s.commands[0].args[0];
    assert_eq!(word.span.text(source), "\"héllo wörld\"");
    assert_eq!(word.text, "héllo wörld");
    assert_eq!(s.commands[1].args[1].span.text(source), "/tmp");
}

#[test]
fn backtick_escape_continuations() {
    let source = "# escape=`\nFROM alpine\nRUN echo a `\n    && echo b\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["echo", "echo"]);
    assert_eq!(s.commands[1].args[0].span.text(source), "b");
}

#[test]
fn heredoc_scripts() {
    let source = "FROM alpine\nRUN <<EOF\nset -e\napk add --no-cache curl\nEOF\nRUN <<-'EOF' bash\n\techo tabbed\n\tEOF\nRUN python3 <<EOF\nprint('not shell')\nEOF\nRUN cat <<EOF > /etc/x.conf\nkey=value\nEOF\n";
    let bare = script(source, 1);
    assert_eq!(names(&bare), ["set", "apk"]);
    assert_eq!(bare.commands[1].args[2].span.text(source), "curl");
    let bash = script(source, 2);
    assert_eq!(names(&bash), ["bash", "echo"]);
    assert_eq!(bash.commands[1].args[0].span.text(source), "tabbed");
    assert_eq!(names(&script(source, 3)), ["python3"]);
    assert_eq!(names(&script(source, 4)), ["cat"]);
}

#[test]
fn nested_wrapped_and_assigned_commands() {
    let source = "FROM alpine\nRUN chown -R $(id -u):$(id -g) /app && sudo -u app npm ci && FOO=1 make build\n";
    let s = script(source, 1);
    assert_eq!(names(&s), ["chown", "id", "id", "sudo", "npm", "make"]);
    assert!(s.commands[1].nested);
    assert!(!s.commands[1 + 2].nested);
    let npm = &s.commands[4];
    assert_eq!(npm.wrapped_by.as_deref(), Some("sudo"));
    assert_eq!(npm.span.text(source), "npm ci");
    let make = &s.commands[5];
    assert_eq!(make.assignments[0].raw, "FOO=1");
    assert!(!s.commands[0].args[1].is_static, "$(id -u) is dynamic");
}

#[test]
fn exec_form_runs() {
    let source =
        "FROM alpine\nRUN [\"sh\", \"-c\", \"npm ci && npm test\"]\nRUN [\"npm\", \"ci\"]\n";
    let shell = script(source, 1);
    assert_eq!(names(&shell), ["npm", "npm"]);
    assert_eq!(
        shell.commands[0].span.text(source),
        "\"npm ci && npm test\""
    );
    let direct = script(source, 2);
    assert_eq!(names(&direct), ["npm"]);
    assert_eq!(direct.commands[0].args[0].span.text(source), "\"ci\"");
}

#[test]
fn broken_and_hostile_scripts() {
    let broken = script("FROM a\nRUN if then fi (((\n", 1);
    assert!(broken.has_syntax_errors);
    let depth = 5_000;
    let deep = format!(
        "FROM a\nRUN echo {}x{}\n",
        "$(echo ".repeat(depth),
        ")".repeat(depth)
    );
    let s = script(&deep, 1);
    assert!(s.commands.len() > 1);
}

#[test]
fn short_flag_clusters() {
    let s = script("FROM a\nRUN apt-get -qy install curl\n", 1);
    let c = &s.commands[0];
    assert!(c.has_flag(Some('y'), Some("yes")));
    assert!(c.has_flag(Some('q'), None));
    assert!(!c.has_flag(Some('f'), Some("fix-broken")));
}
