#!/usr/bin/env bash
# The test suite: builds dist/ (the CLI tests spawn the built bin), then runs vitest with any
# arguments given. `npm test` runs everything; `npm run test:fast` only the fast group
# (`--project fast`, tests/fast/: no root, no network); `npm run test:tools` the field's
# checkers and uv (`--project tools`, tests/tools/: installed from PyPI on first use). The stack
# group's real-parts setup (cached root filesystems, Docker engines, stand-in images) is its
# vitest globalSetup, tests/support/stack-setup.ts, so it runs only when one of its files is
# part of the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# A whole run (no arguments, as `npm test` and CI): build the cache first, so that the fast
# group's Kubernetes tests find kustomize and kubectl whichever group starts first. Cached, it
# takes about a second; as non-root it does nothing.
if [ $# -eq 0 ]; then bash scripts/setup-test-env.sh; fi
npx tsup --silent
exec npx vitest run "$@"
