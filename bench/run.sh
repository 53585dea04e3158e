#!/usr/bin/env bash
# Benchmarks kubeward (release build, full default catalogue): for ../shared/corpus/bulk (when
# present) and a synthetic corpus generated here, the median wall time of RUNS runs, peak RSS,
# files/s, resources/s and MB/s; then the wall time of linting one small file (the
# editor-on-save case, policy load included) over repeated runs. See docs/performance.md.
#
# Usage: bench/run.sh [RUNS]        (default 5)
# Env:   BENCH_CORPUS=DIR           real corpus (default ../shared/corpus/bulk; skipped if absent)
#        BENCH_SYNTH_FILES=N        synthetic corpus size in files (default 1000)
#        BENCH_SMALL_RUNS=N         runs of the one-file case (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --quiet
synth=$(mktemp -d)
trap 'rm -rf "$synth"' EXIT
python3 bench/synth.py "$synth" "${BENCH_SYNTH_FILES:-1000}"
python3 bench/measure.py --bin target/release/kubeward --runs "$runs" \
  --small-runs "${BENCH_SMALL_RUNS:-30}" --small examples/shop/web.yaml \
  "${BENCH_CORPUS:-../shared/corpus/bulk}" "$synth"
