use plimsoll_syntax::Span;

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};
use crate::shell::ShellCommand;

use super::support::{has_throwaway_mount, runs, stage_ships, variable_for};

declare_rule! {
    /// ## What it does
    /// Flags `yarn install` (also bare `yarn`, `yarn add`, `yarn global
    /// add`) in a `RUN` that does not clean yarn's cache afterwards (`yarn
    /// cache clean`, or removing the cache directory) and has no cache or
    /// tmpfs mount over it.
    ///
    /// Like hadolint, only stages that end up in an image are checked: the
    /// last stage, stages other stages are built `FROM`, and `ONBUILD`
    /// triggers. A builder stage whose files are picked with `COPY --from`
    /// leaves its cache behind anyway.
    ///
    /// ## Why is this bad?
    /// Yarn keeps a copy of every package it fetched in its global cache
    /// (`/usr/local/share/.cache/yarn` for root). Nothing reads it again in
    /// the image, but it is stored in the layer, often as large as
    /// `node_modules` itself.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    /// or keep the cache between builds, outside the image:
    /// ```dockerfile
    /// FROM node:22
    /// RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Differences from hadolint
    /// hadolint DL3060 looks only at `yarn install`. Bare `yarn` is the same
    /// command and `yarn add` fills the same cache, so plimsoll checks them
    /// too; it also accepts `rm -rf` of a yarn cache directory as cleaning,
    /// and a cache mount on the directory named by `YARN_CACHE_FOLDER` or a
    /// Yarn 2+ cache (`.yarn/berry/cache`).
    ///
    /// ## References
    /// hadolint DL3060.
    pub struct YarnCacheNotCleaned {
        name: "yarn-cache-not-cleaned",
        code: "PL311",
        aliases: ["DL3060"],
        category: Size,
        severity: Info,
        fix: None,
        summary: "yarn install without yarn cache clean keeps the package cache in the layer",
    }
}

impl Rule for YarnCacheNotCleaned {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        for run in runs(model) {
            if !run.onbuild && !stage_ships(model, run.stage) {
                continue;
            }
            let commands = &run.script.commands;
            for (position, command) in commands.iter().enumerate() {
                let Some(last_word) = yarn_install(command) else {
                    continue;
                };
                let folder = variable_for(model, &run, command, "YARN_CACHE_FOLDER");
                let mounted = has_throwaway_mount(run.instruction, |target| {
                    target.contains(".cache/yarn")
                        || target.contains(".yarn/berry/cache")
                        || folder.as_deref().is_some_and(|f| {
                            !f.is_empty() && target.trim_end_matches('/') == f.trim_end_matches('/')
                        })
                });
                if mounted || commands[position + 1..].iter().any(cleans_cache) {
                    continue;
                }
                let Some(name) = &command.name else { continue };
                checker
                    .report(
                        name.span.cover(last_word),
                        "yarn keeps every fetched package in its cache, and this RUN stores that cache in the layer",
                    )
                    .help("append `&& yarn cache clean`, or mount the cache: `RUN --mount=type=cache,target=/usr/local/share/.cache/yarn`");
            }
        }
    }
}

/// `yarn`, `yarn install`, `yarn add x`, `yarn global add x`: the span of
/// the command's name or its last subcommand word.
fn yarn_install(command: &ShellCommand) -> Option<Span> {
    let name = command.name.as_ref()?;
    if command.program() != Some("yarn")
        || command
            .args
            .iter()
            .any(|a| matches!(a.text.as_str(), "-v" | "--version" | "-h" | "--help"))
    {
        return None;
    }
    let mut words = command.positional_args();
    match words.next() {
        None => Some(name.span),
        Some(w) if matches!(w.text.as_str(), "install" | "add") => Some(w.span),
        Some(w) if w.text == "global" => words.next().filter(|w| w.text == "add").map(|w| w.span),
        _ => None,
    }
}

/// `yarn cache clean`, or `rm` of a yarn cache directory.
fn cleans_cache(command: &ShellCommand) -> bool {
    match command.program() {
        Some("yarn") => {
            let words: Vec<&str> = command.positional_args().map(|w| w.text.as_str()).collect();
            words.starts_with(&["cache", "clean"])
        }
        Some("rm") => command
            .args
            .iter()
            .any(|a| a.text.contains(".cache/yarn") || a.text.contains(".yarn/berry/cache")),
        _ => false,
    }
}
