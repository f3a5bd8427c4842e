//! Rules about other commands in RUN scripts: language package managers
//! (pip, npm, gem, go, yarn), sudo, cd, curl/wget, pipes, useradd.

use crate::rule::Rule;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[];
