//! What the optimizer learns from the build context: which manifest and lock
//! files the manifests-first split can copy, and whether the final `COPY . .`
//! would bring local installs (`node_modules/`, a virtualenv) back over the
//! fresh ones.
//!
//! The context is a snapshot read before optimizing ([`BuildContext`]); this
//! module only looks at its listing and its `.dockerignore`.

use serde::Serialize;

use crate::context::{BuildContext, ContextOrigin, EntryKind};
use crate::rules::cache_busting_copy::{cache_busts, CacheBust, SplitCopy};
use crate::semantic::SemanticModel;

/// The build context the optimizer may look at.
#[derive(Debug, Clone, Copy)]
pub enum OptimizeContext<'a> {
    /// A context that was read.
    Read(&'a BuildContext),
    /// No context, and why (`--no-context`, standard input, ...).
    NotRead(&'a str),
}

/// The context facts behind the plan (`--plan json` prints them as `context`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ContextFacts {
    /// Whether a build context was read.
    pub read: bool,
    /// The context directory, when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// The Compose service the context was taken from, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compose: Option<ComposeFacts>,
    /// The ignore file in force, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_file: Option<String>,
    /// Why no context was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Each dependency install a manifests-first split was considered for.
    pub installs: Vec<InstallFacts>,
}

/// The Compose service whose build context was used.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ComposeFacts {
    /// The Compose file.
    pub file: String,
    /// The service.
    pub service: String,
}

/// What the context says about one install's manifests-first split.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InstallFacts {
    /// 1-based line, in the original file, of the COPY of the sources.
    pub line: u32,
    /// The install command, as written.
    pub install: String,
    /// Manifest, lock and install-config files the context sends.
    pub found: Vec<String>,
    /// Manifests the install may read that are not in the context.
    pub absent: Vec<String>,
    /// Manifests `.dockerignore` leaves out.
    pub ignored: Vec<String>,
    /// Local folders (`node_modules`, a virtualenv, `.git`) the context sends.
    pub sent_folders: Vec<String>,
    /// Whether the split was made.
    pub split: bool,
    /// Why it was made or not.
    pub reason: String,
}

/// Installs the split is applied for without a context.
pub(crate) const MANIFEST_ONLY_INSTALLS: &[&str] = &["npm", "pip", "pip3", "uv", "go"];

/// Installs the split is applied for once the context shows what they read:
/// Yarn 1 reads `package.json`, `yarn.lock` and its rc files, and the context
/// tells Yarn 1 from Yarn 2+ (which needs `.yarn/`).
const MANIFEST_ONLY_WITH_CONTEXT: &[&str] = &["yarn"];

/// Files an install reads from its folder besides the manifests: they were
/// there before the split, so the manifest COPY takes them along.
fn config_files(program: &str) -> &'static [&'static str] {
    match program {
        "npm" => &[".npmrc"],
        "yarn" => &[".yarnrc", ".npmrc"],
        _ => &[],
    }
}

/// Where an install puts what it installs, when that is inside the sources
/// folder: the final `COPY . .` of the split writes the host's copy over it.
fn install_folders(program: &str) -> &'static [&'static str] {
    match program {
        "npm" | "yarn" => &["node_modules"],
        _ => &[],
    }
}

/// The decision for one install.
pub(crate) struct Decision {
    pub facts: InstallFacts,
    /// The sources of the manifest COPY, when the split is made.
    pub manifests: Option<Vec<String>>,
    /// What the split still takes for granted.
    pub notes: Vec<String>,
}

enum Presence {
    Sent,
    /// Left out by `.dockerignore`: which line.
    Ignored(String),
    Absent,
}

fn presence(context: &BuildContext, path: &str) -> Presence {
    if context
        .entry(path)
        .is_some_and(|e| !matches!(e.kind, EntryKind::Dir))
    {
        return Presence::Sent;
    }
    let Some(ignore) = &context.ignore else {
        return Presence::Absent;
    };
    let Some(pattern) = ignore.rules.excluded_by(path) else {
        return Presence::Absent;
    };
    // Excluded and on disk (or inside an excluded folder the walk skipped).
    let on_disk = context
        .listing
        .excluded
        .iter()
        .any(|e| e.path == path || path.starts_with(&format!("{}/", e.path)));
    if !on_disk {
        return Presence::Absent;
    }
    let name = ignore
        .file
        .path
        .file_name()
        .map_or_else(|| ".dockerignore".into(), |n| n.to_string_lossy());
    Presence::Ignored(format!(
        "{name} line {} (`{}`)",
        pattern.line(),
        pattern.source()
    ))
}

/// Does the context send anything at or below `folder`?
fn sends_folder(context: &BuildContext, folder: &str) -> bool {
    let below = format!("{folder}/");
    context.entry(folder).is_some()
        && context
            .listing
            .entries
            .iter()
            .any(|e| e.path.starts_with(&below) || (e.path == folder && e.kind != EntryKind::Dir))
}

/// Does `.dockerignore` keep whatever could appear in `folder` out?
fn guards_folder(context: &BuildContext, folder: &str) -> bool {
    context.is_excluded(folder) || context.is_excluded(&format!("{folder}/x"))
}

/// Virtualenvs at the top of the copied folder (a folder with `pyvenv.cfg`).
fn sent_virtualenvs(context: &BuildContext, prefix: &str) -> Vec<String> {
    context
        .listing
        .entries
        .iter()
        .filter_map(|e| {
            let name = e.path.strip_prefix(prefix)?.strip_suffix("/pyvenv.cfg")?;
            (!name.contains('/')).then(|| format!("{prefix}{name}"))
        })
        .collect()
}

fn quoted(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn where_is(context: &BuildContext) -> String {
    match &context.origin {
        ContextOrigin::Explicit => format!("the build context {}", context.root.display()),
        ContextOrigin::Compose { file, service } => format!(
            "the build context {} (service `{service}` of {})",
            context.root.display(),
            file.display()
        ),
        ContextOrigin::DockerfileFolder => format!(
            "{}, the Dockerfile's folder taken as the build context (pass --context DIR if the \
             build uses another)",
            context.root.display()
        ),
    }
}

/// Whether the split is made for `bust` in `context`, with which manifests.
pub(crate) fn decide(bust: &CacheBust, split: &SplitCopy, context: &BuildContext) -> Decision {
    let program = bust.install.program;
    let prefix = split.prefix.as_str();
    let mut facts = InstallFacts {
        line: 0,
        install: bust.command.clone(),
        found: Vec::new(),
        absent: Vec::new(),
        ignored: Vec::new(),
        sent_folders: Vec::new(),
        split: false,
        reason: String::new(),
    };
    let mut notes = Vec::new();
    let mut refusals: Vec<String> = Vec::new();
    let is_pip = !split.manifests.is_empty()
        && matches!(program, "pip" | "pip3" | "uv")
        && bust.install.manifests.first() == Some(&"requirements.txt");
    // `.yarnrc.yml` marks Yarn 2+, handled below with `.yarn/`.
    let optional: Vec<&String> = split
        .optional
        .iter()
        .filter(|m| !m.ends_with(".yarnrc.yml"))
        .collect();
    let config: Vec<String> = config_files(program)
        .iter()
        .map(|c| format!("{prefix}{c}"))
        .collect();
    for (path, required) in split
        .required
        .iter()
        .map(|p| (p, true))
        .chain(optional.into_iter().map(|p| (p, false)))
        .chain(config.iter().map(|p| (p, false)))
    {
        match presence(context, path) {
            Presence::Sent => facts.found.push(path.clone()),
            Presence::Ignored(by) => {
                facts.ignored.push(path.clone());
                if required {
                    refusals.push(format!(
                        "`{path}` is excluded by {by}: the install needs it, and the build \
                         fails with or without the split"
                    ));
                }
            }
            Presence::Absent => {
                if required {
                    refusals.push(format!(
                        "`{path}` is not in {}: the install needs it",
                        where_is(context)
                    ));
                }
                // Config files are not manifests: absent ones are not listed.
                if !config.contains(path) {
                    facts.absent.push(path.clone());
                }
            }
        }
    }
    if program == "yarn" {
        let berry: Vec<String> = [".yarnrc.yml", ".yarn", ".pnp.cjs"]
            .iter()
            .map(|m| format!("{prefix}{m}"))
            .filter(|m| context.entry(m).is_some())
            .collect();
        if !berry.is_empty() {
            refusals.push(format!(
                "{} mark Yarn 2 or later, which reads its release, plugins and patches from \
                 `.yarn/`: copy what the install needs by hand",
                quoted(&berry)
            ));
        }
    }
    if program == "go" && context.entry(&format!("{prefix}go.work")).is_some() {
        refusals.push(format!(
            "`{prefix}go.work` makes this a Go workspace: `go mod download` needs the go.mod of \
             every module in it"
        ));
    }
    for folder in install_folders(program) {
        let folder = format!("{prefix}{folder}");
        if sends_folder(context, &folder) {
            facts.sent_folders.push(folder.clone());
            refusals.push(format!(
                "the context sends `{folder}/` (.dockerignore does not exclude it): after the \
                 split, the final COPY would put the host's `{folder}/` over the packages the \
                 install made; add `{folder}` to .dockerignore and optimize again"
            ));
        } else if !guards_folder(context, &folder) {
            notes.push(format!(
                "`{folder}/` is not in .dockerignore; there is none in the context now, but \
                 once there is, the final COPY puts it over the installed packages: add it to \
                 .dockerignore"
            ));
        }
    }
    for venv in sent_virtualenvs(context, prefix) {
        facts.sent_folders.push(venv.clone());
        if program == "uv" {
            // `uv pip install` installs into `.venv` of its folder when there is one.
            refusals.push(format!(
                "the context sends the virtualenv `{venv}/`, which the install may use and the \
                 final COPY would overwrite; add it to .dockerignore and optimize again"
            ));
        } else {
            notes.push(format!(
                "the context sends the virtualenv `{venv}/` (not in .dockerignore): the final \
                 COPY still copies it into the image; add it to .dockerignore"
            ));
        }
    }
    match program {
        "npm" | "yarn" => {
            let scripts_off = bust.command.contains("--ignore-scripts");
            if let Some(problem) = context
                .text(&format!("{prefix}package.json"))
                .and_then(|text| package_json_problem(text, scripts_off))
            {
                refusals.push(format!("`{prefix}package.json` {problem}"));
            }
        }
        "go" => {
            let go_mod = format!("{prefix}go.mod");
            let local = context.text(&go_mod).and_then(|text| {
                text.lines()
                    .filter_map(|line| line.split("//").next()?.split_once("=>"))
                    .map(|(_, to)| to.trim())
                    .find(|to| to.starts_with('.') || to.starts_with('/'))
            });
            if let Some(to) = local {
                refusals.push(format!(
                    "`{go_mod}` replaces a module with the local folder `{to}`: the download \
                     needs it"
                ));
            }
        }
        _ if is_pip => {
            for file in &split.required {
                let copied_folder = split
                    .manifests
                    .iter()
                    .any(|m| m.ends_with('/') && file.starts_with(m.as_str()));
                if let Some(problem) = context
                    .text(file)
                    .and_then(|text| requirements_problem(text, copied_folder))
                {
                    refusals.push(format!("`{file}` {problem}"));
                }
            }
        }
        _ => {}
    }
    let git = format!("{prefix}.git");
    if context.entry(&git).is_some() {
        facts.sent_folders.push(git);
    }
    if !refusals.is_empty() {
        facts.reason = format!("not split: {}", refusals.join("; "));
        return Decision {
            facts,
            manifests: None,
            notes,
        };
    }
    let manifests = if is_pip {
        split.manifests.clone()
    } else {
        facts.found.clone()
    };
    facts.split = true;
    facts.reason = format!(
        "the manifest COPY names what the context has: {}{}",
        quoted(&facts.found),
        if facts.absent.is_empty() {
            String::new()
        } else {
            format!(" (not there: {})", quoted(&facts.absent))
        }
    );
    Decision {
        facts,
        manifests: Some(manifests),
        notes,
    }
}

/// Why the install may need more than `package.json` and the lock: its own
/// install scripts (unless `--ignore-scripts`), workspaces, local packages.
fn package_json_problem(text: &str, scripts_off: bool) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if value.get("workspaces").is_some() {
        return Some(
            "declares workspaces: the install needs the package.json of every member".into(),
        );
    }
    if !scripts_off {
        let scripts = value.get("scripts").and_then(|s| s.as_object());
        let run: Vec<&str> = ["preinstall", "install", "postinstall", "prepare"]
            .into_iter()
            .filter(|name| scripts.is_some_and(|s| s.contains_key(*name)))
            .collect();
        if !run.is_empty() {
            return Some(format!(
                "has {} script{} that the install runs, and that may need the sources",
                run.iter()
                    .map(|r| format!("a `{r}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if run.len() == 1 { "" } else { "s" }
            ));
        }
    }
    let local = ["dependencies", "devDependencies", "optionalDependencies"]
        .into_iter()
        .filter_map(|group| value.get(group)?.as_object())
        .flat_map(|deps| deps.iter())
        .find(|(_, spec)| {
            spec.as_str().is_some_and(|spec| {
                ["file:", "link:", "workspace:", "portal:", "./", "../", "/"]
                    .iter()
                    .any(|p| spec.starts_with(p))
            })
        });
    local.map(|(name, spec)| {
        format!(
            "installs `{name}` from a local path ({}): the install needs the sources",
            spec.as_str().unwrap_or_default()
        )
    })
}

/// Why a requirements file may need more than itself: editable or local
/// installs, and other files it includes (unless its whole folder is copied).
fn requirements_problem(text: &str, folder_copied: bool) -> Option<String> {
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let editable = line.starts_with("-e") || line.starts_with("--editable");
        let local = [".", "/", "file:"].iter().any(|p| line.starts_with(p))
            || line.contains("@ file:")
            || ["-f", "--find-links"].iter().any(|flag| {
                line.strip_prefix(flag).is_some_and(|rest| {
                    let value = rest.trim_start_matches(['=', ' ']).trim();
                    !value.is_empty() && !value.contains("://")
                })
            });
        if editable || local {
            return Some(format!(
                "installs from a local path (`{line}`): the install needs the sources"
            ));
        }
        let includes = ["-r", "-c", "--requirement", "--constraint"]
            .iter()
            .any(|p| line.starts_with(p));
        if includes && !folder_copied {
            return Some(format!(
                "includes another file (`{line}`), which the split would not copy"
            ));
        }
    }
    None
}

/// Reads into `context` the manifests whose text tells whether the install
/// reads more than its manifests (`package.json`, requirements files, `go.mod`).
/// Returns the number of files read.
pub fn read_manifests(context: &mut BuildContext, source: &str) -> usize {
    let file = plimsoll_syntax::parse(source);
    let model = SemanticModel::new(source, &file);
    let mut wanted = Vec::new();
    for bust in cache_busts(&model) {
        let Some(split) = &bust.split else { continue };
        match bust.install.program {
            "npm" | "yarn" => wanted.push(format!("{}package.json", split.prefix)),
            "go" => wanted.push(format!("{}go.mod", split.prefix)),
            "pip" | "pip3" | "uv" => wanted.extend(split.required.iter().cloned()),
            _ => {}
        }
    }
    context.read_texts(&wanted, crate::context::MAX_TEXT_BYTES)
}

/// Is the split made for this install at all (with a context: `with_context`)?
pub(crate) fn applies_to(program: &str, with_context: bool) -> bool {
    MANIFEST_ONLY_INSTALLS.contains(&program)
        || (with_context && MANIFEST_ONLY_WITH_CONTEXT.contains(&program))
}

/// An assumed context (the Dockerfile's folder) that has none of the
/// manifests the installs need is most likely not the build's context: the
/// reason, so that the caller optimizes without it. `None` when the context
/// fits, or was named with `--context`.
pub fn assumed_context_mismatch(context: &BuildContext, source: &str) -> Option<String> {
    if context.origin != ContextOrigin::DockerfileFolder {
        return None;
    }
    if !context.is_complete() {
        // Absence means nothing here; the optimizer says why it reads no context.
        return None;
    }
    let file = plimsoll_syntax::parse(source);
    let model = SemanticModel::new(source, &file);
    let required: Vec<String> = cache_busts(&model)
        .into_iter()
        .filter(|b| applies_to(b.install.program, true))
        .filter_map(|b| b.split)
        .flat_map(|s| s.required)
        .collect();
    let any = required
        .iter()
        .any(|path| !matches!(presence(context, path), Presence::Absent));
    (!required.is_empty() && !any).then(|| {
        format!(
            "none of the manifests the installs need ({}) is in {}, the Dockerfile's folder: \
             the build must use another context; optimized as without a context (pass \
             --context DIR)",
            quoted(&required),
            context.root.display()
        )
    })
}

/// The facts for a run without a context.
pub(crate) fn not_read(reason: &str) -> ContextFacts {
    ContextFacts {
        read: false,
        root: None,
        compose: None,
        ignore_file: None,
        reason: Some(reason.to_string()),
        installs: Vec::new(),
    }
}

/// The facts header for a context that was read.
pub(crate) fn read(context: &BuildContext) -> ContextFacts {
    ContextFacts {
        read: true,
        root: Some(context.root.display().to_string()),
        compose: match &context.origin {
            ContextOrigin::Compose { file, service } => Some(ComposeFacts {
                file: file.display().to_string(),
                service: service.clone(),
            }),
            _ => None,
        },
        ignore_file: context
            .ignore
            .as_ref()
            .map(|i| i.file.path.display().to_string()),
        reason: None,
        installs: Vec::new(),
    }
}
