#!/usr/bin/env bash
# Measures kubeward on a corpus: wall time, peak RSS, files, resources, findings.
# Usage: bench/run.sh [CORPUS_DIR] [RUNS]   (default: ../shared/corpus/bulk, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/bulk}
runs=${2:-3}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 1; }
cargo build --release --quiet
bin=target/release/kubeward
bytes=$(du -sb "$corpus" | cut -f1)
echo "corpus: $corpus ($((bytes / 1024 / 1024)) MiB)"
for i in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o /tmp/kubeward-bench.time \
    "$bin" --format json --fail-on never "$corpus" > /tmp/kubeward-bench.json 2>/dev/null || true
  read -r wall rss < /tmp/kubeward-bench.time
  python3 - "$wall" "$rss" "$bytes" <<'PY'
import json, sys
wall, rss, size = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = json.load(open('/tmp/kubeward-bench.json'))['summary']
n = s['error'] + s['warning'] + s['info']
print(f"wall {wall:.2f}s  peak RSS {rss/1024:.0f} MiB  files {s['files']} ({s['files']/wall:.0f}/s)  "
      f"resources {s['resources']} ({s['resources']/wall:.0f}/s)  {size/1048576/wall:.1f} MB/s  findings {n}")
PY
done
