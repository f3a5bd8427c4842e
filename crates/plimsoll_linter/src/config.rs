//! Configuration files: `plimsoll.toml` / `.plimsoll.toml`, or a hadolint
//! `.hadolint.yaml` when a project has no plimsoll config yet.
//!
//! Discovery starts in the Dockerfile's folder and walks up; the nearest
//! plimsoll config wins, and a `.hadolint.yaml` is used only if no plimsoll
//! config exists anywhere above. Errors name the file and line; rule names
//! that match nothing are warnings, not errors, so a config keeps working
//! across plimsoll versions.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::settings::{is_known_selector, RuleOptions, Settings};

/// When a run fails (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Findings at or above this severity fail the run.
    Severity(Severity),
    /// Never fail because of findings.
    None,
}

impl Threshold {
    /// `error`, `warning`, `info`, `style`, `none` (hadolint also says `ignore`).
    pub fn parse(text: &str) -> Option<Threshold> {
        match text.to_ascii_lowercase().as_str() {
            "none" | "ignore" => Some(Threshold::None),
            other => Severity::parse(other).map(Threshold::Severity),
        }
    }
}

/// A loaded configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from.
    pub path: Option<PathBuf>,
    pub settings: Settings,
    pub failure_threshold: Option<Threshold>,
    /// Glob (relative to the config's folder) → rules ignored in matching files.
    pub per_file_ignores: Vec<(PerFileGlob, Vec<String>)>,
    /// Unknown rule names and unsupported hadolint keys, with the file named.
    pub warnings: Vec<String>,
}

/// A compiled `per-file-ignores` pattern.
#[derive(Debug, Clone)]
pub struct PerFileGlob {
    pub pattern: String,
    matcher: GlobMatcher,
}

/// A config file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

const PLIMSOLL_NAMES: [&str; 2] = ["plimsoll.toml", ".plimsoll.toml"];
const HADOLINT_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// Load a config file: hadolint YAML by its extension, plimsoll TOML otherwise.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message: e.to_string(),
    })?;
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let mut config = if is_yaml {
        parse_hadolint(&text, path)?
    } else {
        parse_toml(&text, path)?
    };
    config.path = Some(path.to_path_buf());
    Ok(config)
}

/// The config that applies to files in `start_dir`, if any.
pub fn discover(start_dir: &Path) -> Result<Option<Config>, ConfigError> {
    let start = std::path::absolute(start_dir).unwrap_or_else(|_| start_dir.to_path_buf());
    let mut hadolint: Option<PathBuf> = None;
    for dir in start.ancestors() {
        // plimsoll.toml wins over .plimsoll.toml in the same folder.
        if let Some(found) = PLIMSOLL_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            return load(&found).map(Some);
        }
        if hadolint.is_none() {
            hadolint = HADOLINT_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file());
        }
    }
    hadolint.map(|path| load(&path)).transpose()
}

impl Config {
    /// Settings for one Dockerfile: the config's, plus its per-file ignores.
    pub fn settings_for(&self, dockerfile: &Path) -> Settings {
        let mut settings = self.settings.clone();
        if self.per_file_ignores.is_empty() {
            return settings;
        }
        let absolute = std::path::absolute(dockerfile).unwrap_or_else(|_| dockerfile.to_path_buf());
        let base = self.path.as_deref().and_then(Path::parent);
        let relative = base
            .and_then(|b| absolute.strip_prefix(b).ok())
            .unwrap_or(dockerfile);
        for (glob, rules) in &self.per_file_ignores {
            if glob.matcher.is_match(relative) || glob.matcher.is_match(dockerfile) {
                settings.ignore.extend(rules.iter().cloned());
            }
        }
        settings
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
struct TomlConfig {
    select: Option<Vec<String>>,
    extend_select: Vec<String>,
    ignore: Vec<String>,
    failure_threshold: Option<String>,
    severity: BTreeMap<String, String>,
    per_file_ignores: BTreeMap<String, Vec<String>>,
    rules: TomlRules,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct TomlRules {
    options: RuleOptions,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

fn parse_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let raw: TomlConfig = toml::from_str(text).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    let error = |message: String| ConfigError {
        path: path.to_path_buf(),
        line: None,
        message,
    };
    let mut config = Config::default();
    let mut severity = BTreeMap::new();
    for (selector, level) in raw.severity {
        let level = Severity::parse(&level).ok_or_else(|| {
            error(format!("unknown severity `{level}` for `{selector}` (expected error, warning, info or style)"))
        })?;
        severity.insert(selector, level);
    }
    config.failure_threshold = raw
        .failure_threshold
        .map(|t| {
            Threshold::parse(&t).ok_or_else(|| {
                error(format!("unknown failure-threshold `{t}` (expected error, warning, info, style or none)"))
            })
        })
        .transpose()?;
    for (pattern, rules) in raw.per_file_ignores {
        let matcher = Glob::new(&pattern)
            .map_err(|e| error(format!("bad per-file-ignores pattern `{pattern}`: {e}")))?
            .compile_matcher();
        config
            .per_file_ignores
            .push((PerFileGlob { pattern, matcher }, rules));
    }
    config.settings = Settings {
        select: raw.select,
        extend_select: raw.extend_select,
        ignore: raw.ignore,
        severity,
        options: raw.rules.options,
    };
    config.warnings = unknown_selector_warnings(&config, path);
    Ok(config)
}

fn unknown_selector_warnings(config: &Config, path: &Path) -> Vec<String> {
    let s = &config.settings;
    let selectors = s
        .select
        .iter()
        .flatten()
        .chain(&s.extend_select)
        .chain(&s.ignore)
        .chain(s.severity.keys())
        .chain(config.per_file_ignores.iter().flat_map(|(_, rules)| rules));
    let mut warnings: Vec<String> = selectors
        .filter(|sel| !is_known_selector(sel) && !crate::knowledge::is_foreign_code(sel))
        .map(|sel| format!("{}: unknown rule or category `{sel}`", path.display()))
        .collect();
    warnings.dedup();
    warnings
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HadolintConfig {
    ignored: Vec<String>,
    #[serde(rename = "override")]
    overrides: HadolintOverride,
    #[serde(rename = "failure-threshold")]
    failure_threshold: Option<String>,
    #[serde(rename = "trustedRegistries")]
    trusted_registries: Vec<String>,
    /// Everything else hadolint knows (or doesn't): reported, not fatal.
    #[serde(flatten)]
    other: BTreeMap<String, serde_yaml_ng::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HadolintOverride {
    error: Vec<String>,
    warning: Vec<String>,
    info: Vec<String>,
    style: Vec<String>,
}

fn parse_hadolint(text: &str, path: &Path) -> Result<Config, ConfigError> {
    // An empty file is a valid (empty) hadolint config.
    let raw: HadolintConfig = if text.trim().is_empty() {
        HadolintConfig::default()
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        })?
    };
    let mut config = Config::default();
    let mut severity = BTreeMap::new();
    for (level, codes) in [
        (Severity::Error, raw.overrides.error),
        (Severity::Warning, raw.overrides.warning),
        (Severity::Info, raw.overrides.info),
        (Severity::Style, raw.overrides.style),
    ] {
        for code in codes {
            severity.insert(code, level);
        }
    }
    config.failure_threshold = match raw.failure_threshold {
        Some(t) => Some(Threshold::parse(&t).ok_or_else(|| ConfigError {
            path: path.to_path_buf(),
            line: None,
            message: format!("unknown failure-threshold `{t}`"),
        })?),
        None => None,
    };
    config.settings = Settings {
        ignore: raw.ignored,
        severity,
        options: RuleOptions {
            trusted_registries: raw.trusted_registries,
            ..RuleOptions::default()
        },
        ..Settings::default()
    };
    config.warnings = unknown_selector_warnings(&config, path);
    config.warnings.extend(raw.other.keys().map(|key| {
        format!(
            "{}: hadolint setting `{key}` is not supported by plimsoll and is ignored",
            path.display()
        )
    }));
    Ok(config)
}
