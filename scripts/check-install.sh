#!/usr/bin/env bash
# Installs SplitPlan into a scratch prefix and checks what was installed: the binary plans the bundled
# default from another folder (it finds share/splitplan beside itself), the man page documents every
# subcommand, and the completions offer design ids and ask the binary for machine ids.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make --no-print-directory install PREFIX="$prefix" >/dev/null
fail() { echo "check-install: $*" >&2; exit 1; }

(cd / && env -u SPLITPLAN_CATALOG "$prefix/bin/splitplan" plan --no-timings >"$prefix/plan.txt") || fail "the installed binary did not plan the bundled default"
grep -q "USD/h" "$prefix/plan.txt" || fail "the installed plan report has no cost"
"$prefix/bin/splitplan" --version | grep -qx "[0-9]*\.[0-9]*\.[0-9]*" || fail "--version does not print a version"

page="$prefix/share/man/man1/splitplan.1"
[ -s "$page" ] || fail "no man page at $page"
for command in plan simulate capacity compare sweep check catalog validate perf calibrate; do
  grep -q "$command" "$page" || fail "the man page does not mention $command"
done

bash_completion="$prefix/share/bash-completion/completions/splitplan"
grep -q "splitwise-hh" "$bash_completion" || fail "bash completion does not offer design ids"
grep -q -- "---completion" "$bash_completion" || fail "bash completion does not ask the binary for catalogue ids"
# What the shell asks when completing `splitplan perf --machine <TAB>`: the catalogue's machine ids.
(cd / && "$prefix/bin/splitplan" ---completion perf -- --machine 1 0 | grep -qx "dgx-h100") || fail "completion does not offer machine ids"
[ -s "$prefix/share/zsh/site-functions/_splitplan" ] || fail "no zsh completion"
[ -s "$prefix/share/fish/vendor_completions.d/splitplan.fish" ] || fail "no fish completion"
echo "check-install: installed under a scratch prefix; plan, --version, man page and completions checked"
