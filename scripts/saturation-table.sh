#!/usr/bin/env bash
# Prints a Markdown table: at saturation (arrivals at 3x the larger planned rate, 1200 s: long enough for
# the batches to settle), the completed requests per second per USD/h of the planned Baseline-H100 and
# Splitwise-HH clusters of each shipped iso-cost scenario, Splitwise-HH with and without machine borrowing.
# Usage: scripts/saturation-table.sh [DURATION_SECONDS]   (needs a release build: make build; and jq)
set -euo pipefail
# shellcheck source=scripts/table-common.sh
source "$(dirname "$0")/table-common.sh"
duration=${1:-1200}
echo "| scenario | rate req/s | Baseline-H100 req/s per USD/h | Splitwise-HH, borrowing | ratio | Splitwise-HH, no borrowing | ratio |"
echo "|---|---|---|---|---|---|---|"
for scenario in Scenarios/splitwise-*-iso-cost.json; do
  name=$(basename "$scenario" .json)
  "$bin" plan "$scenario" --design baseline-h100 --format json --no-timings --output "$work/base.json" --force >/dev/null || continue
  "$bin" plan "$scenario" --design splitwise-hh --format json --no-timings --output "$work/hh.json" --force >/dev/null || continue
  rate=$(jq -n --slurpfile a "$work/base.json" --slurpfile b "$work/hh.json" '3 * ([$a[0].requestsPerSecond, $b[0].requestsPerSecond] | max) | floor')
  run() { # $1 plan file, rest: extra flags; prints completed req/s per USD/h
    local plan=$1; shift
    # shellcheck disable=SC2046
    "$bin" simulate "$scenario" $(pools "$plan") --rate "$rate" --duration "$duration" --format json --no-timings --output "$work/sim.json" --force "$@" >/dev/null || true
    jq -n --slurpfile s "$work/sim.json" --slurpfile p "$plan" '$s[0].completedRequestsPerSecond / $p[0].costPerHourUSD'
  }
  base=$(run "$work/base.json")
  hh=$(run "$work/hh.json")
  kept=$(run "$work/hh.json" --no-borrowing)
  printf '| %s | %s | %.4f | %.4f | %.3f | %.4f | %.3f |\n' "${name#splitwise-}" "$rate" "$base" "$hh" \
    "$(jq -n "$hh / $base")" "$kept" "$(jq -n "$kept / $base")"
done
