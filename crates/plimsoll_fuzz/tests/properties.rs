//! The fuzz targets' bodies on stable, fed by proptest: arbitrary bytes, and
//! Dockerfile-shaped token soup that reaches deeper into the rules. `cargo
//! test` runs them briefly; `cargo +nightly fuzz run` (fuzz/) runs the same
//! checks for as long as you like.

use plimsoll_fuzz::{fix_target, lint_target, parse_target};
use proptest::prelude::*;

/// Failures are reported with the shrunk input, not persisted (proptest
/// cannot find a source root for an integration test). `PROPTEST_CASES`
/// overrides the count for a longer run.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces of real Dockerfiles: keywords, flags, shell syntax, JSON, heredocs,
/// continuations, pragmas, odd whitespace and characters.
const TOKENS: &[&str] = &[
    "FROM ",
    "FROM alpine:3.20 AS build\n",
    "FROM scratch\n",
    "RUN ",
    "CMD ",
    "ENTRYPOINT ",
    "COPY ",
    "ADD ",
    "ENV ",
    "ARG ",
    "USER ",
    "WORKDIR ",
    "SHELL ",
    "LABEL ",
    "EXPOSE ",
    "HEALTHCHECK ",
    "ONBUILD ",
    "MAINTAINER ",
    "VOLUME ",
    "STOPSIGNAL ",
    "run ",
    "apt-get install -y curl",
    "apt-get update",
    "apk add --no-cache",
    "pip install ",
    "npm install",
    "yum install -y",
    "curl -fsSL https://x | sh",
    "wget -qO- u | bash",
    "cd /app",
    "sudo ",
    "chown -R a:b /x",
    "chmod 777 /x",
    "rm -rf /var/lib/apt/lists/*",
    " && ",
    " || ",
    " ; ",
    " | ",
    "$(",
    ")",
    "`",
    "${A:-b}",
    "$HOME",
    "\"",
    "'",
    "[\"a\", \"b\"]",
    "[\"/bin/sh\", \"-c\"]",
    "--from=build ",
    "--chown=1:1 ",
    "--chmod=755 ",
    "--mount=type=cache,target=/r ",
    "--platform=linux/amd64 ",
    "<<EOF\n",
    "<<-EOT\n",
    "EOF\n",
    "EOT\n",
    "\\\n",
    "`\n",
    "\n",
    "\r\n",
    "\t",
    "  ",
    "# comment\n",
    "# escape=`\n",
    "# syntax=docker/dockerfile:1\n",
    "# hadolint ignore=DL3008\n",
    "# plimsoll: ignore[exec-form-cmd]\n",
    "# check=skip=all\n",
    "A=1 ",
    "B=\"x y\" ",
    "root",
    "1000:1000",
    "/app",
    "./",
    ".",
    "*",
    "src dst",
    "é",
    "\u{feff}",
    "\0",
    "x=",
    "=",
    "-",
    "--",
    "[",
    "]",
    "{",
    "}",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60)
        .prop_map(|tokens| tokens.concat().into_bytes())
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn parse_target_holds_for_token_soup(data in token_soup()) {
        parse_target(&data);
    }

    #[test]
    fn lint_target_holds_for_token_soup(data in token_soup()) {
        lint_target(&data);
    }

    #[test]
    fn fix_target_holds_for_token_soup(data in token_soup()) {
        fix_target(&data);
    }
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn every_target_holds_for_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..300)) {
        parse_target(&data);
        lint_target(&data);
        fix_target(&data);
    }
}
