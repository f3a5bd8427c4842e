#!/usr/bin/env bash
# Runs the real pre-commit against this repository's hook in a scratch git
# repository: the hook must fail on a bad Dockerfile and pass on a good one.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${PRECOMMIT_VENV:-/tmp/plimsoll-precommit-venv}
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pre-commit
fi
work=$(mktemp -d)
export PRE_COMMIT_HOME="$work/.cache"
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q .
git config user.email ci@example.invalid
git config user.name ci

printf 'FROM alpine:3.20\nCMD echo hi\n' > Dockerfile
git add Dockerfile
if "$venv/bin/pre-commit" try-repo "$repo" plimsoll --files Dockerfile > bad.log 2>&1; then
  cat bad.log
  echo "FAIL: the hook passed a Dockerfile with findings" >&2
  exit 1
fi
grep -q "exec-form-cmd" bad.log || { cat bad.log; echo "FAIL: no finding in the hook output" >&2; exit 1; }

printf 'FROM alpine:3.20\nUSER nobody\nCMD ["true"]\n' > Dockerfile
git add Dockerfile
if ! "$venv/bin/pre-commit" try-repo "$repo" plimsoll --files Dockerfile > good.log 2>&1; then
  cat good.log
  echo "FAIL: the hook failed a clean Dockerfile" >&2
  exit 1
fi
echo "pre-commit hook: fails on a bad Dockerfile, passes on a good one"
