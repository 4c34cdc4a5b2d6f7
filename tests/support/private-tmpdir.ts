// Each test file gets a temp directory of its own (TMPDIR, which os.tmpdir() and mktemp read),
// deleted with everything in it when the file is done: what a test or a program it spawned
// leaves behind never reaches the system's temp directory. .ci/run checks that a whole run
// leaves its temp directory empty.
//
// The fast group runs its files one after another in a few workers without isolating them
// (vitest.config.ts: isolate false), so this file runs once per test file in the same process:
// the folders are made under the temp dir the worker started with, and the exit and signal
// handlers are installed once per process and remove whichever folder is current.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

interface WorkerTmp {
  /** The temp dir the worker process started with. */
  base: string;
  /** The current test file's folder under it. */
  current?: string;
}
const state: WorkerTmp = ((globalThis as { cpdaPrivateTmp?: WorkerTmp }).cpdaPrivateTmp ??= (() => {
  const worker: WorkerTmp = { base: tmpdir() };
  const removeCurrent = () => {
    if (worker.current) rmSync(worker.current, { recursive: true, force: true });
  };
  // An interrupted run (Ctrl-C, a CI runner's SIGTERM) ends the worker without afterAll: remove
  // the folder on the way out too. 'exit' covers process.exit(); the signals would otherwise end
  // the process without running any handler; and vitest's main process, interrupted, exits
  // without stopping its forked workers, which would go on running the file as orphans: the IPC
  // channel closing ('disconnect') is how a worker learns that.
  process.once('exit', removeCurrent);
  process.once('disconnect', () => process.exit(1));
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const)
    process.once(signal, () => {
      removeCurrent();
      process.exit(code);
    });
  return worker;
})());

// A file whose tests are all skipped (a tool it needs is absent) runs this setup but not its
// afterAll: its folder is still current when the next file starts in this worker. It is no
// one's any more, as the afterAll would have made it; remove it before making the next one.
if (state.current) rmSync(state.current, { recursive: true, force: true });
const dir = mkdtempSync(path.join(state.base, 'cpda-vitest-'));
state.current = dir;
process.env.TMPDIR = dir;

// Registered before the file's own hooks, so it runs after all of them.
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (state.current === dir) state.current = undefined;
  process.env.TMPDIR = state.base;
});
