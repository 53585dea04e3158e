#!/usr/bin/env bash
# One named file in a large repository (issue 14, point 1): how long a
# pre-commit-style run takes with the project context, cold (empty cache) and
# warm, against the same run without project context; and a small project
# without any cache.
#
# Usage: bench/project_context.sh [RUNS] [BIN]
#   BULK  (default ../shared/corpus/bulk) the large repository, read-only
#   SMALL (default ../shared/corpus/variety/...) a directory of < 300 manifests
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
bin=$(realpath "${2:-target/release/kubeward}")
bulk=$(realpath "${BULK:-../shared/corpus/bulk}")
file=${FILE:-kube-prometheus/manifests/grafana-deployment.yaml}
[ -e "$bulk/$file" ] || file=$(cd "$bulk" && grep -rl "^kind: Deployment" --include="*.yaml" . | sort | sed -n 1p)
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

# Median wall milliseconds of `runs` runs of "$@" in directory $dir.
median_ms() {
  local dir=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    (cd "$dir" && "$@" >/dev/null 2>&1) || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "files under $bulk: $(find "$bulk" -name '*.yaml' -o -name '*.yml' -o -name '*.json' | wc -l)"
echo "no project context:      $(median_ms "$bulk" "$bin" --format json --no-project-context "$file") ms"
echo "project context, no cache: $(median_ms "$bulk" "$bin" --format json --no-cache "$file") ms"
start=$(date +%s%N)
(cd "$bulk" && "$bin" --format json --cache-dir "$cache" "$file" >/dev/null 2>&1) || true
end=$(date +%s%N)
echo "cold cache (first run):  $(( (end - start) / 1000000 )) ms, cache $(du -sh "$cache" | cut -f1)"
echo "warm cache:              $(median_ms "$bulk" "$bin" --format json --cache-dir "$cache" "$file") ms"
small=$(realpath "${SMALL:-../shared/corpus/variety/kubernetes-examples}")
small_file=$(cd "$small" && find . -name '*.yaml' | sort | sed -n 1p)
echo "small: $small ($(find "$small" -name '*.yaml' -o -name '*.yml' -o -name '*.json' | wc -l) files), one file, no cache: $(median_ms "$small" "$bin" --format json --no-cache "$small_file") ms; without context: $(median_ms "$small" "$bin" --format json --no-project-context "$small_file") ms"
