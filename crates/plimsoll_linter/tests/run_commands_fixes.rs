//! The fixes of the RUN-command rules: exact output on the original text,
//! comments and continuations kept, and the right applicability.

use plimsoll_linter::fix::fix_source;
use plimsoll_linter::{lint, Applicability, Settings};

fn settings(rule: &str) -> Settings {
    Settings {
        select: Some(vec![rule.to_string()]),
        ..Settings::default()
    }
}

fn fixed(rule: &str, source: &str, unsafe_fixes: bool) -> String {
    let settings = settings(rule);
    fix_source(source, &settings.resolve(), &settings.options, unsafe_fixes).source
}

/// The applicability of each finding's fix (`None`: no fix offered).
fn applicabilities(rule: &str, source: &str) -> Vec<Option<Applicability>> {
    let settings = settings(rule);
    let file = plimsoll_syntax::parse(source);
    lint(source, &file, &settings.resolve(), &settings.options)
        .diagnostics
        .iter()
        .map(|d| d.fix.as_ref().map(|f| f.applicability))
        .collect()
}

#[test]
fn no_cache_dir_lands_after_install_and_keeps_comments() {
    let source = "FROM python:3.12\nRUN python -m pip install \\\n      # server\n      gunicorn==22.0.0 \\\n && pip3 install -r req.txt\nONBUILD RUN pip install six==1.16.0\n";
    assert_eq!(
        fixed("pip-install-without-no-cache-dir", source, false),
        "FROM python:3.12\nRUN python -m pip install --no-cache-dir \\\n      # server\n      gunicorn==22.0.0 \\\n && pip3 install --no-cache-dir -r req.txt\nONBUILD RUN pip install --no-cache-dir six==1.16.0\n"
    );
}

#[test]
fn no_cache_dir_is_not_offered_for_exec_form() {
    let source = "FROM python:3.12\nRUN [\"pip\", \"install\", \"six==1.16.0\"]\n";
    assert_eq!(
        applicabilities("pip-install-without-no-cache-dir", source),
        [None]
    );
}

#[test]
fn wget_fix_depends_on_which_wget_the_image_has() {
    let source = "FROM debian:12\nRUN wget https://x/a\nFROM alpine:3.20\nRUN wget https://x/b\nFROM alpine:3.20\nRUN apk add --no-cache wget && wget https://x/c\nFROM $BASE\nRUN wget https://x/d\n";
    assert_eq!(
        applicabilities("wget-progress-bar", source),
        [
            Some(Applicability::Safe),
            None,
            Some(Applicability::Safe),
            Some(Applicability::Unsafe)
        ]
    );
    assert_eq!(
        fixed("wget-progress-bar", source, false),
        "FROM debian:12\nRUN wget --progress=dot:giga https://x/a\nFROM alpine:3.20\nRUN wget https://x/b\nFROM alpine:3.20\nRUN apk add --no-cache wget && wget --progress=dot:giga https://x/c\nFROM $BASE\nRUN wget https://x/d\n"
    );
}

#[test]
fn cd_moves_into_workdir_only_when_it_leads_the_script() {
    let source = "FROM node:22\n  RUN cd /app && \\\n    npm ci\nRUN make && cd /x && make install\nRUN cd /a && \\\n# why\n  make\n";
    assert_eq!(
        applicabilities("cd-instead-of-workdir", source),
        [Some(Applicability::Unsafe), None, None]
    );
    assert_eq!(
        fixed("cd-instead-of-workdir", source, false),
        source,
        "unsafe: not applied by --fix"
    );
    assert_eq!(
        fixed("cd-instead-of-workdir", source, true),
        "FROM node:22\n  WORKDIR /app\n  RUN npm ci\nRUN make && cd /x && make install\nRUN cd /a && \\\n# why\n  make\n"
    );
}

#[test]
fn pipefail_shell_is_inserted_once_per_stage_on_known_bash_images() {
    let source = "FROM debian:12\nRUN a | b\nRUN c | d\nFROM alpine:3.20\nRUN e | f\n";
    assert_eq!(
        applicabilities("pipe-without-pipefail", source),
        [Some(Applicability::Unsafe), None, None]
    );
    let once = fixed("pipe-without-pipefail", source, true);
    assert_eq!(
        once,
        "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\nRUN c | d\nFROM alpine:3.20\nRUN e | f\n"
    );
    assert_eq!(fixed("pipe-without-pipefail", &once, true), once);
}

#[test]
fn no_log_init_is_added_after_useradd() {
    let source = "FROM debian:12\nRUN useradd -u 123456 app\n";
    assert_eq!(
        fixed("useradd-without-no-log-init", source, false),
        "FROM debian:12\nRUN useradd --no-log-init -u 123456 app\n"
    );
}
