//! Configuration files: `plimsoll.toml` / `.plimsoll.toml`, or a hadolint
//! `.hadolint.yaml` when a project has no plimsoll config yet.
//!
//! Discovery starts in the Dockerfile's folder and walks up; the nearest
//! plimsoll config wins, and a `.hadolint.yaml` is used only if no plimsoll
//! config exists anywhere above. Errors name the file and line; rule names
//! that match nothing are warnings, not errors, so a config keeps working
//! across plimsoll versions.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use serde_yaml_ng::Value;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::knowledge::is_foreign_code;
use crate::settings::{is_known_selector, FixMode, LabelType, RuleOptions, Settings};

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
    /// Rule selection, severities and rule options for every file.
    pub settings: Settings,
    /// When the run fails; `None` when the file does not say.
    pub failure_threshold: Option<Threshold>,
    /// Glob (relative to the config's folder) → rules ignored in matching files.
    pub per_file_ignores: Vec<(GlobPattern, Vec<String>)>,
    /// Files larger than this many bytes are refused (`max-file-size`).
    pub max_file_size: Option<u64>,
    /// Unknown rule names and unsupported hadolint keys, each naming the file
    /// (and the line, where known). For the caller to show; never fatal.
    pub warnings: Vec<String>,
}

/// A compiled `per-file-ignores` pattern.
#[derive(Debug, Clone)]
pub struct GlobPattern {
    /// The pattern as written in the config file.
    pub pattern: String,
    matcher: GlobMatcher,
    /// A pattern without `/` matches the file name in any folder, as in `.gitignore`.
    file_name_only: bool,
}

impl GlobPattern {
    fn new(pattern: &str) -> Result<GlobPattern, globset::Error> {
        let matcher = GlobBuilder::new(pattern)
            // `*` stays within one folder; `**` crosses folders.
            .literal_separator(true)
            .build()?
            .compile_matcher();
        Ok(GlobPattern {
            pattern: pattern.to_string(),
            matcher,
            file_name_only: !pattern.contains('/'),
        })
    }

    fn matches(&self, path: &Path) -> bool {
        if self.file_name_only {
            path.file_name()
                .is_some_and(|name| self.matcher.is_match(name))
        } else {
            self.matcher.is_match(path)
        }
    }
}

/// A config file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file.
    pub path: PathBuf,
    /// 1-based line of the offending key or value, where known.
    pub line: Option<usize>,
    /// What is wrong, and what was expected.
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

/// The config that applies to files in `start_dir`: the nearest plimsoll
/// config, else the nearest `.hadolint.yaml`, else `None`.
///
/// Each call reads the file again; use a [`ConfigCache`] for many folders.
pub fn discover(start_dir: &Path) -> Result<Option<Config>, ConfigError> {
    Ok(ConfigCache::new()
        .discover(start_dir)?
        .map(Arc::unwrap_or_clone))
}

/// [`discover`] for many folders: each folder is looked at and each config
/// file is parsed once, however many Dockerfiles share them.
#[derive(Debug, Default)]
pub struct ConfigCache {
    /// Folder → the config file that applies there.
    folders: HashMap<PathBuf, Option<Found>>,
    /// Config file → its contents, or why it could not be used.
    files: HashMap<PathBuf, Result<Arc<Config>, ConfigError>>,
}

#[derive(Debug, Clone)]
enum Found {
    Plimsoll(PathBuf),
    Hadolint(PathBuf),
}

impl ConfigCache {
    /// An empty cache.
    pub fn new() -> ConfigCache {
        ConfigCache::default()
    }

    /// Like [`discover`], answered from the cache where possible. A broken
    /// config file gives the same error for every folder it applies to.
    pub fn discover(&mut self, start_dir: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        let start = normalize(start_dir);
        let Some(found) = self.find(&start) else {
            return Ok(None);
        };
        let (Found::Plimsoll(path) | Found::Hadolint(path)) = found;
        self.files
            .entry(path.clone())
            .or_insert_with(|| load(&path).map(Arc::new))
            .clone()
            .map(Some)
    }

    fn find(&mut self, start: &Path) -> Option<Found> {
        // Walk up to the first folder already answered, then answer the
        // folders below it on the way back down.
        let mut unanswered = Vec::new();
        let mut above = None;
        for dir in start.ancestors() {
            if let Some(found) = self.folders.get(dir) {
                above = found.clone();
                break;
            }
            unanswered.push(dir);
        }
        for dir in unanswered.into_iter().rev() {
            let here = if let Some(path) = first_file(dir, &PLIMSOLL_NAMES) {
                Some(Found::Plimsoll(path))
            } else if let Some(Found::Plimsoll(_)) = above {
                // A plimsoll config further up beats a nearer .hadolint.yaml.
                above
            } else {
                first_file(dir, &HADOLINT_NAMES)
                    .map(Found::Hadolint)
                    .or(above)
            };
            self.folders.insert(dir.to_path_buf(), here.clone());
            above = here;
        }
        above
    }
}

/// The first of `names` (in order of preference) that is a file in `dir`.
fn first_file(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    names.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// An absolute path without `.` or `..`, so that walking up and comparing
/// folders works for paths like `../app/Dockerfile`.
fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Config {
    /// Settings for one Dockerfile: the config's, plus the per-file ignores
    /// whose glob matches the Dockerfile's path relative to the config's folder.
    /// A Dockerfile outside that folder is matched by its path as given.
    pub fn settings_for(&self, dockerfile: &Path) -> Settings {
        let mut settings = self.settings.clone();
        if self.per_file_ignores.is_empty() {
            return settings;
        }
        let file = normalize(dockerfile);
        let folder = self.path.as_deref().and_then(Path::parent).map(normalize);
        let relative = folder
            .as_deref()
            .and_then(|folder| file.strip_prefix(folder).ok())
            .unwrap_or(dockerfile);
        for (glob, rules) in &self.per_file_ignores {
            if glob.matches(relative) {
                settings.ignore.extend(rules.iter().cloned());
            }
        }
        settings
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// Warnings for selectors that name no rule, category or foreign code, each
/// reported once, in file order.
fn unknown_selector_warnings<'a>(
    path: &Path,
    selectors: impl Iterator<Item = (Option<usize>, &'a str)>,
) -> Vec<String> {
    // hadolint, ShellCheck and BuildKit names stay valid where plimsoll has no rule yet.
    let mut unknown: Vec<(Option<usize>, &str)> = selectors
        .filter(|&(_, s)| !is_known_selector(s) && !is_foreign_code(s))
        .collect();
    unknown.sort_by_key(|&(line, _)| line);
    let mut seen = Vec::new();
    unknown.retain(|&(_, s)| {
        let first = !seen.contains(&s);
        seen.push(s);
        first
    });
    unknown
        .into_iter()
        .map(|(line, selector)| {
            located(
                path,
                line,
                &format!("unknown rule or category `{selector}`"),
            )
        })
        .collect()
}

/// `file:line: message`, or `file: message` without a line.
fn located(path: &Path, line: Option<usize>, message: &str) -> String {
    match line {
        Some(line) => format!("{}:{line}: {message}", path.display()),
        None => format!("{}: {message}", path.display()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
struct TomlConfig {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Vec<Spanned<String>>,
    ignore: Vec<Spanned<String>>,
    failure_threshold: Option<Spanned<String>>,
    severity: BTreeMap<String, Spanned<String>>,
    per_file_ignores: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    max_file_size: Option<Spanned<SizeValue>>,
    disable_ignore_pragma: bool,
    rules: TomlRules,
    fix: TomlFix,
}

/// `[fix]`: `modes = { "exec-form-cmd" = "never" }` (or a `[fix.modes]` table).
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct TomlFix {
    modes: BTreeMap<String, Spanned<String>>,
}

/// `max-file-size = 1048576` or `max-file-size = "10MiB"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Bytes(u64),
    Text(String),
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct TomlRules {
    options: RuleOptions,
}

fn parse_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let raw: TomlConfig = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_string();
        // toml names the problem, not always the key: add it where it is missing.
        let key = e.span().and_then(|s| toml_key_at(text, s.start));
        ConfigError {
            path: path.to_path_buf(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: match key {
                Some(key) if !message.contains(&format!("`{key}`")) => {
                    format!("key `{key}`: {message}")
                }
                _ => message,
            },
        }
    })?;
    let line = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
    let error = |span: std::ops::Range<usize>, message: String| ConfigError {
        path: path.to_path_buf(),
        line: line(span),
        message,
    };

    // Every selector with its line, for the unknown-selector warnings.
    let mut selectors: Vec<(Option<usize>, &str)> = Vec::new();
    let lists = raw
        .select
        .iter()
        .chain([&raw.extend_select, &raw.ignore])
        .chain(raw.per_file_ignores.values().map(Spanned::get_ref));
    for list in lists {
        selectors.extend(list.iter().map(|s| (line(s.span()), s.get_ref().as_str())));
    }
    let mut severity = BTreeMap::new();
    for (selector, level) in &raw.severity {
        let parsed = Severity::parse(level.get_ref()).ok_or_else(|| {
            error(
                level.span(),
                format!(
                    "unknown severity `{}` for `{selector}` (expected error, warning, info or style)",
                    level.get_ref()
                ),
            )
        })?;
        severity.insert(selector.clone(), parsed);
        selectors.push((line(level.span()), selector));
    }
    let mut fix_modes = BTreeMap::new();
    for (selector, mode) in &raw.fix.modes {
        let parsed = FixMode::parse(mode.get_ref()).ok_or_else(|| {
            error(
                mode.span(),
                format!(
                    "unknown fix mode `{}` for `{selector}` (expected always, unsafe-only or never)",
                    mode.get_ref()
                ),
            )
        })?;
        fix_modes.insert(selector.clone(), parsed);
        selectors.push((line(mode.span()), selector));
    }
    let failure_threshold = match &raw.failure_threshold {
        Some(t) => Some(Threshold::parse(t.get_ref()).ok_or_else(|| {
            error(
                t.span(),
                format!(
                    "unknown failure-threshold `{}` (expected error, warning, info, style or none)",
                    t.get_ref()
                ),
            )
        })?),
        None => None,
    };
    let mut per_file_ignores = Vec::new();
    for (pattern, rules) in &raw.per_file_ignores {
        let glob = GlobPattern::new(pattern).map_err(|e| {
            error(
                rules.span(),
                format!("bad per-file-ignores pattern `{pattern}`: {}", e.kind()),
            )
        })?;
        per_file_ignores.push((glob, strings(rules.get_ref())));
    }
    let max_file_size = match &raw.max_file_size {
        Some(size) => Some(match size.get_ref() {
            SizeValue::Bytes(bytes) => *bytes,
            SizeValue::Text(text) => {
                parse_size(text).map_err(|e| error(size.span(), format!("`max-file-size`: {e}")))?
            }
        }),
        None => None,
    };
    let warnings = unknown_selector_warnings(path, selectors.into_iter());

    Ok(Config {
        path: None,
        settings: Settings {
            select: raw.select.as_deref().map(strings),
            extend_select: strings(&raw.extend_select),
            ignore: strings(&raw.ignore),
            severity,
            options: raw.rules.options,
            fix_modes,
            disable_ignore_pragma: raw.disable_ignore_pragma,
        },
        failure_threshold,
        per_file_ignores,
        max_file_size,
        warnings,
    })
}

/// The key (with its table, as `table.key`) whose value holds byte `offset`:
/// the nearest `key =` at or above the offset's line, for error messages.
fn toml_key_at(text: &str, offset: usize) -> Option<String> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    let mut lines =
        std::iter::once(&text[line_start..line_end]).chain(text[..line_start].lines().rev());
    let mut key = None;
    for line in lines.by_ref() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            // A table header before any `key =`: the error is not in a value.
            return None;
        }
        if trimmed.starts_with('#') {
            continue;
        }
        if let Some(name) = toml_line_key(trimmed) {
            key = Some(name.to_string());
            break;
        }
    }
    let key = key?;
    // The table the key is in: the nearest header above it.
    let table = lines
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    Some(match table {
        Some(table) => format!("{table}.{key}"),
        None => key,
    })
}

/// `key` of a `key = value` line (bare or quoted key), else `None`.
fn toml_line_key(line: &str) -> Option<&str> {
    let (name, rest) = match line.strip_prefix(['"', '\'']) {
        Some(quoted) => {
            let close = quoted.find(['"', '\''])?;
            (&quoted[..close], &quoted[close + 1..])
        }
        None => {
            let end = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
                .unwrap_or(line.len());
            (&line[..end], &line[end..])
        }
    };
    (!name.is_empty() && rest.trim_start().starts_with('=')).then_some(name)
}

/// `10MiB`, `10 MiB`, `500KB`, `1048576`: a size as users write it
/// (KB/MB/GB are taken as powers of 1024 too, as most tools do for files).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (expected e.g. 10MiB, 512KiB or 1048576)"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "`{text}` has an unknown unit (expected B, KiB, MiB or GiB)"
            ))
        }
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("`{text}` is too large"))
}

fn strings(list: &[Spanned<String>]) -> Vec<String> {
    list.iter().map(|s| s.get_ref().clone()).collect()
}

/// hadolint keys about output, which plimsoll takes on the command line.
const HADOLINT_OUTPUT: [&str; 4] = ["format", "formats", "no-color", "verbose"];

fn parse_hadolint(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let error = |line: Option<usize>, message: String| ConfigError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let document: Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line());
        let message = e.to_string();
        // The line is already in `file:line:`; drop serde_yaml's own copy.
        let message = match message.rfind(" at line ") {
            Some(at) if line.is_some() => message[..at].to_string(),
            _ => message,
        };
        error(line, message)
    })?;
    let mapping = match document {
        // An empty file is a valid (empty) hadolint config.
        Value::Null => serde_yaml_ng::Mapping::new(),
        Value::Mapping(mapping) => mapping,
        _ => {
            return Err(error(
                Some(1),
                "expected a mapping of hadolint settings (`ignored:`, `override:`, ...)".into(),
            ))
        }
    };

    let mut config = Config::default();
    let mut warnings = Vec::new();
    let mut no_fail = false;
    // override lists, in the order hadolint applies them, so that a code in
    // several lists ends at the most severe (error > warning > info > style).
    let mut overrides: [(Severity, Vec<String>); 4] = [
        (Severity::Style, Vec::new()),
        (Severity::Info, Vec::new()),
        (Severity::Warning, Vec::new()),
        (Severity::Error, Vec::new()),
    ];
    for (key, value) in &mapping {
        let Some(key) = key.as_str() else {
            warnings.push(located(
                path,
                None,
                "a hadolint setting name that is not text is ignored",
            ));
            continue;
        };
        let line = yaml_key_line(text, key);
        let list = |value: &Value, what: &str| {
            string_list(value)
                .ok_or_else(|| error(line, format!("`{key}` must be a list of {what}")))
        };
        match key {
            "ignored" => config.settings.ignore = list(value, "rule codes")?,
            "trustedRegistries" => {
                config.settings.options.trusted_registries = list(value, "registries")?;
            }
            "label-schema" => {
                config.settings.options.label_schema = label_schema(value)
                    .map_err(|message| error(line, message))?;
            }
            "strict-labels" => {
                config.settings.options.strict_labels = match value {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    _ => return Err(error(line, "`strict-labels` must be true or false".into())),
                };
            }
            "disable-ignore-pragma" => {
                config.settings.disable_ignore_pragma = match value {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    _ => {
                        return Err(error(
                            line,
                            "`disable-ignore-pragma` must be true or false".into(),
                        ))
                    }
                };
            }
            "failure-threshold" => {
                let threshold = value.as_str().and_then(Threshold::parse).ok_or_else(|| {
                    error(
                        line,
                        format!(
                            "unknown failure-threshold {} (expected error, warning, info, style, ignore or none)",
                            describe(value)
                        ),
                    )
                })?;
                config.failure_threshold = Some(threshold);
            }
            "no-fail" => {
                no_fail = match value {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    _ => return Err(error(line, "`no-fail` must be true or false".into())),
                };
            }
            "override" => {
                let levels = match value {
                    Value::Null => serde_yaml_ng::Mapping::new(),
                    Value::Mapping(levels) => levels.clone(),
                    _ => {
                        return Err(error(
                            line,
                            "`override` must map error, warning, info or style to lists of rule codes"
                                .into(),
                        ))
                    }
                };
                for (level, codes) in &levels {
                    let slot = level
                        .as_str()
                        .and_then(Severity::parse)
                        .and_then(|s| overrides.iter_mut().find(|(level, _)| *level == s));
                    match slot {
                        Some((_, list_for_level)) => {
                            list_for_level.extend(list(codes, "rule codes")?);
                        }
                        None => warnings.push(located(
                            path,
                            line,
                            &format!(
                                "`override` level {} is not error, warning, info or style and is ignored",
                                describe(level)
                            ),
                        )),
                    }
                }
            }
            // Set to its default, a setting changes nothing: no need to warn.
            _ if is_unset(value) => {}
            _ if HADOLINT_OUTPUT.contains(&key) => warnings.push(located(
                path,
                line,
                &format!("hadolint output setting `{key}` is ignored; pass output options to plimsoll on the command line"),
            )),
            _ => warnings.push(located(
                path,
                line,
                &format!("unknown hadolint setting `{key}` is ignored"),
            )),
        }
    }
    if no_fail {
        // hadolint's no-fail exits 0 whatever the threshold says.
        config.failure_threshold = Some(Threshold::None);
    }
    for (level, codes) in overrides {
        for code in codes {
            // In hadolint, giving a rule that is off by default (DL1001, DL3057)
            // a severity turns it on.
            let off_by_default = crate::registry::all()
                .iter()
                .any(|r| !r.meta().default_enabled && r.meta().is_named(&code));
            if off_by_default {
                config.settings.extend_select.push(code.clone());
            }
            config.settings.severity.insert(code, level);
        }
    }

    let s = &config.settings;
    let selectors = s.ignore.iter().chain(s.severity.keys());
    let mut all = unknown_selector_warnings(path, selectors.map(|s| (None, s.as_str())));
    all.extend(warnings);
    config.warnings = all;
    Ok(config)
}

/// A YAML value as a list of strings: hadolint writes lists, but a single
/// string or an empty key (`ignored:` with every entry commented out) is clear too.
fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::String(s) => Some(vec![s.clone()]),
        Value::Sequence(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// hadolint's `label-schema`: label name → type (`text`, `url`, `rfc3339`,
/// `spdx`, `hash`, `semver`, `email`; an empty type means `text`, as on
/// hadolint's command line).
fn label_schema(value: &Value) -> Result<BTreeMap<String, LabelType>, String> {
    let entries = match value {
        Value::Null => return Ok(BTreeMap::new()),
        Value::Mapping(entries) => entries,
        _ => return Err("`label-schema` must map label names to types".into()),
    };
    let mut schema = BTreeMap::new();
    for (name, kind) in entries {
        let Some(name) = name.as_str() else {
            return Err(format!(
                "`label-schema` label name {} is not text",
                describe(name)
            ));
        };
        let kind = match kind {
            Value::Null => Some(LabelType::Text),
            Value::String(text) => LabelType::parse(text),
            _ => None,
        }
        .ok_or_else(|| {
            format!(
                "unknown type {} for label `{name}` in `label-schema` (expected text, url, rfc3339, spdx, hash, semver or email)",
                describe(kind)
            )
        })?;
        schema.insert(name.to_string(), kind);
    }
    Ok(schema)
}

/// `false`, empty and null values, which leave a hadolint setting at its default.
fn is_unset(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Sequence(items) => items.is_empty(),
        Value::Mapping(entries) => entries.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// A YAML value for an error message.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => serde_yaml_ng::to_string(other)
            .map(|s| format!("`{}`", s.trim()))
            .unwrap_or_else(|_| "value".into()),
    }
}

/// The line of a top-level key: serde_yaml gives no positions for values it
/// parsed successfully, and hadolint configs keep top-level keys unindented.
fn yaml_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let unquoted = line
                .strip_prefix(['"', '\''])
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix(['"', '\'']));
            unquoted
                .or_else(|| line.strip_prefix(key))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|index| index + 1)
}
