import { defineConfig } from 'vitest/config';
import { CriticalPathSequencer } from './tests/support/critical-path-sequencer.js';

/**
 * Four groups (vitest projects), one folder each; `npm test` runs them all:
 *  - tests/fast/: unit, CLI, render, hostile input, prompts, plop, package... no root, no network,
 *    nothing to set up beyond `dist/` (`npm run test:fast`: the goal is 30 s, docs/testing.md
 *    has the figures). Its files share their worker processes (isolate: false): each file
 *    re-imports src/ and the harness otherwise, which cost more than half a second a file;
 *    tests/support/private-tmpdir.ts keeps each file's temp folder its own;
 *  - tests/tools/: the field's checkers (hadolint, checkov, bandit, ruff, ...), uv, the platforms'
 *    models and the AWS CLI (deploy/ecs/README.md's commands), run on what we emit and on the
 *    shipped locks; installed from PyPI into $CPDA_CACHE on first use
 *    (root, network), each over every combination (`npm run test:tools`, about a minute);
 *  - tests/pack/: the packed tarball installed with plop into a fresh npm project (the npm
 *    registry or npm's cache: about 30 s of `npm install`);
 *  - tests/stack/: the real parts; its globalSetup (tests/support/stack-setup.ts) builds or reuses
 *    the cached root filesystems, starts the Docker engines and starts the stand-in images,
 *    only when one of these files runs (each file waits for the stand-ins in its own worker,
 *    tests/support/stack-file-setup.ts, so the other groups do not); and
 *    tests/support/services-setup.ts, the host's PostgreSQL and Redis that locked-venv.test.ts
 *    installs the locks against.
 * tests/support/ is shared by all of them; tests/fixtures/ holds the existing projects.
 */
export default defineConfig({
  test: {
    // Files run in parallel even on 2 cores: the slow ones mostly wait on processes.
    maxWorkers: 3,
    // Each module's transform kept on disk (node_modules/.experimental-vitest-cache, keyed by
    // its content) for the next run: the quick loop re-runs the fast group on every change, and
    // transforming src/ and the harness took 13 s of its 130 (1.5 s with the cache warm). Not
    // in CI (.ci/run sets CI): a fresh checkout's cache is always cold, writing it is all it costs.
    experimental: { fsModuleCache: !process.env.CI },
    setupFiles: ['tests/support/private-tmpdir.ts', 'tests/support/assertion-guard.ts'],
    // The longest file, the run's critical path, queued before the others (see that file).
    sequence: { sequencer: CriticalPathSequencer },
    expect: { requireAssertions: true },
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['tests/fast/**/*.test.ts'],
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // A young generation of up to 32 MB per semi-space (V8's default here is 16): the
          // workers render and parse thousands of short-lived projects, and scavenged them
          // often enough to cost ~2.5 of their ~35 CPU seconds (measured by each worker's
          // process.cpuUsage(), two runs each way).
          execArgv: ['--max-semi-space-size=32'],
        },
      },
      { extends: true, test: { name: 'tools', include: ['tests/tools/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 900_000 } },
      { extends: true, test: { name: 'pack', include: ['tests/pack/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000 } },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['tests/stack/**/*.test.ts'],
          globalSetup: ['tests/support/stack-setup.ts', 'tests/support/services-setup.ts'],
          // Added to the root's setupFiles: each file waits for the stand-in images.
          setupFiles: ['tests/support/stack-file-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          // Enough for every engine to hold a Compose stack (stack-compose.test.ts) and one more
          // suite to get ready; app-runtime.test.ts installs this many venvs at once.
          maxConcurrency: Number(process.env.CPDA_ENGINES ?? 3) + 1,
        },
      },
    ],
  },
});
