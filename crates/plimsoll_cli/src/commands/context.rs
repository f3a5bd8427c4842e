//! Choosing and loading the build context for a Dockerfile.

use std::path::{Path, PathBuf};

use plimsoll_linter::context::{
    find_compose_context, relative_to_cwd as shown, BuildContext, ContextOrigin, WalkCache,
    WalkLimits,
};

/// Which context to use for one Dockerfile.
pub struct ContextChoice<'a> {
    /// `--context DIR`.
    pub explicit: Option<&'a Path>,
    /// `--no-context`.
    pub disabled: bool,
}

/// The folder of `dockerfile` (`.` for a bare file name).
fn folder_of(dockerfile: &Path) -> PathBuf {
    match dockerfile.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Walks the context for `dockerfile` (`None` for standard input without a
/// name): `--context DIR`, else the context of a Compose service that builds
/// this Dockerfile, else its folder. An explicit context that cannot be read
/// is an error naming it; a Compose context that cannot be read falls back to
/// the folder (with a note); an assumed one is skipped.
pub fn load(
    dockerfile: Option<&Path>,
    choice: &ContextChoice<'_>,
    walks: &WalkCache,
) -> Result<Option<BuildContext>, String> {
    if choice.disabled {
        return Ok(None);
    }
    let limits = WalkLimits::from_env();
    match (choice.explicit, dockerfile) {
        (Some(dir), _) => {
            BuildContext::load_shared(dir, dockerfile, ContextOrigin::Explicit, &limits, walks)
                .map(Some)
                .map_err(|e| format!("build context {}: {e}", dir.display()))
        }
        (None, Some(file)) => {
            let lookup = find_compose_context(file);
            let mut notes = lookup.notes;
            if let Some(service) = lookup.found {
                let root = shown(&service.context);
                let compose = shown(&service.file);
                let origin = ContextOrigin::Compose {
                    file: compose.clone(),
                    service: service.service.clone(),
                };
                match BuildContext::load_shared(&root, Some(file), origin, &limits, walks) {
                    Ok(mut context) => {
                        context.origin_notes = notes;
                        return Ok(Some(context));
                    }
                    Err(e) => notes.push(format!(
                        "{}: build context {} of service `{}`: {e}; the Dockerfile's folder \
                         is used instead",
                        compose.display(),
                        root.display(),
                        service.service
                    )),
                }
            }
            let dir = folder_of(file);
            Ok(BuildContext::load_shared(
                &dir,
                Some(file),
                ContextOrigin::DockerfileFolder,
                &limits,
                walks,
            )
            .ok()
            .map(|mut context| {
                context.origin_notes = notes;
                context
            }))
        }
        (None, None) => Ok(None),
    }
}

/// A changed path given on the command line, relative to the context root:
/// taken relative to the current directory when it lies inside the context,
/// else as written (already context-relative, or deleted).
pub fn context_relative(path: &Path, context_root: &Path) -> String {
    let as_written = || {
        path.to_string_lossy()
            .replace('\\', "/")
            .trim_start_matches("./")
            .to_owned()
    };
    let Ok(root) = context_root.canonicalize() else {
        return as_written();
    };
    let absolute = match std::env::current_dir() {
        Ok(cwd) => cwd.join(path),
        Err(_) => return as_written(),
    };
    // Canonicalize the deepest existing ancestor, so deleted files work too.
    let mut existing = absolute.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return as_written(),
        }
    }
    let Ok(mut resolved) = existing.canonicalize() else {
        return as_written();
    };
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    match resolved.strip_prefix(&root) {
        Ok(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => as_written(),
    }
}
