//! Rules that read the build context: COPY sources that are missing, ignored,
//! secret or bloated, and entrypoint scripts.

use crate::rule::Rule;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[];
