//! The semantic model: what each instruction means in context — its stage,
//! the effective USER, WORKDIR and SHELL when it runs, the FROM graph, ARG
//! scopes, and the RUN scripts parsed as shell (lazily, once).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use plimsoll_syntax::typed::{ArgDeclaration, FromView};
use plimsoll_syntax::{Dockerfile, Instruction, Keyword, Span};

use crate::shell::ShellScript;

/// What a stage builds on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// An earlier stage of this file, by index.
    Stage(usize),
    /// An image reference as written (variables not expanded).
    Image(String),
}

#[derive(Debug)]
pub struct Stage<'a> {
    pub index: usize,
    /// Index of the FROM in `Dockerfile::instructions`.
    pub from_index: usize,
    pub from: FromView<'a>,
    /// The `AS` name, lower-cased as BuildKit compares it.
    pub name: Option<String>,
    pub base: Base,
    /// Indices of the instructions after the FROM, up to the next FROM.
    pub body: Range<usize>,
}

/// The shell that runs shell-form RUN/CMD/ENTRYPOINT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellKind {
    Posix,
    PowerShell,
    Cmd,
}

/// A USER value in force, and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSetting {
    pub user: String,
    pub span: Span,
    /// Index of the USER instruction.
    pub instruction: usize,
}

impl UserSetting {
    /// `root`, `0`, `root:*`, `0:*`, Windows' `ContainerAdministrator`.
    pub fn is_root(&self) -> bool {
        is_root_user(&self.user)
    }
}

pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0" || name.eq_ignore_ascii_case("ContainerAdministrator")
}

/// State in force when an instruction runs.
#[derive(Debug, Clone)]
pub struct InstructionState {
    /// `None` for global ARGs before the first FROM.
    pub stage: Option<usize>,
    /// The last USER in this stage or the stage it builds on; `None` = the base image's default.
    pub user: Option<UserSetting>,
    /// Absolute working directory (variables unexpanded).
    pub workdir: String,
    pub shell: ShellKind,
    /// A SHELL instruction ran earlier in this stage or a stage it builds on.
    pub shell_set: bool,
}

/// What a stage hands to the stages built on it, and what is in force while it runs.
#[derive(Debug, Clone)]
struct Carried {
    user: Option<UserSetting>,
    workdir: String,
    shell: ShellKind,
    shell_set: bool,
}

impl Carried {
    fn fresh(shell: ShellKind) -> Carried {
        Carried {
            user: None,
            workdir: "/".to_string(),
            shell,
            shell_set: false,
        }
    }
}

pub struct SemanticModel<'a> {
    pub source: &'a str,
    pub file: &'a Dockerfile,
    pub stages: Vec<Stage<'a>>,
    /// ARGs declared before the first FROM.
    pub global_args: Vec<ArgDeclaration<'a>>,
    /// One entry per instruction of `file.instructions`.
    pub states: Vec<InstructionState>,
    scripts: Vec<OnceLock<Option<ShellScript>>>,
    /// Where each ENV key and ARG name is set (instruction index, in order), so
    /// that scope questions cost a binary search instead of a walk back over
    /// the file: a rule asking about every RUN stays linear in the file.
    env_sets: HashMap<&'a str, Vec<(usize, &'a str)>>,
    arg_sets: HashMap<&'a str, Vec<usize>>,
}

impl<'a> SemanticModel<'a> {
    pub fn new(source: &'a str, file: &'a Dockerfile) -> Self {
        let mut stages: Vec<Stage<'a>> = Vec::new();
        let mut global_args = Vec::new();
        let mut states = Vec::with_capacity(file.instructions.len());
        // Final USER/WORKDIR/SHELL of each stage, for stages built on it.
        let mut stage_ends: Vec<Carried> = Vec::new();
        let mut current: Option<Carried> = None;

        for (index, instruction) in file.instructions.iter().enumerate() {
            if let Some(from) = instruction.as_from() {
                if let Some(state) = current.take() {
                    stage_ends.push(state);
                }
                if let Some(last) = stages.last_mut() {
                    last.body.end = index;
                }
                let base = resolve_base(from.image.value.as_str(), &stages);
                let inherited = match &base {
                    Base::Stage(i) => stage_ends.get(*i).cloned(),
                    _ => None,
                };
                let shell = if looks_like_windows_image(&from.image.value) || file.escape == '`' {
                    ShellKind::Cmd
                } else {
                    ShellKind::Posix
                };
                current = Some(inherited.unwrap_or_else(|| Carried::fresh(shell)));
                stages.push(Stage {
                    index: stages.len(),
                    from_index: index,
                    from,
                    name: from.stage_name.map(|n| n.value.to_lowercase()),
                    base,
                    body: index + 1..file.instructions.len(),
                });
            } else if instruction.keyword == Keyword::From {
                // A FROM with no image still starts a stage for everything after it.
                if let Some(state) = current.take() {
                    stage_ends.push(state);
                }
                current = Some(Carried::fresh(ShellKind::Posix));
            }
            let Some(carried) = current.as_mut() else {
                global_args.extend(instruction.arg_declarations());
                states.push(InstructionState {
                    stage: None,
                    user: None,
                    workdir: "/".to_string(),
                    shell: ShellKind::Posix,
                    shell_set: false,
                });
                continue;
            };
            states.push(InstructionState {
                stage: stages.len().checked_sub(1),
                user: carried.user.clone(),
                workdir: carried.workdir.clone(),
                shell: carried.shell,
                shell_set: carried.shell_set,
            });
            apply_effects(instruction, index, carried);
        }
        let scripts = (0..file.instructions.len())
            .map(|_| OnceLock::new())
            .collect();
        let mut env_sets: HashMap<&str, Vec<(usize, &str)>> = HashMap::new();
        let mut arg_sets: HashMap<&str, Vec<usize>> = HashMap::new();
        for (index, instruction) in file.instructions.iter().enumerate() {
            for pair in instruction.key_values() {
                if instruction.keyword == Keyword::Env {
                    env_sets
                        .entry(&pair.key.value)
                        .or_default()
                        .push((index, &pair.value.value));
                }
            }
            for declaration in instruction.arg_declarations() {
                arg_sets.entry(declaration.name).or_default().push(index);
            }
        }
        SemanticModel {
            source,
            file,
            stages,
            global_args,
            states,
            scripts,
            env_sets,
            arg_sets,
        }
    }

    pub fn instruction(&self, index: usize) -> &'a Instruction {
        &self.file.instructions[index]
    }

    /// The stage that the build produces by default: the last one.
    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.stages.last()
    }

    pub fn stage_by_name(&self, name: &str) -> Option<&Stage<'a>> {
        let name = name.to_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(&name))
    }

    /// Is this stage (directly or through later stages) an ancestor of the final stage
    /// or copied from by another stage? Builder stages are those that are not final.
    pub fn is_final(&self, stage: usize) -> bool {
        stage + 1 == self.stages.len()
    }

    /// The USER in force at the end of `stage`.
    pub fn final_user(&self, stage: &Stage<'_>) -> Option<UserSetting> {
        let mut user = self
            .states
            .get(stage.from_index)
            .and_then(|s| s.user.clone());
        for index in stage.body.clone() {
            let instruction = &self.file.instructions[index];
            if instruction.keyword == Keyword::User {
                if let Some(arg) = instruction.args.first() {
                    user = Some(UserSetting {
                        user: arg.value.clone(),
                        span: arg.span,
                        instruction: index,
                    });
                }
            }
        }
        user
    }

    /// Stages from the root ancestor down to `stage` (following `FROM <stage>`).
    pub fn stage_chain(&self, stage: usize) -> Vec<usize> {
        let mut chain = vec![stage];
        while let Some(&last) = chain.last() {
            match self.stages.get(last).map(|s| &s.base) {
                // Bases are always earlier stages, so the walk ends.
                Some(Base::Stage(parent)) if *parent < last => chain.push(*parent),
                _ => break,
            }
        }
        chain.reverse();
        chain
    }

    /// ENV variables in force when instruction `index` runs: those set earlier in
    /// its stage and in the stages it builds on, later settings winning. Keys and
    /// values are as written (unexpanded).
    pub fn env_at(&self, index: usize) -> Vec<(&'a str, &'a str)> {
        let Some(stage) = self.states.get(index).and_then(|s| s.stage) else {
            return Vec::new();
        };
        let mut all: Vec<(&'a str, &'a str)> = Vec::new();
        for s in self.stage_chain(stage) {
            let body = self.stages[s].body.clone();
            let end = if s == stage {
                index.min(body.end)
            } else {
                body.end
            };
            for instruction in &self.file.instructions[body.start.min(end)..end] {
                if instruction.keyword == Keyword::Env {
                    all.extend(
                        instruction
                            .key_values()
                            .map(|pair| (pair.key.value.as_str(), pair.value.value.as_str())),
                    );
                }
            }
        }
        // Keep each key's last setting, in the order of those last settings.
        let mut seen = std::collections::HashSet::new();
        let mut env: Vec<(&'a str, &'a str)> = all
            .into_iter()
            .rev()
            .filter(|(key, _)| seen.insert(*key))
            .collect();
        env.reverse();
        env
    }

    /// The value of ENV variable `name` when instruction `index` runs (as
    /// written, unexpanded), from its stage or the stages it builds on.
    pub fn env_value(&self, index: usize, name: &str) -> Option<&'a str> {
        let stage = self.states.get(index).and_then(|s| s.stage)?;
        let sets = self.env_sets.get(name)?;
        // Nearest stage first: a setting in the stage itself beats its bases.
        for s in self.stage_chain(stage).into_iter().rev() {
            let body = self.stages[s].body.clone();
            let end = if s == stage {
                index.min(body.end)
            } else {
                body.end
            };
            let before = sets.partition_point(|&(at, _)| at < end);
            if let Some(&(at, value)) = before.checked_sub(1).map(|i| &sets[i]) {
                if at >= body.start {
                    return Some(value);
                }
            }
        }
        None
    }

    /// Is build argument `name` in scope at `index`? Inside a stage only ARGs
    /// declared in that stage (before `index`) count; FROM sees the global ones.
    pub fn arg_in_scope(&self, index: usize, name: &str) -> bool {
        let is_from = self
            .file
            .instructions
            .get(index)
            .is_some_and(|i| i.keyword == Keyword::From);
        if is_from {
            return self.global_args.iter().any(|d| d.name == name);
        }
        let Some(sets) = self.arg_sets.get(name) else {
            return false;
        };
        let start = match self.states.get(index).and_then(|s| s.stage) {
            Some(stage) => self.stages[stage].body.start.min(index),
            None => 0,
        };
        // Any declaration in start..index?
        let first_at_or_after_start = sets.partition_point(|&at| at < start);
        sets.get(first_at_or_after_start)
            .is_some_and(|&at| at < index)
    }

    /// The RUN at `index` parsed as shell; `None` when it is not a RUN or the
    /// stage's shell is not POSIX (PowerShell and cmd scripts are not analysed).
    pub fn run_script(&self, index: usize) -> Option<&ShellScript> {
        let instruction = self.file.instructions.get(index)?;
        let cell = self.scripts.get(index)?;
        cell.get_or_init(|| {
            let run = instruction.innermost();
            let posix = self
                .states
                .get(index)
                .is_some_and(|s| s.shell == ShellKind::Posix);
            (run.keyword == Keyword::Run && posix).then(|| ShellScript::parse_run(run))
        })
        .as_ref()
    }

    /// Indices of instructions in `stage`'s body (ONBUILD triggers excluded: they
    /// run in a later build, not this one).
    pub fn stage_instructions<'m>(
        &'m self,
        stage: &Stage<'_>,
    ) -> impl Iterator<Item = (usize, &'a Instruction)> + 'm {
        stage
            .body
            .clone()
            .map(move |i| (i, &self.file.instructions[i]))
            .filter(|(_, i)| i.keyword != Keyword::Onbuild)
    }
}

/// How an instruction changes USER, WORKDIR and SHELL for those after it.
fn apply_effects(instruction: &Instruction, index: usize, carried: &mut Carried) {
    match instruction.keyword {
        Keyword::User => {
            if let Some(arg) = instruction.args.first() {
                carried.user = Some(UserSetting {
                    user: arg.value.clone(),
                    span: arg.span,
                    instruction: index,
                });
            }
        }
        Keyword::Workdir => {
            if let Some(arg) = instruction.args.first() {
                carried.workdir = join_path(&carried.workdir, &arg.value);
            }
        }
        Keyword::Shell if instruction.json => {
            carried.shell_set = true;
            if let Some(exe) = instruction.args.first() {
                let exe = exe.value.to_ascii_lowercase();
                let base = exe.rsplit(['/', '\\']).next().unwrap_or(&exe);
                carried.shell = if base.starts_with("powershell") || base.starts_with("pwsh") {
                    ShellKind::PowerShell
                } else if base == "cmd" || base == "cmd.exe" {
                    ShellKind::Cmd
                } else {
                    ShellKind::Posix
                };
            }
        }
        _ => {}
    }
}

/// `path` resolved against `base` (absolute paths replace it), normalised.
pub fn join_path(base: &str, path: &str) -> String {
    let joined = if path.starts_with('/') || is_windows_absolute(path) {
        path.to_string()
    } else {
        format!("{}/{}", base.trim_end_matches('/'), path)
    };
    normalize_path(&joined)
}

fn is_windows_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// Collapse `.`, `..` and repeated slashes; keeps a leading `/`.
pub fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn resolve_base(image: &str, stages: &[Stage<'_>]) -> Base {
    let lower = image.to_lowercase();
    if lower == "scratch" {
        return Base::Scratch;
    }
    match stages
        .iter()
        .find(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        Some(stage) => Base::Stage(stage.index),
        None => Base::Image(image.to_string()),
    }
}

/// Windows base images run `cmd` for shell-form instructions.
fn looks_like_windows_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    [
        "windows/servercore",
        "windows/nanoserver",
        "windows/server",
        "mcr.microsoft.com/windows",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
        || lower.contains("nanoserver")
        || lower.contains("servercore")
        || lower.contains("windowsservercore")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_workdir_are_inherited_from_a_base_stage() {
        let src = "FROM alpine AS base\nUSER app\nWORKDIR /srv\nFROM base\nWORKDIR api\nRUN id\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        assert_eq!(model.stages.len(), 2);
        assert_eq!(model.stages[1].base, Base::Stage(0));
        let run = &model.states[5];
        assert_eq!(run.user.as_ref().map(|u| u.user.as_str()), Some("app"));
        assert_eq!(run.workdir, "/srv/api");
        assert_eq!(model.final_user(&model.stages[1]).unwrap().user, "app");
    }

    #[test]
    fn shell_kind_follows_shell_instruction_and_windows_images() {
        let src = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nSHELL [\"powershell\", \"-Command\"]\nRUN ls\nFROM alpine\nRUN ls\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        let kinds: Vec<_> = model.states.iter().map(|s| s.shell).collect();
        assert_eq!(kinds[1], ShellKind::Cmd);
        assert_eq!(kinds[3], ShellKind::PowerShell);
        assert_eq!(kinds[5], ShellKind::Posix);
    }

    #[test]
    fn env_is_inherited_and_args_are_stage_scoped() {
        let src =
            "ARG V=1\nFROM alpine AS base\nENV A=1 B=2\nARG X\nFROM base\nENV B=3\nRUN echo\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        assert_eq!(model.env_at(6), [("A", "1"), ("B", "3")]);
        assert_eq!(model.env_at(2), []);
        assert!(model.arg_in_scope(4, "V"), "FROM sees global ARGs");
        assert!(!model.arg_in_scope(4, "X"), "FROM does not see stage ARGs");
        assert!(!model.arg_in_scope(3, "X"), "not before its declaration");
        assert!(!model.arg_in_scope(6, "X"), "ARG scope ends with its stage");
        assert!(
            !model.arg_in_scope(6, "V"),
            "global ARGs must be redeclared"
        );
        assert!(
            model.arg_in_scope(1, "V"),
            "global ARGs are visible to FROM"
        );
    }

    #[test]
    fn env_value_and_arg_scope_by_lookup() {
        let src = "FROM alpine AS base\nENV A=1 B=2\nARG X\nRUN a\nENV A=4\nFROM base\nENV B=3\nRUN b\nFROM scratch\nRUN c\n";
        let file = plimsoll_syntax::parse(src);
        let model = SemanticModel::new(src, &file);
        assert_eq!(model.env_value(3, "A"), Some("1"));
        assert_eq!(model.env_value(1, "A"), None, "not before it is set");
        assert_eq!(model.env_value(7, "A"), Some("4"), "from the base's end");
        assert_eq!(model.env_value(7, "B"), Some("3"), "the stage's own wins");
        assert_eq!(model.env_value(9, "A"), None, "an unrelated stage");
        assert_eq!(model.env_value(3, "Z"), None);
        assert!(model.arg_in_scope(3, "X"));
        assert!(!model.arg_in_scope(2, "X"), "not at its own declaration");
        assert!(!model.arg_in_scope(7, "X"), "not in a later stage");
        assert_eq!(model.env_at(7), [("A", "4"), ("B", "3")]);
    }

    /// Scope questions for every RUN of a file with 20,000 ENV and ARG: with a
    /// walk back over the file per question this takes minutes in a debug build.
    #[test]
    fn scope_questions_for_every_run_stay_linear() {
        let n = 20_000;
        let mut src = String::from("FROM alpine\n");
        for i in 0..n {
            src.push_str(&format!("ENV V{i}=x\nARG A{i}\nRUN echo $V{i}\n"));
        }
        let file = plimsoll_syntax::parse(&src);
        let model = SemanticModel::new(&src, &file);
        let mut found = 0;
        for i in 0..n {
            let run = 1 + 3 * i + 2;
            found += usize::from(model.env_value(run, &format!("V{i}")) == Some("x"));
            found += usize::from(model.arg_in_scope(run, &format!("A{i}")));
            found += usize::from(model.arg_in_scope(run, "A0"));
        }
        assert_eq!(found, 3 * n);
    }

    #[test]
    fn root_users() {
        for user in ["root", "0", "root:root", "0:0", "ContainerAdministrator"] {
            assert!(is_root_user(user), "{user}");
        }
        for user in ["app", "1000", "1000:0", "nobody"] {
            assert!(!is_root_user(user), "{user}");
        }
    }
}
