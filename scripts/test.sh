#!/usr/bin/env bash
# The whole test suite: installs what the real-parts checks need (Debian packages, a trixie
# Python runtime; see setup-test-env.sh), builds dist/, and runs every vitest file.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/setup-test-env.sh
npx tsup --silent
npx vitest run "$@"
