// An image run the way its HEALTHCHECK judges it: started detached, then polled until the engine
// calls it healthy or unhealthy. Shared by the files that build an image and only need to know
// whether it comes up (stack-add-docker, locked-images).

import { setTimeout as sleep } from 'node:timers/promises';
import { docker } from './docker.js';
import type { EngineInfo } from './engine.js';

export interface ImageHealth {
  /** healthy, unhealthy, `timed out` or `not started`. */
  status: string;
  /** The container's stderr (the server's log), or why it did not start. */
  logs: string;
}

/**
 * Runs `image` with `runArgs` (network, volumes, environment) and waits up to 90 s for the
 * engine's verdict: the HEALTHCHECK's first probe comes after its --interval (30 s), so that
 * leaves room for two. The container is removed whatever happened.
 */
export async function runUntilHealthy(engine: EngineInfo, image: string, runArgs: string[] = []): Promise<ImageHealth> {
  const started = await docker(engine, ['run', '-d', ...runArgs, image]);
  if (started.code !== 0) return { status: 'not started', logs: started.stderr };
  const id = started.stdout.trim();
  try {
    for (let i = 0; i < 90; i++) {
      const status = (await docker(engine, ['inspect', '-f', '{{.State.Health.Status}}', id])).stdout.trim();
      if (status === 'healthy' || status === 'unhealthy') return { status, logs: (await docker(engine, ['logs', id])).stderr };
      await sleep(1000);
    }
    return { status: 'timed out', logs: (await docker(engine, ['logs', id])).stderr };
  } finally {
    await docker(engine, ['rm', '-f', id]);
  }
}
