//! Every output format on the same two-file, multi-rule input, as reviewed
//! snapshots. Structural validity (SARIF schema, XML) is checked in CI by
//! `scripts/validate-reports.py`.

use std::process::Command;

const FORMATS: &[&str] = &[
    "full",
    "concise",
    "json",
    "json-lines",
    "sarif",
    "checkstyle",
    "gitlab",
    "github",
    "junit",
    "gnu",
];

#[test]
fn every_format_on_the_same_input() {
    for format in FORMATS {
        let output = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["check", "--format", format, "fixtures/formats"])
            .env("NO_COLOR", "1")
            // No ShellCheck from the developer's PATH: the same output everywhere.
            .env_remove("PATH")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let text = String::from_utf8(output.stdout).unwrap();
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}
