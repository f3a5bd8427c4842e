use crate::checker::Checker;
use crate::rule::{declare_rule, Rule};

declare_rule! {
    /// ## What it does
    /// Flags `chmod` that makes files writable by everyone: `chmod 777`,
    /// `chmod 666`, `chmod -R o+w`, `chmod a+rwx`. Directories with the
    /// sticky bit (`chmod 1777`, like `/tmp`) are fine.
    ///
    /// ## Why is this bad?
    /// It is usually a workaround for files owned by the wrong user. Any
    /// process in the container, whatever its user, can then rewrite the
    /// application or its data. Give the files to the user that runs the
    /// app instead (`COPY --chown=app:app`, `chown` in the layer that
    /// creates them).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN mkdir -p /app/tmp && chmod -R 777 /app/tmp
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN mkdir -p /app/tmp && chown -R app:app /app/tmp
    /// ```
    ///
    /// ## Differences from other tools
    /// hadolint has no equivalent rule.
    pub struct WorldWritableChmod {
        name: "world-writable-chmod",
        code: "PL011",
        aliases: [],
        category: Security,
        severity: Warning,
        fix: None,
        summary: "chmod makes files writable by every user",
    }
}

impl Rule for WorldWritableChmod {
    fn check(&self, checker: &mut Checker<'_>) {
        for index in 0..checker.file.instructions.len() {
            let Some(script) = checker.model.run_script(index) else {
                continue;
            };
            for command in script.commands_named("chmod") {
                let Some(mode) = command
                    .args
                    .iter()
                    .find(|a| is_mode(&a.text))
                    .filter(|a| grants_others_write(&a.text))
                else {
                    continue;
                };
                checker
                    .report(
                        mode.span,
                        format!("`chmod {}` lets every user in the container change these files", mode.text),
                    )
                    .help("give the files to the user that needs them (`chown`, `COPY --chown=`) and keep others read-only");
            }
        }
    }
}

/// A chmod mode rather than an option or a path: octal, or symbolic like `o+w`.
fn is_mode(word: &str) -> bool {
    let octal =
        !word.is_empty() && word.len() <= 4 && word.bytes().all(|b| (b'0'..=b'7').contains(&b));
    let symbolic = word.split(',').all(|clause| {
        let who = clause.trim_start_matches(['u', 'g', 'o', 'a']);
        who.starts_with(['+', '-', '=']) && who[1..].chars().all(|c| "rwxXst".contains(c))
    });
    octal || (symbolic && !word.is_empty())
}

/// Does the mode give "others" write permission?
fn grants_others_write(mode: &str) -> bool {
    if mode.bytes().all(|b| b.is_ascii_digit()) {
        let digits: Vec<u8> = mode.bytes().map(|b| b - b'0').collect();
        // The sticky bit (`1777`, as on /tmp): others may add files but not
        // touch anyone else's.
        let sticky = digits.len() == 4 && digits[0] & 1 != 0;
        return !sticky && digits.last().is_some_and(|others| others & 0o2 != 0);
    }
    mode.split(',').any(|clause| {
        let (who, rest) = clause.split_at(clause.find(['+', '=']).unwrap_or(clause.len()));
        // A bare `+w` honours the umask (022 in builds): others do not get write.
        who.contains(['o', 'a']) && rest.len() > 1 && rest[1..].contains('w')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        for mode in ["777", "0777", "666", "o+w", "a+rwx", "u+x,o+w", "a=rw"] {
            assert!(is_mode(mode) && grants_others_write(mode), "{mode}");
        }
        for mode in [
            "755", "0644", "1777", "+x", "u+w", "g+w", "o-w", "+w", "a+rx",
        ] {
            assert!(is_mode(mode) && !grants_others_write(mode), "{mode}");
        }
        for word in ["-R", "/app", "--reference=x", ""] {
            assert!(!is_mode(word), "{word}");
        }
    }
}
