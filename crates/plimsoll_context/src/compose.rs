//! The build context a Compose file gives a Dockerfile.
//!
//! Many projects keep `docker/Dockerfile` and build it from the repository
//! root through Compose (`build: {context: .., dockerfile: docker/Dockerfile}`).
//! When no context is named, [`find_compose_context`] looks for a Compose file
//! in the Dockerfile's folder and its ancestors and, when one of its services
//! builds this Dockerfile, returns that service's context.
//!
//! Only the file is read: nothing from it is executed, `${VAR}` is never
//! expanded (a service with a variable in its build paths is skipped), a
//! remote context (URL, git address) is ignored, and a file that cannot be
//! read or parsed is a note, never an error.

use std::path::{Component, Path, PathBuf};

use serde_yaml_ng::Value;

/// The file names Docker Compose looks for, in its order of preference
/// (compose-go's `DefaultFileNames`).
pub const COMPOSE_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// How many folders above the Dockerfile's are searched at most.
const MAX_LEVELS: usize = 32;

/// Compose files larger than this are not read.
const MAX_COMPOSE_BYTES: u64 = 1 << 20;

/// A service whose `build` names the Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeService {
    /// The Compose file.
    pub file: PathBuf,
    /// The service's name.
    pub service: String,
    /// Its build context (absolute, cleaned).
    pub context: PathBuf,
}

/// What the search found: the context to use, if any, and what the user
/// should hear (a broken Compose file, services that disagree).
#[derive(Debug, Default)]
pub struct ComposeLookup {
    /// The service whose context to use.
    pub found: Option<ComposeService>,
    /// Warnings, each naming the Compose file (and line when known).
    pub notes: Vec<String>,
}

/// Looks for a Compose file naming `dockerfile` in its folder and the folders
/// above, stopping after the first folder with a `.git` (the repository
/// root), at the filesystem root, or after [`MAX_LEVELS`] folders. In each
/// folder only the preferred Compose file is read, as Compose itself does;
/// the first one with a service building `dockerfile` decides.
pub fn find_compose_context(dockerfile: &Path) -> ComposeLookup {
    let mut lookup = ComposeLookup::default();
    let Some(dockerfile) = absolute(dockerfile) else {
        return lookup;
    };
    let Some(mut folder) = dockerfile.parent() else {
        return lookup;
    };
    for _ in 0..MAX_LEVELS {
        if let Some(file) = COMPOSE_FILE_NAMES
            .iter()
            .map(|name| folder.join(name))
            .find(|path| path.is_file())
        {
            match read_compose(&file) {
                Ok(text) => match services_building(&file, &text, &dockerfile) {
                    Ok(matches) if matches.is_empty() => {}
                    Ok(matches) => {
                        // Services that disagree give no context, and a file
                        // further up is not asked either.
                        lookup.found = choose(&file, matches, &mut lookup.notes);
                        return lookup;
                    }
                    Err(note) => lookup.notes.push(note),
                },
                Err(note) => lookup.notes.push(note),
            }
        }
        if folder.join(".git").exists() {
            break;
        }
        match folder.parent() {
            Some(parent) => folder = parent,
            None => break,
        }
    }
    lookup
}

/// One service when the services building the Dockerfile agree on its
/// context; none (with a note) when they disagree.
fn choose(
    file: &Path,
    matches: Vec<ComposeService>,
    notes: &mut Vec<String>,
) -> Option<ComposeService> {
    let first = matches.first()?;
    let first_key = comparable(&first.context);
    let other = matches.iter().find(|m| comparable(&m.context) != first_key);
    match other {
        None => matches.into_iter().next(),
        Some(other) => {
            notes.push(format!(
                "{}: services `{}` and `{}` build this Dockerfile with different contexts \
                 ({} and {}); none is used (pass --context DIR)",
                relative_to_cwd(file).display(),
                first.service,
                other.service,
                relative_to_cwd(&first.context).display(),
                relative_to_cwd(&other.context).display()
            ));
            None
        }
    }
}

fn read_compose(file: &Path) -> Result<String, String> {
    let shown = relative_to_cwd(file);
    let metadata = std::fs::metadata(file).map_err(|e| format!("{}: {e}", shown.display()))?;
    if metadata.len() > MAX_COMPOSE_BYTES {
        return Err(format!(
            "{}: Compose file larger than {} bytes; not read",
            shown.display(),
            MAX_COMPOSE_BYTES
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", shown.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: Compose file is not UTF-8", shown.display()))
}

/// The services of the Compose file `file` (with text `text`) whose `build`
/// names `dockerfile` (absolute), in the order of the file. An error is a
/// note naming the file and, for a YAML error, the line.
pub fn services_building(
    file: &Path,
    text: &str,
    dockerfile: &Path,
) -> Result<Vec<ComposeService>, String> {
    let shown = relative_to_cwd(file);
    let mut value: Value = serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e
            .location()
            .map(|l| format!(":{}", l.line()))
            .unwrap_or_default();
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(at) => &message[..at],
            None => &message,
        };
        format!(
            "{}{line}: invalid Compose file: {message}; its build contexts are not used",
            shown.display()
        )
    })?;
    // `<<: *defaults`, common in Compose files for shared build settings.
    value.apply_merge().map_err(|e| {
        format!(
            "{}: invalid Compose file: {e}; its build contexts are not used",
            shown.display()
        )
    })?;
    let Some(compose_dir) = absolute(file).and_then(|f| f.parent().map(Path::to_path_buf)) else {
        return Ok(Vec::new());
    };
    let services = match value.get("services") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Mapping(services)) => services,
        Some(_) => {
            return Err(format!(
                "{}: invalid Compose file: `services` is not a mapping; its build contexts are \
                 not used",
                shown.display()
            ))
        }
    };
    let target = comparable(dockerfile);
    let mut found = Vec::new();
    for (name, service) in services {
        let Some(name) = name.as_str() else { continue };
        let Some((context, dockerfile_name)) = build_paths(service.get("build")) else {
            continue;
        };
        let context = clean(&compose_dir.join(context));
        let built = clean(&context.join(dockerfile_name));
        if comparable(&built) == target {
            found.push(ComposeService {
                file: file.to_path_buf(),
                service: name.to_owned(),
                context,
            });
        }
    }
    Ok(found)
}

/// `(context, dockerfile)` of a service's `build`, as written; `None` for no
/// build, a remote context, an inline Dockerfile, a variable, or a shape
/// Compose would refuse.
fn build_paths(build: Option<&Value>) -> Option<(&str, &str)> {
    let (context, dockerfile) = match build? {
        Value::String(context) => (context.as_str(), "Dockerfile"),
        Value::Mapping(build) => {
            if build.get("dockerfile_inline").is_some() {
                return None;
            }
            let context = match build.get("context") {
                None | Some(Value::Null) => ".",
                Some(Value::String(context)) => context.as_str(),
                Some(_) => return None,
            };
            let dockerfile = match build.get("dockerfile") {
                None | Some(Value::Null) => "Dockerfile",
                Some(Value::String(dockerfile)) => dockerfile.as_str(),
                Some(_) => return None,
            };
            (context, dockerfile)
        }
        _ => return None,
    };
    if context.is_empty() || dockerfile.is_empty() || is_remote(context) {
        return None;
    }
    if context.contains('$') || dockerfile.contains('$') {
        return None;
    }
    Some((context, dockerfile))
}

/// A context BuildKit fetches rather than reads from disk.
fn is_remote(context: &str) -> bool {
    let lower = context.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("git@")
        || lower.starts_with("github.com/")
        || lower.ends_with(".git")
        || lower.contains(".git#")
}

/// `path` made absolute against the current directory and cleaned.
fn absolute(path: &Path) -> Option<PathBuf> {
    if path.is_absolute() {
        return Some(clean(path));
    }
    let cwd = std::env::current_dir().ok()?;
    Some(clean(&cwd.join(path)))
}

/// `.` and `..` removed without reading the disk.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the current directory when it lies inside it (`.` for
/// the directory itself), else as given: paths in messages read like the
/// command line.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    match path.strip_prefix(&cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Ok(relative) => relative.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// The form in which two paths are compared: the real path when it exists
/// (symlinks resolved), else the cleaned one.
fn comparable(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| clean(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, contents: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, contents).expect("write");
    }

    /// A repository root (with `.git`) in a tempdir.
    fn repo() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().expect("tempdir");
        fs::create_dir(tmp.path().join(".git")).expect("mkdir .git");
        tmp
    }

    fn names(found: &[ComposeService]) -> Vec<&str> {
        found.iter().map(|s| s.service.as_str()).collect()
    }

    #[test]
    fn short_form_is_the_context_folder_with_its_dockerfile() {
        let tmp = repo();
        let root = tmp.path();
        write(root, "db/Dockerfile", "FROM postgres\n");
        write(root, "compose.yaml", "services:\n  db:\n    build: ./db\n");
        let lookup = find_compose_context(&root.join("db/Dockerfile"));
        let found = lookup.found.expect("found");
        assert_eq!(found.service, "db");
        assert_eq!(found.context, root.join("db"));
        assert_eq!(found.file, root.join("compose.yaml"));
        assert!(lookup.notes.is_empty());
        // Another Dockerfile in that folder is not the one built.
        write(root, "db/other.Dockerfile", "FROM postgres\n");
        assert!(find_compose_context(&root.join("db/other.Dockerfile"))
            .found
            .is_none());
    }

    #[test]
    fn long_form_resolves_dockerfile_relative_to_the_context() {
        let tmp = repo();
        let root = tmp.path();
        write(root, "docker/Dockerfile", "FROM alpine\n");
        write(
            root,
            "docker/compose.yaml",
            "services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile\n",
        );
        let lookup = find_compose_context(&root.join("docker/Dockerfile"));
        let found = lookup.found.expect("found");
        assert_eq!(found.service, "web");
        assert_eq!(found.context, root);
        // `dockerfile` relative to the Compose file's folder is not this file.
        write(
            root,
            "docker/compose.yaml",
            "services:\n  web:\n    build:\n      context: ..\n      dockerfile: Dockerfile\n",
        );
        assert!(find_compose_context(&root.join("docker/Dockerfile"))
            .found
            .is_none());
    }

    #[test]
    fn the_search_climbs_to_the_repository_root_and_no_further() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outer = tmp.path();
        write(
            outer,
            "compose.yaml",
            "services:\n  app:\n    build:\n      context: repo\n      dockerfile: deploy/api/Dockerfile\n",
        );
        write(outer, "repo/deploy/api/Dockerfile", "FROM alpine\n");
        // Without a `.git`, the file two levels up is found.
        let found = find_compose_context(&outer.join("repo/deploy/api/Dockerfile"))
            .found
            .expect("found");
        assert_eq!(found.context, outer.join("repo"));
        // The repository root is the last folder searched.
        fs::create_dir(outer.join("repo/.git")).expect("mkdir");
        assert!(
            find_compose_context(&outer.join("repo/deploy/api/Dockerfile"))
                .found
                .is_none()
        );
    }

    #[test]
    fn compose_names_are_tried_in_compose_order() {
        let tmp = repo();
        let root = tmp.path();
        write(root, "Dockerfile", "FROM alpine\n");
        write(
            root,
            "docker-compose.yml",
            "services:\n  old:\n    build: .\n",
        );
        write(root, "compose.yaml", "services:\n  new:\n    build: .\n");
        let found = find_compose_context(&root.join("Dockerfile"))
            .found
            .expect("found");
        assert_eq!(found.service, "new");
        assert_eq!(found.file, root.join("compose.yaml"));
    }

    #[test]
    fn several_services_agree_or_none_is_used() {
        let tmp = repo();
        let root = tmp.path();
        write(root, "app/Dockerfile", "FROM alpine\n");
        let agree = "services:\n  api:\n    build: ./app\n  worker:\n    build:\n      context: app/\n      dockerfile: ./Dockerfile\n  other:\n    build: ./elsewhere\n";
        let file = root.join("compose.yaml");
        let found = services_building(&file, agree, &root.join("app/Dockerfile")).expect("ok");
        assert_eq!(names(&found), ["api", "worker"]);
        write(root, "compose.yaml", agree);
        let lookup = find_compose_context(&root.join("app/Dockerfile"));
        assert_eq!(lookup.found.expect("found").service, "api");
        assert!(lookup.notes.is_empty());
        // Different contexts for the same Dockerfile: none, and a note.
        write(
            root,
            "compose.yaml",
            "services:\n  api:\n    build: ./app\n  all:\n    build:\n      context: .\n      dockerfile: app/Dockerfile\n",
        );
        let lookup = find_compose_context(&root.join("app/Dockerfile"));
        assert!(lookup.found.is_none());
        assert_eq!(lookup.notes.len(), 1);
        assert!(
            lookup.notes[0].contains("services `api` and `all` build this Dockerfile"),
            "{:?}",
            lookup.notes
        );
    }

    #[test]
    fn variables_urls_and_inline_dockerfiles_are_skipped() {
        let tmp = repo();
        let root = tmp.path();
        let dockerfile = root.join("Dockerfile");
        let file = root.join("compose.yaml");
        for text in [
            "services:\n  a:\n    build: ${CONTEXT:-.}\n",
            "services:\n  a:\n    build:\n      context: .\n      dockerfile: $DOCKERFILE\n",
            "services:\n  a:\n    build: https://github.com/example/app.git#main\n",
            "services:\n  a:\n    build:\n      context: git@github.com:example/app.git\n",
            "services:\n  a:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine\n",
            "services:\n  a:\n    image: alpine\n",
            "services:\n  a:\n    build:\n      context: [1, 2]\n",
            "services: {}\n",
            "",
        ] {
            let found = services_building(&file, text, &dockerfile).expect(text);
            assert!(found.is_empty(), "{text}: {found:?}");
        }
        // The same shapes without the variable or URL do match.
        let found =
            services_building(&file, "services:\n  a:\n    build: .\n", &dockerfile).expect("ok");
        assert_eq!(names(&found), ["a"]);
    }

    #[test]
    fn merge_keys_are_applied() {
        let tmp = repo();
        let root = tmp.path();
        let text = "x-build: &build\n  context: ..\n  dockerfile: docker/Dockerfile\nservices:\n  web:\n    build:\n      <<: *build\n";
        let found = services_building(
            &root.join("docker/compose.yaml"),
            text,
            &root.join("docker/Dockerfile"),
        )
        .expect("ok");
        assert_eq!(names(&found), ["web"]);
        assert_eq!(found[0].context, root);
    }

    #[test]
    fn broken_yaml_is_a_note_with_its_line() {
        let tmp = repo();
        let root = tmp.path();
        write(root, "Dockerfile", "FROM alpine\n");
        write(
            root,
            "compose.yaml",
            "services:\n  web:\n    build: .\n   bad: [\n",
        );
        let lookup = find_compose_context(&root.join("Dockerfile"));
        assert!(lookup.found.is_none());
        assert_eq!(lookup.notes.len(), 1);
        let expected = format!(
            "{}:4: invalid Compose file",
            root.join("compose.yaml").display()
        );
        assert!(lookup.notes[0].starts_with(&expected), "{:?}", lookup.notes);
        // `services` of the wrong shape.
        let err = services_building(
            &root.join("compose.yaml"),
            "services: [web]\n",
            &root.join("Dockerfile"),
        )
        .expect_err("not a mapping");
        assert!(err.contains("`services` is not a mapping"), "{err}");
    }

    #[test]
    fn an_alias_bomb_is_refused_not_expanded() {
        // Eleven levels of ten aliases each: 10^12 nodes if expanded.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        text.push_str("services:\n  web:\n    build: .\n");
        let started = std::time::Instant::now();
        let result = services_building(
            Path::new("/nowhere/compose.yaml"),
            &text,
            Path::new("/nowhere/Dockerfile"),
        );
        let err = result.expect_err("too many repetitions");
        assert!(err.contains("repetition limit exceeded"), "{err}");
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn clean_removes_dots_without_the_disk() {
        assert_eq!(clean(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(clean(Path::new("/a/..")), PathBuf::from("/"));
    }
}
