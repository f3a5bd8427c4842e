//! Rules about single instructions and their order: FROM tags, ADD vs COPY,
//! COPY destinations and stages, HEALTHCHECK, EXPOSE, ONBUILD, ENV, USER.

use crate::rule::Rule;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[];
