// Docker files checked with the real tools (the stack group; the engines come from
// tests/support/stack-setup.ts):
//  1. `docker compose config` (Compose 2.40) accepts every combination's compose.yaml, alone
//     and merged with compose.override.yaml, with the .env a user copies from .env.example;
//  2. `add docker` on copies of the fixture repositories (tests/fixtures/flask-factory,
//     fastapi-main, pyproject-app, src-layout), in both Dockerfile variants: the image builds
//     (its pip really installs what the fixture declares, from PyPI), every declared
//     requirement is installed in it, and it runs to `healthy` serving the fixture's own route;
//  3. the multi-stage builder's apt step really runs apt: a misspelt package or a missing -y
//     fails the build.
// Failure messages start with the combination id (or the fixture and variant) and name the file.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, inject, test } from 'vitest';
import { existingAppContext, type DockerAppOptions } from '../../src/existing/docker-app.js';
import { allCombinations, comboId, type DockerfileVariant } from '../../src/options/table.js';
import { PACKAGE_VERSION, runMain } from '../support/cli-run.js';
import { composeConfig, createDotEnv, publishedPortConflicts } from '../support/compose-check.js';
import { docker, engineFor } from '../support/docker.js';
import type { EngineInfo } from '../support/engine.js';
import { copyFixture, type FixtureName } from '../support/existing-app.js';
import { generateInto } from '../support/generate.js';
import { tail } from '../support/run.js';
import { standinPythons } from '../support/standin-images.js';

const state = inject('engines');
// The worker's combinations build the same image as those without (it is the app's image with
// another command): the stack journeys run its worker (tests/support/pairwise.ts).
const combos = allCombinations()
  .filter((options) => options.worker === 'none')
  .map((options) => [comboId(options), options] as const);
const parent = mkdtempSync(path.join(tmpdir(), 'cpda-images-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));
const skipTitle = (title: string) => (state.available ? title : `${title} (skipped: ${state.reason})`);

describe.skipIf(!state.available)(skipTitle('docker compose config'), () => {
  test.concurrent.for(combos)('%s: accepts compose.yaml alone and merged with compose.override.yaml', async ([id, options], { expect }) => {
    const dir = generateInto(options, path.join(parent, `config-${id}`));
    createDotEnv(dir);
    for (const files of [['compose.yaml'], ['compose.yaml', 'compose.override.yaml']]) {
      const r = await composeConfig(dir, files, 'quiet');
      expect(r.code, `${id}: docker compose -f ${files.join(' -f ')} config --quiet:\n${r.stderr}${r.stdout}`).toBe(0);
    }
    const merged = await composeConfig(dir, ['compose.yaml', 'compose.override.yaml'], 'json');
    expect(merged.code, `${id}: merged config: ${merged.stderr}`).toBe(0);
    expect(publishedPortConflicts(merged.stdout).map((c) => `${id}: compose.yaml + compose.override.yaml: ${c}`)).toEqual([]);
  });
});

/**
 * [fixture, Dockerfile variant, a route the fixture's own code answers with 200]. Both variants
 * of each: pyproject-app's install step (tomllib extracts [project].dependencies) differs
 * from the requirements.txt one, and the multi-stage variant installs into a venv.
 */
const FIXTURE_IMAGES: (readonly [FixtureName, DockerfileVariant, string])[] = (
  [
    ['flask-factory', '/'],
    ['fastapi-main', '/health'],
    ['pyproject-app', '/healthz'],
    // A src layout: /products comes from shop.routes, imported by shop.main as `from shop.routes
    // import router`, which only resolves with /app/src on PYTHONPATH.
    ['src-layout', '/products'],
  ] as const
).flatMap(([fixture, route]) => (['standard', 'multi-stage'] as const).map((variant) => [fixture, variant, route] as const));

describe.skipIf(!state.available)(skipTitle('add docker on the fixture repositories'), () => {
  // `add docker` on a copy (in-process CLI, --yes: only detection and defaults), then build and
  // run the image. The fixture apps open no database connection at start-up, so they run
  // without services even where PostgreSQL was detected.
  const title = 'tests/fixtures/%s (%s): the image builds, installs what the fixture declares, reaches healthy and serves %s';
  test.concurrent.for(FIXTURE_IMAGES)(title, { timeout: 900_000 }, async ([fixture, variant, route], { expect, skip }) => {
    if (!state.available) return;
    const id = `fixture-${fixture}-${variant}`;
    const where = `tests/fixtures/${fixture} (add docker --dockerfile ${variant})`;
    const base = path.join(parent, id);
    mkdirSync(base);
    const dir = copyFixture(fixture, base);
    const added = await runMain(['add', 'docker', '--dir', dir, '--yes', '--json', '--dockerfile', variant], { cwd: base });
    expect(added.code, `${where}: add docker failed:\n${added.stderr}${added.stdout}`).toBe(0);
    const options = (JSON.parse(added.stdout) as { options: DockerAppOptions }).options;
    if (!standinPythons().includes(options.python)) return skip(`no stand-in image for Python ${options.python} on this machine`);
    const expected = existingAppContext(options, PACKAGE_VERSION);
    const files = `Dockerfile (installs ${options.installFrom}, CMD ${expected.server.command.join(' ')})`;
    const engine = engineFor(state.engines, FIXTURE_IMAGES.findIndex(([f, v]) => f === fixture && v === variant));

    createDotEnv(dir);
    const image = `cpda-test/${id}:test`;
    const started = Date.now();
    const build = await docker(engine, ['build', '--progress=plain', '-t', image, dir], { timeoutMs: 900_000 });
    console.log(`[images] ${where}: docker build ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(build.code, `${where}: docker build of ${files} failed:\n${tail(build, 30)}`).toBe(0);

    const declared = declaredRequirements(dir, options.installFrom).map(distributionName);
    const versions = await docker(engine, ['run', '--rm', '--entrypoint', 'python', image, '-c', INSTALLED, ...declared]);
    expect(versions.code, `${where}: reading what the image installed:\n${tail(versions)}`).toBe(0);
    expect(JSON.parse(versions.stdout) as Record<string, boolean>, `${where}: requirements of ${options.installFrom} installed in the image`).toEqual(
      Object.fromEntries(declared.map((name) => [name, true])),
    );

    const config = JSON.parse((await docker(engine, ['image', 'inspect', '-f', '{{json .Config}}', image])).stdout) as {
      User: string;
      Cmd: string[];
      Healthcheck?: { Test: string[] };
    };
    expect(config.User, `${where}: Dockerfile USER`).toBe(`${expected.uid}:${expected.uid}`);
    expect(config.Cmd, `${where}: Dockerfile CMD`).toEqual(expected.server.command);
    expect(config.Healthcheck?.Test, `${where}: Dockerfile HEALTHCHECK`).toEqual(['CMD', ...expected.healthcheck]);

    const served = `the image of ${files}${options.framework === 'flask' ? ' and gunicorn.conf.py' : ''}`;
    const health = await runUntilHealthy(engine, id, image, `http://127.0.0.1:${options.port}${route}`);
    expect(health.status, `${where}: the container of ${served} is not healthy\n${health.details}`).toBe('healthy');
    expect(health.details, `${where}: GET ${route} inside the container of ${served}`).toBe('');
  });
});

// The multi-stage builder's apt step must not pass with a broken apt command: each fault, put
// into the generated Dockerfile, fails the builder stage with apt's own message.
const multiStage = combos.find(([, o]) => o.dockerfile === 'multi-stage')!;
const APT_FAULTS: [name: string, from: string, to: string, message: string][] = [
  ['a misspelt package', 'build-essential\n', 'build-essentail\n', 'Unable to locate package build-essentail'],
  ['no -y', 'apt-get install -y ', 'apt-get install ', 'Abort.'],
];
describe.skipIf(!state.available)(skipTitle('the multi-stage builder'), () => {
  test.concurrent.for(APT_FAULTS)('with %s fails to build', { timeout: 600_000 }, async ([name, from, to, message], { expect }) => {
    if (!state.available) return;
    const dir = generateInto(multiStage[1], path.join(parent, `apt-${name.replace(/\W+/g, '-')}`));
    const text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(text.split(from).length, `${multiStage[0]}: Dockerfile should contain ${JSON.stringify(from)} once`).toBe(2);
    const file = path.join(dir, 'Dockerfile.fault');
    writeFileSync(file, text.replace(from, to));
    const build = await docker(engineFor(state.engines, 0), ['build', '--progress=plain', '--target', 'builder', '-f', file, dir], {
      timeoutMs: 600_000,
    });
    expect(build.code, `${multiStage[0]}: builder stage with ${name} built:\n${tail(build, 15)}`).not.toBe(0);
    expect(build.stderr).toContain(message);
  });
});

interface Health {
  status: string;
  details: string;
}

/**
 * Starts the image with its own CMD and HEALTHCHECK (only the check interval shortened, so
 * the first probe runs after 1 s) and waits up to 90 s for `healthy`; then GETs `url` inside.
 */
async function runUntilHealthy(engine: EngineInfo, id: string, image: string, url: string): Promise<Health> {
  const name = `cpda-${id}-${process.pid}`;
  const started = await docker(engine, ['run', '-d', '--name', name, '--health-interval=1s', image]);
  if (started.code !== 0) return { status: 'not started', details: started.stderr };
  try {
    const deadline = Date.now() + 90_000;
    let state: ContainerState = { Status: 'unknown', Running: false };
    while (Date.now() < deadline) {
      state = JSON.parse((await docker(engine, ['inspect', '-f', '{{json .State}}', name])).stdout) as ContainerState;
      if (state.Health?.Status === 'healthy' && state.Running) {
        const get = await docker(engine, ['exec', name, 'python', '-c', 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)', url]);
        return { status: 'healthy', details: get.code === 0 ? '' : tail(get, 5) };
      }
      if (!state.Running || state.Health?.Status === 'unhealthy') break;
      await sleep(500);
    }
    const logs = await docker(engine, ['logs', '--tail', '40', name]);
    const probes = (state.Health?.Log ?? []).slice(-3).map((l) => `probe exit ${l.ExitCode}: ${l.Output.trim()}`);
    return {
      status: state.Health?.Status ?? state.Status,
      details: [`container ${state.Status} (exit ${state.ExitCode ?? '-'})`, ...probes, '--- docker logs:', logs.stdout + logs.stderr].join('\n'),
    };
  } finally {
    await docker(engine, ['rm', '-f', name]);
  }
}

interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode?: number;
  Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
}

// Prints {name: installed?} for each distribution name given, with the image's python.
const INSTALLED = `
import json, sys
from importlib.metadata import PackageNotFoundError, version
def installed(name):
    try:
        version(name)
        return True
    except PackageNotFoundError:
        return False
print(json.dumps({name: installed(name) for name in sys.argv[1:]}))
`;

/** `uvicorn[standard]>=0.29` -> `uvicorn` */
function distributionName(requirement: string): string {
  return (/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement.trim())?.[0] ?? requirement).toLowerCase();
}

/**
 * The requirements a fixture declares in the file its image installs from, read here without
 * src/: requirements.txt's lines without comments and options, or pyproject.toml's
 * [project].dependencies (through the host's python3, 3.11+ for tomllib).
 */
function declaredRequirements(dir: string, installFrom: string): string[] {
  const file = path.join(dir, installFrom);
  if (installFrom === 'requirements.txt')
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter((line) => line !== '' && !line.startsWith('-'));
  const program = 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))';
  const r = spawnSync('python3', ['-c', program, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`host python3 could not read [project].dependencies of ${file}: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as string[];
}
