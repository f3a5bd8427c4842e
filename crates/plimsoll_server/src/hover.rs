//! Hover: the rule's page over a finding, a short reference over an
//! instruction keyword.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
use plimsoll_syntax::{Instruction, Keyword, Span};

use crate::analysis::Analysis;
use crate::position::Encoding;

pub fn hover(analysis: &Analysis, offset: usize, encoding: Encoding) -> Option<Hover> {
    let findings: Vec<_> = analysis
        .output
        .diagnostics
        .iter()
        .filter(|d| {
            let (s, e) = (d.span.start as usize, d.span.end as usize);
            (s <= offset && offset < e) || (s == e && s == offset)
        })
        .collect();
    if let Some(first) = findings.first() {
        let mut pages: Vec<String> = Vec::new();
        let mut span = first.span;
        for d in &findings {
            span = span.cover(d.span);
            let page = format!(
                "**{}**: {}\n\n{}",
                d.rule.name,
                d.message,
                d.rule.markdown()
            );
            if !pages.contains(&page) {
                pages.push(page);
            }
        }
        return Some(markdown(
            pages.join("\n\n---\n\n"),
            analysis,
            span,
            encoding,
        ));
    }
    let instruction = analysis
        .file
        .instructions
        .iter()
        .find(|i| i.span.start as usize <= offset && offset <= i.span.end as usize)?;
    let keyword = keyword_at(instruction, offset as u32)?;
    let text = keyword_reference(keyword.keyword)?;
    Some(markdown(
        text.to_string(),
        analysis,
        keyword.keyword_span,
        encoding,
    ))
}

/// The instruction (or ONBUILD trigger) whose keyword is under `offset`.
fn keyword_at(instruction: &Instruction, offset: u32) -> Option<&Instruction> {
    let mut current = Some(instruction);
    while let Some(i) = current {
        let span = i.keyword_span;
        if span.start <= offset && offset <= span.end {
            return Some(i);
        }
        current = i.trigger.as_deref();
    }
    None
}

fn markdown(value: String, analysis: &Analysis, span: Span, encoding: Encoding) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(analysis.range(span, encoding)),
    }
}

/// A few lines on each instruction: what it does, its forms, what to watch for.
pub fn keyword_reference(keyword: Keyword) -> Option<&'static str> {
    Some(match keyword {
        Keyword::From => "**FROM** `[--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]`\n\nStarts a build stage on top of a base image (or `scratch`). Each `FROM` begins a new stage; name it with `AS` to copy from it later (`COPY --from=<name>`). Pin a tag or, better, a digest so rebuilds get the same base.",
        Keyword::Run => "**RUN** `<command>` or `[\"exe\", \"arg\"]`\n\nRuns a command while building and saves the result as a new layer. The shell form runs under the stage's `SHELL` (`/bin/sh -c` by default); the exec form runs the program directly. Flags: `--mount=type=cache|secret|ssh|bind`, `--network`, `--security`. Clean package caches in the same `RUN` that filled them.",
        Keyword::Cmd => "**CMD** `[\"exe\", \"arg\"]`, `[\"arg\"]` or `<command>`\n\nThe default command of the container, or the default arguments of `ENTRYPOINT`. Only the last `CMD` of a stage counts. Prefer the exec (JSON) form: the shell form makes `/bin/sh` PID 1, which does not forward signals.",
        Keyword::Entrypoint => "**ENTRYPOINT** `[\"exe\", \"arg\"]` or `<command>`\n\nThe program the container runs; `CMD` and `docker run` arguments are appended to it (exec form only). Only the last `ENTRYPOINT` counts. In shell form it ignores `CMD` and runs under `/bin/sh -c`.",
        Keyword::Copy => "**COPY** `[--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<mode>] [--link] <src>... <dest>`\n\nCopies files from the build context (or another stage or image) into the image. Sources are relative to the context; a destination ending in `/` is a folder. Copy dependency manifests before the rest of the sources to keep the install layer cached.",
        Keyword::Add => "**ADD** `[--chown=...] [--checksum=<digest>] <src>... <dest>`\n\nLike `COPY`, but also fetches URLs and Git repositories and unpacks local tar archives. Use `COPY` unless you need one of those; for URLs, pin `--checksum`.",
        Keyword::Env => "**ENV** `<key>=<value> ...`\n\nSets environment variables for the rest of the stage, for later instructions and for the running container. Values persist in the image: never put secrets here. The legacy `ENV key value` form is deprecated.",
        Keyword::Arg => "**ARG** `<name>[=<default>]`\n\nDeclares a build argument (`docker build --build-arg`). An `ARG` before the first `FROM` can only be used in `FROM` lines; inside a stage it is in scope from its declaration on. Values can show up in the image history: no secrets.",
        Keyword::Label => "**LABEL** `<key>=<value> ...`\n\nAdds metadata to the image. Prefer the `org.opencontainers.image.*` keys (authors, source, version, licenses).",
        Keyword::Expose => "**EXPOSE** `<port>[/tcp|/udp] ...`\n\nDocuments which ports the container listens on. It publishes nothing by itself: `docker run -p` does that.",
        Keyword::Workdir => "**WORKDIR** `<path>`\n\nSets the working folder for the following `RUN`, `CMD`, `ENTRYPOINT`, `COPY` and `ADD`, creating it if needed. Use absolute paths; a relative one is resolved against the previous `WORKDIR`. Prefer it to `cd` in `RUN`.",
        Keyword::User => "**USER** `<user>[:<group>]`\n\nSets the user (and group) for the following `RUN`, `CMD` and `ENTRYPOINT`. End the final stage with a non-root user so the container does not run as root.",
        Keyword::Volume => "**VOLUME** `[\"/path\"]` or `/path ...`\n\nMarks folders as mount points for external volumes. Changes made to such a folder by later build steps are discarded.",
        Keyword::Shell => "**SHELL** `[\"exe\", \"arg\"]`\n\nReplaces the shell used by shell-form `RUN`, `CMD` and `ENTRYPOINT` for the rest of the stage, e.g. `[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`. Exec (JSON) form only.",
        Keyword::Healthcheck => "**HEALTHCHECK** `[--interval=] [--timeout=] [--start-period=] [--retries=] CMD <command>` or `NONE`\n\nTells the container runtime how to test that the container still works. Only the last one counts; `NONE` disables a check inherited from the base image.",
        Keyword::Stopsignal => "**STOPSIGNAL** `<signal>`\n\nThe signal `docker stop` sends to PID 1 (default `SIGTERM`), e.g. `SIGQUIT` for nginx.",
        Keyword::Onbuild => "**ONBUILD** `<instruction>`\n\nRecords an instruction that runs later, when another Dockerfile builds `FROM` this image. `ONBUILD ONBUILD`, `FROM` and `MAINTAINER` are not allowed as triggers.",
        Keyword::Maintainer => "**MAINTAINER** `<name>` (deprecated)\n\nSets the image author. Use `LABEL org.opencontainers.image.authors=\"...\"` instead.",
        Keyword::Unknown => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_has_a_reference_naming_it() {
        for keyword in Keyword::ALL {
            let text = keyword_reference(keyword).unwrap();
            assert!(
                text.starts_with(&format!("**{}**", keyword.as_str())),
                "{text}"
            );
        }
        assert!(keyword_reference(Keyword::Unknown).is_none());
    }
}
