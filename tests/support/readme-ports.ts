// The ports a generated stack publishes when run exactly as its README says (the app's 8000, and
// in development PostgreSQL's 5432 and Redis's 6379) can be held by one stack per engine at a
// time. Test files run in separate processes and share the engines, so the hold is a lock in the
// engine's own run directory (next to its socket): an atomic mkdir, polled until free. It goes
// with the engine at the end of the run, so a killed test leaves no lock for the next run.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineInfo } from './engine.js';

const POLL_MS = 250;

/** Waits until no other stack holds the README's ports on this engine; call the result to free them. */
export async function holdReadmePorts(engine: EngineInfo, timeoutMs = 3_600_000): Promise<() => void> {
  const lock = path.join(path.dirname(new URL(engine.host.replace(/^unix:/, 'file:')).pathname), 'readme-ports.lock');
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      let held = true;
      return () => {
        if (held) rmSync(lock, { recursive: true, force: true });
        held = false;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > until) throw new Error(`the README's ports on engine slot ${engine.slot} stayed held for ${timeoutMs / 1000} s`);
      await sleep(POLL_MS);
    }
  }
}
