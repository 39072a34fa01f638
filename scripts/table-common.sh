# Sourced by the table scripts: from the repository root, the binary ($BIN or the release build), a
# scratch folder removed on exit, and `pools PLAN.json`, a plan's pools as `simulate --pool` arguments.
cd "$(dirname "$0")/.."
bin=${BIN:-.build/release/splitplan}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pools() { jq -r '.pools[] | "--pool \(.role):\(.machine)\(if .powerCap < 1 then "@\(.powerCap)" else "" end)=\(.count)"' "$1" | tr '\n' ' '; }
