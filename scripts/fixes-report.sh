#!/usr/bin/env bash
# Regenerate docs/fixes.md: per-rule finding counts on the corpus before and
# after `--fix`, `--fix --unsafe-fixes` and `plimsoll optimize`.
# Needs ../shared beside the checkout. Run it after adding or changing fixes.
set -euo pipefail
cd "$(dirname "$0")/.."
PLIMSOLL_UPDATE_FIXES_DOC=1 cargo test -p plimsoll_linter --test fixes_report \
  -- --ignored --nocapture
