#!/usr/bin/env bash
# Regenerates the committed `helm template` output of the test charts
# (testdata/helm/<chart>/rendered/*.yaml) with a real helm, or scripts/helm (the
# helm-python-sdk stand-in) when none is on PATH. Run after editing a test chart.
set -euo pipefail
cd "$(dirname "$0")/.."
helm=$(command -v helm || echo scripts/helm)
for chart in testdata/helm/*/; do
  [ -f "$chart/Chart.yaml" ] || continue
  mkdir -p "$chart/rendered"
  "$helm" template release-name "$chart" > "$chart/rendered/default.yaml"
  for values in "$chart"/values-*.yaml; do
    [ -f "$values" ] || continue
    env=$(basename "$values" .yaml); env=${env#values-}
    "$helm" template release-name "$chart" -f "$values" > "$chart/rendered/$env.yaml"
  done
done
