//! Rules about operating-system package managers in RUN: apt, apk, yum,
//! dnf, zypper (pinning, non-interactive flags, cache cleanup).

use crate::rule::Rule;

/// This family's rules; the registry merges and sorts every family's list.
pub(crate) static RULES: &[&dyn Rule] = &[];
