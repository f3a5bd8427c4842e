//! Config discovery and parsing: which file wins, how hadolint keys map,
//! and errors and warnings that name the file and line.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use plimsoll_linter::config::{discover, load, Config, ConfigCache, Threshold};
use plimsoll_linter::settings::LabelType;
use plimsoll_linter::Severity;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn found(start: &Path) -> Config {
    discover(start).unwrap().expect("a config")
}

fn load_toml(text: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", text);
    let config = load(&dir.path().join("plimsoll.toml")).unwrap();
    (dir, config)
}

fn load_yaml(text: &str) -> Config {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".hadolint.yaml", text);
    load(&dir.path().join(".hadolint.yaml")).unwrap()
}

#[test]
fn nearest_plimsoll_config_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", "ignore = [\"style\"]\n");
    write(
        dir.path(),
        "svc/.plimsoll.toml",
        "ignore = [\"layer-order\"]\n",
    );
    fs::create_dir_all(dir.path().join("svc/deep")).unwrap();
    let config = found(&dir.path().join("svc/deep"));
    assert_eq!(config.settings.ignore, ["layer-order"]);
    assert!(config.path.unwrap().ends_with("svc/.plimsoll.toml"));
    assert_eq!(found(dir.path()).settings.ignore, ["style"]);
}

#[test]
fn plimsoll_toml_beats_dot_plimsoll_toml_in_one_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".plimsoll.toml", "ignore = [\"layer-order\"]\n");
    write(
        dir.path(),
        "plimsoll.toml",
        "ignore = [\"exec-form-cmd\"]\n",
    );
    assert_eq!(found(dir.path()).settings.ignore, ["exec-form-cmd"]);
}

#[test]
fn plimsoll_config_beats_hadolint_yaml_in_the_same_folder_and_below() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", "ignore = [\"layer-order\"]\n");
    write(dir.path(), ".hadolint.yaml", "ignored: [DL3002]\n");
    write(dir.path(), "app/.hadolint.yaml", "ignored: [DL3025]\n");
    assert_eq!(found(dir.path()).settings.ignore, ["layer-order"]);
    // A nearer .hadolint.yaml still loses to a plimsoll config in a parent.
    let config = found(&dir.path().join("app"));
    assert_eq!(config.settings.ignore, ["layer-order"]);
    assert!(config.path.unwrap().ends_with("plimsoll.toml"));
}

#[test]
fn nearest_hadolint_yaml_is_used_without_a_plimsoll_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".hadolint.yml", "ignored: [DL3002]\n");
    write(dir.path(), "app/.hadolint.yaml", "ignored: [DL3025]\n");
    assert_eq!(found(&dir.path().join("app")).settings.ignore, ["DL3025"]);
    assert_eq!(found(dir.path()).settings.ignore, ["DL3002"]);
    let empty = tempfile::tempdir().unwrap();
    assert!(discover(empty.path()).unwrap().is_none());
}

#[test]
fn discovery_walks_up_from_paths_with_dot_dot() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", "ignore = [\"layer-order\"]\n");
    fs::create_dir_all(dir.path().join("a/b")).unwrap();
    fs::create_dir_all(dir.path().join("c")).unwrap();
    write(
        dir.path(),
        "a/plimsoll.toml",
        "ignore = [\"exec-form-cmd\"]\n",
    );
    // Lexically `a/b/../../c` is `c`, whose nearest config is the root one, not `a`'s.
    let config = found(&dir.path().join("a/b/../../c"));
    assert_eq!(config.settings.ignore, ["layer-order"]);
}

#[test]
fn cache_answers_like_discover_and_parses_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", "ignore = [\"layer-order\"]\n");
    write(dir.path(), "legacy/.hadolint.yaml", "ignored: [DL3025]\n");
    for sub in ["a/x", "a/y", "b", "legacy/z"] {
        fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    let mut cache = ConfigCache::new();
    let ax = cache.discover(&dir.path().join("a/x")).unwrap().unwrap();
    let ay = cache.discover(&dir.path().join("a/y")).unwrap().unwrap();
    let b = cache.discover(&dir.path().join("b")).unwrap().unwrap();
    assert!(Arc::ptr_eq(&ax, &ay) && Arc::ptr_eq(&ax, &b));
    let legacy = cache
        .discover(&dir.path().join("legacy/z"))
        .unwrap()
        .unwrap();
    assert_eq!(legacy.settings.ignore, ["layer-order"]);
}

#[test]
fn cache_repeats_the_error_of_a_broken_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", "colour = \"blue\"\n");
    fs::create_dir_all(dir.path().join("a")).unwrap();
    let mut cache = ConfigCache::new();
    let first = cache.discover(&dir.path().join("a")).unwrap_err();
    let second = cache.discover(dir.path()).unwrap_err();
    assert_eq!(first, second);
}

#[test]
fn every_plimsoll_key_is_read() {
    let (_dir, config) = load_toml(
        r#"select = ["all"]
extend-select = ["PL001"]
ignore = ["layer-order", "DL3008"]
failure-threshold = "warning"

[severity]
"non-root-user" = "error"
cache = "info"

[per-file-ignores]
"docker/dev/*.Dockerfile" = ["non-root-user"]

[rules.options]
non-root-images = ["registry.example.com/base/*"]
trusted-registries = ["docker.io", "ghcr.io"]
strict-labels = true

[rules.options.label-schema]
"org.opencontainers.image.source" = "url"
author = "text"
"#,
    );
    let s = &config.settings;
    assert_eq!(s.select.as_deref(), Some(&["all".to_string()][..]));
    assert_eq!(s.extend_select, ["PL001"]);
    assert_eq!(s.ignore, ["layer-order", "DL3008"]);
    assert_eq!(s.severity.get("non-root-user"), Some(&Severity::Error));
    assert_eq!(s.severity.get("cache"), Some(&Severity::Info));
    assert_eq!(
        config.failure_threshold,
        Some(Threshold::Severity(Severity::Warning))
    );
    assert_eq!(config.per_file_ignores.len(), 1);
    assert_eq!(
        config.per_file_ignores[0].0.pattern,
        "docker/dev/*.Dockerfile"
    );
    assert_eq!(s.options.non_root_images, ["registry.example.com/base/*"]);
    assert_eq!(s.options.trusted_registries, ["docker.io", "ghcr.io"]);
    assert!(s.options.strict_labels);
    assert_eq!(
        s.options
            .label_schema
            .get("org.opencontainers.image.source"),
        Some(&LabelType::Url)
    );
    assert_eq!(s.options.label_schema.get("author"), Some(&LabelType::Text));
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn label_schema_accepts_every_type_and_rejects_others_with_their_line() {
    let (_dir, config) = load_toml(
        "[rules.options]\nlabel-schema = { a = \"text\", b = \"url\", c = \"rfc3339\", d = \"spdx\", e = \"hash\", f = \"semver\", g = \"email\" }\n",
    );
    let types: Vec<LabelType> = config
        .settings
        .options
        .label_schema
        .values()
        .copied()
        .collect();
    assert_eq!(
        types,
        [
            LabelType::Text,
            LabelType::Url,
            LabelType::Rfc3339,
            LabelType::Spdx,
            LabelType::Hash,
            LabelType::Semver,
            LabelType::Email
        ]
    );
    assert!(!config.settings.options.strict_labels);

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plimsoll.toml",
        "[rules.options]\nstrict-labels = true\n[rules.options.label-schema]\nversion = \"date\"\n",
    );
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    assert_eq!(error.line, Some(4), "{error}");
    assert!(error.message.contains("`date`"), "{error}");
    write(
        dir.path(),
        "plimsoll.toml",
        "[rules.options]\nstrict-labels = \"yes\"\n",
    );
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    assert_eq!(error.line, Some(2), "{error}");
}

#[test]
fn failure_threshold_accepts_every_level_and_none() {
    for (text, expected) in [
        ("error", Threshold::Severity(Severity::Error)),
        ("warning", Threshold::Severity(Severity::Warning)),
        ("info", Threshold::Severity(Severity::Info)),
        ("style", Threshold::Severity(Severity::Style)),
        ("none", Threshold::None),
    ] {
        let (_dir, config) = load_toml(&format!("failure-threshold = \"{text}\"\n"));
        assert_eq!(config.failure_threshold, Some(expected), "{text}");
    }
    let (_dir, config) = load_toml("");
    assert_eq!(config.failure_threshold, None);
}

#[test]
fn unknown_top_level_key_is_an_error_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plimsoll.toml",
        "select = [\"all\"]\nfailure_threshold = \"error\"\n",
    );
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    assert_eq!(error.line, Some(2), "{error}");
    let text = error.to_string();
    assert!(text.contains("plimsoll.toml:2:"), "{text}");
    assert!(text.contains("failure_threshold"), "{text}");
}

#[test]
fn unknown_rule_option_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plimsoll.toml",
        "[rules.options]\ntrusted-registries = []\nnon-root-image = []\n",
    );
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    assert_eq!(error.line, Some(3), "{error}");
    assert!(error.message.contains("non-root-image"), "{error}");
}

#[test]
fn bad_values_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "select = [\"all\"]\n\n[severity]\nlayer-order = \"loud\"\n",
            4,
            "unknown severity `loud` for `layer-order`",
        ),
        (
            "ignore = []\nfailure-threshold = \"fatal\"\n",
            2,
            "unknown failure-threshold `fatal`",
        ),
        (
            "[per-file-ignores]\n\"dev/[.Dockerfile\" = [\"layer-order\"]\n",
            2,
            "bad per-file-ignores pattern `dev/[.Dockerfile`",
        ),
        ("select = \"all\"\n", 1, "sequence"),
    ];
    for (text, line, message) in cases {
        write(dir.path(), "plimsoll.toml", text);
        let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.contains(&format!("plimsoll.toml:{line}: ")),
            "{shown}"
        );
        assert!(shown.contains(message), "{shown}");
    }
}

#[test]
fn unknown_selectors_are_warnings_naming_file_line_and_selector() {
    let (_dir, config) = load_toml(
        "ignore = [\"DL3008\", \"no-such-rule\"]\nselect = [\"secruity\", \"no-such-rule\"]\n[severity]\nnope = \"error\"\n[per-file-ignores]\n\"*.dev\" = [\"JSONArgsRecommended\", \"typo\"]\n",
    );
    // DL3008 and BuildKit names are never unknown; each unknown name is reported once.
    assert_eq!(config.warnings.len(), 4, "{:#?}", config.warnings);
    for (warning, (line, selector)) in config.warnings.iter().zip([
        (1, "no-such-rule"),
        (2, "secruity"),
        (4, "nope"),
        (6, "typo"),
    ]) {
        assert!(
            warning.contains(&format!("plimsoll.toml:{line}: ")),
            "{warning}"
        );
        assert!(warning.contains(&format!("`{selector}`")), "{warning}");
    }
}

#[test]
fn per_file_ignores_match_paths_relative_to_the_config_folder() {
    let (dir, config) = load_toml(
        "[per-file-ignores]\n\"docker/dev/*.Dockerfile\" = [\"non-root-user\"]\n\"*.test.Dockerfile\" = [\"layer-order\"]\n\"ci/**\" = [\"style\"]\n",
    );
    let ignored = |file: &str| config.settings_for(&dir.path().join(file)).ignore;
    assert_eq!(ignored("docker/dev/api.Dockerfile"), ["non-root-user"]);
    // `*` stays within one folder.
    assert!(ignored("docker/dev/old/api.Dockerfile").is_empty());
    assert!(ignored("docker/prod/api.Dockerfile").is_empty());
    // A pattern without `/` matches the file name in any folder.
    assert_eq!(ignored("a/b/unit.test.Dockerfile"), ["layer-order"]);
    assert_eq!(ignored("ci/images/x/Dockerfile"), ["style"]);
    // The config's own ignores stay, the per-file ones are added.
    assert!(config.settings.ignore.is_empty());
}

#[test]
fn per_file_ignores_resolve_dot_dot_in_the_dockerfile_path() {
    let (dir, config) = load_toml("[per-file-ignores]\n\"dev/*\" = [\"non-root-user\"]\n");
    let file = dir.path().join("prod/../dev/Dockerfile");
    assert_eq!(config.settings_for(&file).ignore, ["non-root-user"]);
}

#[test]
fn hadolint_keys_map_onto_settings() {
    let config = load_yaml(
        "ignored:\n  - DL3025\n  - SC2086\noverride:\n  error: [DL3002]\n  warning: [DL3042]\n  info: [DL3008]\n  style: [DL3015]\nfailure-threshold: style\ntrustedRegistries:\n  - docker.io\n  - \"*.gcr.io\"\n",
    );
    let s = &config.settings;
    assert_eq!(s.ignore, ["DL3025", "SC2086"]);
    for (code, level) in [
        ("DL3002", Severity::Error),
        ("DL3042", Severity::Warning),
        ("DL3008", Severity::Info),
        ("DL3015", Severity::Style),
    ] {
        assert_eq!(s.severity.get(code), Some(&level), "{code}");
    }
    assert_eq!(
        config.failure_threshold,
        Some(Threshold::Severity(Severity::Style))
    );
    assert_eq!(s.options.trusted_registries, ["docker.io", "*.gcr.io"]);
    assert!(s.options.label_schema.is_empty());
    assert!(!s.options.strict_labels);
    assert!(s.select.is_none());
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn hadolint_label_schema_and_strict_labels_map_onto_rule_options() {
    let config = load_yaml(
        "label-schema:\n  author: text\n  version: semver\n  created: rfc3339\n  license: spdx\n  revision: hash\n  docs: url\n  maintainer: email\n  note:\nstrict-labels: true\n",
    );
    let options = &config.settings.options;
    for (label, kind) in [
        ("author", LabelType::Text),
        ("version", LabelType::Semver),
        ("created", LabelType::Rfc3339),
        ("license", LabelType::Spdx),
        ("revision", LabelType::Hash),
        ("docs", LabelType::Url),
        ("maintainer", LabelType::Email),
        // An empty type means text, as in `--require-label note:`.
        ("note", LabelType::Text),
    ] {
        assert_eq!(options.label_schema.get(label), Some(&kind), "{label}");
    }
    assert_eq!(options.label_schema.len(), 8);
    assert!(options.strict_labels);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert!(
        !load_yaml("strict-labels: false\n")
            .settings
            .options
            .strict_labels
    );
}

#[test]
fn hadolint_bad_label_settings_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, message) in [
        (
            "ignored: []\nlabel-schema:\n  version: date\n",
            2,
            "unknown type `date` for label `version`",
        ),
        (
            "label-schema: [version]\n",
            1,
            "`label-schema` must map label names to types",
        ),
        (
            "strict-labels: sometimes\n",
            1,
            "`strict-labels` must be true or false",
        ),
    ] {
        write(dir.path(), ".hadolint.yaml", text);
        let error = load(&dir.path().join(".hadolint.yaml")).unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.contains(&format!(".hadolint.yaml:{line}: {message}")),
            "{text:?} gave {shown}"
        );
    }
}

#[test]
fn hadolint_override_in_several_lists_keeps_the_most_severe() {
    let config = load_yaml("override:\n  style: [DL3008]\n  error: [DL3008]\n  info: [DL3008]\n");
    assert_eq!(
        config.settings.severity.get("DL3008"),
        Some(&Severity::Error)
    );
}

#[test]
fn hadolint_override_turns_on_rules_that_are_off_by_default() {
    let config = load_yaml("override:\n  warning: [DL3057, DL3008]\n  style: [DL1001]\n");
    assert_eq!(config.settings.extend_select, ["DL1001", "DL3057"]);
    let rules = config.settings.resolve();
    let named = |name: &str| rules.rules.iter().find(|(r, _)| r.meta().name == name);
    assert_eq!(
        named("missing-healthcheck").map(|&(_, s)| s),
        Some(Severity::Warning)
    );
    assert_eq!(
        named("inline-ignore-pragma").map(|&(_, s)| s),
        Some(Severity::Style)
    );
}

#[test]
fn hadolint_thresholds_ignore_none_and_no_fail() {
    for (text, expected) in [
        (
            "failure-threshold: error\n",
            Threshold::Severity(Severity::Error),
        ),
        ("failure-threshold: ignore\n", Threshold::None),
        ("failure-threshold: none\n", Threshold::None),
        ("failure-threshold: error\nno-fail: true\n", Threshold::None),
    ] {
        assert_eq!(load_yaml(text).failure_threshold, Some(expected), "{text}");
    }
    assert_eq!(load_yaml("no-fail: false\n").failure_threshold, None);
}

#[test]
fn hadolint_accepts_empty_files_empty_keys_and_single_strings() {
    assert!(load_yaml("").settings.ignore.is_empty());
    assert!(load_yaml("ignored:\n#  - DL3008\n")
        .settings
        .ignore
        .is_empty());
    let config = load_yaml("trustedRegistries: docker.io\n");
    assert_eq!(config.settings.options.trusted_registries, ["docker.io"]);
}

#[test]
fn hadolint_unsupported_and_unknown_keys_are_warnings_with_lines() {
    let config = load_yaml(
        "ignored: [DL3025]\nverbose: true\nlabel-schema:\n  author: text\nformat: json\nno-color: false\nshiny-new-key: 1\noverride:\n  ignore: [DL3008]\n",
    );
    let expected = [
        ":2: hadolint output setting `verbose`",
        ":5: hadolint output setting `format`",
        ":7: unknown hadolint setting `shiny-new-key`",
        ":8: `override` level `ignore`",
    ];
    assert_eq!(
        config.warnings.len(),
        expected.len(),
        "{:#?}",
        config.warnings
    );
    for want in expected {
        assert!(
            config.warnings.iter().any(|w| w.contains(want)),
            "{want} not in {:#?}",
            config.warnings
        );
    }
    assert_eq!(config.settings.ignore, ["DL3025"]);
}

#[test]
fn hadolint_unknown_codes_warn_but_hadolint_codes_never_do() {
    let config = load_yaml("ignored: [DL9999, nonsense]\n");
    // DL9999 looks like a hadolint code: plimsoll may just not know it yet.
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    assert!(config.warnings[0].contains("`nonsense`"));
    assert!(config.warnings[0].contains(".hadolint.yaml"));
}

#[test]
fn disable_ignore_pragma_from_either_config() {
    assert!(
        load_yaml("disable-ignore-pragma: true\n")
            .settings
            .disable_ignore_pragma
    );
    assert!(
        !load_yaml("disable-ignore-pragma:\n")
            .settings
            .disable_ignore_pragma
    );
    let (_dir, config) = load_toml("disable-ignore-pragma = true\n");
    assert!(config.settings.disable_ignore_pragma);
    let (_dir, config) = load_toml("ignore = []\n");
    assert!(!config.settings.disable_ignore_pragma);
}

#[test]
fn hadolint_bad_values_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, message) in [
        ("ignored: [DL3002\n", 2, ""),
        (
            "ignored: []\nfailure-threshold: fatal\n",
            2,
            "unknown failure-threshold `fatal`",
        ),
        (
            "no-fail: yes please\n",
            1,
            "`no-fail` must be true or false",
        ),
        (
            "ignored: []\ndisable-ignore-pragma: 1\n",
            2,
            "`disable-ignore-pragma` must be true or false",
        ),
        (
            "ignored:\n  a: b\n",
            1,
            "`ignored` must be a list of rule codes",
        ),
        ("- DL3008\n", 1, "expected a mapping"),
    ] {
        write(dir.path(), ".hadolint.yaml", text);
        let error = load(&dir.path().join(".hadolint.yaml")).unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.contains(&format!(".hadolint.yaml:{line}: {message}")),
            "{text:?} gave {shown}"
        );
    }
}

#[test]
fn fix_modes_are_read_inline_or_as_a_table_and_resolve_by_selector() {
    use plimsoll_linter::FixMode;
    let (_dir, inline) = load_toml(
        "select = [\"all\"]\n[fix]\nmodes = { \"exec-form-cmd\" = \"never\", \"DL3025\" = \"unsafe-only\", style = \"always\" }\n",
    );
    let (_dir2, table) = load_toml(
        "select = [\"all\"]\n[fix.modes]\n\"exec-form-cmd\" = \"never\"\nDL3025 = \"unsafe-only\"\nstyle = \"always\"\n",
    );
    for config in [&inline, &table] {
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        let rules = config.settings.resolve();
        let mode = |name: &str| {
            let rule = plimsoll_linter::registry::find(name).unwrap();
            rules.fix_mode_of(rule.meta())
        };
        // The rule's own name beats the alias it shares with exec-form-entrypoint.
        assert_eq!(mode("exec-form-cmd"), Some(FixMode::Never));
        assert_eq!(mode("exec-form-entrypoint"), Some(FixMode::UnsafeOnly));
        assert_eq!(mode("stage-name-casing"), Some(FixMode::Always));
        assert_eq!(mode("non-root-user"), None);
    }
}

#[test]
fn fix_mode_errors_and_unknown_selectors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plimsoll.toml",
        "[fix.modes]\n\"exec-form-cmd\" = \"sometimes\"\n",
    );
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("plimsoll.toml:2: "), "{shown}");
    assert!(
        shown.contains("unknown fix mode `sometimes` for `exec-form-cmd`"),
        "{shown}"
    );
    let (_dir, config) = load_toml("[fix.modes]\n\"exec-form-cmdd\" = \"never\"\n");
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    assert!(config.warnings[0].contains("plimsoll.toml:2: "));
    assert!(config.warnings[0].contains("`exec-form-cmdd`"));
    write(dir.path(), "plimsoll.toml", "[fix]\nmode = {}\n");
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    assert_eq!(error.line, Some(2), "{error}");
}
