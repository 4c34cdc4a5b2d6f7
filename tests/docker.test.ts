// Every combination of options, checked as Docker would see it:
//  1. the Dockerfile passes our own rules (tests/support/dockerfile-lint.ts; hadolint and checkov
//     run on it in field-checkers.test.ts);
//  2. compose.yaml, alone and merged with compose.override.yaml, is valid for the Compose schema
//     and for `docker-compose config`, with the .env a user copies from .env.example;
//  3. the image builds and its own HEALTHCHECK reports `healthy` (tests/support/standin-image.ts
//     explains the stand-in base image: Debian's Python packages, a pip and an apt-get that
//     only check).
//     Containers run with --network none, so all can listen on their own port 8000 at once;
//     they reach the test PostgreSQL and Redis (services-setup.ts) through Unix sockets.
//  4. the same build-and-healthy check for the Docker files `add docker` writes into copies of
//     the fixture repositories (tests/fixtures/flask-factory, fastapi-main, pyproject-app,
//     src-layout), in both Dockerfile variants: their own code, served by the CMD, answers
//     inside the container.
// Failure messages start with the combination id (or the fixture and variant) and name the file.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildContext } from '../src/engine/context.js';
import { existingAppContext, type DockerAppOptions } from '../src/existing/docker-app.js';
import { allCombinations, comboId, type DockerfileVariant } from '../src/options/table.js';
import { COMPOSE_BIN, composeConfig, composeSchemaErrors, createDotEnv, publishedPortConflicts } from './support/compose-check.js';
import { PACKAGE_VERSION, runMain } from './support/cli-run.js';
import { docker, offlineDockerfile } from './support/docker.js';
import { copyFixture, type FixtureName } from './support/existing-app.js';
import { buildStandinImages } from './support/standin-image.js';
import { lintDockerfile } from './support/dockerfile-lint.js';
import { generateInto, optionsFor, TEST_VERSION } from './support/generate.js';
import { createDatabase, databaseSocketUrl, redisSocketUrl, type ServicesState } from './support/services.js';

/** [id, options]: a tuple so that `%s` prints the id in test names. */
const combos = allCombinations().map((options) => [comboId(options), options] as const);
const parent = mkdtempSync(path.join(tmpdir(), 'cpda-docker-test-'));
const projects = new Map(combos.map(([id, options]) => [id, generateInto(options, path.join(parent, id))]));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

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

function projectDir(id: string): string {
  const dir = projects.get(id);
  if (!dir) throw new Error(`no project for ${id}`);
  return dir;
}
function readProjectFile(id: string, file: string): string | undefined {
  const p = path.join(projectDir(id), file);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

describe('Dockerfile lint', () => {
  test.for(combos)('%s: Dockerfile', ([id]) => {
    const text = readProjectFile(id, 'Dockerfile') ?? '';
    const findings = lintDockerfile(text, { readFile: (f) => readProjectFile(id, f) });
    expect(findings.map((f) => `${id}: Dockerfile:${f.line} [${f.rule}] ${f.message}`)).toEqual([]);
  });
});

describe('Compose files', () => {
  test.for(combos)('%s: compose.yaml and compose.override.yaml match the Compose schema', ([id]) => {
    for (const file of ['compose.yaml', 'compose.override.yaml']) {
      const text = readProjectFile(id, file);
      expect(text, `${id}: ${file} missing`).toBeDefined();
      expect(composeSchemaErrors(text!).map((e) => `${id}: ${file}: ${e}`)).toEqual([]);
    }
  });

  test.for(combos)('%s: docker-compose config accepts them, alone and merged', async ([id]) => {
    expect(existsSync(COMPOSE_BIN), `${COMPOSE_BIN} missing: run scripts/setup-test-env.sh`).toBe(true);
    const dir = projectDir(id);
    createDotEnv(dir);
    for (const files of [['compose.yaml'], ['compose.yaml', 'compose.override.yaml']]) {
      const r = await composeConfig(dir, files, 'quiet');
      expect(r.code, `${id}: docker-compose -f ${files.join(' -f ')} config --quiet:\n${r.stderr}${r.stdout}`).toBe(0);
    }
    const merged = await composeConfig(dir, ['compose.yaml', 'compose.override.yaml'], 'json');
    expect(merged.code, `${id}: merged config: ${merged.stderr}`).toBe(0);
    expect(publishedPortConflicts(merged.stdout).map((c) => `${id}: compose.yaml + compose.override.yaml: ${c}`)).toEqual([]);
  });

  test.for(combos)('%s: Compose files keep secrets and service ports private', ([id, options]) => {
    const base = readProjectFile(id, 'compose.yaml') ?? '';
    const override = readProjectFile(id, 'compose.override.yaml') ?? '';
    expect(base, `${id}: compose.yaml has an obsolete version:`).not.toMatch(/^version:/m);
    // Only the app publishes a port in the base file; the override binds services to 127.0.0.1.
    const ports = (text: string) => Object.values((parseYaml(text) as { services: Record<string, { ports?: string[] }> }).services).flatMap((s) => s.ports ?? []);
    expect(ports(base), `${id}: compose.yaml publishes`).toEqual(['8000:8000']);
    for (const port of ports(override))
      expect(port, `${id}: compose.override.yaml publishes on all interfaces`).toMatch(/^127\.0\.0\.1:/);
    // The example password of .env.example must not be baked into any Compose file.
    const example = /^POSTGRES_PASSWORD=(.+)$/m.exec(readProjectFile(id, '.env.example') ?? '')?.[1];
    if (options.postgres) {
      expect(example, `${id}: .env.example lacks POSTGRES_PASSWORD`).toBeDefined();
      expect(base + override, `${id}: compose files contain the password`).not.toContain(example!);
      expect(base, `${id}: compose.yaml must require POSTGRES_PASSWORD`).toContain('${POSTGRES_PASSWORD:?');
    }
  });
});

const dockerInfo = inject('docker');
const services: ServicesState = inject('services') ?? { ok: false, reason: 'tests/support/services-setup.ts did not run' };
const buildTimes: { id: string; seconds: number }[] = [];
const skipDocker = !dockerInfo.available && !dockerInfo.broken;
/** Where the services' socket directory is mounted in the containers. */
const SOCKETS_INSIDE = '/run/test-services';

const dockerTitle = dockerInfo.available ? 'Docker image' : `Docker image (${dockerInfo.reason})`;

describe.skipIf(skipDocker)(dockerTitle, () => {
  let host = '';
  beforeAll(async () => {
    if (!dockerInfo.available) throw new Error(`Docker should work here but does not: ${dockerInfo.reason}`);
    host = dockerInfo.host;
    await buildStandinImages(host);
  }, 300_000);
  afterAll(() => {
    if (buildTimes.length > 0)
      console.log(`docker build times (s): ${buildTimes.map((b) => `${b.id} ${b.seconds.toFixed(1)}`).join(', ')}`);
  });

  const title = '%s: image builds and its HEALTHCHECK reports healthy';
  test.concurrent.for(combos)(title, { timeout: 300_000 }, async ([id, options], { expect, skip }) => {
    const dir = projectDir(id);
    const image = `cpda-test/${id}:test`;
    // A real .env and the junk of a working copy in the build context: the image must contain none of it.
    createDotEnv(dir);
    plantWorkingCopyJunk(dir);

    const build = await buildImage(host, id, dir, image);
    expect(build.code, `${id}: docker build of Dockerfile failed:\n${build.stderr.split('\n').slice(-30).join('\n')}`).toBe(0);

    const expected = buildContext(optionsFor(options), TEST_VERSION);
    const config = JSON.parse((await docker(host, ['image', 'inspect', '-f', '{{json .Config}}', image])).stdout) as {
      User: string;
      Healthcheck?: { Test: string[] };
    };
    expect(config.User, `${id}: Dockerfile USER`).toBe(`${expected.uid}:${expected.uid}`);
    expect(config.Healthcheck?.Test, `${id}: Dockerfile HEALTHCHECK`).toEqual(['CMD', ...expected.healthcheck]);

    if ((options.postgres || options.redis) && !services.ok) return skip(`no test PostgreSQL/Redis: ${services.reason}`);
    const runArgs = await containerArgs(id, options, services);
    const health = await runUntilHealthy(host, id, image, runArgs);
    expect(health.status, `${id}: container of the Dockerfile's image is not healthy\n${health.details}`).toBe('healthy');
    expect(health.details, `${id}: inside the container of the Dockerfile's image`).toBe('');
  });

  // `add docker` on copies of the fixture repositories (in-process CLI, --yes: only detection
  // and defaults), then the same build and HEALTHCHECK as a new project, plus a GET of a route
  // of the fixture's own code inside the container: a TCP HEALTHCHECK alone would pass for any
  // server that binds the port. The fixture apps open no database connection at start-up, so
  // they run without the test services even where PostgreSQL was detected.
  const fixtureTitle = 'add docker on tests/fixtures/%s (%s): image builds, reaches healthy and serves %s';
  test.concurrent.for(FIXTURE_IMAGES)(fixtureTitle, { timeout: 300_000 }, async ([fixture, variant, route], { expect }) => {
    const id = `fixture-${fixture}-${variant}`;
    const where = `tests/fixtures/${fixture} (add docker --dockerfile ${variant})`;
    const base = path.join(parent, id);
    mkdirSync(base);
    const dir = copyFixture(fixture, base);
    const added = await runMain(['add', 'docker', '--dir', dir, '--yes', '--json', '--dockerfile', variant], { cwd: base });
    expect(added.code, `${where}: add docker failed:\n${added.stderr}${added.stdout}`).toBe(0);
    const options = (JSON.parse(added.stdout) as { options: DockerAppOptions }).options;
    const expected = existingAppContext(options, PACKAGE_VERSION);
    const files = `Dockerfile (installs ${options.installFrom}, CMD ${expected.server.command.join(' ')})`;

    createDotEnv(dir);
    const image = `cpda-test/${id}:test`;
    const build = await buildImage(host, id, dir, image);
    expect(build.code, `${where}: docker build of ${files} failed:\n${build.stderr.split('\n').slice(-30).join('\n')}`).toBe(0);
    // Healthy alone would not prove the install step: the stand-in image has Debian's packages
    // (and /usr/bin/uvicorn) whatever pip is given. The pip stand-in logs each requirement it
    // was asked for; they must be exactly those the fixture declares.
    const asked = [...build.stderr.matchAll(/pip stand-in: (.+?): found /g)].map((m) => m[1]!);
    expect(asked.sort(), `${where}: pip in the Dockerfile was not given the dependencies of ${options.installFrom}`).toEqual(
      declaredRequirements(dir, options.installFrom).sort(),
    );

    const config = JSON.parse((await docker(host, ['image', 'inspect', '-f', '{{json .Config}}', image])).stdout) as {
      User: string;
      Cmd: string[];
      Healthcheck?: { Test: string[] };
    };
    expect(config.User, `${where}: Dockerfile USER`).toBe(`${expected.uid}:${expected.uid}`);
    expect(config.Cmd, `${where}: Dockerfile CMD`).toEqual(expected.server.command);
    expect(config.Healthcheck?.Test, `${where}: Dockerfile HEALTHCHECK`).toEqual(['CMD', ...expected.healthcheck]);

    const served = `the image of ${files}${options.framework === 'flask' ? ' and gunicorn.conf.py' : ''}`;
    const health = await runUntilHealthy(host, id, image, [], { codePaths: options.sourcePaths, url: `http://127.0.0.1:${options.port}${route}` });
    expect(health.status, `${where}: the container of ${served} is not healthy\n${health.details}`).toBe('healthy');
    expect(health.details, `${where}: inside the container of ${served}`).toBe('');
  });

  // The apt-get stand-in installs nothing, but it must not hide a broken apt step: the builder
  // stage of a generated multi-stage Dockerfile, with one fault, must fail to build. (A missing
  // `apt-get update` is left to the linter: the lists cache mount may hold an earlier build's.)
  const multiStage = combos.find(([, o]) => o.dockerfile === 'multi-stage')![0];
  const aptFaults: [name: string, from: string, to: string, message: string][] = [
    ['a misspelt package', 'build-essential\n', 'build-essentail\n', 'Unable to locate package build-essentail'],
    ['no -y', 'apt-get install -y ', 'apt-get install ', 'install without -y'],
  ];
  test.concurrent.for(aptFaults)('builder stage with %s fails to build', { timeout: 300_000 }, async ([name, from, to, message], { expect }) => {
    const dir = projectDir(multiStage);
    const text = await offlineDockerfile(host, readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
    expect(text.split(from).length, `${multiStage}: Dockerfile should contain ${JSON.stringify(from)} once`).toBe(2);
    const file = path.join(parent, `Dockerfile.${name.replace(/\W+/g, '-')}`);
    writeFileSync(file, text.replace(from, to));
    const build = await docker(host, ['build', '--network=none', '--progress=plain', '--target', 'builder', '-f', file, dir], {
      timeoutMs: 240_000,
    });
    expect(build.code, `${multiStage}: builder stage with ${name} built:\n${build.stderr.split('\n').slice(-15).join('\n')}`).not.toBe(0);
    expect(build.stderr).toContain(message);
  });
});

/** Environment and mounts for the app: a fresh database per combination, Redis db 0. */
async function containerArgs(
  id: string,
  options: { postgres: boolean; redis: boolean },
  state: ServicesState,
): Promise<string[]> {
  if (!state.ok) return [];
  const args = ['-v', `${state.services.socketDir}:${SOCKETS_INSIDE}:ro`];
  if (options.postgres) {
    // The PostgreSQL store creates its table at start-up, so the app needs a real database.
    const database = `docker_${id.replace(/-/g, '_')}`;
    await createDatabase(state.services, database);
    args.push('-e', `DATABASE_URL=${databaseSocketUrl(state.services, database, SOCKETS_INSIDE)}`);
  }
  if (options.redis) args.push('-e', `REDIS_URL=${redisSocketUrl(SOCKETS_INSIDE, 0)}`);
  return args;
}

interface Health {
  status: string;
  details: string;
}

/**
 * Starts the image with its own CMD and HEALTHCHECK command; only the check interval is
 * shortened (30 s in the Dockerfile) so the first probe runs after 1 s. Waits up to 60 s.
 */
async function runUntilHealthy(host: string, id: string, image: string, extraArgs: string[], inside: InsideChecks = {}): Promise<Health> {
  const name = `cpda-${id}-${process.pid}`;
  const runArgs = ['run', '-d', '--name', name, '--network', 'none', '--health-interval=1s', ...extraArgs, image];
  const started = await docker(host, runArgs);
  if (started.code !== 0) return { status: 'not started', details: started.stderr };
  try {
    const deadline = Date.now() + 60_000;
    let state: ContainerState = { Status: 'unknown', Running: false };
    while (Date.now() < deadline) {
      state = JSON.parse((await docker(host, ['inspect', '-f', '{{json .State}}', name])).stdout) as ContainerState;
      if (state.Health?.Status === 'healthy' && state.Running) return { status: 'healthy', details: await insideChecks(host, name, inside) };
      if (!state.Running || state.Health?.Status === 'unhealthy') break;
      await sleep(500);
    }
    const logs = await docker(host, ['logs', '--tail', '40', name]);
    const probes = (state.Health?.Log ?? []).slice(-3).map((l) => `probe exit ${l.ExitCode}: ${l.Output.trim()}`);
    return {
      status: state.Health?.Status ?? state.Status,
      details: [`container ${state.Status} (exit ${state.ExitCode ?? '-'})`, ...probes, '--- docker logs:', logs.stdout + logs.stderr].join('\n'),
    };
  } finally {
    await docker(host, ['rm', '-f', name]);
  }
}

interface InsideChecks {
  /** The code's top-level paths under /app (default: a new project's `app`). */
  codePaths?: string[];
  /** A URL the app must answer with 2xx, fetched inside the container. */
  url?: string;
}

/** What a developer's working copy holds besides the code; .dockerignore must keep it out. */
const JUNK = ['.git/HEAD', '.venv/pyvenv.cfg', 'app/__pycache__/main.cpython-313.pyc', 'app/demo.egg-info/PKG-INFO', '.pytest_cache/README.md'];
const JUNK_FIND = "\\( -name .git -o -name .venv -o -name __pycache__ -o -name '*.egg-info' -o -name .pytest_cache \\)";

function plantWorkingCopyJunk(dir: string): void {
  for (const file of JUNK) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), 'junk\n');
  }
}

/**
 * Inside the running container: the server's user can write its HOME but not the code, and the
 * build context's .env and tests/ stayed out of the image (.dockerignore); the app answers
 * `url`, if given. Empty when all hold.
 */
async function insideChecks(host: string, name: string, { codePaths = ['app'], url }: InsideChecks): Promise<string> {
  const script = [
    'test "$(id -u)" = 10001 || echo "runs as uid $(id -u)"',
    'test -w "$HOME" || echo "HOME ($HOME) is not writable"',
    ...['.', ...codePaths].map((p) => {
      const file = path.posix.join('/app', p);
      return `test -e ${file} || echo "${file} is missing"; test ! -w ${file} || echo "the code in ${file} is writable by the app user"`;
    }),
    'test ! -e /app/.env || echo ".env was copied into the image"',
    'test ! -e /app/tests || echo "tests/ was copied into the image"',
    `junk=$(find /app ${JUNK_FIND} -print | tr '\\n' ' '); test -z "$junk" || echo "copied into the image: $junk"`,
  ];
  if (url)
    script.push(`python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' ${url} 2>&1 | tail -1 | sed 's|^|GET ${url}: |'`);
  const r = await docker(host, ['exec', name, 'sh', '-c', script.join('; ')]);
  return (r.stdout + r.stderr).trim();
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

/**
 * Builds the project's Dockerfile. BuildKit would fetch the `# syntax=docker/dockerfile:1`
 * frontend from Docker Hub, which is unreachable here; the daemon's built-in frontend reads
 * the same file without that line. An engine older than Docker Engine 25 (Debian bookworm's
 * 20.10, until the test harness moves to a newer one) does not know HEALTHCHECK
 * --start-interval, which the project needs (its README states Engine 25+): only then is the
 * flag left out, the probe command stays the same.
 */
async function buildImage(host: string, id: string, dir: string, image: string) {
  const offline = path.join(dir, 'Dockerfile.offline');
  writeFileSync(offline, await offlineDockerfile(host, readFileSync(path.join(dir, 'Dockerfile'), 'utf8')));
  const started = Date.now();
  const build = await docker(host, ['build', '--network=none', '--progress=plain', '-f', offline, '-t', image, dir], {
    timeoutMs: 240_000,
  });
  buildTimes.push({ id, seconds: (Date.now() - started) / 1000 });
  return build;
}

interface ContainerState {
  Status: string;
  Running: boolean;
  ExitCode?: number;
  Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
}
