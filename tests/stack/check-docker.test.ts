// scripts/check-docker: the first command of every generated project (its README and the CLI's
// next steps run `sh scripts/check-docker && docker compose up --build`). It passes on a Docker
// that can run the project and, on anything older, stops with what to update instead of the
// Compose error ("unknown flag: --build", "can't set healthcheck.start_interval ...").
//
// Real parts where this machine has them (the stack group's engine, tests/support/engine.ts):
// Docker 28's CLI without a Compose plugin (a machine with only the legacy docker-compose), its
// Compose 2.40 plugin, an unreachable daemon, and a running Engine 28. No Engine or Compose at
// or below the floor is installed here, so the version boundaries run against a stand-in
// `docker` that prints versions in the formats the real ones print. Run with dash, a strict
// POSIX shell.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DOCKER_FLOOR } from '../../src/features/docker-floor-value.js';
import { ENGINE_BIN } from '../support/cache.js';
import { COMPOSE_BIN } from '../support/compose-check.js';
import { generateInto } from '../support/generate.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'cpda-check-docker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const project = generateInto({ name: 'checked-app' }, path.join(scratch, 'project'));
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The engine's docker CLI first on PATH, as a user's own would be. */
const ENGINE_PATH = `${ENGINE_BIN}:${SYSTEM_PATH}`;
const dockerOnPath = existsSync(path.join(ENGINE_BIN, 'docker'));
/** dash by its full path: some cases run with a PATH that does not hold it. */
const DASH = which('dash');

interface Check {
  code: number | null;
  /** stdout and stderr. */
  output: string;
}

/** `sh scripts/check-docker` in the project, with a clean environment. */
function check(env: Record<string, string>): Check {
  const result = spawnSync(DASH, ['scripts/check-docker'], {
    cwd: project,
    encoding: 'utf8',
    env: { PATH: SYSTEM_PATH, HOME: scratch, LANG: 'C.UTF-8', ...env },
    timeout: 30_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A DOCKER_CONFIG directory whose cli-plugins hold `plugins` (name -> binary). */
function dockerConfig(name: string, plugins: Record<string, string> = {}): string {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, 'cli-plugins'), { recursive: true });
  for (const [plugin, binary] of Object.entries(plugins)) symlinkSync(binary, path.join(dir, 'cli-plugins', plugin));
  return dir;
}

describe.skipIf(!dockerOnPath)(dockerOnPath ? 'with the real docker CLI' : `with the real docker CLI (skipped: no ${ENGINE_BIN}/docker; scripts/setup-test-env.sh builds it)`, () => {
  it('without the Compose plugin (only the legacy docker-compose) it stops and says to install Compose v2', () => {
    const noPlugins = dockerConfig('no-plugins');
    const plain = spawnSync('docker', ['compose', 'version'], { env: { PATH: ENGINE_PATH, DOCKER_CONFIG: noPlugins }, encoding: 'utf8' });
    expect(plain.status, 'this docker CLI has a system-wide Compose plugin: the case cannot be made here').not.toBe(0);
    const result = check({ PATH: ENGINE_PATH, DOCKER_CONFIG: noPlugins });
    expect(result.code).toBe(1);
    expect(result.output).toContain('Docker Compose v2 (`docker compose`) is not installed');
    expect(result.output).toContain(`Install Compose ${DOCKER_FLOOR.compose} or later`);
  });

  it.runIf(existsSync(COMPOSE_BIN))('with Compose but no reachable daemon it stops and says so', () => {
    const result = check({ PATH: ENGINE_PATH, DOCKER_CONFIG: dockerConfig('compose-only', { 'docker-compose': COMPOSE_BIN }), DOCKER_HOST: `unix://${scratch}/no-such.sock` });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/cannot reach the Docker daemon: .*no-such\.sock/);
  });

  // An engine the stack group started (Docker Engine 28.5, Compose 2.40): above the floor, it passes.
  const engines = inject('engines');
  it.runIf(engines.available && existsSync(COMPOSE_BIN))('with Compose 2.40 and a running Docker Engine 28 it passes', () => {
    const host = engines.available ? engines.engines[0]!.host : '';
    const result = check({ PATH: ENGINE_PATH, DOCKER_CONFIG: dockerConfig('compose-and-engine', { 'docker-compose': COMPOSE_BIN }), DOCKER_HOST: host });
    expect(result.code, result.output).toBe(0);
  });
});

describe('against a stand-in docker that reports given versions', () => {
  // Prints what `docker compose version --short` and `docker version --format
  // '{{.Server.Version}}'` print, from the environment; anything else is an unknown command.
  const bin = path.join(scratch, 'standin-bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'docker'),
    '#!/bin/sh\ncase "$1 $2" in\n  "compose version") echo "$STANDIN_COMPOSE";;\n  "version --format") echo "$STANDIN_ENGINE";;\n  *) exit 125;;\nesac\n',
    { mode: 0o755 },
  );
  const withVersions = (compose: string, engine: string) =>
    check({ PATH: `${bin}:${SYSTEM_PATH}`, STANDIN_COMPOSE: compose, STANDIN_ENGINE: engine });

  const { engine, compose } = DOCKER_FLOOR;
  const cases: [what: string, compose: string, engine: string][] = [
    ['exactly the floor', compose, `${engine}.0`],
    ['a newer Compose with a "v" and a newer Docker Desktop engine', 'v2.40.3', '28.5.2'],
    ['Debian-style versions', `${compose}-4`, `${engine}.5+dfsg1`],
    ['a newer major', '3.0.0', '30.0.0'],
  ];
  it.each(cases)('passes with %s (Compose %s, Engine %s)', (_what, composeVersion, engineVersion) => {
    const result = withVersions(composeVersion, engineVersion);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`Docker Engine ${engineVersion} and Docker Compose ${composeVersion} can run this project`);
  });

  it.each([
    ['Compose one patch below the floor', below(compose), `${engine}.0`, `Docker Compose ${below(compose)} is too old`],
    ['Compose 1.x', '1.29.2', `${engine}.0`, 'Docker Compose 1.29.2 is too old'],
    ['an Engine one release below the floor', compose, below(`${engine}.0`), `Docker Engine ${below(`${engine}.0`)} is too old`],
    ['Engine 20.10 (Debian bookworm)', compose, '20.10.24+dfsg1', 'Docker Engine 20.10.24+dfsg1 is too old'],
  ])('stops on %s (Compose %s, Engine %s)', (_what, composeVersion, engineVersion, message) => {
    const result = withVersions(composeVersion, engineVersion);
    expect(result.code).toBe(1);
    expect(result.output).toContain(message);
  });

  it('without docker at all it says to install Docker', () => {
    // Only what the script itself needs besides docker.
    const tools = path.join(scratch, 'tools-only');
    mkdirSync(tools);
    for (const tool of ['awk', 'sed', 'tr']) symlinkSync(which(tool), path.join(tools, tool));
    const result = check({ PATH: tools });
    expect(result.code).toBe(1);
    expect(result.output).toContain(`docker is not installed. Install Docker Engine ${engine} or later`);
  });
});

function which(program: string): string {
  const found = SYSTEM_PATH.split(':').map((dir) => path.join(dir, program)).find((p) => existsSync(p));
  if (!found) throw new Error(`${program} is not installed`);
  return found;
}

/** The version just below `version` (`2.25.0` -> `2.24.99`, `25.0.0` -> `24.99.99`). */
function below(version: string): string {
  const parts = version.split('.').map(Number);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i]! > 0) {
      parts[i]! -= 1;
      for (let j = i + 1; j < parts.length; j++) parts[j] = 99;
      return parts.join('.');
    }
  }
  throw new Error(`nothing below ${version}`);
}
