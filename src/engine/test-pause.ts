// Test seam: hold a run at a named point so a test can play a second run against it, in a
// fixed order instead of a race. Honoured only when BOTH variables are set and the folder
// exists: CPDA_TEST_PAUSE_AT=<point> and CPDA_TEST_PAUSE_DIR=<folder>. The run then writes
// <folder>/<point>.reached and waits (up to a minute) for <folder>/<point>.release.
// The wait is synchronous on purpose: a point inside a synchronous section (the moves, the
// lock) stays synchronous, so holding it cannot let a signal handler in where none could run.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SLEEP = new Int32Array(new SharedArrayBuffer(4));

export function pauseAt(point: string): void {
  const dir = process.env.CPDA_TEST_PAUSE_DIR;
  if (!dir || process.env.CPDA_TEST_PAUSE_AT !== point) return;
  try {
    if (!statSync(dir).isDirectory()) return;
  } catch {
    return;
  }
  // A point may name a file (`write-placing deploy/x.yaml`): its marker's name is encoded.
  writeFileSync(path.join(dir, `${encodeURIComponent(point)}.reached`), String(process.pid));
  const release = path.join(dir, `${encodeURIComponent(point)}.release`);
  const deadline = Date.now() + 60_000;
  while (!existsSync(release) && Date.now() < deadline) Atomics.wait(SLEEP, 0, 0, 10);
}
