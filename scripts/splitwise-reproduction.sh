#!/usr/bin/env bash
# Reproduces the Splitwise paper's provisioning claims with SplitPlan and prints the figures behind
# docs/splitwise-reproduction.md. Every figure is verified by simulation (`compare` and `plan --verify`,
# 600 s of arrivals, seed 1). Needs a release build (make build) and jq.
# Usage: scripts/splitwise-reproduction.sh [OUTPUT_DIR [--set KEY=VALUE ...]]
# The --set options go to every command, for the what-if runs of docs/splitwise-reproduction.md;
# MODEL=<id> in the environment runs that model's scenarios only.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/splitplan
out=${1:-$(mktemp -d)}
shift || true
settings=("$@")
files=(Scenarios/splitwise-*-${MODEL:-*}-iso-*.json)
mkdir -p "$out"
seconds=600

# 1. Iso-power and iso-cost: every design's highest verified throughput within the budget (kept when
#    OUTPUT_DIR already has them).
[ -s "$out/budgets.tsv" ] || for scenario in "${files[@]}"; do
  name=$(basename "$scenario" .json)
  "$bin" compare "$scenario" --designs all --duration "$seconds" ${settings[@]+"${settings[@]}"} --format json --output "$out/$name.json" --force
done
[ -s "$out/budgets.tsv" ] || jq -r '.rows | (map(.variant) | last) as $v | .[] | select(.variant == $v) | [.scenario, .plan.design, .plan.requestsPerSecond, .plan.costPerHourUSD, .plan.powerKW, ([.plan.pools[] | "\(.role):\(.machine)=\(.count)"] | join(" "))] | @tsv' \
  "$out"/splitwise-*.json > "$out/budgets.tsv"

# 2. Iso-throughput: the cheapest Splitwise-AA and the leanest Splitwise-HHcap cluster that serve
#    Baseline-H100's verified iso-power throughput, beside Baseline-H100's own least-cost cluster; no
#    budget caps (the scenario's are lifted by caps no plan reaches).
: > "$out/iso-throughput.tsv"
# Two verifications at a time (each runs on one core), then read back in a fixed order.
jobs=()
for scenario in "${files[@]}"; do
  [[ $scenario == *-iso-power.json ]] || continue
  name=$(basename "$scenario" .json)
  rate=$(awk -F'\t' -v s="$name" '$1 == s && $2 == "baseline-h100" { print $3 }' "$out/budgets.tsv")
  for pair in baseline-h100:min-cost splitwise-aa:min-cost splitwise-hhcap:min-power; do
    jobs+=("$scenario ${pair%%:*} ${pair##*:} $rate")
  done
done
verify() {
  local scenario=$1 design=$2 objective=$3 rate=$4
  "$bin" plan "$scenario" --design "$design" --objective "$objective" --rate "$rate" --cost-cap 1e9 --power-cap 1e9 \
    ${settings[@]+"${settings[@]}"} --verify --format json --no-timings \
    --output "$out/$(basename "$scenario" .json).$design.iso-throughput.json" --force > /dev/null || true
}
running=0
for job in "${jobs[@]}"; do
  # shellcheck disable=SC2086
  verify $job &
  running=$((running + 1))
  if [ "$running" -ge 2 ]; then wait -n || true; running=$((running - 1)); fi
done
wait
for job in "${jobs[@]}"; do
  read -r scenario design _ rate <<< "$job"
  name=$(basename "$scenario" .json)
  jq -r --arg s "$name" --arg d "$design" --arg r "$rate" \
    '[$s, $d, $r, .verification.verified, .costPerHourUSD, .powerKW, ([.pools[] | "\(.role):\(.machine)=\(.count)"] | join(" "))] | @tsv' \
    "$out/$name.$design.iso-throughput.json" >> "$out/iso-throughput.tsv"
done
echo "figures in $out: budgets.tsv (scenario, design, req/s, USD/h, kW, pools), iso-throughput.tsv"
cat "$out/budgets.tsv"
cat "$out/iso-throughput.tsv"
