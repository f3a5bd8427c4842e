//! The optimizer: before/after pairs in `fixtures/optimize/`, and the whole
//! corpus (never breaks the parse, optimizing twice changes nothing).
//!
//! A fixture `NAME.Dockerfile` is optimized and compared with
//! `NAME.optimized.Dockerfile`. Names starting with `cache-mounts-` or
//! `link-` turn on that option. A fixture that must not change has no
//! `.optimized` file. `PLIMSOLL_UPDATE_OPTIMIZE=1` rewrites the expected
//! files: read every one before committing it.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use plimsoll_linter::lint;
use plimsoll_linter::optimize::{optimize, OptimizeOptions};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/optimize"
    ))
}

fn options_for(name: &str) -> OptimizeOptions {
    OptimizeOptions {
        cache_mounts: name.starts_with("cache-mounts-"),
        link: name.starts_with("link-"),
    }
}

fn findings(source: &str) -> usize {
    let settings = support::all_rules();
    let file = plimsoll_syntax::parse(source);
    lint(source, &file, &settings.resolve(), &settings.options)
        .diagnostics
        .len()
}

#[test]
fn optimize_fixtures_match_their_expected_output() {
    let mut inputs: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".Dockerfile") && !name.ends_with(".optimized.Dockerfile")
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "fixtures missing");
    let (mut before_total, mut after_total) = (0, 0);
    for input in inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name.trim_end_matches(".Dockerfile");
        let source = fs::read_to_string(&input).unwrap();
        let options = options_for(stem);
        let result = optimize(&source, &options);
        let expected_path = input.with_file_name(format!("{stem}.optimized.Dockerfile"));
        // PLIMSOLL_UPDATE_OPTIMIZE=1 writes the expected files (read them before committing).
        if std::env::var_os("PLIMSOLL_UPDATE_OPTIMIZE").is_some() {
            if result.changed() {
                fs::write(&expected_path, &result.source).unwrap();
            } else if expected_path.exists() {
                fs::remove_file(&expected_path).unwrap();
            }
        }
        let expected = if expected_path.exists() {
            fs::read_to_string(&expected_path).unwrap()
        } else {
            source.clone()
        };
        assert_eq!(result.source, expected, "{name}: plan {:#?}", result.steps);
        assert_eq!(result.changed(), source != expected, "{name}");
        let errors = |s: &str| plimsoll_syntax::parse(s).errors.len();
        assert!(
            errors(&result.source) <= errors(&source),
            "{name}: parse broke"
        );
        let again = optimize(&result.source, &options);
        assert!(
            !again.changed(),
            "{name}: not idempotent: {:#?}",
            again.steps
        );
        let (before, after) = (findings(&source), findings(&result.source));
        assert!(after <= before, "{name}: findings {before} -> {after}");
        if result.changed() {
            before_total += before;
            after_total += after;
            // Every step says what it did and why, with numbers that add up.
            let mut layers = result.before.layers;
            for step in &result.steps {
                assert!(!step.title.is_empty() && !step.why.is_empty(), "{name}");
                assert_eq!(step.layers_before, layers, "{name}: {step:?}");
                layers = step.layers_after;
            }
            assert_eq!(layers, result.after.layers, "{name}");
        }
    }
    println!("optimize fixtures: findings {before_total} -> {after_total}");
    assert!(after_total < before_total);
}

fn lone_carriage_returns(text: &str) -> usize {
    text.as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(text.ends_with('\r'))
}

#[test]
fn optimize_never_breaks_a_corpus_file_and_is_idempotent() {
    let Some(files) = support::corpus_files() else {
        return;
    };
    let all_options = OptimizeOptions {
        cache_mounts: true,
        link: true,
    };
    let mut problems = Vec::new();
    let mut changed = [0usize; 2];
    let mut per_transformation: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut layers_before, mut layers_after) = (0, 0);
    let (mut rebuilt_before, mut rebuilt_after) = (0, 0);
    for path in &files {
        let bytes = fs::read(path).unwrap();
        let Ok(source) = plimsoll_syntax::decode(&bytes) else {
            continue;
        };
        let errors = plimsoll_syntax::parse(source).errors.len();
        for (slot, options) in [OptimizeOptions::default(), all_options].iter().enumerate() {
            let result = optimize(source, options);
            if !result.changed() {
                continue;
            }
            changed[slot] += 1;
            if slot == 0 {
                for step in &result.steps {
                    *per_transformation.entry(step.transformation).or_default() += 1;
                }
                layers_before += result.before.layers;
                layers_after += result.after.layers;
                rebuilt_before += result.before.rebuilt_on_source_change;
                rebuilt_after += result.after.rebuilt_on_source_change;
            }
            if plimsoll_syntax::parse(&result.source).errors.len() > errors {
                problems.push(format!("{}: optimizing broke the parse", path.display()));
            }
            // Line endings survive: no carriage return is left without its line feed.
            if lone_carriage_returns(&result.source) > lone_carriage_returns(source) {
                problems.push(format!("{}: a CRLF line ending was split", path.display()));
            }
            let again = optimize(&result.source, options);
            if again.changed() {
                problems.push(format!(
                    "{}: not idempotent ({:?}): {:?}",
                    path.display(),
                    options,
                    again.steps.iter().map(|s| &s.title).collect::<Vec<_>>()
                ));
            }
        }
    }
    println!(
        "optimize: {} of {} corpus files changed ({} with --cache-mounts --link); layers {layers_before} -> {layers_after}, rebuilt on a source change {rebuilt_before} -> {rebuilt_after}; idempotence failures: {}",
        changed[0],
        files.len(),
        changed[1],
        problems.len()
    );
    for (transformation, count) in &per_transformation {
        println!("{count:>7}  {transformation}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// --- The build context: what the manifests-first split copies, and when it is not made.

use plimsoll_linter::context::{BuildContext, ContextOrigin, WalkLimits};
use plimsoll_linter::optimize::{
    assumed_context_mismatch, optimize_with_context, read_manifests, OptimizeContext, Optimized,
};

/// A context folder with `files` (path, content) and a Dockerfile.
fn context_with(files: &[(&str, &str)], dockerfile: &str) -> (tempfile::TempDir, BuildContext) {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    let file = dir.path().join("Dockerfile");
    fs::write(&file, dockerfile).unwrap();
    let mut context = BuildContext::load(
        dir.path(),
        Some(&file),
        ContextOrigin::Explicit,
        &WalkLimits::default(),
    )
    .unwrap();
    read_manifests(&mut context, dockerfile);
    (dir, context)
}

fn optimize_in(context: &BuildContext, source: &str) -> Optimized {
    let result = optimize_with_context(
        source,
        &OptimizeOptions::default(),
        OptimizeContext::Read(context),
    );
    // The context-aware output is as idempotent as the rest.
    let again = optimize_with_context(
        &result.source,
        &OptimizeOptions::default(),
        OptimizeContext::Read(context),
    );
    assert!(!again.changed(), "not idempotent: {:#?}", again.steps);
    result
}

const NODE_YARN: &str = "\
FROM node:22-slim
WORKDIR /app
COPY . .
RUN yarn install --frozen-lockfile
CMD [\"node\", \"index.js\"]
";

#[test]
fn split_copies_yarn_lock_when_the_context_has_it() {
    let (_dir, context) = context_with(
        &[
            ("package.json", "{}"),
            ("yarn.lock", ""),
            ("index.js", ""),
            (".dockerignore", "node_modules\n.git\n"),
        ],
        NODE_YARN,
    );
    let result = optimize_in(&context, NODE_YARN);
    assert_eq!(
        result.source,
        "\
FROM node:22-slim
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile
COPY . .
CMD [\"node\", \"index.js\"]
"
    );
    assert!(result.context.read);
    let [install] = result.context.installs.as_slice() else {
        panic!("{:#?}", result.context)
    };
    assert!(install.split);
    assert_eq!(install.line, 3);
    assert_eq!(install.found, ["package.json", "yarn.lock"]);
    assert!(install.sent_folders.is_empty());
    let step = &result.steps[0];
    assert_eq!(step.transformation, "split-context-copy");
    assert!(
        !step.assumes.as_deref().unwrap().contains("node_modules"),
        "{step:?}"
    );
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["context"]["read"], true);
    assert_eq!(json["context"]["installs"][0]["found"][1], "yarn.lock");
}

#[test]
fn yarn_is_left_alone_without_a_context_and_with_yarn_2() {
    let without = optimize(NODE_YARN, &OptimizeOptions::default());
    assert!(!without.changed());
    assert!(!without.context.read);
    let (_dir, context) = context_with(
        &[
            ("package.json", "{}"),
            ("yarn.lock", ""),
            (".yarnrc.yml", "yarnPath: .yarn/releases/yarn-4.cjs\n"),
            (".yarn/releases/yarn-4.cjs", ""),
            (".dockerignore", "node_modules\n"),
        ],
        NODE_YARN,
    );
    let result = optimize_in(&context, NODE_YARN);
    assert!(!result.changed(), "{}", result.source);
    assert!(result.context.installs[0].reason.contains("Yarn 2"));
}

#[test]
fn npm_split_names_the_lock_and_npmrc_that_exist() {
    let source = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let (_dir, context) = context_with(
        &[
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            (".npmrc", "registry=https://npm.example.com/\n"),
            (".dockerignore", "**/node_modules\n"),
        ],
        source,
    );
    let result = optimize_in(&context, source);
    assert_eq!(
        result.source,
        "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json .npmrc ./\nRUN npm ci\nCOPY . .\n"
    );
    assert_eq!(
        result.context.installs[0].absent,
        ["npm-shrinkwrap.json"],
        "{:#?}",
        result.context
    );
}

#[test]
fn split_is_not_made_when_the_context_sends_node_modules() {
    let source = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let (_dir, context) = context_with(
        &[
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("node_modules/left-pad/index.js", ""),
            (".dockerignore", "*.log\n"),
        ],
        source,
    );
    let result = optimize_in(&context, source);
    assert_eq!(result.source, source);
    let install = &result.context.installs[0];
    assert!(!install.split);
    assert_eq!(install.sent_folders, ["node_modules"]);
    assert!(
        install.reason.contains("host's `node_modules/`"),
        "{install:?}"
    );
    let suggestion = result
        .suggestions
        .iter()
        .find(|s| s.transformation == "split-context-copy")
        .unwrap();
    assert!(
        suggestion.message.contains("node_modules"),
        "{suggestion:?}"
    );
}

#[test]
fn split_notes_an_unignored_node_modules_that_is_not_there_yet() {
    let source = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let (_dir, context) = context_with(
        &[("package.json", "{}"), ("package-lock.json", "{}")],
        source,
    );
    let result = optimize_in(&context, source);
    assert!(result.changed());
    let assumes = result.steps[0].assumes.as_deref().unwrap();
    assert!(
        assumes.contains("`node_modules/` is not in .dockerignore"),
        "{assumes}"
    );
}

const PYTHON: &str = "\
FROM python:3.12-slim
WORKDIR /srv
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD [\"python\", \"app.py\"]
";

#[test]
fn split_is_not_made_when_requirements_txt_is_missing() {
    let (dir, context) = context_with(&[("app.py", ""), ("setup.cfg", "")], PYTHON);
    let result = optimize_in(&context, PYTHON);
    assert_eq!(result.source, PYTHON);
    let install = &result.context.installs[0];
    assert!(!install.split);
    assert_eq!(install.absent, ["requirements.txt"]);
    assert_eq!(
        install.reason,
        format!(
            "not split: `requirements.txt` is not in the build context {}: the install needs it",
            dir.path().display()
        )
    );
    // Without the context the split is made, as before.
    assert!(optimize(PYTHON, &OptimizeOptions::default()).changed());
}

#[test]
fn split_is_not_made_when_dockerignore_excludes_the_requirements() {
    let (_dir, context) = context_with(
        &[
            ("app.py", ""),
            ("requirements.txt", "flask\n"),
            (".dockerignore", "*.txt\n"),
        ],
        PYTHON,
    );
    let result = optimize_in(&context, PYTHON);
    assert_eq!(result.source, PYTHON);
    let install = &result.context.installs[0];
    assert_eq!(install.ignored, ["requirements.txt"]);
    assert!(
        install
            .reason
            .contains("excluded by .dockerignore line 1 (`*.txt`)"),
        "{install:?}"
    );
}

#[test]
fn split_is_made_when_requirements_txt_is_there() {
    let (_dir, context) = context_with(
        &[
            ("app.py", ""),
            ("requirements.txt", "flask\n"),
            (".git/HEAD", ""),
        ],
        PYTHON,
    );
    let result = optimize_in(&context, PYTHON);
    assert!(result.source.contains("COPY requirements.txt ./\n"));
    assert_eq!(result.context.installs[0].sent_folders, [".git"]);
    assert!(result
        .suggestions
        .iter()
        .any(|s| s.transformation == "dockerignore" && s.message.contains("`.git/`")));
}

#[test]
fn a_dockerfile_folder_without_the_manifests_is_not_taken_as_the_context() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    fs::write(&file, PYTHON).unwrap();
    fs::write(dir.path().join("app.py"), "").unwrap();
    let load = || {
        BuildContext::load(
            dir.path(),
            Some(&file),
            ContextOrigin::DockerfileFolder,
            &WalkLimits::default(),
        )
        .unwrap()
    };
    let note = assumed_context_mismatch(&load(), PYTHON).expect("a mismatch");
    assert!(note.contains("`requirements.txt`"), "{note}");
    fs::write(dir.path().join("requirements.txt"), "flask\n").unwrap();
    assert_eq!(assumed_context_mismatch(&load(), PYTHON), None);
}

#[test]
fn split_is_not_made_when_package_json_runs_install_scripts() {
    let source = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let package = r#"{"name": "app", "scripts": {"postinstall": "node build.js", "test": "x"}}"#;
    let files = [
        ("package.json", package),
        ("package-lock.json", "{}"),
        (".dockerignore", "node_modules\n"),
    ];
    let (_dir, context) = context_with(&files, source);
    let result = optimize_in(&context, source);
    assert_eq!(result.source, source);
    assert!(
        result.context.installs[0]
            .reason
            .contains("has a `postinstall` script that the install runs"),
        "{:#?}",
        result.context
    );
    // With --ignore-scripts the scripts do not run: the split is made.
    let quiet = source.replace("npm ci", "npm ci --ignore-scripts");
    let (_dir, context) = context_with(&files, &quiet);
    assert!(optimize_in(&context, &quiet).changed());
}

#[test]
fn split_is_not_made_for_workspaces_or_local_packages() {
    let source = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    for (package, expected) in [
        (r#"{"workspaces": ["packages/*"]}"#, "declares workspaces"),
        (
            r#"{"dependencies": {"shared": "file:../shared", "express": "^4"}}"#,
            "installs `shared` from a local path (file:../shared)",
        ),
    ] {
        let (_dir, context) = context_with(
            &[
                ("package.json", package),
                (".dockerignore", "node_modules\n"),
            ],
            source,
        );
        let result = optimize_in(&context, source);
        assert_eq!(result.source, source, "{package}");
        let reason = &result.context.installs[0].reason;
        assert!(reason.contains(expected), "{reason}");
    }
}

#[test]
fn split_is_not_made_when_requirements_install_the_project_itself() {
    for (requirements, expected) in [
        ("flask\n-e .\n", "installs from a local path (`-e .`)"),
        (
            "-r base.txt\ngunicorn\n",
            "includes another file (`-r base.txt`)",
        ),
        (
            "--find-links ./wheels\nmylib\n",
            "installs from a local path",
        ),
    ] {
        let (_dir, context) = context_with(
            &[("requirements.txt", requirements), ("base.txt", "flask\n")],
            PYTHON,
        );
        let result = optimize_in(&context, PYTHON);
        assert_eq!(result.source, PYTHON, "{requirements}");
        let reason = &result.context.installs[0].reason;
        assert!(reason.contains(expected), "{reason}");
    }
}

#[test]
fn split_of_a_copied_folder_looks_for_the_manifests_inside_it() {
    let source =
        "FROM python:3.12\nWORKDIR /srv\nCOPY app/ .\nRUN pip install -r requirements.txt\n";
    let (_dir, context) = context_with(&[("app/requirements.txt", "flask\n")], source);
    let result = optimize_in(&context, source);
    assert_eq!(
        result.source,
        "FROM python:3.12\nWORKDIR /srv\nCOPY app/requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY app/ .\n"
    );
    assert_eq!(result.context.installs[0].found, ["app/requirements.txt"]);
    // Only that file is copied first, so a file it includes would be missing.
    let (_dir, context) = context_with(
        &[
            ("app/requirements.txt", "-r base.txt\n"),
            ("app/base.txt", "flask\n"),
        ],
        source,
    );
    let result = optimize_in(&context, source);
    assert_eq!(result.source, source);
    assert!(result.context.installs[0].reason.contains("`-r base.txt`"));
}

#[test]
fn go_split_copies_go_sum_and_stops_at_local_replacements() {
    let source = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod download\n";
    let (_dir, context) = context_with(
        &[("go.mod", "module x\n"), ("go.sum", ""), ("main.go", "")],
        source,
    );
    let result = optimize_in(&context, source);
    assert!(
        result.source.contains("COPY go.mod go.sum ./\n"),
        "{}",
        result.source
    );
    let (_dir, context) = context_with(
        &[
            (
                "go.mod",
                "module x\nreplace example.com/lib => ./lib // vendored\n",
            ),
            ("go.sum", ""),
        ],
        source,
    );
    let result = optimize_in(&context, source);
    assert_eq!(result.source, source);
    assert!(result.context.installs[0]
        .reason
        .contains("local folder `./lib`"));
}
