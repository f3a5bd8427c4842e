use plimsoll_syntax::{Arg, Keyword};

use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` names that look like secrets: `_`-separated words
    /// such as `password`, `token`, `secret`, `key`, `apikey`, `auth`,
    /// `credentials` (`DB_PASSWORD`, `GITHUB_TOKEN`), unless the name also says
    /// `public`, `file` or `version` (`PUBLIC_KEY`, `PASSWORD_FILE`).
    ///
    /// ## Why is this bad?
    /// ARG and ENV values are stored in the image metadata and its history:
    /// anyone who can pull the image can read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## Differences from BuildKit
    /// Same words and the same exclusions. Like BuildKit, global ARGs (before
    /// the first FROM) are not checked: they only feed FROM lines.
    ///
    /// ## Differences from hadolint
    /// hadolint DL3064 matches a list of 48 well-known names
    /// (`AWS_ACCESS_KEY_ID`, `NPM_TOKEN`, ...) and the substrings `api_key`,
    /// `client_key`, `password`, `private`, `secret`, `token` and `username`;
    /// plimsoll uses BuildKit's `_`-separated words above, so `USERNAME` and
    /// `PRIVATE_REGISTRY` are not flagged and `DB_AUTH` is. hadolint also
    /// flags global ARGs; their values only feed FROM lines and are not stored
    /// in the image, so plimsoll, like BuildKit, does not.
    ///
    /// ## References
    /// BuildKit check `SecretsUsedInArgOrEnv`; hadolint DL3064.
    pub struct SecretsUsedInArgOrEnv {
        name: "secrets-used-in-arg-or-env",
        code: "PL111",
        aliases: ["SecretsUsedInArgOrEnv", "DL3064"],
        category: Security,
        severity: Warning,
        fix: None,
        summary: "Secrets passed through ARG or ENV end up in the image",
    }
}

const SECRET_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
const EXCLUDED_WORDS: &[&str] = &["public", "file", "version"];

fn looks_secret(name: &str) -> bool {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split('_').collect();
    words.iter().any(|w| SECRET_WORDS.contains(w))
        && !words.iter().any(|w| EXCLUDED_WORDS.contains(w))
}

impl Rule for SecretsUsedInArgOrEnv {
    fn check(&self, checker: &mut Checker<'_>) {
        let mut found: Vec<(&str, &str, &Arg)> = Vec::new();
        for (index, instruction) in checker.file.instructions.iter().enumerate() {
            match instruction.keyword {
                Keyword::Env => found.extend(
                    instruction
                        .key_values()
                        .map(|kv| ("ENV", kv.key.value.as_str(), kv.key)),
                ),
                Keyword::Arg if checker.model.states[index].stage.is_some() => found.extend(
                    instruction
                        .arg_declarations()
                        .map(|d| ("ARG", d.name, d.arg)),
                ),
                _ => {}
            }
        }
        for (keyword, name, arg) in found {
            if looks_secret(name) {
                checker
                    .report(arg.span, format!("Do not use ARG or ENV instructions for sensitive data ({keyword} \"{name}\")"))
                    .help("pass secrets with `RUN --mount=type=secret`, not ARG or ENV");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn secret_words_on_underscore_boundaries() {
        for name in [
            "SECRET_PASSPHRASE",
            "git_key",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "password",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "PUBLIC_KEY",
            "SECRET_PASSPHRASE_FILE",
            "AUTH_MODULE_VERSION",
            "sunflower",
            "apikeyx",
            "mykey",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}
