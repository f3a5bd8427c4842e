//! Config discovery and parsing: which file wins, how hadolint keys map,
//! and errors that name the file and line.

use std::fs;
use std::path::Path;

use plimsoll_linter::config::{discover, load, Threshold};
use plimsoll_linter::Severity;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn nearest_plimsoll_config_wins_and_beats_hadolint_yaml() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plimsoll.toml", "ignore = [\"outer\"]\n");
    write(
        dir.path(),
        "svc/.plimsoll.toml",
        "ignore = [\"layer-order\"]\n",
    );
    write(dir.path(), "svc/deep/.hadolint.yaml", "ignored: [DL3002]\n");
    let config = discover(&dir.path().join("svc/deep")).unwrap().unwrap();
    assert_eq!(config.settings.ignore, ["layer-order"]);
    assert!(config.path.unwrap().ends_with("svc/.plimsoll.toml"));
    // plimsoll.toml wins over .plimsoll.toml in the same folder.
    write(
        dir.path(),
        "svc/plimsoll.toml",
        "ignore = [\"exec-form-cmd\"]\n",
    );
    assert_eq!(
        discover(&dir.path().join("svc"))
            .unwrap()
            .unwrap()
            .settings
            .ignore,
        ["exec-form-cmd"]
    );
}

#[test]
fn hadolint_yaml_is_used_only_without_a_plimsoll_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/.hadolint.yaml",
        "ignored:\n  - DL3025\noverride:\n  error: [DL3002]\n  info: [DL3008]\nfailure-threshold: warning\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  author: text\n",
    );
    let config = discover(&dir.path().join("app")).unwrap().unwrap();
    assert_eq!(config.settings.ignore, ["DL3025"]);
    assert_eq!(
        config.settings.severity.get("DL3002"),
        Some(&Severity::Error)
    );
    assert_eq!(
        config.settings.severity.get("DL3008"),
        Some(&Severity::Info)
    );
    assert_eq!(
        config.failure_threshold,
        Some(Threshold::Severity(Severity::Warning))
    );
    assert_eq!(config.settings.options.trusted_registries, ["docker.io"]);
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    assert!(config.warnings[0].contains("`label-schema` is not supported"));
    assert!(discover(dir.path()).unwrap().is_none());
}

#[test]
fn errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plimsoll.toml",
        "select = [\"all\"]\n\n[severity]\nlayer-order = \"loud\"\n",
    );
    let error = load(&dir.path().join("plimsoll.toml")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown severity `loud` for `layer-order`"),
        "{error}"
    );
    write(
        dir.path(),
        "bad.toml",
        "select = [\"all\"]\nfailure_threshold = \"error\"\n",
    );
    let error = load(&dir.path().join("bad.toml")).unwrap_err();
    assert_eq!(error.line, Some(2), "{error}");
    assert!(error.to_string().contains("bad.toml:2:"), "{error}");
    write(dir.path(), "bad.yaml", "ignored: [DL3002\n");
    assert!(load(&dir.path().join("bad.yaml")).is_err());
}

#[test]
fn thresholds_unknown_selectors_and_per_file_ignores() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plimsoll.toml",
        "failure-threshold = \"none\"\nignore = [\"no-such-rule\", \"DL3008\"]\n[per-file-ignores]\n\"dev/*.Dockerfile\" = [\"non-root-user\"]\n[rules.options]\nnon-root-images = [\"example.com/base/*\"]\n",
    );
    let config = load(&dir.path().join("plimsoll.toml")).unwrap();
    assert_eq!(config.failure_threshold, Some(Threshold::None));
    // A hadolint code plimsoll does not implement yet is not "unknown".
    assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
    assert!(config.warnings[0].contains("`no-such-rule`"));
    assert_eq!(
        config.settings.options.non_root_images,
        ["example.com/base/*"]
    );
    let dev = config.settings_for(&dir.path().join("dev/api.Dockerfile"));
    assert!(dev.ignore.contains(&"non-root-user".to_string()));
    let prod = config.settings_for(&dir.path().join("prod/api.Dockerfile"));
    assert!(!prod.ignore.contains(&"non-root-user".to_string()));
}
