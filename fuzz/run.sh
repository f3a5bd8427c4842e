#!/usr/bin/env bash
# Run one fuzz target for a while: fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags]
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Seeds come from ../shared (fuzz/seed-corpus.sh) the first time. Crashes land
# in fuzz/artifacts/TARGET/; the log of the run in fuzz/logs/TARGET.log.
# Built without a sanitizer (the code is safe Rust; libFuzzer still catches
# panics, hangs and memory blow-ups) but with debug assertions, so integer
# overflow and `debug_assert!`s count as crashes.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh parse|lint|fix [SECONDS]}
seconds=${2:-600}
shift $(( $# < 2 ? $# : 2 ))
[ -d corpus/"$target" ] || ./seed-corpus.sh
mkdir -p artifacts/"$target" logs
target_dir=${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-target}-fuzz}
cargo +nightly fuzz build -s none -a --target-dir "$target_dir" "$target"
cd logs
# -jobs=1: one worker (the machine is shared); its output goes to fuzz-0.log.
cargo +nightly fuzz run --fuzz-dir .. -s none -a --target-dir "$target_dir" "$target" ../corpus/"$target" -- \
  -jobs=1 -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=../artifacts/"$target"/ "$@" || true
mv fuzz-0.log "$target".log
grep -E "Done [0-9]+ runs|panicked|SUMMARY" "$target".log || tail -n 3 "$target".log
