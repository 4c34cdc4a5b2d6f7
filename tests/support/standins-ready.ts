// The stand-in images are built in the engines while the tests already run: vitest runs every
// project's globalSetup before the first test of any group, and the stand-ins' import took
// 45-117 s cold, so tests/support/stack-setup.ts starts them, hands out the engines and returns,
// and writes how the build ended to a file of its own (`announceStandins`). Each stack test
// file waits for that file before it is loaded (tests/support/stack-file-setup.ts); the fast,
// tools and pack groups do not wait at all.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What stack-setup.ts hands to the stack files: where the stand-ins' outcome will be written. */
export type StandinsState = { statusFile: string } | { statusFile: null };

declare module 'vitest' {
  export interface ProvidedContext {
    standins: StandinsState;
  }
}

type Outcome = { ok: true } | { ok: false; error: string };

/** Writes the outcome of `building` to `statusFile` once it settles (atomically: a reader sees all or nothing). */
export function announceStandins(building: Promise<unknown>, statusFile: string): Promise<void> {
  const write = (outcome: Outcome) => {
    writeFileSync(`${statusFile}.partial`, JSON.stringify(outcome));
    renameSync(`${statusFile}.partial`, statusFile);
  };
  return building.then(
    () => write({ ok: true }),
    (error: unknown) => write({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
}

/**
 * Resolves when the stand-ins are in every engine; throws their build's error, or a timeout.
 * Cold, the build took up to about two minutes here, plus the frontend's compile it may wait for.
 */
export async function waitForStandins(state: StandinsState, timeoutMs = 900_000): Promise<void> {
  if (!state.statusFile) return;
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(state.statusFile)) {
    if (Date.now() > deadline)
      throw new Error(`the stand-in images were not in the engines after ${timeoutMs / 1000} s (tests/support/stack-setup.ts builds them; its [stack setup] lines say how far it got)`);
    await sleep(500);
  }
  const outcome = JSON.parse(readFileSync(state.statusFile, 'utf8')) as Outcome;
  if (!outcome.ok) throw new Error(`the stand-in images could not be built, so no stack test can run:\n${outcome.error}`);
}
