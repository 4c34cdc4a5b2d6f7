// The images honour their locks. With one distribution's hashes changed in the lock, the build
// of the generated Dockerfile fails (uv sync --locked / pip install --require-hashes), for both
// package managers. And `add docker` in the fixture repositories locked with uv, Poetry and
// Pipenv, both variants: the image installs the lock with that tool, which is not left in it,
// and runs healthy. (Every generated combination's image, built from its lock, is started by
// Compose in tests/stack/stack-compose.test.ts.)
//
// On an engine of the stack group (tests/support/stack-setup.ts) whose builds reach PyPI, with
// the stand-in images of tests/support/standin-images.ts (python, docker/dockerfile:1 and
// ghcr.io/astral-sh/uv, the last built from the uv wheel on PyPI, which carries the same static
// binaries); the services are the host's PostgreSQL and Redis (services-setup.ts), reached
// through their Unix sockets.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtraOptionKey, ProjectOptions } from '../../src/options/table.js';
import { docker, engineFor } from '../support/docker.js';
import type { EngineInfo } from '../support/engine.js';
import { runMain } from '../support/cli-run.js';
import { copyFixture } from '../support/existing-app.js';
import { generateInto } from '../support/generate.js';
import { mutate } from '../support/mutate.js';
import { createDatabase, databaseEnv, redisSocketUrl, type Services } from '../support/services.js';
import { runUntilHealthy, type ImageHealth } from '../support/image-health.js';

const PYTHON = '3.13' as const;
const SOCKETS_INSIDE = '/run/test-services';
const state = inject('services');
const engines = inject('engines');
const work = mkdtempSync(path.join(tmpdir(), 'cpda-locked-images-'));
const built: string[] = [];
const reason = !engines.available ? engines.reason : !state.ok ? state.reason : undefined;
/** The last engine: the Compose stacks start on the first ones. */
const ENGINE: EngineInfo | undefined = engines.available ? engineFor(engines.engines, engines.engines.length - 1) : undefined;

afterAll(async () => {
  if (ENGINE && built.length > 0) await docker(ENGINE, ['image', 'rm', '-f', ...built]);
  rmSync(work, { recursive: true, force: true });
});

type Combo = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;

/**
 * `docker build` of the generated Dockerfile, unchanged; RUN steps reach PyPI through the
 * engine's network. No layer cache, so every build really installs (the download caches of the cache
 * mounts may serve files, which uv and pip check against the lock's hashes all the same).
 */
function build(engine: EngineInfo, dir: string, tag: string) {
  built.push(tag);
  return docker(engine, ['build', '--no-cache', '--progress', 'plain', '-t', tag, dir], { timeoutMs: 900_000 });
}

/** Runs the image with the test services' sockets, waits for the engine to call it healthy. */
async function runHealthy(engine: EngineInfo, services: Services, image: string, combo: Combo, index: number): Promise<ImageHealth> {
  const database = `cpda_image_${index}`;
  if (combo.postgres) await createDatabase(services, database);
  const env = [
    ...(combo.postgres ? Object.entries(databaseEnv(services, database, SOCKETS_INSIDE)).flatMap(([k, v]) => ['-e', `${k}=${v}`]) : []),
    ...(combo.redis ? ['-e', `REDIS_URL=${redisSocketUrl(SOCKETS_INSIDE, 100 + index)}`] : []),
  ];
  return runUntilHealthy(engine, image, ['--network', 'none', '-v', `${services.socketDir}:${SOCKETS_INSIDE}:ro`, ...env]);
}

describe.concurrent('a changed hash in the lock fails the build', { timeout: 1_200_000 }, () => {
  const combo: Combo = { framework: 'flask', python: PYTHON, postgres: false, redis: false, dockerfile: 'standard', migrations: false, packageManager: 'uv', deploy: [], worker: 'none', beat: false };
  it.for([['uv'], ['pip']] as const)('%s', async ([packageManager], { skip, expect }) => {
    if (reason || !ENGINE) return skip(reason);
    const dir = generateInto({ name: 'tampered-app', ...combo, packageManager }, mkdtempSync(path.join(work, `tamper-${packageManager}-`)));
    const lock = path.join(dir, packageManager === 'uv' ? 'uv.lock' : 'requirements.txt');
    const text = readFileSync(lock, 'utf8');
    // Every hash of blinker (Flask needs it), wheel and sdist, replaced by zeros.
    const entry = packageManager === 'uv' ? /\[\[package\]\]\nname = "blinker"\n[\s\S]*?\n\n/.exec(text)![0] : /^blinker==[\s\S]*?(?=^\S)/m.exec(text)![0];
    let tampered = entry;
    for (const hash of new Set(entry.match(/(?<=sha256:)[0-9a-f]{64}/g) ?? [])) tampered = mutate(tampered, hash, '0'.repeat(64));
    expect(tampered).not.toBe(entry);
    writeFileSync(lock, text.replace(entry, tampered));
    // No cache: a blinker downloaded by an earlier build cannot stand in for the download.
    const result = await docker(ENGINE, ['build', '--no-cache', '--progress', 'plain', dir], { timeoutMs: 900_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(packageManager === 'uv' ? /Hash mismatch for `blinker==/ : /THESE PACKAGES DO NOT MATCH THE HASHES[\s\S]*blinker/);
  });
});

describe.concurrent('add docker: a repository locked with uv, Poetry or Pipenv gets an image that installs its lock', { timeout: 1_200_000 }, () => {
  const cases = (['uv-project', 'poetry-project', 'pipenv-project'] as const).flatMap((fixture) =>
    (['standard', 'multi-stage'] as const).map((dockerfile) => [`${fixture}, ${dockerfile}`, fixture, dockerfile] as const),
  );
  it.for(cases)('%s', async ([, fixture, dockerfile], { skip, expect }) => {
    if (reason || !ENGINE) return skip(reason);
    const dir = copyFixture(fixture, mkdtempSync(path.join(work, `${fixture}-${dockerfile}-`)));
    const added = await runMain(['add', 'docker', '--dir', dir, '--yes', '--dockerfile', dockerfile], { cwd: dir });
    expect(added.code, added.stderr).toBe(0);
    const tag = `cpda-locked/add-${fixture}-${dockerfile}:test`;
    const result = await build(ENGINE, dir, tag);
    expect(result.code, `${fixture} ${dockerfile}: build failed\n${result.stderr.slice(-4000)}`).toBe(0);
    const installed = { 'uv-project': /Installed \d+ packages/, 'poetry-project': /Installing gunicorn \(27\.0\.1\)/, 'pipenv-project': /Installing dependencies from Pipfile\.lock/ }[fixture];
    expect(result.stderr).toMatch(installed);
    // Poetry and Pipenv are build tools: neither is left in the image.
    const tools = await docker(ENGINE, ['run', '--rm', '--network', 'none', tag, 'sh', '-c', 'command -v poetry pipenv; ls /tmp /opt']);
    expect(tools.stdout).not.toMatch(/poetry|pipenv/);
    const services = (state as { ok: true; services: Services }).services;
    const health = await runHealthy(ENGINE, services, tag, { framework: 'fastapi', python: PYTHON, postgres: false, redis: false, dockerfile, migrations: false, packageManager: 'uv', deploy: [], worker: 'none', beat: false }, 90);
    expect(health.status, `${fixture} ${dockerfile}: the container did not get healthy\n${health.logs}`).toBe('healthy');
  });
});
