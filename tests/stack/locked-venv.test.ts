// A project's own pytest suite passes in a virtual environment made from its lock, installed
// for real from PyPI the way its README says (uv: `uv sync --locked`; pip: `pip install
// --require-hashes -r requirements.txt -r requirements-dev.txt`), against the real PostgreSQL
// and Redis of services-setup.ts: for every lock (framework x Postgres x Redis x migrations x lint
// x worker) with uv, and with pip for a set of them covering every pair of option values. And the lock is honoured: with one distribution's hashes changed, the
// install fails, with the same command the Dockerfile runs.
//
// Needs PyPI (uv from PyPI, see scripts/lock/uv-tool.ts; pip through its own configuration), a
// Python 3.12 or newer, and root for the services; without them the tests skip and say why.
// The images built from these locks are another matter: see README "How we check".

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { allLockOptions, lockId, type LockOptions } from '../../src/features/locks.js';
import { PACKAGE_MANAGERS, type PackageManager } from '../../src/options/table.js';
import { CACHE, findPython, installUv, uvEnv, type UvTool } from '../../scripts/lock/uv-tool.js';
import { projectCommands } from '../../src/features/ci/index.js';
import { generateInto } from '../support/generate.js';
import { mutate } from '../support/mutate.js';
import { coverPairsOf } from '../support/pairwise.js';
import { createDatabase, databaseEnv, queryRows, redisKeys, redisUrl, type Services } from '../support/services.js';

const state = inject('services');
const work = mkdtempSync(path.join(tmpdir(), 'cpda-locked-venv-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let tools: { ok: true; uv: UvTool; python: string } | { ok: false; reason: string } = { ok: false, reason: 'beforeAll did not run' };
beforeAll(() => {
  if (!state.ok) return void (tools = { ok: false, reason: state.reason });
  const install = installUv();
  const python = findPython();
  tools = !install.ok ? install : python ? { ok: true, uv: install.tool, python } : { ok: false, reason: 'no Python 3.12 or newer on PATH or in pyenv' };
  if (!tools.ok) console.info(`locked venvs not tested: ${tools.reason}`);
}, 300_000);

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command in `cwd` (output kept for the failure message). */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** pip as the README runs it, through pip's own configuration (which reaches PyPI), no cache of the user's. */
function pipEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_CACHE_DIR: path.join(CACHE, 'pip-cache'), ...extra };
}

/** The venv the project's README makes from its lock, at <dir>/.venv; returns its python. */
async function installFromLock(manager: PackageManager, dir: string, uv: UvTool, python: string, cache: string | undefined): Promise<{ run: Run; python: string }> {
  const venvPython = path.join(dir, '.venv', 'bin', 'python');
  if (manager === 'uv') {
    // `uv sync` of the README: every package of uv.lock, the dev group included.
    const env = uvEnv({ UV_PYTHON: python, UV_CACHE_DIR: cache ?? path.join(CACHE, 'uv-cache') });
    return { run: await run(uv.uv, ['sync', '--locked'], dir, env), python: venvPython };
  }
  const made = await run(python, ['-m', 'venv', '.venv'], dir, process.env);
  if (made.code !== 0) return { run: made, python: venvPython };
  const args = ['-m', 'pip', 'install', '--require-hashes', '-r', 'requirements.txt', '-r', 'requirements-dev.txt'];
  return { run: await run(venvPython, args, dir, pipEnv(cache ? { PIP_NO_CACHE_DIR: '1' } : {})), python: venvPython };
}

/** Counts from pytest's last line, e.g. `==== 12 passed, 3 skipped in 0.52s ====`. */
function summary(output: string): { passed: number; failed: number; skipped: number; errors: number } {
  const line = output.trim().split('\n').at(-1) ?? '';
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped'), errors: count('errors?') };
}

/**
 * uv installs every lock (seconds each). pip installs the locks of a covering array of the lock's
 * options (every pair of values at least once, 7 of the 32): its requirements files pin exactly
 * what uv.lock of the same options pins, hash for hash (tests/tools/locks.test.ts), and each pip
 * install takes 30 to 80 s of a 2-core CI machine.
 */
const LOCKS = allLockOptions();
const PIP_LOCKS = new Set(coverPairsOf(LOCKS, ['framework', 'postgres', 'redis', 'migrations', 'lint', 'worker']));
const CASES = LOCKS.flatMap((o, index) =>
  PACKAGE_MANAGERS.filter((manager) => manager === 'uv' || PIP_LOCKS.has(o)).map((manager) => ({ o, manager, slot: 2 * index + PACKAGE_MANAGERS.indexOf(manager) })),
);

describe.concurrent('the project’s pytest passes in a venv made from its lock', { timeout: 900_000 }, () => {
  it.for(CASES.map((c) => [`${lockId(c.o)}, ${c.manager}`, c] as const))('%s', async ([, c], { skip, expect }) => {
    if (!tools.ok) return skip(tools.reason);
    const { uv, python } = tools;
    const services: Services = (state as { ok: true; services: Services }).services;
    const id = `${lockId(c.o)}-${c.manager}`;
    const dir = generateInto({ name: 'locked-app', ...c.o, packageManager: c.manager }, mkdtempSync(path.join(work, `${id}-`)));
    const database = `cpda_locked_${id.replace(/-/g, '_')}`;
    // Databases 64 and up: app-runtime.test.ts uses 0-63 at the same time.
    const redisDb = 64 + c.slot;
    if (c.o.postgres) await createDatabase(services, database);

    const install = await installFromLock(c.manager, dir, uv, python, undefined);
    expect(install.run.code, `${id}: installing from the lock failed\n${install.run.output}`).toBe(0);

    const urls = {
      ...(c.o.postgres ? databaseEnv(services, database) : {}),
      ...(c.o.redis ? { REDIS_URL: redisUrl(services, redisDb) } : {}),
    };
    // The test command of the README and the CI workflow (`uv run sh scripts/test`, or
    // `sh scripts/test` in the activated .venv), with arguments for pytest.
    const [command, ...args] = [...projectCommands(c.manager).test.split(' '), '-p', 'no:cacheprovider', '-rA'];
    const env =
      c.manager === 'uv'
        ? uvEnv({ UV_PYTHON: python, UV_CACHE_DIR: path.join(CACHE, 'uv-cache'), UV_FROZEN: '1', ...urls })
        : { PATH: `${path.join(dir, '.venv', 'bin')}:${process.env.PATH}`, HOME: process.env.HOME, ...urls };
    const pytest = await run(command === 'uv' ? uv.uv : command!, args, dir, env);
    const counts = summary(pytest.output);
    expect(pytest.code, `${id}: pytest failed\n${pytest.output}`).toBe(0);
    expect(counts.failed + counts.errors, pytest.output).toBe(0);
    expect(counts.skipped, `${id}: tests skipped although the services are set\n${pytest.output}`).toBe(0);
    expect(counts.passed).toBeGreaterThan(5);
    // The real services were used, and the tests took their data with them.
    if (c.o.postgres) {
      expect(pytest.output).toMatch(/^PASSED tests\/test_store\.py::test_round_trip_through_postgres$/m);
      expect(await queryRows(services, database, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test%'")).toEqual([]);
    }
    if (c.o.redis) {
      expect(pytest.output).toMatch(/^PASSED tests\/test_visits\.py::test_counter_counts_in_redis$/m);
      expect(await redisKeys(services, redisDb, '*')).toEqual([]);
    }
  });
});

describe.concurrent('the lock is honoured: one distribution’s hashes changed, the install fails', { timeout: 900_000 }, () => {
  const o: LockOptions = { framework: 'flask', postgres: false, redis: false, migrations: false, lint: true, worker: 'none' };
  /** Every sha256 in `text` (one distribution's entry: blinker, which Flask needs) replaced by zeros. */
  const tamper = (text: string, pattern: RegExp) => {
    const hashes = [...text.matchAll(pattern)].map((m) => m[1]!);
    if (hashes.length === 0) throw new Error(`no hash matches ${pattern}`);
    let out = text;
    for (const hash of new Set(hashes)) out = mutate(out, hash, '0'.repeat(64));
    return out;
  };

  it.for(PACKAGE_MANAGERS.map((m) => [m] as const))('%s', async ([manager], { skip, expect }) => {
    if (!tools.ok) return skip(tools.reason);
    const dir = generateInto({ name: 'tampered-app', ...o, packageManager: manager }, mkdtempSync(path.join(work, `tamper-${manager}-`)));
    if (manager === 'uv') {
      // The wheel and sdist entries of blinker's table in uv.lock.
      const lock = path.join(dir, 'uv.lock');
      const text = readFileSync(lock, 'utf8');
      const table = /\[\[package\]\]\nname = "blinker"\n[\s\S]*?\n\n/.exec(text)![0];
      writeFileSync(lock, text.replace(table, tamper(table, /hash = "sha256:([0-9a-f]{64})"/g)));
    } else {
      const lock = path.join(dir, 'requirements.txt');
      const text = readFileSync(lock, 'utf8');
      const entry = /^blinker==[\s\S]*?(?=^\S)/m.exec(text)![0];
      writeFileSync(lock, text.replace(entry, tamper(entry, /--hash=sha256:([0-9a-f]{64})/g)));
    }
    // An empty cache: what was downloaded before cannot stand in for the download.
    const cache = mkdtempSync(path.join(work, `cache-${manager}-`));
    const install = await installFromLock(manager, dir, tools.uv, tools.python, cache);
    expect(install.run.code, install.run.output).not.toBe(0);
    expect(install.run.output).toMatch(manager === 'uv' ? /Hash mismatch for `blinker==/ : /THESE PACKAGES DO NOT MATCH THE HASHES[\s\S]*blinker/);
  });
});

// The schema change the README walks through, in a venv from the lock against the real
// PostgreSQL: a column added to the model, its migration written by `alembic revision
// --autogenerate` (fixed and formatted by ruff, so scripts/lint still passes), applied by
// `alembic upgrade head`, removed by `alembic downgrade -1`.
describe('a new migration adds a column, and upgrade and downgrade apply and undo it', { timeout: 900_000 }, () => {
  it('pip project with PostgreSQL, migrations and ruff', async ({ skip, expect }) => {
    if (!tools.ok) return skip(tools.reason);
    const services: Services = (state as { ok: true; services: Services }).services;
    const o = { framework: 'fastapi', postgres: true, redis: false, migrations: true, lint: true } as const;
    const dir = generateInto({ name: 'migrating-app', ...o, packageManager: 'pip' }, mkdtempSync(path.join(work, 'migrating-')));
    const database = 'cpda_locked_new_migration';
    await createDatabase(services, database);
    const install = await installFromLock('pip', dir, tools.uv, tools.python, undefined);
    expect(install.run.code, install.run.output).toBe(0);

    // As the README says: in the activated .venv, with the POSTGRES_* variables set.
    const env = { PATH: `${path.join(dir, '.venv', 'bin')}:${process.env.PATH}`, HOME: process.env.HOME, ...databaseEnv(services, database) };
    const alembic = async (...args: string[]) => {
      const r = await run('alembic', args, dir, env);
      expect(r.code, `alembic ${args.join(' ')}\n${r.output}`).toBe(0);
      return r.output;
    };
    const columns = () => queryRows(services, database, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'items' ORDER BY column_name");
    const revision = () => queryRows(services, database, 'SELECT version_num FROM alembic_version');

    await alembic('upgrade', 'head');
    expect(await columns()).toEqual(['description', 'id', 'name']);

    const models = path.join(dir, 'app', 'models.py');
    let text = mutate(readFileSync(models, 'utf8'), 'from sqlalchemy import String, Text', 'from sqlalchemy import Integer, String, Text');
    text = mutate(text, /^( {4}description: .*)$/m, '$1\n    priority: Mapped[int | None] = mapped_column(Integer)');
    writeFileSync(models, text);
    await alembic('revision', '--autogenerate', '-m', 'add priority');
    const written = readdirSync(path.join(dir, 'migrations', 'versions')).filter((f) => f.endsWith('_add_priority.py'));
    expect(written).toHaveLength(1);
    const migration = readFileSync(path.join(dir, 'migrations', 'versions', written[0]!), 'utf8');
    expect(migration).toMatch(/op\.add_column\(\s*"items", sa\.Column\("priority", sa\.Integer\(\), nullable=True\)\s*\)/);
    expect(migration).toMatch(/op\.drop_column\("items", "priority"\)/);
    expect(migration).toContain('down_revision: str | Sequence[str] | None = "0001"');
    // The post-write hooks left it as scripts/lint wants it.
    const lint = await run('sh', ['scripts/lint'], dir, env);
    expect(lint.code, lint.output).toBe(0);

    await alembic('upgrade', 'head');
    expect(await columns()).toEqual(['description', 'id', 'name', 'priority']);
    expect(await revision()).not.toEqual(['0001']);
    // The models and the migrations agree again.
    await alembic('check');

    await alembic('downgrade', '-1');
    expect(await columns()).toEqual(['description', 'id', 'name']);
    expect(await revision()).toEqual(['0001']);

    // And the project's own tests pass with the new migration, as CI runs them.
    const tests = await run('sh', ['scripts/test', '-p', 'no:cacheprovider'], dir, env);
    expect(tests.code, tests.output).toBe(0);
  });
});
