// The images install their lock for real: for every combination (framework x Postgres x Redis x
// Dockerfile variant) and both package managers, the generated Dockerfile is built unchanged,
// its dependency step downloading from PyPI (uv sync --locked / pip install --require-hashes),
// and the image runs to `healthy` against the real PostgreSQL and Redis of services-setup.ts;
// with one distribution's hashes changed in the lock, the build fails. The multi-stage uv image
// holds no uv.
//
// Also `add docker` in the fixture repositories locked with uv, Poetry and Pipenv, both
// variants: the image installs the lock with that tool, which is not left in it, and runs healthy.
//
// It needs an engine whose builds reach PyPI, with stand-ins for the images no registry here
// serves: python:<release>-slim-trixie (a real CPython, pip and venv; behind a TLS-intercepting
// proxy it must trust the proxy's CA as the host does, for uv through SSL_CERT_FILE and for
// Poetry's requests through REQUESTS_CA_BUNDLE, which the generated Dockerfiles never set) and
// docker/dockerfile:1 (BuildKit's frontend). The stack harness (tests/support/stack-setup.ts, branch `stack`)
// provides one; until it is on main, point CPDA_IMAGE_ENGINE at a running engine's DOCKER_HOST
// (builds use --network host, so they reach PyPI the way this machine does) and the tests run;
// without it they skip and say so. The uv image, ghcr.io/astral-sh/uv:<UV_VERSION>, is a
// stand-in built here from the uv wheel on PyPI, which carries the same static binaries.

import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PYTHON_IMAGES, UV_IMAGE, UV_VERSION } from '../src/engine/versions.js';
import { allCombinations, comboId, type ExtraOptionKey, type ProjectOptions } from '../src/options/table.js';
import { docker, run } from './support/docker.js';
import { runMain } from './support/cli-run.js';
import { copyFixture } from './support/existing-app.js';
import { generateInto } from './support/generate.js';
import { mutate } from './support/mutate.js';
import { createDatabase, databaseSocketUrl, redisSocketUrl, type Services } from './support/services.js';

const ENGINE = process.env.CPDA_IMAGE_ENGINE;
const PYTHON = '3.13' as const;
const SOCKETS_INSIDE = '/run/test-services';
const state = inject('services');
const work = mkdtempSync(path.join(tmpdir(), 'cpda-locked-images-'));
const built: string[] = [];

let reason: string | undefined = ENGINE ? undefined : 'CPDA_IMAGE_ENGINE is not set: no engine whose builds reach PyPI (the stack harness brings one)';

beforeAll(async () => {
  if (reason || !ENGINE) return;
  if (!state.ok) return void (reason = state.reason);
  for (const image of [PYTHON_IMAGES[PYTHON], 'docker/dockerfile:1'])
    if ((await docker(ENGINE, ['image', 'inspect', image])).code !== 0) return void (reason = `the engine has no stand-in for ${image}`);
  await buildUvStandin(ENGINE);
}, 600_000);

afterAll(async () => {
  if (ENGINE && built.length > 0) await docker(ENGINE, ['image', 'rm', '-f', ...built]);
  rmSync(work, { recursive: true, force: true });
});

/** ghcr.io/astral-sh/uv:<UV_VERSION>: /uv and /uvx from the uv wheel on PyPI, FROM scratch, as uv's image has them. */
async function buildUvStandin(engine: string): Promise<void> {
  const dir = mkdtempSync(path.join(work, 'uv-image-'));
  const arch = (await docker(engine, ['version', '-f', '{{.Server.Arch}}'])).stdout.trim() === 'arm64' ? 'aarch64' : 'x86_64';
  const download = await run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', '--platform', `manylinux2014_${arch}`, '-d', dir, `uv==${UV_VERSION}`]);
  if (download.code !== 0) throw new Error(`pip download uv==${UV_VERSION}: ${download.stderr}`);
  const wheel = path.join(dir, readdirOne(dir, /\.whl$/));
  const unzip = await run('python3', ['-c', `import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [open(sys.argv[2] + "/" + n, "wb").write(z.read("uv-${UV_VERSION}.data/scripts/" + n)) for n in ("uv", "uvx")]`, wheel, dir]);
  if (unzip.code !== 0) throw new Error(`unpacking the uv wheel: ${unzip.stderr}`);
  for (const binary of ['uv', 'uvx']) chmodSync(path.join(dir, binary), 0o755);
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY uv uvx /\n');
  const image = await docker(engine, ['build', '-q', '-t', UV_IMAGE, dir]);
  if (image.code !== 0) throw new Error(`building the uv stand-in: ${image.stderr}`);
}

function readdirOne(dir: string, pattern: RegExp): string {
  const found = readdirSync(dir).filter((f) => pattern.test(f));
  if (found.length !== 1) throw new Error(`expected one ${pattern} in ${dir}, found ${found.join(', ')}`);
  return found[0]!;
}

type Combo = Omit<ProjectOptions, 'name' | 'description' | ExtraOptionKey>;

/**
 * `docker build` of the generated Dockerfile, unchanged; RUN steps reach PyPI through the host's
 * network. No layer cache, so every build really installs (the download caches of the cache
 * mounts may serve files, which uv and pip check against the lock's hashes all the same).
 */
function build(engine: string, dir: string, tag: string) {
  built.push(tag);
  return docker(engine, ['build', '--no-cache', '--network', 'host', '--progress', 'plain', '-t', tag, dir], { timeoutMs: 900_000 });
}

/** Runs the image with the test services' sockets, waits for the engine to call it healthy. */
async function runHealthy(engine: string, services: Services, image: string, combo: Combo, index: number): Promise<{ status: string; logs: string }> {
  const database = `cpda_image_${index}`;
  if (combo.postgres) await createDatabase(services, database);
  const env = [
    ...(combo.postgres ? ['-e', `DATABASE_URL=${databaseSocketUrl(services, database, SOCKETS_INSIDE)}`] : []),
    ...(combo.redis ? ['-e', `REDIS_URL=${redisSocketUrl(SOCKETS_INSIDE, 100 + index)}`] : []),
  ];
  const started = await docker(engine, ['run', '-d', '--network', 'none', '-v', `${services.socketDir}:${SOCKETS_INSIDE}:ro`, ...env, image]);
  if (started.code !== 0) return { status: 'not started', logs: started.stderr };
  const id = started.stdout.trim();
  try {
    // The HEALTHCHECK's first probe comes after --interval (30 s); give it two.
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

const COMBOS = allCombinations(PYTHON);

describe.concurrent('every image installs its lock from PyPI and runs healthy', { timeout: 1_200_000 }, () => {
  it.for(COMBOS.map((c, i) => [comboId(c), c, i] as const))('%s', async ([id, combo, index], { skip, expect }) => {
    if (reason || !ENGINE) return skip(reason);
    const dir = generateInto({ name: 'image-app', ...combo }, mkdtempSync(path.join(work, `${id}-`)));
    const tag = `cpda-locked/${id}:test`;
    const result = await build(ENGINE, dir, tag);
    expect(result.code, `${id}: build failed\n${result.stderr.slice(-4000)}`).toBe(0);
    // The dependency step really downloaded and installed the lock.
    expect(result.stderr).toMatch(combo.packageManager === 'uv' ? /Installed \d+ packages/ : /Successfully installed /);
    if (combo.packageManager === 'uv' && combo.dockerfile === 'multi-stage') {
      const uvInRuntime = await docker(ENGINE, ['run', '--rm', '--network', 'none', tag, 'sh', '-c', 'command -v uv uvx || echo none']);
      expect(uvInRuntime.stdout.trim()).toBe('none');
    }
    const services = (state as { ok: true; services: Services }).services;
    const health = await runHealthy(ENGINE, services, tag, combo, index);
    expect(health.status, `${id}: the container did not get healthy\n${health.logs}`).toBe('healthy');
  });
});

describe.concurrent('a changed hash in the lock fails the build', { timeout: 1_200_000 }, () => {
  const combo: Combo = { framework: 'flask', python: PYTHON, postgres: false, redis: false, dockerfile: 'standard', migrations: false, packageManager: 'uv', deploy: 'none' };
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
    const result = await docker(ENGINE, ['build', '--no-cache', '--network', 'host', '--progress', 'plain', dir], { timeoutMs: 900_000 });
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
    const health = await runHealthy(ENGINE, services, tag, { framework: 'fastapi', python: PYTHON, postgres: false, redis: false, dockerfile, migrations: false, packageManager: 'uv', deploy: 'none' }, 90);
    expect(health.status, `${fixture} ${dockerfile}: the container did not get healthy\n${health.logs}`).toBe('healthy');
  });
});
