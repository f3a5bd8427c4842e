//! Build-context analysis for plimsoll.
//!
//! A Dockerfile is built against a context directory, and several problems are
//! only visible there: a `COPY` whose source does not exist or is excluded by
//! `.dockerignore`, secrets or huge directories sent to the builder. This crate
//! answers those questions the way Docker and BuildKit do:
//!
//! - [`DockerIgnore`] parses `.dockerignore` files and matches paths with the
//!   exact semantics of Docker's pattern matcher; [`find_ignore_file`] picks
//!   the file BuildKit would use for a given Dockerfile.
//! - [`walk_context`] lists a context within [`WalkLimits`], honouring the
//!   ignore rules and never following symlinks; a cut-short walk says so.
//! - [`resolve_copy`] tells which listed entries a `COPY`/`ADD` source takes
//!   (with `--exclude`, and `COPY --parents` with its `/./` pivot) and where
//!   each lands below the destination; [`required_source_path`] what BuildKit
//!   fails without.
//! - [`BuildContext`] bundles these into the snapshot the linter reads: it is
//!   built before linting, so rules never touch the disk.
//! - [`find_compose_context`] reads the Compose file that builds a
//!   Dockerfile (when no context is named) for the context it uses.
//!
//! Nothing here runs commands or follows links out of the context.

mod compose;
mod context;
mod copy;
mod dockerignore;
mod gopath;
mod goregex;
mod walk;

pub use compose::{
    find_compose_context, relative_to_cwd, services_building, ComposeLookup, ComposeService,
    COMPOSE_FILE_NAMES,
};
pub use context::{BuildContext, ContextOrigin, IgnoreProblem, LoadedIgnore, WalkCache};
pub use copy::{
    parents_pivot, required_source_path, resolve_copy, resolve_copy_source, source_context_path,
    CopiedEntry, CopySourceError,
};
pub use dockerignore::{
    find_ignore_file, DockerIgnore, IgnoreFile, IgnoreFileKind, IgnorePattern, PatternError,
};
pub use walk::{
    walk_context, ContextEntry, ContextListing, EntryKind, Truncation, WalkLimits, WalkProblem,
};
