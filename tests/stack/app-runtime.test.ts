// The generated projects' Python, installed and tested as a developer does it: for every pair of
// option values (a covering array of the option table, tests/support/pairwise.ts: each Python
// with each framework, Postgres, Redis, package manager, ...), the lock installs into a fresh venv from PyPI as the
// project's README says (uv: `uv sync --locked`; pip: `pip install -r requirements.txt -r
// requirements-dev.txt`, hash-checked), every installed distribution exactly as the lock pins
// it; `pip check`; then the project's own pytest suite against a real PostgreSQL 18 and Redis 8.
//
// Where: containers of the stand-in python images (Debian trixie's 3.13, sid's 3.14 and 3.15, and the
// CPython 3.12 pyenv built on this machine when there is one; tests/support/images/python),
// on a private network with the stand-in postgres and redis images, in the engines of
// tests/support/stack-setup.ts. The project is mounted read-only: neither pip nor pytest may
// write into it. pip's and uv's caches persist in $CPDA_CACHE, as a CI would cache them; uv is
// the binary of the ghcr.io/astral-sh/uv stand-in (the uv wheel's).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import { parseTOML } from 'confbox/toml';
import { allCombinations, type PackageManager, type PythonVersion } from '../../src/options/table.js';
import { PYTHON_IMAGES, UV_VERSION } from '../../src/engine/versions.js';
import { CACHE, PIP_CACHE } from '../support/cache.js';
import { docker, engineFor } from '../support/docker.js';
import type { EngineInfo } from '../support/engine.js';
import { readFinalStage } from '../support/final-stage.js';
import { generateInto } from '../support/generate.js';
import { tail, type RunResult } from '../support/run.js';
import { standinPythons } from '../support/standin-images.js';
import { PytestServices } from '../support/pytest-services.js';
import { pairwiseProjects, projectLabel, projectName } from '../support/pairwise.js';

const state = inject('engines');
const available = state.available ? standinPythons() : [];
/**
 * A covering array of the option table (tests/support/pairwise.ts): every pair of option values,
 * Python x package manager, Python x PostgreSQL, framework x Redis, ..., in at least one project.
 */
const projects = pairwiseProjects().map((o, index) => [projectName(index), o] as const);
const UV_CACHE = path.join(CACHE, 'uv-cache');
/** The uv binary of the ghcr.io/astral-sh/uv stand-in (tests/support/standin-images.ts). */
const UV_BIN = path.join(CACHE, 'uv', UV_VERSION, 'uv');
/** How the README installs each lock, here into the venv /opt/venv. */
const INSTALL: Record<PackageManager, string> = {
  uv: 'UV_PROJECT_ENVIRONMENT=/opt/venv uv sync --locked --no-install-project',
  // The image's pip installs into the venv (`--python`), so the venv needs no copy of pip.
  pip: 'python -m venv --without-pip /opt/venv && pip --python /opt/venv/bin/python install --no-compile -r requirements.txt -r requirements-dev.txt',
};
const parent = state.available ? mkdtempSync(path.join(tmpdir(), 'cpda-runtime-')) : '';
const services = new PytestServices();
/** The generated project's name (generateInto below); the app's Redis keys start with it. */
const PROJECT_NAME = 'runtime-app';
const LIVE_VISITS_KEY = `${PROJECT_NAME}:visits`;
const LIVE_ITEMS_QUERY = 'SELECT id, name, description FROM public.items ORDER BY id';
/** The app's own item, added through its own store, as the running app would. */
const SEED_ITEM = `
import os
from app.settings import database_url_from
from app.store import ItemStore
store = ItemStore(database_url_from(os.environ))
store.add("live item", "the app's own")
store.close()
`;
const INSTALL_MS = 600_000;
/** The image's pip, working on the venv. */
const PIP = 'pip --python /opt/venv/bin/python';

afterAll(async () => {
  await services.removeAll();
  if (parent) rmSync(parent, { recursive: true, force: true });
}, 120_000);

const title = state.available ? 'pinned requirements and pytest' : `pinned requirements and pytest (skipped: ${state.reason})`;
describe.skipIf(!state.available)(title, () => {
  projects.forEach(([id, options], index) => {
    const python = options.python;
    const missing = !available.includes(python);
    const reason = python === '3.12' ? 'no CPython 3.12 here (pyenv builds none on this machine; no Debian suite has it)' : 'no root filesystem';
    const where = `Python ${python}, ${id}: ${projectLabel(options)}`;
    // Each project gets its own container; they run at once, spread over the engines.
    describe.skipIf(missing).concurrent(missing ? `${where} (skipped: ${reason})` : where, () => {
      let engine: EngineInfo;
      let dir = '';
      let container = '';
      let installed = false;
      const database = `pytest_${python.replace('.', '')}_${id.replace(/-/g, '_')}`;
      const redisDb = index; // the servers have 64 databases: one per project

      beforeAll(async () => {
        if (!state.available) return;
        engine = engineFor(state.engines, index);
        dir = generateInto({ name: PROJECT_NAME, ...options, python }, mkdtempSync(path.join(parent, `${python}-${id}-`)));
        const network = await services.network(engine);
        if (options.postgres) await services.createDatabase(engine, database);
        container = `cpda-pytest-${python.replace('.', '')}-${id}-${process.pid}`;
        // prettier-ignore
        const started = await docker(engine, [
          'run', '-d', '--name', container, '--network', network,
          '-v', `${dir}:/srv/project:ro`, '-v', `${PIP_CACHE}:/root/.cache/pip`,
          '-v', `${UV_CACHE}:/root/.cache/uv`, '-v', `${UV_BIN}:/usr/local/bin/uv:ro`,
          '-e', 'PYTHONDONTWRITEBYTECODE=1', '-e', 'PIP_DISABLE_PIP_VERSION_CHECK=1', '-e', 'PIP_ROOT_USER_ACTION=ignore',
          '-e', 'UV_PYTHON_DOWNLOADS=never', '-e', 'UV_LINK_MODE=copy', '-e', 'UV_PYTHON=python',
          '-w', '/srv/project', PYTHON_IMAGES[python], 'sleep', 'infinity',
        ]);
        if (started.code !== 0) throw new Error(`${where}: could not start ${PYTHON_IMAGES[python]}:\n${tail(started)}`);
      }, 300_000);

      afterAll(async () => {
        if (container) await docker(engine, ['rm', '-f', container]);
      }, 60_000);

      const exec = (argv: string[], env: Record<string, string> = {}, user?: string): Promise<RunResult> =>
        docker(engine, ['exec', ...(user ? ['-u', user, '-e', 'HOME=/tmp'] : []), ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), container, ...argv], {
          timeoutMs: INSTALL_MS,
        });

      test.sequential('its lock installs from PyPI exactly as pinned, pip check is clean, and the CMD’s server is installed', { timeout: INSTALL_MS }, async ({ expect }) => {
        const version = await exec(['python', '-c', 'import platform; print(platform.python_version())']);
        expect(version.stdout.trim(), `${where}: the image's python`).toMatch(new RegExp(`^${python.replace('.', '\\.')}\\.`));

        const started = Date.now();
        const install = await exec(['sh', '-c', INSTALL[options.packageManager]]);
        console.log(`[runtime] ${where}: venv + install ${((Date.now() - started) / 1000).toFixed(1)} s (engine slot ${engine.slot})`);
        expect(install.code, `${where}: ${INSTALL[options.packageManager]} failed:\n${tail(install, 25)}`).toBe(0);

        const check = await exec(['sh', '-c', `${PIP} check`]);
        expect(check.code, `${where}: pip check:\n${tail(check)}`).toBe(0);

        // Everything in the venv is in the lock at the lock's version, and every distribution
        // the lock installs on every platform is there.
        const lock = readLock(dir, options.packageManager);
        const listed = await exec(['/opt/venv/bin/python', '-c', INSTALLED_DISTRIBUTIONS]);
        expect(listed.code, `${where}: listing the venv:\n${tail(listed)}`).toBe(0);
        const installedVersions = JSON.parse(listed.stdout) as Record<string, string>;
        const offLock = Object.entries(installedVersions).filter(([name, version]) => lock.pins.get(name) !== version);
        expect(offLock.map(([n, v]) => `${n}==${v} (lock: ${lock.pins.get(n) ?? 'absent'})`), `${where}: installed, but not as the lock pins it`).toEqual([]);
        const missing = lock.required.filter((name) => !(name in installedVersions));
        expect(missing, `${where}: pinned, but not installed`).toEqual([]);

        const [server] = readFinalStage(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).cmd;
        const found = await exec(['sh', '-c', `test -x /opt/venv/bin/${server} && /opt/venv/bin/${server} --version`]);
        expect(found.code, `${where}: the Dockerfile's CMD runs ${server}, which the requirements do not install:\n${tail(found)}`).toBe(0);
        installed = true;
      });

      test.sequential("its own pytest suite passes against PostgreSQL 18 and Redis 8, nothing skipped, the app's own data untouched, none of its own left", async ({ expect }) => {
        expect(installed, `${where}: the requirements did not install`).toBe(true);
        const env = {
          // The password as the variable, as a CI runner gives it (no secret file there).
          ...(options.postgres ? services.databaseEnv(database) : {}),
          ...(options.redis ? { REDIS_URL: services.redisUrl(redisDb) } : {}),
        };
        // The app's own data on the same servers, put there as the running app would: its row
        // through its own store, its visit counter under its own key.
        if (options.migrations) {
          // The schema is Alembic's (the app does not create its table): as the README's dev loop says.
          const migrated = await exec(['/opt/venv/bin/alembic', 'upgrade', 'head'], env, '10001:10001');
          expect(migrated.code, `${where}: alembic upgrade head:\n${tail(migrated)}`).toBe(0);
        }
        if (options.postgres) {
          const seeded = await exec(['/opt/venv/bin/python', '-c', SEED_ITEM], env, '10001:10001');
          expect(seeded.code, `${where}: seeding the app's own item:\n${tail(seeded)}`).toBe(0);
        }
        if (options.redis) await services.redis(engine, redisDb, ['SET', LIVE_VISITS_KEY, '41']);
        const liveData = async () => ({
          items: options.postgres ? await services.query(engine, database, LIVE_ITEMS_QUERY) : [],
          visits: options.redis ? await services.redis(engine, redisDb, ['GET', LIVE_VISITS_KEY]) : [],
        });
        const before = await liveData();
        if (options.postgres) expect(before.items, `${where}: the app's own item`).toHaveLength(1);

        const result = await pytest(exec, env);
        const summary = pytestSummary(result.stdout);
        expect(result.code, `${where}: pytest failed\n${tail(result, 60)}`).toBe(0);
        expect(await liveData(), `${where}: the app's own data after the tests`).toEqual(before);
        expect(summary.failed + summary.errors, `${where}\n${tail(result, 60)}`).toBe(0);
        expect(summary.skipped, `${where}: tests were skipped although the services are set\n${tail(result, 60)}`).toBe(0);
        expect(summary.passed, `${where}\n${tail(result, 60)}`).toBeGreaterThan(0);
        for (const name of [...API_TESTS, ...serviceTests(options)])
          expect(result.stdout, `${where}: ${name} did not pass\n${tail(result, 60)}`).toMatch(new RegExp(`^${escape(name)} PASSED`, 'm'));
        // What lets the suite pass again and again against the app's own servers: nothing is left behind.
        // The tests' own data lives in a schema test_<run> and under keys test-<run>: (the
        // project's conftest.py); both are gone when the run ends.
        if (options.postgres)
          expect(await services.query(engine, database, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test%'"), `${where}: test schemas left`).toEqual([]);
        if (options.redis) expect(await services.redisKeys(engine, redisDb, 'test*'), `${where}: test keys left in Redis`).toEqual([]);
      });

      test.sequential('without POSTGRES_HOST/REDIS_URL its pytest suite skips the service tests, with reasons', async ({ expect }) => {
        expect(installed, `${where}: the requirements did not install`).toBe(true);
        const result = await pytest(exec, {});
        const summary = pytestSummary(result.stdout);
        expect(result.code, `${where}: pytest without services failed\n${tail(result, 60)}`).toBe(0);
        expect(summary.failed + summary.errors, `${where}\n${tail(result, 60)}`).toBe(0);
        if (options.postgres || options.redis) {
          expect(summary.skipped, `${where}: nothing skipped without services\n${tail(result, 60)}`).toBeGreaterThan(0);
          for (const name of [...(options.postgres ? ['POSTGRES_HOST'] : []), ...(options.redis ? ['REDIS_URL'] : [])])
            expect(result.stdout, `${where}: no skip reason names ${name}`).toMatch(new RegExp(`SKIPPED.*${name} is not set`));
        } else {
          expect(summary.skipped, `${where}: tests skipped in a project without services\n${tail(result, 60)}`).toBe(0);
        }
      });
    });
  });
});

// The harness must not hide a bad pin: with each fault written into a copy of a pip project's
// requirements.txt, the same install step fails, and pip's message names the package. The
// copy's hashes are removed first: with them pip would refuse the unhashed line before it
// ever looked the pin up.
const FAULTS: [fault: string, line: string, python: PythonVersion, named: RegExp][] = [
  ['a pin that does not exist on PyPI', 'fastapi==0.0.999', '3.13', /fastapi==0\.0\.999/],
  ['pins that conflict', 'starlette==0.1.0', '3.13', /starlette/],
  // numba 0.61.0 predates Python 3.14: no wheel for it, and its source build fails.
  ['a pin with no release for that Python (numba 0.61.0 on 3.14)', 'numba==0.61.0', '3.14', /numba/],
];
describe.skipIf(!state.available)('a bad pin fails the install step, naming the package', () => {
  test.concurrent.for(FAULTS)('%s', { timeout: INSTALL_MS }, async ([, line, python, named], { expect }) => {
    if (!state.available) return;
    const engine = engineFor(state.engines, 0);
    const dir = generateInto({ name: 'bad-pin', packageManager: 'pip' }, mkdtempSync(path.join(parent, 'bad-pin-')));
    const requirements = path.join(dir, 'requirements.txt');
    for (const file of ['requirements.txt', 'requirements-dev.txt']) {
      const locked = readFileSync(path.join(dir, file), 'utf8');
      writeFileSync(path.join(dir, file), locked.replace(/ \\\n\s+--hash=sha256:[0-9a-f]{64}/g, ''));
    }
    const text = readFileSync(requirements, 'utf8');
    expect(text, 'hashes left in requirements.txt').not.toContain('--hash');
    const replaced = line.startsWith('fastapi==') ? text.replace(/^fastapi==.*$/m, line) : `${text}${line}\n`;
    expect(replaced, 'the fault is in requirements.txt').toContain(line);
    writeFileSync(requirements, replaced);
    // prettier-ignore
    const r = await docker(engine, [
      'run', '--rm', '-v', `${dir}:/srv/project:ro`, '-v', `${PIP_CACHE}:/root/.cache/pip`, '-w', '/srv/project',
      PYTHON_IMAGES[python], 'sh', '-c', INSTALL.pip,
    ], { timeoutMs: INSTALL_MS });
    expect(r.code, `pip install with ${line} succeeded:\n${tail(r)}`).not.toBe(0);
    expect(r.stderr, 'pip names the package').toMatch(named);
  });
});

/** Distribution names as pip normalises them. */
const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * What a project's lock pins (name -> version), and the names it installs on every platform:
 * for pip, the pins without an environment marker; for uv, the project's direct dependencies
 * (pyproject.toml's [project].dependencies and dev group).
 */
function readLock(dir: string, manager: PackageManager): { pins: Map<string, string>; required: string[] } {
  if (manager === 'uv') {
    const lock = parseTOML<{ package: { name: string; version?: string; source?: { virtual?: string } }[] }>(readFileSync(path.join(dir, 'uv.lock'), 'utf8'));
    const pins = new Map(lock.package.filter((p) => p.version && !p.source?.virtual).map((p) => [normalise(p.name), p.version!]));
    const project = parseTOML<{ project: { dependencies: string[] }; 'dependency-groups'?: { dev?: string[] } }>(readFileSync(path.join(dir, 'pyproject.toml'), 'utf8'));
    const direct = [...project.project.dependencies, ...(project['dependency-groups']?.dev ?? [])];
    return { pins, required: direct.map((d) => normalise(/^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(d)![0])) };
  }
  const pins = new Map<string, string>();
  const required: string[] = [];
  for (const file of ['requirements.txt', 'requirements-dev.txt'])
    for (const raw of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const line = raw.replace(/#.*/, '').replace(/\\$/, '').trim();
      if (!line || line.startsWith('-')) continue;
      const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;]+)\s*(;.*)?$/.exec(line);
      if (!match?.[1] || !match[2]) throw new Error(`${file}: not an exact pin: ${line}`);
      pins.set(normalise(match[1]), match[2]);
      if (!match[3]) required.push(normalise(match[1]));
    }
  return { pins, required };
}

// Prints {name: version} of every distribution in the running interpreter's environment.
const INSTALLED_DISTRIBUTIONS = `
import json, re
from importlib.metadata import distributions
print(json.dumps({re.sub(r"[-_.]+", "-", d.metadata["Name"].lower()): d.version for d in distributions()}))
`;


function pytest(exec: (argv: string[], env?: Record<string, string>, user?: string) => Promise<RunResult>, env: Record<string, string>) {
  // The README's and CI's command (scripts/test) with the venv first on PATH, as `uv run` or an
  // activated venv has it; as the image's user, without write access to the project; -v lists
  // each test with its outcome, -rs the skip reasons.
  const venvFirst = { PATH: '/opt/venv/bin:/usr/local/bin:/usr/bin:/bin' };
  return exec(['sh', 'scripts/test', '-v', '-rs', '-p', 'no:cacheprovider', '--color=no'], { ...venvFirst, ...env }, '10001:10001');
}

/**
 * Tests of the API that every project has, as `file::name`: what a client may send that the
 * store could not keep is a 4xx, never a 500 (with PostgreSQL, against the real one).
 */
const API_TESTS = [
  'tests/test_items.py::test_an_id_no_item_can_have_is_404[GET-3000000000]',
  'tests/test_items.py::test_an_id_no_item_can_have_is_404[PATCH-3000000000]',
  'tests/test_items.py::test_an_id_no_item_can_have_is_404[DELETE-3000000000]',
  'tests/test_items.py::test_text_no_store_can_keep_is_422[NUL in name-POST]',
  'tests/test_items.py::test_text_no_store_can_keep_is_422[lone surrogate in description-PATCH]',
  'tests/test_items.py::test_body_that_is_not_valid_json_is_a_json_4xx[not a number-POST]',
];

/** Tests that prove the real services were used, as `file::name` (see the templates). */
function serviceTests(combo: { postgres: boolean; redis: boolean; migrations: boolean }): string[] {
  return [
    ...(combo.postgres
      ? [
          'tests/test_store.py::test_round_trip_through_postgres',
          'tests/test_store.py::test_an_id_outside_the_id_column_is_no_item[3000000000]',
          'tests/test_items.py::test_create_then_get',
        ]
      : []),
    ...(combo.migrations
      ? [
          'tests/test_migrations.py::test_upgrade_makes_the_models_tables_and_downgrade_removes_them',
          'tests/test_migrations.py::test_the_models_need_no_new_migration',
          'tests/test_store.py::test_a_database_without_the_migrations_stops_the_store',
        ]
      : []),
    ...(combo.redis
      ? [
          'tests/test_visits.py::test_counter_counts_in_redis',
          'tests/test_visits.py::test_delete_keys_deletes_the_prefix_only',
          'tests/test_visits.py::test_visits_route_counts_up',
        ]
      : []),
  ];
}

interface PytestSummary {
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
}

/** Counts from pytest's last line, e.g. `==== 12 passed, 3 skipped in 0.52s ====`. */
function pytestSummary(stdout: string): PytestSummary {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), errors: count('errors?') };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

