use crate::checker::Checker;
use crate::knowledge::{glob_matches, NON_ROOT_IMAGES};
use crate::rule::{declare_rule, Rule};
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Flags a final stage that runs as root: it never sets `USER` (and does
    /// not build on a stage that did), or its last `USER` is `root`, `0`,
    /// `root:<group>`, `0:<gid>` or, on Windows, `ContainerAdministrator`.
    /// Builder stages are not flagged: they never run in production.
    ///
    /// ## Why is this bad?
    /// A process running as root inside a container is one kernel or runtime
    /// bug away from root on the host, and any file it can write, an attacker
    /// who takes over the app can write too. Most apps need no privileges at
    /// run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --create-home --uid 10001 app
    /// COPY --chown=app:app . /app
    /// USER app
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Options
    /// Base images that already run as a non-root user (distroless `:nonroot`
    /// tags, Chainguard, chiselled images, …) count as non-root; extend the
    /// list with `non-root-images = ["registry.example.com/base/*"]` in
    /// `[rules.options]`.
    ///
    /// ## Differences from hadolint
    /// hadolint DL3002 flags a `USER root` that is the last USER of *any*
    /// stage, builder stages included, and says nothing when USER is missing
    /// altogether, which is the common case. plimsoll looks at the image that
    /// ships: the final stage, with USER inherited through `FROM <stage>`.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#user>
    pub struct NonRootUser {
        name: "non-root-user",
        code: "PL005",
        aliases: ["DL3002"],
        category: Security,
        severity: Warning,
        fix: None,
        summary: "The final stage runs as root",
    }
}

impl Rule for NonRootUser {
    fn check(&self, checker: &mut Checker<'_>) {
        let model = checker.model;
        let Some(stage) = model.final_stage() else {
            return;
        };
        match model.final_user(stage) {
            Some(user) if user.is_root() => {
                let help = "switch to an unprivileged user after the steps that need root, e.g. `USER app` or `USER 10001`";
                if stage.body.contains(&user.instruction) {
                    checker
                        .report(
                            user.span,
                            format!(
                                "the final stage switches to `USER {}`: the container runs as root",
                                user.user
                            ),
                        )
                        .help(help);
                } else {
                    // Inherited through `FROM <stage>`: point at this stage, name the cause.
                    let line = model.instruction(user.instruction).start_line;
                    checker
                        .report(
                            model.instruction(stage.from_index).span,
                            format!("the final stage inherits `USER {}` (line {line}): the container runs as root", user.user),
                        )
                        .help(help);
                }
            }
            Some(_) => {}
            None => {
                if base_runs_as_non_root(checker, &stage.base) {
                    return;
                }
                let from = model.instruction(stage.from_index);
                checker
                    .report(
                        from.span,
                        "the final stage never sets USER, so the container runs as root",
                    )
                    .help(if stage.base == Base::Scratch {
                        // scratch has no /etc/passwd and no useradd: a numeric UID still works.
                        "add `USER 65532:65532` (a numeric user needs no /etc/passwd) before CMD/ENTRYPOINT"
                    } else {
                        "create an unprivileged user and add `USER <name>` before CMD/ENTRYPOINT"
                    });
            }
        }
    }
}

/// Does the base image (followed through earlier stages) run as non-root by default?
fn base_runs_as_non_root(checker: &Checker<'_>, base: &Base) -> bool {
    let mut base = base;
    // Stages only refer to earlier stages, so this walk ends.
    loop {
        match base {
            Base::Stage(i) => match checker.model.stages.get(*i) {
                Some(stage) => base = &stage.base,
                None => return false,
            },
            Base::Scratch => return false,
            Base::Image(image) => {
                let image = image.to_ascii_lowercase();
                return NON_ROOT_IMAGES
                    .iter()
                    .copied()
                    .chain(checker.options.non_root_images.iter().map(String::as_str))
                    .any(|pattern| glob_matches(&pattern.to_ascii_lowercase(), &image));
            }
        }
    }
}
