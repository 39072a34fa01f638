#!/usr/bin/env bash
# Installs what SplitPlan needs on Debian/Ubuntu, and only what is missing: GLPK (libglpk-dev) for the
# optimiser and glpsol (glpk-utils), which the tests use to check exported LP files. Swift 6 must be on PATH.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "swift not found on PATH: install Swift 6.0 or later (https://www.swift.org/install/)" >&2
  exit 1
fi

if ! dpkg-query -W -f='${Status}\n' libglpk-dev glpk-utils 2>/dev/null | grep -c "install ok installed" | grep -q 2; then
  echo "installing libglpk-dev and glpk-utils (GLPK)..." >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libglpk-dev glpk-utils >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libglpk-dev glpk-utils >/dev/null
  else
    echo "libglpk-dev is missing and this user cannot install it: run 'apt-get install libglpk-dev' as root" >&2
    exit 1
  fi
fi
