#!/usr/bin/env bash
# Build the fuzz targets' seed corpora from ../shared at run time (the shared
# corpus and conformance data are never copied into the repository):
# every corpus file, every BuildKit case, probe and lexical mutant, and the
# Dockerfiles inside the hadolint and BuildKit-check case lists.
# Usage: fuzz/seed-corpus.sh [SHARED_DIR]   → fuzz/corpus/{parse,lint,fix}/
set -euo pipefail
cd "$(dirname "$0")"
shared=${1:-../../shared}
[ -d "$shared/conformance" ] || { echo "shared data not found at $shared" >&2; exit 2; }
python3 - "$shared" <<'PY'
import hashlib, json, pathlib, sys

shared = pathlib.Path(sys.argv[1])
seeds = {}

def add(data):
    if isinstance(data, str):
        data = data.encode()
    seeds[hashlib.sha1(data).hexdigest()] = data

for path in sorted((shared / "corpus/files").rglob("*")):
    if path.is_file():
        add(path.read_bytes())
for path in sorted((shared / "conformance/buildkit").rglob("Dockerfile")):
    add(path.read_bytes())
for path in sorted((shared / "conformance/buildkit-mutants").glob("*/Dockerfile")):
    add(path.read_bytes())
for name in ["conformance/buildkit/_extra/parser-probes.jsonl",
             "conformance/hadolint/cases.jsonl",
             "conformance/buildkit-checks/cases.jsonl"]:
    for line in (shared / name).read_text().splitlines():
        case = json.loads(line)
        if isinstance(case.get("dockerfile"), str):
            add(case["dockerfile"])

for target in ["parse", "lint", "fix"]:
    out = pathlib.Path("corpus") / target
    out.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (out / name).write_bytes(data)
print(f"{len(seeds)} distinct seeds in fuzz/corpus/{{parse,lint,fix}}")
PY
