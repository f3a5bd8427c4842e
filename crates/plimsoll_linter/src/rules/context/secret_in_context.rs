use plimsoll_context::EntryKind;

use crate::checker::Checker;
use crate::context::{
    ignore_fix_target, ignore_patterns_text, literal_ignore_line, newly_excluded,
    protected_paths_of,
};
use crate::diagnostic::{FileChange, Fix};
use crate::rule::{declare_rule, Rule};

use super::copy_ignored_file::ignore_file_name;
use super::sources::{context_sources, join_list, name_list};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` that takes secret-looking files from the build
    /// context into the image, and names each one:
    ///
    /// - environment files: `.env`, `.env.production` (not templates such as
    ///   `.env.example`, `.env.sample`, `.env.template`, `.env.dist`);
    /// - private keys: `id_rsa`, `id_ed25519` and the like (not `*.pub`),
    ///   `*.key`, `*.p12`, `*.pfx`, and `*.pem` files that hold a
    ///   `PRIVATE KEY` block (a `.pem` with only certificates is public);
    /// - `.npmrc` and `.pypirc` holding a token or password written out (an
    ///   `${NPM_TOKEN}` reference is not a secret);
    /// - `.aws/credentials`, `.git-credentials`, `.netrc`, kube configs
    ///   (`.kube/config`, `kubeconfig`, `*.kubeconfig`).
    ///
    /// File contents are read only for the token and key checks, at most
    /// 256 KiB per file. Symlinks are never followed.
    ///
    /// ## Why is this bad?
    /// Everything in a layer ships with the image and stays in its history,
    /// even if a later `RUN rm` deletes it. Anyone who can pull the image can
    /// read the secret.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    /// with `.env` and `.npmrc` (holding `_authToken=...`) in the context.
    ///
    /// ## Use instead
    /// Keep them out of the context with `.dockerignore`, copy only what the
    /// image needs, and give the build its credentials with
    /// `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`.
    ///
    /// ## Fix safety
    /// The fix appends a line naming each secret file (`.env`,
    /// `certs/server.key`) to the ignore file the build reads
    /// (`<name>.Dockerfile.dockerignore` beside the Dockerfile when there is
    /// one, else `.dockerignore` in the context, created if missing). It is
    /// unsafe: the file is shared by every Dockerfile and `docker compose`
    /// service built with this context, and an application that reads its
    /// `.env` at start-up will not find it any more (pass its values at run
    /// time instead). No fix is offered for a secret the Dockerfile copies by
    /// name: plimsoll checks with Docker's matcher that every source a `COPY`,
    /// `ADD` or `RUN --mount=type=bind` names is still sent.
    pub struct SecretInContext {
        name: "secret-in-context",
        code: "PL602",
        aliases: [],
        category: Security,
        severity: Error,
        fix: Sometimes,
        summary: "COPY/ADD puts secret-looking files from the build context into the image",
    }
}

/// Whether the secret check needs the file's text (read before linting).
pub(crate) fn needs_text(path: &str) -> bool {
    let name = basename(path);
    matches!(name, ".npmrc" | ".pypirc") || name.ends_with(".pem") || name.ends_with(".key")
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// What kind of secret the file at `path` looks like; `text` is its content
/// when it was read.
fn secret_kind(path: &str, text: Option<&str>) -> Option<&'static str> {
    let name = basename(path);
    if name == ".env"
        || name.strip_prefix(".env.").is_some_and(|suffix| {
            !matches!(
                suffix,
                "example" | "sample" | "template" | "dist" | "defaults" | "tpl"
            )
        })
    {
        return Some("environment file");
    }
    let ssh_key = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
        .iter()
        .any(|k| name.starts_with(k));
    if ssh_key && !name.ends_with(".pub") {
        return Some("SSH private key");
    }
    if name.ends_with(".pem") {
        return text
            .is_some_and(|t| t.contains("PRIVATE KEY"))
            .then_some("private key");
    }
    if name.ends_with(".key") {
        // A `.key` holding only a public block is not a secret.
        let public = text.is_some_and(|t| t.contains("-----BEGIN") && !t.contains("PRIVATE KEY"));
        return (!public).then_some("private key");
    }
    if name.ends_with(".p12") || name.ends_with(".pfx") {
        return Some("key store");
    }
    if name == ".npmrc" {
        return text.is_some_and(npmrc_has_token).then_some("npm token");
    }
    if name == ".pypirc" {
        return text
            .is_some_and(pypirc_has_password)
            .then_some("PyPI password");
    }
    if path == ".aws/credentials" || path.ends_with("/.aws/credentials") {
        return Some("AWS credentials");
    }
    if name == ".git-credentials" {
        return Some("git credentials");
    }
    if name == ".netrc" {
        return Some("netrc credentials");
    }
    if path == ".kube/config"
        || path.ends_with("/.kube/config")
        || name == "kubeconfig"
        || name.ends_with(".kubeconfig")
    {
        return Some("kube config");
    }
    None
}

/// A value written out, not a `${VAR}` reference or empty.
fn is_literal_secret(value: &str) -> bool {
    let value = value.trim().trim_matches('"');
    !value.is_empty() && !value.starts_with("${") && !value.starts_with('$')
}

fn npmrc_has_token(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        if line.starts_with(['#', ';']) {
            return false;
        }
        let Some((key, value)) = line.split_once('=') else {
            return false;
        };
        let key = key.trim();
        let key = key.rsplit(':').next().unwrap_or(key);
        matches!(key, "_authToken" | "_auth" | "_password") && is_literal_secret(value)
    })
}

fn pypirc_has_password(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let Some((key, value)) = line.split_once(['=', ':']) else {
            return false;
        };
        key.trim() == "password" && is_literal_secret(value) && !value.contains("%(")
    })
}

impl Rule for SecretInContext {
    fn check(&self, checker: &mut Checker<'_>) {
        let Some(context) = checker.context else {
            return;
        };
        let target = ignore_fix_target(context);
        // Worked out on the first finding: most builds have none.
        let protected = std::cell::OnceCell::new();
        let existing = std::cell::OnceCell::new();
        let model = checker.model;
        for source in context_sources(model) {
            let Some(taken) = source.resolve(&context.listing) else {
                continue;
            };
            let secrets: Vec<(String, &str)> = taken
                .iter()
                .filter(|e| e.kind == EntryKind::File)
                .filter_map(|e| {
                    secret_kind(&e.path, context.text(&e.path)).map(|k| (e.path.clone(), k))
                })
                .collect();
            if secrets.is_empty() {
                continue;
            }
            let named: Vec<String> = secrets
                .iter()
                .map(|(path, kind)| format!("`{path}` ({kind})"))
                .collect();
            let paths: Vec<String> = secrets.iter().map(|(p, _)| p.clone()).collect();
            let what = if secrets.len() == 1 {
                "a secret"
            } else {
                "secrets"
            };
            let message = format!(
                "`{}` copies {what} into the image: {}",
                source.describe(),
                join_list(&named, 6)
            );
            let file_name = ignore_file_name(context);
            let diagnostic = checker.report(source.arg.span, message);
            diagnostic.help(format!(
                "add {} to `{file_name}` (or copy only what the image needs); pass build-time \
                 credentials with `RUN --mount=type=secret`",
                name_list(&paths, 6),
            ));
            // One line per file, all or nothing: a fix that keeps one secret in is no fix.
            let lines: Option<Vec<String>> = paths.iter().map(|p| literal_ignore_line(p)).collect();
            let fix = lines.filter(|lines| {
                matches!(
                    newly_excluded(
                        existing.get_or_init(|| ignore_patterns_text(context)),
                        lines,
                        protected.get_or_init(|| protected_paths_of(model, context)),
                    ),
                    Ok(None)
                )
            });
            if let (Some(path), Some(lines)) = (&target, fix) {
                diagnostic.fix(Fix::unsafe_file_changes(
                    format!("Add {} to `{file_name}`", name_list(&lines, 3)),
                    vec![FileChange::AppendLines {
                        path: path.clone(),
                        lines,
                        comment: Some(format!(
                            "# added by plimsoll ({})",
                            SecretInContext::META.name
                        )),
                    }],
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_contents() {
        assert_eq!(secret_kind(".env", None), Some("environment file"));
        assert_eq!(
            secret_kind("api/.env.production", None),
            Some("environment file")
        );
        assert_eq!(secret_kind(".env.example", None), None);
        assert_eq!(
            secret_kind(".ssh/id_ed25519", None),
            Some("SSH private key")
        );
        assert_eq!(secret_kind(".ssh/id_ed25519.pub", None), None);
        let cert = "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n";
        assert_eq!(secret_kind("certs/ca.pem", Some(cert)), None);
        assert_eq!(
            secret_kind("certs/tls.pem", Some("-----BEGIN RSA PRIVATE KEY-----")),
            Some("private key")
        );
        assert_eq!(secret_kind("certs/tls.key", None), Some("private key"));
        assert_eq!(secret_kind("certs/pub.key", Some(cert)), None);
        assert_eq!(
            secret_kind(".npmrc", Some("//registry.npmjs.org/:_authToken=npm_abc\n")),
            Some("npm token")
        );
        assert_eq!(
            secret_kind(
                ".npmrc",
                Some("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
            ),
            None
        );
        assert_eq!(secret_kind(".npmrc", Some("save-exact=true\n")), None);
        assert_eq!(
            secret_kind(
                ".pypirc",
                Some("[pypi]\nusername = __token__\npassword = pypi-AgE\n")
            ),
            Some("PyPI password")
        );
        assert_eq!(secret_kind(".pypirc", Some("[pypi]\nusername = x\n")), None);
        assert_eq!(
            secret_kind(".aws/credentials", None),
            Some("AWS credentials")
        );
        assert_eq!(
            secret_kind("deploy/.kube/config", None),
            Some("kube config")
        );
        assert_eq!(secret_kind("config", None), None);
        assert!(needs_text("a/b.pem") && needs_text(".npmrc") && !needs_text(".env"));
    }
}
