// vitest globalSetup of the "stack" project (vitest.config.ts): the real-parts setup, run only
// when a file of that project is part of the run.
//  1. scripts/setup-test-env.sh --frontend-later: host packages, the cached root filesystems
//     and the engine (minutes when cold, about a second when cached); the Dockerfile frontend's
//     compile, when cold, goes on in the background, and its stand-in image waits for it;
//  2. CPDA_ENGINES engines (default 3; engine.ts), started in parallel: each Compose stack
//     publishes the same ports, so stacks run at once only on different engines;
//  3. the stand-in images in each engine (standin-images.ts), started here and not waited for:
//     vitest runs every project's globalSetup before any test of any group, and cold the
//     stand-ins took 45-117 s; the fast, tools and pack groups run meanwhile, and each stack
//     file waits for them before it loads (standins-ready.ts, stack-file-setup.ts).
// Each step prints what it cost. Without root nothing starts and the stack tests skip, saying
// why; as root, a failure of 1 or 2 fails the run, and a failure of 3 fails every stack file
// with its error.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { SETUP_SCRIPT } from './cache.js';
import type { EnginesState } from './docker.js';
import { engineUnavailable, startEngine, type RunningEngine } from './engine.js';
import { buildStandins } from './standin-images.js';
import { announceStandins } from './standins-ready.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) {
    project.provide('engines', { available: false, reason: 'not running as root' } satisfies EnginesState);
    project.provide('standins', { statusFile: null });
    return async () => {};
  }
  await timed('scripts/setup-test-env.sh', runSetupScript);
  const missing = engineUnavailable();
  if (missing) throw new Error(`the stack tests cannot run: ${missing}`);

  const count = Math.max(1, Number(process.env.CPDA_ENGINES ?? 3));
  const engines: RunningEngine[] = [];
  const onExit = () => engines.forEach((e) => e.killNow());
  process.once('exit', onExit);
  // Where the stand-ins' outcome is written; removed with the engines (.ci/run checks TMPDIR is left empty).
  const statusDir = mkdtempSync(path.join(tmpdir(), 'cpda-standins-'));
  let standins: Promise<void> = Promise.resolve();
  const stopAll = async () => {
    process.removeListener('exit', onExit);
    // A stand-in build still going on (a run interrupted early) ends before its engine stops.
    await standins;
    await timed(`stopping ${engines.length} engine(s)`, () => Promise.all(engines.map((e) => e.stop())));
    rmSync(statusDir, { recursive: true, force: true });
  };
  try {
    await timed(`starting ${count} engine(s)`, () =>
      Promise.all(Array.from({ length: count }, async () => engines.push(await startEngine()))),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  const statusFile = path.join(statusDir, 'status.json');
  const building = timed('stand-in images', async () => {
    const timings = await Promise.all(engines.map(async (e) => `slot ${e.slot}: ${(await buildStandins(e)).join(', ')}`));
    return timings.join('\n  ');
  });
  building.catch((error: unknown) => console.error(`[stack setup] stand-in images FAILED (every stack file will fail with this): ${String(error)}`));
  standins = announceStandins(building, statusFile);
  project.provide('standins', { statusFile });
  project.provide('engines', {
    available: true,
    // In slot order: tests pick engines by index, and the same work should land on the same
    // persisted data root (and its build cache) run after run.
    engines: engines.map(({ slot, host, configDir, netPid }) => ({ slot, host, configDir, netPid })).sort((a, b) => a.slot - b.slot),
  } satisfies EnginesState);
  return stopAll;
}

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  const detail = typeof result === 'string' && result ? `\n  ${result}` : '';
  console.log(`[stack setup] ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s${detail}`);
  return result;
}

function runSetupScript(): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its progress goes straight to the terminal: a cold build takes minutes.
    const child = spawn('bash', [SETUP_SCRIPT, '--frontend-later'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${SETUP_SCRIPT} exited with ${code}`))));
  });
}
