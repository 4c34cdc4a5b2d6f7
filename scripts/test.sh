#!/usr/bin/env bash
# The test suite: builds dist/ (the CLI tests spawn the built bin), then runs vitest with any
# arguments given. `npm test` runs everything; `npm run test:fast` only the fast group
# (`--project fast`: no root, no network). The stack group's real-parts setup (cached root
# filesystems, Docker engines, stand-in images) is its vitest globalSetup,
# tests/support/stack-setup.ts, so it runs only when one of its files is part of the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-audit --no-fund
npx tsup --silent
exec npx vitest run "$@"
