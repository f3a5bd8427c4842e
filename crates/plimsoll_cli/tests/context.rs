//! Build-context awareness end to end: the context rules on fixture trees
//! (committed under `fixtures/context/`, or built in a tempdir when they need
//! `.git`, `node_modules` or fake secrets), `cache-report`, and realistic
//! project layouts where only the findings a user wants may appear.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CONTEXT_RULES: &str =
    "copy-missing-source,copy-ignored-file,secret-in-context,context-bloat,entrypoint-script-exec";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/context")
}

fn plimsoll(dir: &Path, args: &[&str]) -> Output {
    plimsoll_env(dir, args, &[])
}

fn plimsoll_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plimsoll"));
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("PLIMSOLL_FORMAT")
        .env_remove("PLIMSOLL_CONTEXT_MAX_ENTRIES")
        .env_remove("PLIMSOLL_CONTEXT_TIMEOUT_MS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run plimsoll")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `files` (path, contents) under `root`.
fn tree(root: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }
}

/// `count` files of `size` bytes in `dir`.
fn filler(root: &Path, dir: &str, count: usize, size: usize) {
    let dir = root.join(dir);
    fs::create_dir_all(&dir).expect("mkdir");
    for i in 0..count {
        fs::write(dir.join(format!("f{i}.bin")), vec![b'x'; size]).expect("write");
    }
}

/// `(rule, line)` of every finding, from the JSON report.
fn findings(output: &Output) -> Vec<(String, u64)> {
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("JSON report on stdout");
    json.as_array()
        .expect("array")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_owned(),
                d["line"].as_u64().expect("line"),
            )
        })
        .collect()
}

fn messages(output: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    json.as_array()
        .expect("array")
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn committed_fixture_trees_fire_and_pass() {
    for rule in [
        "copy-missing-source",
        "copy-ignored-file",
        "entrypoint-script-exec",
    ] {
        let dir = fixtures().join(rule);
        let fires = plimsoll(&dir, &["check", "--select", rule, "fires.Dockerfile"]);
        assert_eq!(stderr(&fires), "", "{rule}");
        assert_eq!(fires.status.code(), Some(1), "{rule}");
        insta::assert_snapshot!(format!("{rule}__fires"), stdout(&fires));
        let passes = plimsoll(&dir, &["check", "--select", rule, "passes.Dockerfile"]);
        assert_eq!(stderr(&passes), "", "{rule}");
        assert_eq!(stdout(&passes), "All checks passed.\n", "{rule}");
    }
}

#[test]
fn secret_in_context_names_each_secret_and_spares_public_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    tree(
        root,
        &[
            ("app.js", "console.log(1)\n"),
            (".env", "DATABASE_URL=postgres://u:p@db/app\n"),
            (".env.example", "DATABASE_URL=\n"),
            (".npmrc", "//registry.npmjs.org/:_authToken=npm_0123456789abcdef\n"),
            (
                "web/.npmrc",
                "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
            ),
            (
                "certs/ca.pem",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            ),
            (
                "certs/server.key",
                "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
            ),
            (".aws/credentials", "[default]\naws_access_key_id=AKIA\n"),
            ("deploy/id_ed25519.pub", "ssh-ed25519 AAAA\n"),
            (
                "Dockerfile",
                "FROM node:22-slim\nWORKDIR /app\nCOPY certs/ca.pem /usr/local/share/ca-certificates/\nCOPY . .\nUSER node\nCMD [\"node\", \"app.js\"]\n",
            ),
        ],
    );
    let output = plimsoll(
        root,
        &["check", "--select", "secret-in-context", "Dockerfile"],
    );
    assert_eq!(stderr(&output), "");
    insta::assert_snapshot!("secret-in-context__fires", stdout(&output));

    // Keeping them out of the context silences the rule.
    tree(
        root,
        &[(".dockerignore", ".env\n.npmrc\ncerts/*.key\n.aws\n")],
    );
    let output = plimsoll(
        root,
        &["check", "--select", "secret-in-context", "Dockerfile"],
    );
    assert_eq!(stdout(&output), "All checks passed.\n");
}

#[test]
fn context_bloat_counts_directories_and_proposes_ignore_lines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    tree(
        root,
        &[
            ("Cargo.toml", "[package]\nname = \"svc\"\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("tools/gen.py", "print()\n"),
            (".venv/pyvenv.cfg", "home = /usr/bin\n"),
            (".git/HEAD", "ref: refs/heads/main\n"),
        ],
    );
    filler(root, ".git/objects/aa", 20, 1000);
    filler(root, "target/debug", 30, 4096);
    filler(root, "tools/__pycache__", 3, 100);
    filler(root, ".venv/lib", 10, 2048);
    filler(root, "web/node_modules/left-pad", 5, 10);
    tree(
        root,
        &[(
            "Dockerfile",
            "FROM rust:1.83 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\
             FROM rust:1.83 AS version\nCOPY . /src\nRUN git -C /src describe --tags > /version\n\
             FROM debian:bookworm-slim\nCOPY --from=build /src/target/release/svc /usr/local/bin/\n\
             CMD [\"svc\"]\n",
        )],
    );
    let output = plimsoll(root, &["check", "--select", "context-bloat", "Dockerfile"]);
    assert_eq!(stderr(&output), "");
    // Line 6 is reported without `.git`: that stage runs git on it. So line
    // 3 gets no ignore line for `.git` either: the ignore file is the build's.
    insta::assert_snapshot!("context-bloat__fires", stdout(&output));

    // Directories the Dockerfile asks for by name are wanted.
    tree(
        root,
        &[(
            "Dockerfile",
            "FROM debian:bookworm-slim\nCOPY target/debug/ /opt/debug/\nCOPY src/ /src/\n",
        )],
    );
    let output = plimsoll(root, &["check", "--select", "context-bloat", "Dockerfile"]);
    assert_eq!(stdout(&output), "All checks passed.\n");
}

#[test]
fn cache_report_lists_layer_inputs_and_what_a_change_rebuilds() {
    let dir = fixtures().join("cache-report");
    let plain = plimsoll(&dir, &["cache-report"]);
    assert_eq!(stderr(&plain), "");
    assert_eq!(plain.status.code(), Some(0));
    insta::assert_snapshot!("cache-report__layers", stdout(&plain));

    let changed = plimsoll(
        &dir,
        &["cache-report", "--changed", "src/app.py", "NOTES.md"],
    );
    assert_eq!(stderr(&changed), "");
    insta::assert_snapshot!("cache-report__changed", stdout(&changed));

    let json = plimsoll(
        &dir,
        &[
            "cache-report",
            "--format",
            "json",
            "--changed",
            "web/index.js",
        ],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let reruns: Vec<(u64, u64)> = value["reruns"]
        .as_array()
        .expect("reruns")
        .iter()
        .map(|r| (r["stage"].as_u64().unwrap(), r["line"].as_u64().unwrap()))
        .collect();
    // `npm run build` in `web`, then `pip check` after the COPY --from in
    // `final`; `app` and `lint` keep their cache.
    assert_eq!(reruns, [(1, 10), (3, 21)]);
    insta::assert_snapshot!("cache-report__json", stdout(&json));
}

/// A Node app as it sits on a developer's disk: `node_modules`, `.git`, an
/// entrypoint script that forgets `exec`, no `.dockerignore`.
fn node_app(root: &Path) {
    tree(
        root,
        &[
            ("package.json", "{\"name\":\"shop\",\"scripts\":{\"build\":\"tsc\"}}\n"),
            ("package-lock.json", "{}\n"),
            ("tsconfig.json", "{}\n"),
            ("src/server.ts", "export {}\n"),
            ("src/routes/cart.ts", "export {}\n"),
            ("public/favicon.ico", "ico"),
            ("README.md", "# shop\n"),
            (".git/HEAD", "ref: refs/heads/main\n"),
            (".git/config", "[core]\n"),
            (
                "docker/entrypoint.sh",
                "#!/bin/sh\nset -e\nnode dist/migrate.js\nnode dist/server.js\n",
            ),
            (
                "Dockerfile",
                "FROM node:22-slim AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\n\
                 RUN npm ci\nCOPY . .\nRUN npm run build\n\n\
                 FROM node:22-slim\nWORKDIR /app\nENV NODE_ENV=production\n\
                 COPY package.json package-lock.json ./\nRUN npm ci --omit=dev\n\
                 COPY --from=build /app/dist ./dist\nCOPY docker/entrypoint.sh /usr/local/bin/\n\
                 USER node\nENTRYPOINT [\"entrypoint.sh\"]\n",
            ),
        ],
    );
    filler(root, "node_modules/typescript/lib", 40, 5000);
    filler(root, ".git/objects/12", 15, 3000);
}

#[test]
fn realistic_node_app_gets_bloat_and_exec_findings_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    let output = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "Dockerfile",
        ],
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(
        findings(&output),
        [
            ("context-bloat".to_owned(), 5),
            ("entrypoint-script-exec".to_owned(), 16),
        ]
    );
    let messages = messages(&output);
    assert!(
        messages[0].contains("`node_modules` (installed packages, 40 files, 195.3 KiB)"),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("`.git` (version control, 17 files"));
    assert!(messages[1].contains("runs `node dist/server.js` on its line 4"));

    // What the user does about it: a .dockerignore and `exec`.
    tree(
        root,
        &[
            (".dockerignore", ".git\nnode_modules\n"),
            (
                "docker/entrypoint.sh",
                "#!/bin/sh\nset -e\nnode dist/migrate.js\nexec node dist/server.js\n",
            ),
        ],
    );
    let output = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "Dockerfile",
        ],
    );
    assert_eq!(findings(&output), []);
}

/// A Python app: a virtualenv, `__pycache__`, a `.env` with a password, a
/// `.dockerignore` that forgets them, and sources that are all there.
fn python_app(root: &Path) {
    tree(
        root,
        &[
            ("requirements.txt", "django==5.1\n"),
            ("manage.py", "print()\n"),
            ("shop/__init__.py", ""),
            ("shop/settings.py", "DEBUG = False\n"),
            (".env", "SECRET_KEY=very-secret\nDB_PASSWORD=hunter2\n"),
            (".env.sample", "SECRET_KEY=\n"),
            (".venv/pyvenv.cfg", "home = /usr/bin\n"),
            (".dockerignore", "*.log\n.pytest_cache\n"),
            ("debug.log", "x\n"),
            (
                "Dockerfile",
                "FROM python:3.13-slim\nWORKDIR /srv\nCOPY requirements.txt .\n\
                 RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n\
                 USER nobody\nCMD [\"gunicorn\", \"shop.wsgi\"]\n",
            ),
        ],
    );
    filler(root, ".venv/lib/python3.13/site-packages/django", 60, 4000);
    filler(root, "shop/__pycache__", 4, 500);
}

#[test]
fn realistic_python_app_gets_secret_and_bloat_findings_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    python_app(root);
    let output = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "Dockerfile",
        ],
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(
        findings(&output),
        [
            ("secret-in-context".to_owned(), 5),
            ("context-bloat".to_owned(), 5),
        ]
    );
    let messages = messages(&output);
    assert_eq!(
        messages[0],
        "`COPY . .` copies a secret into the image: `.env` (environment file)"
    );
    assert!(
        messages[1].contains("`.venv` (virtualenv, 61 files"),
        "{}",
        messages[1]
    );
    assert!(messages[1].contains("`shop/__pycache__` (bytecode cache, 4 files"));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        json[1]["help"],
        "add the lines `.venv` and `**/__pycache__` to `.dockerignore`"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_context_are_never_followed() {
    let outside = tempfile::tempdir().expect("tempdir");
    tree(
        outside.path(),
        &[
            ("secrets/.env", "TOKEN=x\n"),
            ("secrets/id_rsa", "key\n"),
            ("big/node_modules/a.js", "x"),
        ],
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    tree(
        root,
        &[(
            "Dockerfile",
            "FROM alpine:3.20\nCOPY . /app\nCOPY linked/id_rsa /root/.ssh/\n",
        )],
    );
    std::os::unix::fs::symlink(outside.path().join("secrets"), root.join("linked"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("secrets/.env"), root.join(".env"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path().join("big"), root.join("big")).expect("symlink");
    let output = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "--context",
            ".",
            "Dockerfile",
        ],
    );
    // The symlinks themselves are sent, not what they point to: no secret,
    // no bloat, and a source through a symlinked directory is not there.
    assert_eq!(findings(&output), [("copy-missing-source".to_owned(), 3)]);
}

#[test]
fn context_choice_flags_and_ignore_file_precedence() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    tree(
        root,
        &[
            ("src/app.py", "print()\n"),
            ("notes.txt", "x\n"),
            (
                "docker/api.Dockerfile",
                "FROM python:3.13-slim\nCOPY src/ /app/\nCOPY notes.txt /app/\n",
            ),
        ],
    );
    // The Dockerfile's folder has none of the sources: a warning, no errors.
    let assumed = plimsoll(
        root,
        &["check", "--select", CONTEXT_RULES, "docker/api.Dockerfile"],
    );
    assert_eq!(stdout(&assumed), "All checks passed.\n");
    assert!(
        stderr(&assumed)
            .contains("none of the 2 COPY/ADD sources named in this file exist in docker"),
        "{}",
        stderr(&assumed)
    );
    // The real context finds both.
    let explicit = plimsoll(
        root,
        &[
            "check",
            "--select",
            CONTEXT_RULES,
            "--context",
            ".",
            "docker/api.Dockerfile",
        ],
    );
    assert_eq!(stdout(&explicit), "All checks passed.\n");
    assert_eq!(stderr(&explicit), "");
    // `<name>.Dockerfile.dockerignore` beside the Dockerfile wins over `.dockerignore`.
    tree(
        root,
        &[
            (".dockerignore", "src\n"),
            ("docker/api.Dockerfile.dockerignore", "notes.txt\n"),
        ],
    );
    let output = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "--context",
            ".",
            "docker/api.Dockerfile",
        ],
    );
    assert_eq!(findings(&output), [("copy-ignored-file".to_owned(), 3)]);
    assert!(messages(&output)[0].contains("`api.Dockerfile.dockerignore` (line 1: `notes.txt`)"));
    // --no-context turns the context rules off.
    let off = plimsoll(
        root,
        &[
            "check",
            "--select",
            CONTEXT_RULES,
            "--no-context",
            "docker/api.Dockerfile",
        ],
    );
    assert_eq!(stdout(&off), "All checks passed.\n");
    assert_eq!(stderr(&off), "");
    // An explicit context that is not a directory is an error naming it.
    let bad = plimsoll(
        root,
        &["check", "--context", "missing-dir", "docker/api.Dockerfile"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("build context missing-dir"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn a_walk_cut_short_says_so_and_reports_no_missing_source() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    filler(root, "data", 10, 1);
    tree(
        root,
        &[(
            "Dockerfile",
            "FROM alpine:3.20\nCOPY data/ /data/\nCOPY zzz.txt /\n",
        )],
    );
    let output = plimsoll_env(
        root,
        &["check", "--select", CONTEXT_RULES, "Dockerfile"],
        &[("PLIMSOLL_CONTEXT_MAX_ENTRIES", "5")],
    );
    assert_eq!(stdout(&output), "All checks passed.\n");
    assert!(
        stderr(&output).contains("walk stopped after 5 entries"),
        "{}",
        stderr(&output)
    );
    // With the whole listing, the missing file is reported.
    let output = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "Dockerfile",
        ],
    );
    assert_eq!(findings(&output), [("copy-missing-source".to_owned(), 3)]);
}

#[test]
fn context_rules_stay_silent_when_not_selected() {
    // No walk at all when no context rule runs: a context that is not a
    // directory would otherwise be an error.
    let tmp = tempfile::tempdir().expect("tempdir");
    tree(
        tmp.path(),
        &[("Dockerfile", "FROM alpine:3.20\nCOPY nope /\n")],
    );
    let output = plimsoll(
        tmp.path(),
        &[
            "check",
            "--select",
            "maintainer-deprecated",
            "--context",
            "no-such-dir",
            "Dockerfile",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A monorepo that copies with `COPY --parents`.
/// `plimsoll check --select rules` of `root/Dockerfile`, as JSON.
fn check_json(root: &Path, rules: &str) -> Output {
    plimsoll(
        root,
        &["check", "--select", rules, "--format", "json", "Dockerfile"],
    )
}

fn parents_repo(root: &Path, dockerfile: &str) {
    tree(
        root,
        &[
            ("packages/api/package.json", "{\"name\": \"api\"}\n"),
            ("packages/api/index.js", "require('./db')\n"),
            ("packages/web/package.json", "{\"name\": \"web\"}\n"),
            ("packages/web/.env", "SESSION_SECRET=hunter2\n"),
            ("packages/web/app.test.js", "test()\n"),
            ("src/app/main.go", "package main\n"),
            (
                "scripts/entry.sh",
                "#!/bin/sh\nset -e\necho starting\nnode packages/api/index.js\n",
            ),
            ("Dockerfile", dockerfile),
        ],
    );
}

#[test]
fn copy_parents_sources_are_resolved_with_their_paths() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    parents_repo(
        root,
        "FROM node:22-slim\nWORKDIR /app\n\
         COPY --parents packages/*/package.json ./\n\
         COPY --parents ./missing/./*.go /go/src/\n\
         COPY --parents ./src/./app/*.rs /rs/\n\
         COPY --parents ./config/./settings.yaml /etc/app/\n\
         COPY --parents packages/*/ ./\n\
         COPY --parents ./scripts/./entry.sh /usr/local/bin/\n\
         USER node\nENTRYPOINT [\"entry.sh\"]\n",
    );
    let output = check_json(root, CONTEXT_RULES);
    assert_eq!(stderr(&output), "");
    // Line 5's `*.rs` may match nothing (BuildKit allows an empty wildcard),
    // but line 4's `missing` is the directory the copy starts from.
    assert_eq!(
        findings(&output),
        [
            ("copy-missing-source".to_owned(), 4),
            ("copy-missing-source".to_owned(), 6),
            ("secret-in-context".to_owned(), 7),
            ("entrypoint-script-exec".to_owned(), 10),
        ]
    );
    let text = plimsoll(root, &["check", "--select", CONTEXT_RULES, "Dockerfile"]);
    insta::assert_snapshot!("copy-parents__fires", stdout(&text));

    // `--exclude` is relative to where a `--parents` copy starts.
    parents_repo(
        root,
        "FROM node:22-slim\nWORKDIR /app\n\
         COPY --parents --exclude=**/.env packages/*/ ./\n\
         COPY --parents --exclude=web/.env ./packages/./ ./\n\
         COPY --parents --exclude=packages/web/.env ./packages/./ ./\n",
    );
    let output = check_json(root, CONTEXT_RULES);
    assert_eq!(findings(&output), [("secret-in-context".to_owned(), 5)]);
    assert!(
        messages(&output)[0].contains("`packages/web/.env` (environment file)"),
        "{:?}",
        messages(&output)
    );

    // Without `--parents` the same sources mean other things: `entry.sh`
    // copied as `/usr/local/bin/entry.sh` is still found.
    parents_repo(
        root,
        "FROM node:22-slim\nCOPY scripts/entry.sh /usr/local/bin/\nENTRYPOINT [\"entry.sh\"]\n",
    );
    let output = check_json(root, CONTEXT_RULES);
    assert_eq!(
        findings(&output),
        [("entrypoint-script-exec".to_owned(), 3)]
    );
    // ... while a `--parents` copy without a pivot puts it at
    // `/usr/local/bin/scripts/entry.sh`, which is not the one run.
    parents_repo(
        root,
        "FROM node:22-slim\nCOPY --parents scripts/entry.sh /usr/local/bin/\nENTRYPOINT [\"entry.sh\"]\n",
    );
    let output = check_json(root, CONTEXT_RULES);
    assert_eq!(findings(&output), []);
}

#[test]
fn copy_parents_sources_meet_the_ignore_file_and_bloat_rules() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    parents_repo(
        root,
        "FROM node:22-slim\nWORKDIR /app\n\
         COPY --parents ./scripts/./entry.sh /usr/local/bin/\n\
         COPY --parents packages/*/ ./\n",
    );
    filler(root, "packages/web/node_modules/left-pad", 4, 100);
    tree(root, &[(".dockerignore", "scripts/\n**/.env\n")]);
    let output = check_json(root, CONTEXT_RULES);
    assert_eq!(stderr(&output), "");
    assert_eq!(
        findings(&output),
        [
            ("copy-ignored-file".to_owned(), 3),
            ("context-bloat".to_owned(), 4),
        ]
    );
    let messages = messages(&output);
    assert!(
        messages[0]
            .starts_with("`scripts/entry.sh` is excluded by `.dockerignore` (line 1: `scripts/`)"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("`packages/web/node_modules` (installed packages, 4 files, 400 B)"),
        "{messages:?}"
    );
}

#[test]
fn cache_report_follows_copy_parents_and_exclude() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    parents_repo(
        root,
        "FROM node:22-slim\nWORKDIR /app\n\
         COPY --parents packages/*/package.json ./\n\
         RUN npm install\n\
         COPY --parents --exclude=**/*.test.js --exclude=**/.env ./packages/./ ./\n\
         RUN npm run build\n",
    );
    let output = plimsoll(root, &["cache-report", "Dockerfile"]);
    assert_eq!(stderr(&output), "");
    insta::assert_snapshot!("copy-parents__cache-report", stdout(&output));

    let reruns = |changed: &str| -> Vec<u64> {
        let output = plimsoll(
            root,
            &[
                "cache-report",
                "--format",
                "json",
                "--changed",
                changed,
                "Dockerfile",
            ],
        );
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        value["reruns"]
            .as_array()
            .expect("reruns")
            .iter()
            .map(|r| r["line"].as_u64().expect("line"))
            .collect()
    };
    assert_eq!(reruns("packages/web/package.json"), [4, 6]);
    assert_eq!(reruns("packages/api/index.js"), [6]);
    // Excluded from the layer: nothing rebuilds.
    assert_eq!(reruns("packages/web/app.test.js"), Vec::<u64>::new());
    assert_eq!(reruns("packages/web/.env"), Vec::<u64>::new());
    // A new file the pattern takes counts, one it does not take does not.
    assert_eq!(reruns("packages/cli/package.json"), [4, 6]);
    assert_eq!(reruns("src/app/main.go"), Vec::<u64>::new());
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).expect("read")
}

#[test]
fn unsafe_fix_creates_dockerignore_and_the_rerun_is_clean() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    let dockerfile = read(&root.join("Dockerfile"));
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "--show-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(
        stderr(&output),
        "fixed: .dockerignore: Add `node_modules` and `.git` to `.dockerignore` (context-bloat)\n"
    );
    // The report after fixing comes from a fresh walk: nothing is left.
    assert_eq!(stdout(&output), "All checks passed.\n");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        read(&root.join(".dockerignore")),
        "# added by plimsoll (context-bloat)\nnode_modules\n.git\n"
    );
    assert_eq!(read(&root.join("Dockerfile")), dockerfile);
    let again = check_json(root, CONTEXT_RULES);
    assert_eq!(
        findings(&again),
        [("entrypoint-script-exec".to_owned(), 16)]
    );
    // A second fix run has nothing to add.
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(stdout(&output), "All checks passed.\n");
    assert_eq!(
        read(&root.join(".dockerignore")),
        "# added by plimsoll (context-bloat)\nnode_modules\n.git\n"
    );
}

#[test]
fn unsafe_fix_extends_an_existing_dockerignore() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    // No final newline, a comment and an exception: all kept as they are.
    tree(root, &[(".dockerignore", "# logs\n*.log\n!keep.log")]);
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "All checks passed.\n");
    assert_eq!(
        read(&root.join(".dockerignore")),
        "# logs\n*.log\n!keep.log\n# added by plimsoll (context-bloat)\nnode_modules\n.git\n"
    );
}

#[test]
fn the_dockerfile_specific_ignore_file_gets_the_lines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    tree(
        root,
        &[
            ("Dockerfile.dockerignore", "*.md\n"),
            (".dockerignore", "README.md\n"),
        ],
    );
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output), "All checks passed.\n");
    assert_eq!(
        read(&root.join("Dockerfile.dockerignore")),
        "*.md\n# added by plimsoll (context-bloat)\nnode_modules\n.git\n"
    );
    assert_eq!(read(&root.join(".dockerignore")), "README.md\n");
}

#[test]
fn safe_fixes_and_diff_never_write_the_ignore_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    // `--fix` alone: the fix is unsafe, so nothing is written and the finding stays.
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--format",
            "json",
            "--fix",
            "Dockerfile",
        ],
    );
    assert_eq!(findings(&output), [("context-bloat".to_owned(), 5)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!root.join(".dockerignore").exists());
    // `--diff`: the new file as a diff, nothing written.
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--diff",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(
        stdout(&output),
        "--- /dev/null\n+++ .dockerignore\n@@ -0,0 +1,3 @@\n\
         +# added by plimsoll (context-bloat)\n+node_modules\n+.git\n"
    );
    assert_eq!(stderr(&output), "Would fix 1 problem(s) in 1 file(s).\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(!root.join(".dockerignore").exists());
    // An existing file: a diff against it, still nothing written.
    tree(root, &[(".dockerignore", "*.log\n")]);
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--diff",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(
        stdout(&output),
        "--- .dockerignore\n+++ .dockerignore\n@@ -1 +1,4 @@\n *.log\n\
         +# added by plimsoll (context-bloat)\n+node_modules\n+.git\n"
    );
    assert_eq!(read(&root.join(".dockerignore")), "*.log\n");
}

#[test]
fn no_ignore_line_that_would_hide_a_named_source() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    filler(root, "web/node_modules/react", 3, 100);
    filler(root, "vendor/node_modules/patched", 2, 100);
    tree(
        root,
        &[(
            "Dockerfile",
            "FROM node:22-slim\nWORKDIR /app\nCOPY . .\n\
             COPY vendor/node_modules/patched /opt/patched\n\
             RUN --mount=type=bind,source=node_modules,target=/app/node_modules npm run build\n",
        )],
    );
    let output = check_json(root, "context-bloat");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    // `node_modules` is mounted by the RUN: no line for it. `**/node_modules`
    // would hide the named `vendor/node_modules/patched`: `web`'s own path instead.
    assert_eq!(
        json[0]["help"],
        "add the lines `.git` and `web/node_modules` to `.dockerignore`; an ignore line for \
         `node_modules` would also hide what this Dockerfile uses"
    );
    assert_eq!(
        json[0]["fix"]["file_changes"][0]["lines"],
        serde_json::json!([".git", "web/node_modules"])
    );
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "node_modules is still sent");
    assert_eq!(
        read(&root.join(".dockerignore")),
        "# added by plimsoll (context-bloat)\n.git\nweb/node_modules\n"
    );

    // When every bloated directory is named somewhere, there is no fix at all.
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    filler(root, "node_modules/left-pad", 3, 100);
    tree(
        root,
        &[
            ("package.json", "{}\n"),
            (
                "Dockerfile",
                "FROM node:22-slim\nCOPY . /app\n\
                 RUN --mount=type=bind,source=node_modules,target=/m ls /m\n",
            ),
        ],
    );
    let output = check_json(root, "context-bloat");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(findings(&output), [("context-bloat".to_owned(), 2)]);
    assert_eq!(json[0]["fix"], serde_json::Value::Null);
    plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert!(!root.join(".dockerignore").exists());
}

#[test]
fn a_fix_is_dropped_when_another_dockerfile_of_the_run_names_the_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    // Same folder, same `.dockerignore`: this one needs node_modules.
    tree(
        root,
        &[(
            "tools.Dockerfile",
            "FROM node:22-slim\nCOPY node_modules/ /opt/node_modules/\n",
        )],
    );
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            ".",
        ],
    );
    assert!(
        stderr(&output).contains(
            "warning: .dockerignore: fix `Add `node_modules` and `.git` to `.dockerignore`` \
             (context-bloat) of ./Dockerfile not applied: it would hide `node_modules`"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!root.join(".dockerignore").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_dockerignore_is_never_written() {
    let outside = tempfile::tempdir().expect("tempdir");
    tree(outside.path(), &[("shared.ignore", "*.log\n")]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    std::os::unix::fs::symlink(
        outside.path().join("shared.ignore"),
        root.join(".dockerignore"),
    )
    .expect("symlink");
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix",
            "--unsafe-fixes",
            "Dockerfile",
        ],
    );
    assert!(
        stderr(&output).contains("is a symbolic link, which plimsoll never writes through"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&outside.path().join("shared.ignore")), "*.log\n");
}

#[test]
fn secret_in_context_fix_names_each_secret_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    python_app(root);
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "secret-in-context,context-bloat",
            "--fix",
            "--unsafe-fixes",
            "--show-fixes",
            "Dockerfile",
        ],
    );
    assert_eq!(
        stdout(&output),
        "All checks passed.\n",
        "{}",
        stderr(&output)
    );
    // Both rules' lines, each under its own comment, after the user's own.
    assert_eq!(
        read(&root.join(".dockerignore")),
        "*.log\n.pytest_cache\n# added by plimsoll (secret-in-context)\n.env\n\
         # added by plimsoll (context-bloat)\n.venv\n**/__pycache__\n"
    );
    // A secret copied by name gets no fix: the line would break the COPY.
    tree(
        root,
        &[
            (".dockerignore", ""),
            ("Dockerfile", "FROM python:3.13-slim\nCOPY .env /srv/.env\n"),
        ],
    );
    let output = check_json(root, "secret-in-context");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(findings(&output), [("secret-in-context".to_owned(), 2)]);
    assert_eq!(json[0]["fix"], serde_json::Value::Null);
}

#[test]
fn reports_carry_the_ignore_file_change() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    tree(root, &[(".dockerignore", "*.log")]);
    let json = check_json(root, "context-bloat");
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(
        json[0]["fix"],
        serde_json::json!({
            "applicability": "unsafe",
            "title": "Add `node_modules` and `.git` to `.dockerignore`",
            "edits": [],
            "file_changes": [{
                "kind": "append-lines",
                "path": ".dockerignore",
                "lines": ["node_modules", ".git"],
                "comment": "# added by plimsoll (context-bloat)",
            }],
        })
    );
    let sarif = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--format",
            "sarif",
            "Dockerfile",
        ],
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF");
    // Appended at the end of the file as it is (5 characters, no final newline).
    assert_eq!(
        sarif["runs"][0]["results"][0]["fixes"],
        serde_json::json!([{
            "description": { "text": "Add `node_modules` and `.git` to `.dockerignore`" },
            "artifactChanges": [{
                "artifactLocation": { "uri": ".dockerignore" },
                "replacements": [{
                    "deletedRegion": { "charOffset": 5, "charLength": 0 },
                    "insertedContent": {
                        "text": "\n# added by plimsoll (context-bloat)\nnode_modules\n.git\n"
                    },
                }],
            }],
        }])
    );
}

#[test]
fn two_dockerfiles_sharing_an_ignore_file_write_each_line_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    node_app(root);
    tree(
        root,
        &[("worker.Dockerfile", "FROM node:22-slim\nCOPY . /app\n")],
    );
    let output = plimsoll(
        root,
        &[
            "check",
            "--select",
            "context-bloat",
            "--fix-only",
            "--unsafe-fixes",
            "--show-fixes",
            ".",
        ],
    );
    assert_eq!(
        stderr(&output),
        "fixed: .dockerignore: Add `node_modules` and `.git` to `.dockerignore` for ./Dockerfile (context-bloat)\n\
         fixed: .dockerignore: Add `node_modules` and `.git` to `.dockerignore` for ./worker.Dockerfile (context-bloat)\n\
         Fixed 2 problem(s) in 1 file(s).\n"
    );
    assert_eq!(
        read(&root.join(".dockerignore")),
        "# added by plimsoll (context-bloat)\nnode_modules\n.git\n"
    );
}

/// A repository that builds `docker/Dockerfile` from its root through
/// `docker/compose.yaml` (`context: ..`).
fn compose_repo(root: &Path) {
    fs::create_dir_all(root.join(".git")).expect("mkdir .git");
    tree(
        root,
        &[
            ("src/app.py", "print()\n"),
            ("notes.txt", "x\n"),
            (".dockerignore", "notes.txt\n"),
            // Not the context root's ignore file: never read (it would
            // leave `src/` empty).
            ("docker/.dockerignore", "src/*.py\n"),
            (
                "docker/Dockerfile",
                "FROM python:3.13-slim\nCOPY src/ /app/\nCOPY notes.txt /app/\nCOPY missing.txt /app/\n",
            ),
            (
                "docker/compose.yaml",
                "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n  db:\n    image: postgres:17\n",
            ),
        ],
    );
}

#[test]
fn a_compose_service_gives_the_build_context() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    compose_repo(root);
    let json = [
        "check",
        "--format",
        "json",
        "--select",
        CONTEXT_RULES,
        "docker/Dockerfile",
    ];
    // `src/` is found at the repository root, the root's `.dockerignore`
    // excludes `notes.txt`, and only the really missing file is missing.
    let output = plimsoll(root, &json);
    assert_eq!(
        findings(&output),
        [
            ("copy-ignored-file".to_owned(), 3),
            ("copy-missing-source".to_owned(), 4)
        ]
    );
    assert_eq!(stderr(&output), "");
    let verbose = plimsoll(
        root,
        &[
            "check",
            "--verbose",
            "--select",
            CONTEXT_RULES,
            "docker/Dockerfile",
        ],
    );
    assert!(
        stderr(&verbose).contains(
            "context: docker/Dockerfile: . (service `web` of docker/compose.yaml; 8 entries sent, \
             1 excluded by ./.dockerignore;"
        ),
        "{}",
        stderr(&verbose)
    );
    // The same from standard input with the file's name.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(root)
        .args(["check", "--format", "json", "--select", CONTEXT_RULES])
        .args(["-", "--stdin-filename", "docker/Dockerfile"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        read(&root.join("docker/Dockerfile")).as_bytes(),
    )
    .expect("write stdin");
    let piped = child.wait_with_output().expect("wait");
    assert_eq!(findings(&piped), findings(&output));

    // `--context` still wins: the Dockerfile's folder has none of the sources.
    let explicit = plimsoll(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "--context",
            "docker",
            "docker/Dockerfile",
        ],
    );
    assert_eq!(
        findings(&explicit),
        [
            ("copy-missing-source".to_owned(), 2),
            ("copy-missing-source".to_owned(), 3),
            ("copy-missing-source".to_owned(), 4)
        ]
    );

    // Run from the Dockerfile's folder: the context is the absolute root.
    let inside = plimsoll(
        &root.join("docker"),
        &[
            "check",
            "--format",
            "json",
            "--select",
            CONTEXT_RULES,
            "Dockerfile",
        ],
    );
    assert_eq!(findings(&inside), findings(&output));

    // A service that builds another Dockerfile is not this one's: today's
    // behaviour, the folder is assumed and dropped with one warning.
    tree(
        root,
        &[(
            "docker/compose.yaml",
            "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/web.Dockerfile\n",
        )],
    );
    let other = plimsoll(root, &json);
    assert_eq!(findings(&other), []);
    assert!(
        stderr(&other)
            .contains("none of the 3 COPY/ADD sources named in this file exist in docker"),
        "{}",
        stderr(&other)
    );

    // No Compose file at all: the same.
    fs::remove_file(root.join("docker/compose.yaml")).expect("rm");
    let none = plimsoll(root, &json);
    assert_eq!(findings(&none), []);
    assert_eq!(stderr(&none), stderr(&other));
}

#[test]
fn a_broken_or_ambiguous_compose_file_falls_back_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    compose_repo(root);
    let json = [
        "check",
        "--format",
        "json",
        "--select",
        CONTEXT_RULES,
        "docker/Dockerfile",
    ];
    tree(
        root,
        &[(
            "docker/compose.yaml",
            "services:\n  web:\n    build:\n      context: ..\n     dockerfile: [\n",
        )],
    );
    let broken = plimsoll(root, &json);
    assert_eq!(broken.status.code(), Some(0), "{}", stderr(&broken));
    assert_eq!(findings(&broken), []);
    let err = stderr(&broken);
    assert!(
        err.contains("docker/compose.yaml:5: invalid Compose file:"),
        "{err}"
    );
    assert!(err.contains("its build contexts are not used"), "{err}");
    assert!(err.contains("none of the 3 COPY/ADD sources"), "{err}");

    // A Compose file higher up is still read when the nearer one is broken.
    tree(
        root,
        &[(
            "compose.yml",
            "services:\n  api:\n    build:\n      dockerfile: docker/Dockerfile\n",
        )],
    );
    let higher = plimsoll(root, &json);
    assert_eq!(
        findings(&higher),
        [
            ("copy-ignored-file".to_owned(), 3),
            ("copy-missing-source".to_owned(), 4)
        ]
    );
    assert!(stderr(&higher).contains("docker/compose.yaml:5: invalid Compose file:"));

    // Two services build the Dockerfile with different contexts: none is used.
    fs::remove_file(root.join("compose.yml")).expect("rm");
    tree(
        root,
        &[(
            "docker/compose.yaml",
            "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n  local:\n    build: .\n",
        )],
    );
    let ambiguous = plimsoll(root, &json);
    assert_eq!(findings(&ambiguous), []);
    assert!(
        stderr(&ambiguous)
            .contains("services `web` and `local` build this Dockerfile with different contexts"),
        "{}",
        stderr(&ambiguous)
    );

    // A variable in the build paths: the service is skipped, nothing is expanded.
    tree(
        root,
        &[(
            "docker/compose.yaml",
            "services:\n  web:\n    build:\n      context: ${ROOT:-..}\n      dockerfile: docker/Dockerfile\n",
        )],
    );
    let variable = plimsoll_env(root, &json, &[("ROOT", "..")]);
    assert_eq!(findings(&variable), []);
    assert!(stderr(&variable).contains("none of the 3 COPY/ADD sources"));

    // A context folder that does not exist (with an absolute `dockerfile`):
    // a warning, and the Dockerfile's folder as without Compose.
    let absolute = root.join("docker/Dockerfile");
    tree(
        root,
        &[(
            "docker/compose.yaml",
            &format!(
                "services:\n  web:\n    build:\n      context: ../nowhere\n      dockerfile: {}\n",
                absolute.display()
            ),
        )],
    );
    let unreadable = plimsoll(root, &json);
    assert_eq!(unreadable.status.code(), Some(0), "{}", stderr(&unreadable));
    assert_eq!(findings(&unreadable), []);
    let err = stderr(&unreadable);
    assert!(
        err.contains(
            "docker/compose.yaml: build context nowhere of service `web`: No such file or \
             directory"
        ),
        "{err}"
    );
    assert!(err.contains("none of the 3 COPY/ADD sources"), "{err}");
}

#[test]
fn cache_report_and_optimize_use_the_compose_context() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    fs::create_dir_all(root.join(".git")).expect("mkdir .git");
    tree(
        root,
        &[
            ("package.json", "{}\n"),
            ("yarn.lock", "\n"),
            ("index.js", "run()\n"),
            (".dockerignore", "node_modules\n"),
            (
                "deploy/app.Dockerfile",
                "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\n",
            ),
            (
                "docker-compose.yml",
                "services:\n  app:\n    build:\n      context: .\n      dockerfile: ./deploy/app.Dockerfile\n",
            ),
        ],
    );
    let report = plimsoll(root, &["cache-report", "deploy/app.Dockerfile"]);
    assert_eq!(stderr(&report), "");
    let text = stdout(&report);
    assert!(
        text.starts_with(
            "deploy/app.Dockerfile (context . of service `app` in docker-compose.yml, ignore file \
             ./.dockerignore)\n"
        ),
        "{text}"
    );
    assert!(text.contains("6 files (180 B)"), "{text}");
    let json = plimsoll(
        root,
        &[
            "cache-report",
            "deploy/app.Dockerfile",
            "--format",
            "json",
            "--changed",
            "index.js",
        ],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value["context"], ".");
    assert_eq!(
        value["compose"],
        serde_json::json!({"file": "docker-compose.yml", "service": "app"})
    );
    assert_eq!(
        value["reruns"],
        serde_json::json!([{"stage": 0, "line": 4}])
    );

    let optimized = plimsoll(
        root,
        &["optimize", "--plan", "json", "deploy/app.Dockerfile"],
    );
    assert_eq!(optimized.status.code(), Some(0), "{}", stderr(&optimized));
    assert_eq!(
        stdout(&optimized),
        "FROM node:22\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\nCOPY . .\n"
    );
    let plan: serde_json::Value = serde_json::from_str(&stderr(&optimized)).expect("plan");
    assert_eq!(plan["context"]["read"], true);
    assert_eq!(plan["context"]["root"], ".");
    assert_eq!(plan["context"]["compose"]["service"], "app");
    let text = plimsoll(root, &["optimize", "--diff", "deploy/app.Dockerfile"]);
    assert!(
        stderr(&text).contains(
            "context: . (service `app` of docker-compose.yml; ignore file ./.dockerignore)"
        ),
        "{}",
        stderr(&text)
    );
}
