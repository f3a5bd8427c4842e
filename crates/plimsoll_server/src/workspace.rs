//! Which settings apply to a document: the config file discovered from the
//! document's folder (as `plimsoll check` finds it), with the editor's own
//! settings on top, the way command-line flags go on top of a config file.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{MessageType, Uri};
use plimsoll_linter::config::{self, Config, ConfigCache, ConfigError};
use plimsoll_linter::shellcheck::Shellcheck;
use plimsoll_linter::{ResolvedRules, Settings, Severity};
use serde::Deserialize;

/// Settings an editor may send as `initializationOptions` or through
/// `workspace/didChangeConfiguration`, either at the top level or under a
/// `plimsoll` key. See `docs/editors.md`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct EditorSettings {
    /// Replace the selected rules (names, codes, aliases, categories, `all`).
    pub select: Option<Vec<String>>,
    /// Also these rules.
    pub extend_select: Vec<String>,
    /// Not these rules.
    pub ignore: Vec<String>,
    /// Severity per rule or category: `error`, `warning`, `info`, `style`.
    pub severity: BTreeMap<String, String>,
    /// Offer unsafe fixes in "fix all" (single quick fixes are always offered).
    pub unsafe_fixes: bool,
    /// Use this config file instead of discovering one (relative paths are
    /// taken from the first workspace folder).
    pub config: Option<PathBuf>,
    /// ShellCheck: a path to the executable, `false` for none, `true` or
    /// absent to find `shellcheck` on `PATH` as `plimsoll check` does.
    pub shellcheck: Option<PathOrSwitch>,
    /// The build context: a folder (relative paths are taken from the first
    /// workspace folder), `false` for none, `true` or absent for each
    /// Dockerfile's own folder, as `plimsoll check` assumes.
    pub context: Option<PathOrSwitch>,
}

/// A setting that is either a path or on/off.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PathOrSwitch {
    Switch(bool),
    Path(PathBuf),
}

impl EditorSettings {
    /// Read settings from a JSON value; `Ok(None)` when it holds none for us.
    pub fn from_json(value: &serde_json::Value) -> Result<Option<EditorSettings>, String> {
        const KEYS: [&str; 8] = [
            "select",
            "extendSelect",
            "ignore",
            "severity",
            "unsafeFixes",
            "config",
            "shellcheck",
            "context",
        ];
        let value = match value.get("plimsoll") {
            Some(inner) => inner,
            // Top-level settings count only if they are ours: a client may
            // send other tools' sections here.
            None if value
                .as_object()
                .is_some_and(|o| o.keys().any(|k| KEYS.contains(&k.as_str()))) =>
            {
                value
            }
            None => return Ok(None),
        };
        if value.is_null() {
            return Ok(None);
        }
        serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| format!("plimsoll settings from the editor: {e}"))
    }
}

/// Everything a lint job needs to know about the rules for one document.
pub struct Profile {
    pub settings: Settings,
    pub rules: ResolvedRules,
    pub unsafe_fixes: bool,
    /// Changes whenever settings or config files change (part of pull result ids).
    pub generation: u64,
    /// The ShellCheck to run on open and save, if any.
    pub shellcheck: Option<Shellcheck>,
    /// Where the build context of a document is.
    pub context: ContextPlan,
}

/// Which build context the context rules (PL600-PL604) see.
#[derive(Debug, Clone, PartialEq)]
pub enum ContextPlan {
    /// None: the context rules find nothing.
    Off,
    /// The folder of each Dockerfile (an assumption, as in `plimsoll check`).
    DockerfileFolder,
    /// This folder, for every document.
    Folder(PathBuf),
}

/// The open workspace: folders, editor settings and the config files found so far.
#[derive(Default)]
pub struct Workspace {
    pub folders: Vec<PathBuf>,
    editor: EditorSettings,
    cache: ConfigCache,
    /// The config named by the editor's `config` setting, once loaded.
    explicit: Option<Result<Arc<Config>, ConfigError>>,
    /// Messages already shown to the user, so that each is shown once.
    shown: HashSet<String>,
    generation: u64,
    /// The ShellCheck found for the current settings, once looked for.
    shellcheck: Option<Option<Shellcheck>>,
}

/// A message for the user (`window/showMessage` or `window/logMessage`).
pub struct Notice {
    pub kind: MessageType,
    pub text: String,
    /// Show it (a popup) rather than only log it.
    pub show: bool,
}

impl Workspace {
    pub fn new(folders: Vec<PathBuf>, editor: EditorSettings) -> Workspace {
        Workspace {
            folders,
            editor,
            ..Workspace::default()
        }
    }

    /// Forget every config file read so far (one changed on disk).
    pub fn reload_configs(&mut self) {
        self.cache = ConfigCache::new();
        self.explicit = None;
        self.shellcheck = None;
        self.shown.clear();
        self.generation += 1;
    }

    pub fn set_editor_settings(&mut self, editor: EditorSettings) {
        self.editor = editor;
        self.reload_configs();
    }

    pub fn set_folders(&mut self, folders: Vec<PathBuf>) {
        self.folders = folders;
    }

    /// The rules for the document at `uri`, and anything the user should hear
    /// about the config (errors, unknown rule names), each only once.
    pub fn profile_for(&mut self, uri: &Uri) -> (Arc<Profile>, Vec<Notice>) {
        let mut notices = Vec::new();
        let path = uri_to_path(uri);
        let config = self.config_for(path.as_deref(), &mut notices);
        let mut settings = match (&config, &path) {
            (Some(config), Some(path)) => config.settings_for(path),
            (Some(config), None) => config.settings.clone(),
            (None, _) => Settings::default(),
        };
        self.apply_editor_settings(&mut settings, &mut notices);
        let rules = settings.resolve();
        for selector in &rules.unknown_selectors {
            self.notice(
                &mut notices,
                MessageType::WARNING,
                format!("plimsoll: unknown rule or category `{selector}` in the settings"),
                false,
            );
        }
        let shellcheck = self.shellcheck(&mut notices);
        let profile = Profile {
            settings,
            rules,
            unsafe_fixes: self.editor.unsafe_fixes,
            generation: self.generation,
            shellcheck,
            context: self.context_plan(),
        };
        (Arc::new(profile), notices)
    }

    /// The ShellCheck the settings name, or the one on `PATH` (as `plimsoll
    /// check` finds it); looked for once per settings change.
    fn shellcheck(&mut self, notices: &mut Vec<Notice>) -> Option<Shellcheck> {
        if let Some(found) = &self.shellcheck {
            return found.clone();
        }
        let found = match self.editor.shellcheck.clone() {
            Some(PathOrSwitch::Switch(false)) => None,
            Some(PathOrSwitch::Path(path)) => {
                let path = self.in_first_folder(path);
                if path.is_file() {
                    Some(Shellcheck::at(path))
                } else {
                    self.notice(
                        notices,
                        MessageType::ERROR,
                        format!(
                            "plimsoll: shellcheck {}: no such executable file; no SC findings",
                            path.display()
                        ),
                        true,
                    );
                    None
                }
            }
            Some(PathOrSwitch::Switch(true)) | None => {
                let found = std::env::var_os("PATH").and_then(|p| Shellcheck::find_in(&p));
                if found.is_none() {
                    self.notice(
                        notices,
                        MessageType::INFO,
                        "plimsoll: shellcheck not found on PATH, so no SC findings; install it \
                         or set `shellcheck` to its path"
                            .into(),
                        false,
                    );
                }
                found
            }
        };
        self.shellcheck = Some(found.clone());
        found
    }

    fn context_plan(&self) -> ContextPlan {
        match self.editor.context.clone() {
            Some(PathOrSwitch::Switch(false)) => ContextPlan::Off,
            Some(PathOrSwitch::Path(path)) => ContextPlan::Folder(self.in_first_folder(path)),
            Some(PathOrSwitch::Switch(true)) | None => ContextPlan::DockerfileFolder,
        }
    }

    /// A relative path from the settings, taken from the first workspace folder.
    fn in_first_folder(&self, path: PathBuf) -> PathBuf {
        match (path.is_relative(), self.folders.first()) {
            (true, Some(folder)) => folder.join(path),
            _ => path,
        }
    }

    fn config_for(
        &mut self,
        path: Option<&Path>,
        notices: &mut Vec<Notice>,
    ) -> Option<Arc<Config>> {
        let result = if let Some(explicit) = self.editor.config.clone() {
            let explicit = self.in_first_folder(explicit);
            self.explicit
                .get_or_insert_with(|| config::load(&explicit).map(Arc::new))
                .clone()
                .map(Some)
        } else {
            // A document that is not a file (an unsaved buffer) takes the
            // config of the first workspace folder.
            let start = match path {
                Some(path) => path.parent().map(Path::to_path_buf),
                None => self.folders.first().cloned(),
            };
            match start {
                Some(dir) => self.cache.discover(&dir),
                None => Ok(None),
            }
        };
        match result {
            Ok(config) => {
                if let Some(config) = &config {
                    for warning in &config.warnings {
                        self.notice(
                            notices,
                            MessageType::WARNING,
                            format!("plimsoll: {warning}"),
                            false,
                        );
                    }
                }
                config
            }
            Err(error) => {
                self.notice(
                    notices,
                    MessageType::ERROR,
                    format!("plimsoll: config not used: {error}"),
                    true,
                );
                None
            }
        }
    }

    fn apply_editor_settings(&mut self, settings: &mut Settings, notices: &mut Vec<Notice>) {
        let editor = self.editor.clone();
        if let Some(select) = &editor.select {
            settings.select = Some(select.clone());
        }
        settings
            .extend_select
            .extend(editor.extend_select.iter().cloned());
        settings.ignore.extend(editor.ignore.iter().cloned());
        for (selector, level) in &editor.severity {
            match Severity::parse(level) {
                Some(severity) => {
                    settings.severity.insert(selector.clone(), severity);
                }
                None => self.notice(
                    notices,
                    MessageType::WARNING,
                    format!(
                        "plimsoll: unknown severity `{level}` for `{selector}` in the editor settings (expected error, warning, info or style)"
                    ),
                    true,
                ),
            }
        }
    }

    fn notice(&mut self, notices: &mut Vec<Notice>, kind: MessageType, text: String, show: bool) {
        if self.shown.insert(text.clone()) {
            notices.push(Notice { kind, text, show });
        }
    }
}

/// Is this file one whose change means the configs must be read again?
pub fn is_config_file(uri: &Uri) -> bool {
    let name = uri.as_str().rsplit('/').next().unwrap_or("");
    matches!(
        name,
        "plimsoll.toml" | ".plimsoll.toml" | ".hadolint.yaml" | ".hadolint.yml"
    )
}

/// Is this an ignore file (`.dockerignore`, `<name>.dockerignore`), whose
/// change means the build context must be walked again?
pub fn is_ignore_file(uri: &Uri) -> bool {
    let name = uri.as_str().rsplit('/').next().unwrap_or("");
    name.ends_with(".dockerignore")
}

/// Is this a Compose file, which may name a Dockerfile's build context?
pub fn is_compose_file(uri: &Uri) -> bool {
    let name = uri.as_str().rsplit('/').next().unwrap_or("");
    plimsoll_linter::context::COMPOSE_FILE_NAMES.contains(&name)
}

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`; another host is not local.
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    // `/C:/dir` on Windows is `C:/dir`.
    if cfg!(windows) {
        let bytes = decoded.as_bytes();
        if bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
            return Some(PathBuf::from(&decoded[1..]));
        }
    }
    Some(PathBuf::from(decoded))
}

/// The `file:` URI of an absolute local path, percent-encoded.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let text = text.replace('\\', "/");
    let mut encoded = String::from("file://");
    if !text.starts_with('/') {
        // `C:/dir` on Windows is `file:///C:/dir`.
        encoded.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~:".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded.parse().ok()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        text.parse().unwrap()
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            uri_to_path(&uri("file:///work/my%20app/Dockerfile")),
            Some(PathBuf::from("/work/my app/Dockerfile"))
        );
        assert_eq!(
            uri_to_path(&uri("file://localhost/srv/Dockerfile")),
            Some(PathBuf::from("/srv/Dockerfile"))
        );
        assert_eq!(uri_to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(uri_to_path(&uri("file://server/share/Dockerfile")), None);
        assert!(is_config_file(&uri("file:///a/b/.hadolint.yaml")));
        assert!(!is_config_file(&uri("file:///a/b/Dockerfile")));
    }

    #[test]
    fn paths_become_file_uris_and_back() {
        let path = Path::new("/work/my app/50%#ünï/.dockerignore");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///work/my%20app/50%25%23%C3%BCn%C3%AF/.dockerignore"
        );
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
    }

    #[test]
    fn editor_settings_nest_under_plimsoll_or_not() {
        let nested =
            serde_json::json!({"plimsoll": {"ignore": ["non-root-user"], "unsafeFixes": true}});
        let flat = serde_json::json!({"ignore": ["non-root-user"], "unsafeFixes": true});
        let a = EditorSettings::from_json(&nested).unwrap().unwrap();
        assert_eq!(Some(a.clone()), EditorSettings::from_json(&flat).unwrap());
        assert!(a.unsafe_fixes);
        assert_eq!(
            EditorSettings::from_json(&serde_json::Value::Null),
            Ok(None)
        );
        assert!(EditorSettings::from_json(&serde_json::json!({"ignore": 3})).is_err());
        let paths = serde_json::json!({"shellcheck": "/opt/sc", "context": false});
        let paths = EditorSettings::from_json(&paths).unwrap().unwrap();
        assert_eq!(
            paths.shellcheck,
            Some(PathOrSwitch::Path(PathBuf::from("/opt/sc")))
        );
        assert_eq!(paths.context, Some(PathOrSwitch::Switch(false)));
    }

    #[test]
    fn shellcheck_and_context_settings_reach_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("my-shellcheck");
        std::fs::write(&program, "").unwrap();
        let doc = uri(&format!("file://{}/Dockerfile", dir.path().display()));
        let editor = EditorSettings {
            shellcheck: Some(PathOrSwitch::Path("my-shellcheck".into())),
            context: Some(PathOrSwitch::Path("ctx".into())),
            ..EditorSettings::default()
        };
        let mut workspace = Workspace::new(vec![dir.path().to_path_buf()], editor);
        let (profile, _) = workspace.profile_for(&doc);
        assert_eq!(
            profile
                .shellcheck
                .as_ref()
                .map(|s| s.binary().to_path_buf()),
            Some(program)
        );
        assert_eq!(profile.context, ContextPlan::Folder(dir.path().join("ctx")));

        workspace.set_editor_settings(EditorSettings {
            shellcheck: Some(PathOrSwitch::Path("missing".into())),
            context: Some(PathOrSwitch::Switch(false)),
            ..EditorSettings::default()
        });
        let (profile, notices) = workspace.profile_for(&doc);
        assert!(profile.shellcheck.is_none());
        assert_eq!(profile.context, ContextPlan::Off);
        assert!(
            notices[0].show && notices[0].text.contains("missing"),
            "{}",
            notices[0].text
        );
    }

    #[test]
    fn editor_settings_go_on_top_of_the_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("plimsoll.toml"),
            "ignore = [\"exec-form-cmd\"]\n",
        )
        .unwrap();
        let editor = EditorSettings {
            ignore: vec!["non-root-user".into()],
            severity: BTreeMap::from([("maintainer-deprecated".into(), "error".into())]),
            // Whether shellcheck is on PATH is no business of this test.
            shellcheck: Some(PathOrSwitch::Switch(false)),
            ..EditorSettings::default()
        };
        let mut workspace = Workspace::new(vec![dir.path().to_path_buf()], editor);
        let doc = uri(&format!("file://{}/sub/Dockerfile", dir.path().display()));
        let (profile, notices) = workspace.profile_for(&doc);
        assert!(notices.is_empty());
        let names: Vec<&str> = profile
            .rules
            .rules
            .iter()
            .map(|(r, _)| r.meta().name)
            .collect();
        assert!(!names.contains(&"exec-form-cmd"));
        assert!(!names.contains(&"non-root-user"));
        let maintainer = plimsoll_linter::find_rule("maintainer-deprecated").unwrap();
        assert_eq!(profile.rules.severity_of(maintainer), Some(Severity::Error));
    }

    #[test]
    fn a_broken_config_is_reported_once_and_linting_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("plimsoll.toml"), "select = 3\n").unwrap();
        let editor = EditorSettings {
            shellcheck: Some(PathOrSwitch::Switch(false)),
            ..EditorSettings::default()
        };
        let mut workspace = Workspace::new(vec![], editor);
        let doc = uri(&format!("file://{}/Dockerfile", dir.path().display()));
        let (profile, notices) = workspace.profile_for(&doc);
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].text.contains("plimsoll.toml:1"),
            "{}",
            notices[0].text
        );
        assert!(!profile.rules.rules.is_empty());
        assert!(workspace.profile_for(&doc).1.is_empty());
        workspace.reload_configs();
        assert_eq!(workspace.profile_for(&doc).1.len(), 1);
    }
}
