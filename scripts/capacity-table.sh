#!/usr/bin/env bash
# Prints a Markdown table: for every design of every shipped Splitwise scenario, the planned pools, the
# planner's predicted capacity and the simulated capacity (`splitplan capacity`, median of SEEDS seeds), with
# borrowing and, for split pools, without it (what the planner models).
# Usage: scripts/capacity-table.sh [SEEDS] [DESIGN ...]   (needs a release build: make build; all six designs
# when none is named)
set -euo pipefail
# shellcheck source=scripts/table-common.sh
source "$(dirname "$0")/table-common.sh"
seeds=${1:-2}
shift $(( $# > 0 ? 1 : 0 ))
designs=("$@")
[ ${#designs[@]} -gt 0 ] || designs=(baseline-a100 baseline-h100 splitwise-aa splitwise-hh splitwise-ha splitwise-hhcap)
echo "| scenario | design | pools | predicted req/s | simulated req/s | seeds' range | prediction error | simulated without borrowing | prediction error without |"
echo "|---|---|---|---|---|---|---|---|---|"
for scenario in Scenarios/splitwise-*.json; do
  name=$(basename "$scenario" .json)
  for design in "${designs[@]}"; do
    "$bin" plan "$scenario" --design "$design" --format json --no-timings --output "$work/plan.json" --force >/dev/null || continue
    "$bin" capacity "$scenario" --plan "$work/plan.json" --seeds "$seeds" --also-without-borrowing --format csv --output "$work/capacity.csv" --force
    # Line 3: the Capacity section's row, under its "# Capacity" title and header.
    IFS=, read -r pools _ _ predicted simulated low high _ error _ without withoutError _ < <(sed -n 3p "$work/capacity.csv" | tr -d '\r')
    # A mixed pool alone never borrows: one search answers both.
    if [ -n "$without" ]; then without=$(printf '%.1f' "$without"); withoutError=$(printf '%+.1f %%' "$withoutError"); else without=–; withoutError=–; fi
    printf '| %s | %s | %s | %.1f | %.1f | %.1f–%.1f | %+.1f %% | %s | %s |\n' "${name#splitwise-}" "$design" "$pools" "$predicted" "$simulated" "$low" "$high" "$error" "$without" "$withoutError"
  done
done
