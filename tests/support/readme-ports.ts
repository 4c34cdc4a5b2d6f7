// The ports a generated stack publishes when run exactly as its README says (the app's 8000, and
// in development PostgreSQL's 5432 and Redis's 6379) can be held by one stack per engine at a
// time. Test files run in separate processes and share the engines, so the hold is a lock in the
// engine's own run directory (next to its socket), granted first come, first served: each waiter
// writes a ticket, and only the oldest ticket may take the lock (an atomic mkdir). Without the
// queue, stack-compose.test.ts, which hands the engine from one of its stacks to the next at
// once, would keep another file waiting until all its stacks were done. Tickets and lock go with
// the engine at the end of the run, so a killed test leaves nothing for the next run.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineInfo } from './engine.js';

const POLL_MS = 250;
let sequence = 0;

/** Waits for its turn to hold the README's ports on this engine; call the result to free them. */
export async function holdReadmePorts(engine: EngineInfo, timeoutMs = 3_600_000): Promise<() => void> {
  const dir = path.dirname(new URL(engine.host.replace(/^unix:/, 'file:')).pathname);
  const queue = path.join(dir, 'readme-ports.queue');
  const lock = path.join(dir, 'readme-ports.lock');
  mkdirSync(queue, { recursive: true });
  // Sortable by arrival: the time, then this process and its own count for ties.
  const ticket = `${String(Date.now()).padStart(15, '0')}-${String(process.pid).padStart(8, '0')}-${String(sequence++).padStart(6, '0')}`;
  writeFileSync(path.join(queue, ticket), '');
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (readdirSync(queue).sort()[0] === ticket) {
      try {
        mkdirSync(lock);
        let held = true;
        return () => {
          if (!held) return;
          held = false;
          rmSync(lock, { recursive: true, force: true });
          rmSync(path.join(queue, ticket), { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    if (Date.now() > until) {
      rmSync(path.join(queue, ticket), { force: true });
      throw new Error(`the README's ports on engine slot ${engine.slot} stayed held for ${timeoutMs / 1000} s`);
    }
    await sleep(POLL_MS);
  }
}
