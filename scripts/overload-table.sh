#!/usr/bin/env bash
# Prints a Markdown table: for each shipped iso-cost scenario and design, the planned pools' throughput
# when arrivals outrun them, as `plan` predicts it (`overload`) and as the simulator completes it, with and
# without machine borrowing: arrivals at twice the larger prediction, the measurement window of a 1200 s
# run (long enough for the batches to settle), as `capacity --overload` runs them.
# Usage: scripts/overload-table.sh [DURATION_SECONDS]   (needs a release build: make build; and jq)
set -euo pipefail
# shellcheck source=scripts/table-common.sh
source "$(dirname "$0")/table-common.sh"
duration=${1:-1200}
error() { jq -n "100 * ($1 / $2 - 1) * 10 | round / 10"; }
echo "| scenario | design | pools | without borrowing: predicted | simulated | error % | with borrowing: predicted | simulated | error % |"
echo "|---|---|---|---|---|---|---|---|---|"
for scenario in Scenarios/splitwise-*-iso-cost.json; do
  name=$(basename "$scenario" .json)
  for design in baseline-a100 baseline-h100 splitwise-aa splitwise-ha splitwise-hh splitwise-hhcap; do
    "$bin" plan "$scenario" --design "$design" --format json --no-timings --output "$work/plan.json" --force >/dev/null || continue
    without=$(jq .overload.withoutBorrowingRequestsPerSecond "$work/plan.json")
    with=$(jq .overload.withBorrowingRequestsPerSecond "$work/plan.json")
    rate=$(jq -n "2 * ([$with, $without] | max)")
    run() { # extra flags; prints completed req/s in the measurement window
      # shellcheck disable=SC2046
      "$bin" simulate "$scenario" $(pools "$work/plan.json") --rate "$rate" --duration "$duration" --format json --no-timings \
        --output "$work/sim.json" --force "$@" >/dev/null || true
      jq .completedRequestsPerSecond "$work/sim.json"
    }
    keptSimulated=$(run --no-borrowing)
    if [ "$(jq '[.pools[].role] | index("mixed") == null' "$work/plan.json")" = true ]; then
      borrowedSimulated=$(run)
    else
      borrowedSimulated=$keptSimulated
    fi
    printf '| %s | %s | %s | %.1f | %.1f | %s | %.1f | %.1f | %s |\n' "${name#splitwise-}" "$design" "$(pools "$work/plan.json" | sed 's/--pool //g; s/ $//')" \
      "$without" "$keptSimulated" "$(error "$without" "$keptSimulated")" "$with" "$borrowedSimulated" "$(error "$with" "$borrowedSimulated")"
  done
done
