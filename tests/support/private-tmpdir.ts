// Each test file gets a temp directory of its own (TMPDIR, which os.tmpdir() and mktemp read),
// deleted with everything in it when the file is done: what a test or a program it spawned
// leaves behind never reaches the system's temp directory. .ci/run checks that a whole run
// leaves its temp directory empty.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'cpda-vitest-'));
process.env.TMPDIR = dir;
const remove = () => rmSync(dir, { recursive: true, force: true });

// Registered before the file's own hooks, so it runs after all of them.
afterAll(remove);

// An interrupted run (Ctrl-C, a CI runner's SIGTERM) ends the worker without afterAll: remove the
// folder on the way out too. 'exit' covers process.exit(); the signals would otherwise end the
// process without running any handler; and vitest's main process, interrupted, exits without
// stopping its forked workers, which would go on running the file as orphans: the IPC channel
// closing ('disconnect') is how a worker learns that.
process.once('exit', remove);
process.once('disconnect', () => process.exit(1));
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const)
  process.once(signal, () => {
    remove();
    process.exit(code);
  });
