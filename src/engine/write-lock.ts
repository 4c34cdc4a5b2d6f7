// One writer at a time in an existing folder (add docker, add kubernetes, update, plop, create
// --overwrite): a lock file made with O_EXCL, held only for the synchronous check-and-move at
// the end of a run (milliseconds), so a second run waits a moment, then refuses. The lock
// holds "<pid> <host>". A run killed with SIGKILL (nothing else can stop it inside the
// synchronous section) leaves it behind: a lock whose process is gone on this host (its pid and
// start time, process-identity.ts) is stale and taken over (so is an empty one older than ten seconds), so it never blocks for good. A lock from another host (a shared network
// folder) cannot be checked: the message names the file to delete.

import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { CliError } from '../errors.js';
import { isRunning, ownProcessId, PROCESS_ID } from './process-identity.js';

export const LOCK_FILE = '.create-python-docker-app.lock';

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
/** How long to wait for another run's moves: they take milliseconds. */
const WAIT_MS = 3000;

/** Takes the lock in `dir`; returns the function that releases it. */
export function lockFolder(dir: string, shownDir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const me = `${ownProcessId()} ${hostname()}`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, me);
      } finally {
        closeSync(fd);
      }
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    // Gone, or killed between creating the file and writing its holder (then it is empty).
    if (holder ? holder.host === hostname() && !isRunning(holder.pid) : olderThan(file, 10_000)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder ? `process ${holder.pid.split('.')[0]} on ${holder.host}` : 'another run';
      throw new CliError(
        'write-failed',
        `${who} is writing into ${shownDir} (${LOCK_FILE}); nothing was written: run again when it is done (delete that file only if no such run exists)`,
      );
    }
    Atomics.wait(SLEEP, 0, 0, 20);
  }
}

function readHolder(file: string): { pid: string; host: string } | undefined {
  try {
    const [pid, host] = readFileSync(file, 'utf8').slice(0, 300).split(' ');
    return pid && PROCESS_ID.test(pid) && host ? { pid, host } : undefined;
  } catch {
    return undefined;
  }
}

function olderThan(file: string, ms: number): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > ms;
  } catch {
    return false;
  }
}
