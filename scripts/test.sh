#!/usr/bin/env bash
# The test suite: builds dist/ when it is not the build of the current inputs (the CLI tests
# spawn the built bin), then runs vitest with any arguments given. `npm test` runs everything;
# `npm run test:fast` only the fast group (`--project fast`, tests/fast/: no root, no network);
# `npm run test:tools` the field's checkers and uv (`--project tools`, tests/tools/: installed
# from PyPI on first use). The stack group's real-parts setup (cached root filesystems, Docker
# engines, stand-in images) is its vitest globalSetup, tests/support/stack-setup.ts, so it runs
# only when one of its files is part of the run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# A whole run (no arguments, as `npm test` and CI): build the cache first, so that the fast
# group's Kubernetes tests find kustomize and kubectl whichever group starts first. Cached, it
# takes about a second; as non-root it does nothing. Cold, the Dockerfile frontend's compile
# (its longest CPU-bound job) goes on in the background while the tests start: only the
# frontend's stand-in image waits for it (tests/support/standin-images.ts).
if [ $# -eq 0 ]; then bash scripts/setup-test-env.sh --frontend-later; fi
# The build, skipped when dist/ is already the build of the inputs as they are now
# (scripts/build-if-changed.mjs): most runs of the quick loop follow a change to tests only.
node scripts/build-if-changed.mjs
# The quick loop (`npm run test:fast` sets CPDA_TMPFS=1): the tests' temp folders on a RAM file
# system (/dev/shm) when there is a writable one. The fast group writes and deletes thousands of
# projects' files; on the ext4 disk that was half its system time (38 of 112 CPU seconds, 19 on
# tmpfs). A whole run (CI) keeps the caller's TMPDIR, whose leftovers .ci/run checks; here, as
# there, a run that leaves anything behind fails, naming it. vitest is started from
# node_modules/.bin, not through npx, which costs each run about 0.4 s before vitest starts.
if [ "${CPDA_TMPFS:-}" = 1 ] && [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
  TMPDIR=$(mktemp -d /dev/shm/cpda-fast-XXXXXX)
  export TMPDIR
  trap 'rm -rf "$TMPDIR"' EXIT
  status=0
  node_modules/.bin/vitest run "$@" || status=$?
  left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -printf '%f\n')
  if [ -n "$left" ]; then
    echo "the run left these in its temp dir $TMPDIR: $left" >&2
    [ "$status" -ne 0 ] || status=1
  fi
  exit "$status"
fi
exec node_modules/.bin/vitest run "$@"
