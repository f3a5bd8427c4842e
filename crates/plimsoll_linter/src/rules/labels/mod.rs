//! Rules configured by the user: LABEL keys and the label schema, trusted
//! registries.

use crate::rule::Rule;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[];
