//! A package-manager command line read the way the tool reads it: its options
//! (with the values of value-taking options set aside), its subcommand, and
//! its package operands. Every rule of the family asks these questions, so the
//! option tables live here once.

use plimsoll_syntax::Span;

use crate::shell::{ShellCommand, ShellWord};

/// The operating-system package managers this family knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Manager {
    AptGet,
    Apt,
    Aptitude,
    Apk,
    Yum,
    /// `dnf`, `dnf5` and `microdnf`: the same options and subcommands.
    Dnf,
    Zypper,
}

impl Manager {
    pub(crate) fn of(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" => Manager::AptGet,
            "apt" => Manager::Apt,
            "aptitude" => Manager::Aptitude,
            "apk" => Manager::Apk,
            "yum" => Manager::Yum,
            "dnf" | "dnf5" | "microdnf" => Manager::Dnf,
            "zypper" => Manager::Zypper,
            _ => return None,
        })
    }

    /// Options whose value may be the next word: short letters and long names.
    /// Only these consume a following word; an unknown option never does, so
    /// a package is never mistaken for an option value.
    fn value_options(self) -> (&'static [char], &'static [&'static str]) {
        match self {
            Manager::AptGet | Manager::Apt | Manager::Aptitude => (
                &['o', 'c', 't', 'a'],
                &[
                    "option",
                    "config-file",
                    "target-release",
                    "default-release",
                    "host-architecture",
                ],
            ),
            Manager::Apk => (
                &['t', 'X', 'p'],
                &[
                    "virtual",
                    "repository",
                    "root",
                    "arch",
                    "cache-dir",
                    "keys-dir",
                    "repositories-file",
                    "cache-max-age",
                    "timeout",
                ],
            ),
            Manager::Yum | Manager::Dnf => (
                &['c', 'd', 'e', 'x', 'R'],
                &[
                    "config",
                    "debuglevel",
                    "errorlevel",
                    "exclude",
                    "enablerepo",
                    "disablerepo",
                    "repo",
                    "repoid",
                    "installroot",
                    "releasever",
                    "setopt",
                    "color",
                    "rpmverbosity",
                    "downloaddir",
                    "destdir",
                    "forcearch",
                    "advisory",
                    "advisories",
                    "bz",
                    "cve",
                    "sec-severity",
                    "secseverity",
                    "randomwait",
                ],
            ),
            Manager::Zypper => (
                &['c', 'R', 't', 'r'],
                &[
                    "config",
                    "root",
                    "reposd-dir",
                    "cache-dir",
                    "raw-cache-dir",
                    "solv-cache-dir",
                    "pkg-cache-dir",
                    "type",
                    "repo",
                    "from",
                ],
            ),
        }
    }
}

/// One package-manager command.
#[derive(Debug)]
pub(crate) struct PackageCommand<'s> {
    pub command: &'s ShellCommand,
    pub manager: Manager,
    /// The program as named (`apt-get`, `microdnf`...).
    pub tool: &'s str,
    /// Option words in order (`-y`, `--no-cache`, `-oFoo=1`); separate values excluded.
    pub options: Vec<&'s ShellWord>,
    /// Separate values of value-taking options, with the option they belong to.
    pub option_values: Vec<(&'s ShellWord, &'s ShellWord)>,
    /// Everything else in order: the subcommand first, then its operands.
    pub operands: Vec<&'s ShellWord>,
}

impl<'s> PackageCommand<'s> {
    pub(crate) fn parse(command: &'s ShellCommand) -> Option<PackageCommand<'s>> {
        let tool = command.program()?;
        let manager = Manager::of(tool)?;
        let (short_values, long_values) = manager.value_options();
        let mut parsed = PackageCommand {
            command,
            manager,
            tool,
            options: Vec::new(),
            option_values: Vec::new(),
            operands: Vec::new(),
        };
        let mut words = command.args.iter();
        while let Some(word) = words.next() {
            let text = word.text.as_str();
            if text == "--" {
                parsed.operands.extend(words.by_ref());
                break;
            }
            let takes_next = if let Some(long) = text.strip_prefix("--") {
                !long.contains('=') && long_values.contains(&long)
            } else if let Some(cluster) = text.strip_prefix('-').filter(|c| !c.is_empty()) {
                // `-oFoo=1` and `-q=2` carry their value; `-yo Foo=1` takes the next word.
                match cluster.find(|c| short_values.contains(&c)) {
                    Some(at) => at + 1 == cluster.len(),
                    None => false,
                }
            } else {
                parsed.operands.push(word);
                continue;
            };
            parsed.options.push(word);
            if takes_next {
                if let Some(value) = words.next() {
                    parsed.option_values.push((word, value));
                }
            }
        }
        Some(parsed)
    }

    /// The subcommand word (`install` in `apt-get -y install curl`).
    pub(crate) fn subcommand_word(&self) -> Option<&'s ShellWord> {
        self.operands.first().copied()
    }

    pub(crate) fn subcommand(&self) -> Option<&'s str> {
        self.subcommand_word().map(|w| w.text.as_str())
    }

    /// Is the subcommand one of `names`?
    pub(crate) fn is(&self, names: &[&str]) -> bool {
        self.subcommand().is_some_and(|s| names.contains(&s))
    }

    /// `group install x` / `module install x`: the subcommand and its verb.
    pub(crate) fn is_sub(&self, group: &str, verb: &str) -> bool {
        self.subcommand() == Some(group)
            && self.operands.get(1).map(|w| w.text.as_str()) == Some(verb)
    }

    /// yum/dnf: a subcommand that installs packages (`install`, `in`,
    /// `groupinstall`, `localinstall`, `group install`, `module install`).
    pub(crate) fn rpm_installs(&self) -> bool {
        self.is(&["install", "in", "groupinstall", "localinstall"])
            || self.is_sub("group", "install")
            || self.is_sub("module", "install")
    }

    /// The word naming the action: `install` in `dnf module install x`,
    /// else the subcommand. Flags of the action go right after it.
    pub(crate) fn verb_word(&self) -> Option<&'s ShellWord> {
        if self.is_sub("group", "install") || self.is_sub("module", "install") {
            self.operands.get(1).copied()
        } else {
            self.subcommand_word()
        }
    }

    /// The tool and its action as a user would name them: `dnf module install`,
    /// `zypper dup`, `apt-get install` (options left out).
    pub(crate) fn action(&self) -> String {
        let mut action = self.tool.to_string();
        let words = if self.is_sub("group", "install") || self.is_sub("module", "install") {
            2
        } else {
            1
        };
        for word in self.operands.iter().take(words) {
            action.push(' ');
            action.push_str(&word.text);
        }
        action
    }

    /// Operands after the first `skip` (the subcommand and any verb after it).
    pub(crate) fn operands_after(&self, skip: usize) -> &[&'s ShellWord] {
        self.operands.get(skip..).unwrap_or(&[])
    }

    /// Is a short letter (also inside a cluster such as `-qy`) or a long option given?
    pub(crate) fn has_option(&self, short: Option<char>, longs: &[&str]) -> bool {
        let (short_values, _) = self.manager.value_options();
        self.options.iter().any(|word| {
            let text = word.text.as_str();
            if let Some(long) = text.strip_prefix("--") {
                let name = long.split('=').next().unwrap_or(long);
                longs.contains(&name)
            } else {
                short.is_some_and(|s| option_letters(text, short_values).contains(s))
            }
        })
    }

    /// The separate or attached values of a value-taking option (`-o X`, `-oX`, `--option=X`).
    pub(crate) fn values_of(&self, short: char, long: &str) -> Vec<&'s str> {
        let mut values: Vec<&'s str> = self
            .option_values
            .iter()
            .filter(|(option, _)| {
                let t = option.text.as_str();
                t.strip_prefix("--") == Some(long) || (!t.starts_with("--") && t.ends_with(short))
            })
            .map(|(_, value)| value.text.as_str())
            .collect();
        for word in &self.options {
            let text = word.text.as_str();
            if let Some(value) = text
                .strip_prefix("--")
                .and_then(|l| l.strip_prefix(long))
                .and_then(|rest| rest.strip_prefix('='))
            {
                values.push(value);
            } else if let Some(cluster) = text.strip_prefix('-').filter(|t| !t.starts_with('-')) {
                if let Some(at) = cluster.find(short) {
                    let rest = &cluster[at + short.len_utf8()..];
                    if !rest.is_empty() {
                        values.push(rest.strip_prefix('=').unwrap_or(rest));
                    }
                }
            }
        }
        values
    }

    /// The program name word: where a global option is inserted after.
    pub(crate) fn name_word(&self) -> Option<&'s ShellWord> {
        self.command.name.as_ref()
    }

    /// From the program name to the action (`apt-get -y install`, `dnf
    /// module install`): what a finding about the whole invocation points at.
    pub(crate) fn head_span(&self) -> Span {
        let start = self.name_word().map_or(self.command.span, |n| n.span);
        match self.verb_word() {
            Some(sub) if sub.span.start >= start.start => start.cover(sub.span),
            _ => start,
        }
    }
}

/// The letters of a short option cluster up to and including the first
/// value-taking letter (what follows it is that option's value).
fn option_letters<'t>(text: &'t str, value_letters: &[char]) -> &'t str {
    let Some(cluster) = text.strip_prefix('-') else {
        return "";
    };
    let cluster = cluster.split('=').next().unwrap_or(cluster);
    match cluster.find(|c| value_letters.contains(&c)) {
        Some(at) => &cluster[..=at],
        None => cluster,
    }
}

/// The package-manager commands of a script, wrapped ones (`sudo apt-get`) included.
pub(crate) fn package_commands<'s>(
    commands: &'s [ShellCommand],
) -> impl Iterator<Item = PackageCommand<'s>> {
    commands.iter().filter_map(PackageCommand::parse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::ShellScript;
    use plimsoll_syntax::Span;

    fn script(text: &str) -> ShellScript {
        ShellScript::parse_text(text, &|s, e| Span::new(s, e))
    }

    fn texts(words: &[&ShellWord]) -> Vec<String> {
        words.iter().map(|w| w.text.clone()).collect()
    }

    #[test]
    fn option_values_are_not_packages() {
        let s = script(
            "apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y curl",
        );
        let pc = PackageCommand::parse(&s.commands[0]).unwrap();
        assert_eq!(pc.subcommand(), Some("install"));
        assert_eq!(texts(pc.operands_after(1)), ["curl"]);
        assert!(pc.has_option(Some('y'), &[]));
        assert_eq!(pc.values_of('t', "target-release"), ["bookworm-backports"]);
    }

    #[test]
    fn attached_values_do_not_consume_the_next_word() {
        let s = script("apk add -t.build-deps --repository=http://x gcc");
        let pc = PackageCommand::parse(&s.commands[0]).unwrap();
        assert_eq!(texts(pc.operands_after(1)), ["gcc"]);
        let s = script("dnf -y --setopt tsflags=nodocs --enablerepo epel install foo-1.0");
        let pc = PackageCommand::parse(&s.commands[0]).unwrap();
        assert_eq!(texts(&pc.operands), ["install", "foo-1.0"]);
    }

    #[test]
    fn a_value_letter_ends_the_cluster() {
        let s = script("apt-get -oAPT::Get::Assume-Yes=true install foo");
        let pc = PackageCommand::parse(&s.commands[0]).unwrap();
        assert!(!pc.has_option(Some('y'), &[]), "the y is inside the value");
        assert_eq!(pc.values_of('o', "option"), ["APT::Get::Assume-Yes=true"]);
    }

    #[test]
    fn wrapped_commands_and_double_dash() {
        let s = script("sudo -E zypper -n install -- -weird-name");
        let commands: Vec<_> = package_commands(&s.commands).collect();
        assert_eq!(commands.len(), 1);
        assert_eq!(commands[0].tool, "zypper");
        assert_eq!(texts(commands[0].operands_after(1)), ["-weird-name"]);
    }
}
