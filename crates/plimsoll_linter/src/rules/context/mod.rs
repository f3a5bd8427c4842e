//! Rules that read the build context: COPY sources that are missing, ignored,
//! secret or bloated, and entrypoint scripts. They find nothing unless the
//! caller passes a [`crate::context::BuildContext`].

use crate::rule::Rule;

mod context_bloat;
mod copy_ignored_file;
mod copy_missing_source;
mod entrypoint_script_exec;
mod secret_in_context;
pub(crate) mod sources;

pub use context_bloat::ContextBloat;
pub use copy_ignored_file::CopyIgnoredFile;
pub use copy_missing_source::CopyMissingSource;
pub use entrypoint_script_exec::EntrypointScriptExec;
pub use secret_in_context::SecretInContext;

pub(crate) use secret_in_context::needs_text as secret_needs_text;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[
    &CopyMissingSource,
    &CopyIgnoredFile,
    &SecretInContext,
    &ContextBloat,
    &EntrypointScriptExec,
];
