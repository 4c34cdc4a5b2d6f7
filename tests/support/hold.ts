// Holds a spawned run of the built CLI at a named point of src/engine/test-pause.ts
// (CPDA_TEST_PAUSE_AT + CPDA_TEST_PAUSE_DIR), so a test acts at that moment deterministically
// (another run, a signal) instead of racing a timer.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, cleanEnv, tempDir } from './cli-run.js';

export interface Held {
  /** The held process (to signal it). */
  child: ChildProcess;
  /** Lets the held run go on; resolves with its exit code and stderr. */
  release(): Promise<{ code: number | null; stderr: string }>;
}

/** Starts the CLI and resolves once it is held at `point` (it wrote the marker). */
export async function holdAt(point: string, argv: string[], cwd: string): Promise<Held> {
  const seam = tempDir('cpda-seam-');
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd,
    env: cleanEnv({ CPDA_TEST_PAUSE_AT: point, CPDA_TEST_PAUSE_DIR: seam }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  const deadline = Date.now() + 20_000;
  while (!existsSync(path.join(seam, `${encodeURIComponent(point)}.reached`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the run never reached ${point}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    child,
    release() {
      writeFileSync(path.join(seam, `${encodeURIComponent(point)}.release`), '');
      return done;
    },
  };
}
