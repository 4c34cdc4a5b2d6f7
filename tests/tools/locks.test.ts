// The locks new projects ship (templates/locks/, written by `npm run lock`) are current: each
// still matches what it was computed from, as uv itself judges it, offline and with an empty
// cache, so no index is asked; a project's own uv.lock (its name in it) does too; the pip locks
// pin exactly what the uv lock of the same options pins, hash for hash; and every distribution
// has a wheel for Linux x86_64 and aarch64 on every offered Python. When one of these fails
// after a pin changed in src/engine/versions.ts: run `npm run lock` (see scripts/lock/main.ts).
//
// uv (UV_VERSION, from PyPI) is installed by beforeAll into $CPDA_CACHE, and uv wants a Python
// 3.12 or newer to look at a project; without either the tests skip and say why.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderProject } from '../../src/engine/render.js';
import { allLockOptions, lockId, readLock, uvLockFor, type LockOptions } from '../../src/features/locks.js';
import { PIP_COMPILE } from '../../src/features/pip/index.js';
import { wheelCoverageProblems } from '../../scripts/lock/coverage.js';
import { lockInputs } from '../../scripts/lock/inputs.js';
import { findPython, installUv, uvEnv, type UvTool } from '../../scripts/lock/uv-tool.js';
import { PYTHON_VERSIONS } from '../../src/options/table.js';
import { spawnSync } from 'node:child_process';
import { runMain } from '../support/cli-run.js';
import { optionsFor, TEST_VERSION } from '../support/generate.js';
import { mutate } from '../support/mutate.js';

const work = mkdtempSync(path.join(tmpdir(), 'cpda-locks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let tools: { ok: true; uv: UvTool; python: string } | { ok: false; reason: string } = { ok: false, reason: 'beforeAll did not run' };

beforeAll(() => {
  const install = installUv();
  const python = findPython();
  if (!install.ok) tools = install;
  else if (!python) tools = { ok: false, reason: 'no Python 3.12 or newer on PATH or in pyenv, which uv needs to read a project' };
  else tools = { ok: true, uv: install.tool, python };
  if (!tools.ok) console.info(`lock checks not available: ${tools.reason}`);
}, 300_000);

function need(skip: (note: string) => never): { uv: UvTool; python: string } {
  return tools.ok ? tools : skip(tools.reason);
}

/** Runs uv offline, with a cache of its own that starts empty: nothing can come from an index. */
function uvOffline(uv: UvTool, args: string[], cwd: string): { code: number; output: string; stdout: string } {
  const cache = mkdtempSync(path.join(work, 'uv-cache-'));
  try {
    const r = spawnSync(uv.uv, [...args, '--offline'], { cwd, env: uvEnv({ UV_CACHE_DIR: cache }), encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** A directory holding these files. */
function project(name: string, files: { path: string; contents: string }[]): string {
  const dir = path.join(work, name);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  return dir;
}

/** The lock's inputs (pyproject.toml for the placeholder project) beside the stored uv.lock. */
function storedUvProject(o: LockOptions, tag = ''): string {
  return project(`stored-${lockId(o)}${tag}`, [...lockInputs(o, 'uv'), { path: 'uv.lock', contents: readLock(o, 'uv.lock') }]);
}

/** name==version -> sorted hashes, from requirements text (`uv export` or `uv pip compile` output). */
function pins(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of text.split(/\n(?=[a-z0-9])/)) {
    const head = /^([a-z0-9-]+==\S+?)(?: ;.*)? \\$/m.exec(entry)?.[1];
    if (head) out.set(head, [...entry.matchAll(/--hash=(sha256:[0-9a-f]{64})/g)].map((m) => m[1]).sort().join(' '));
  }
  return out;
}

/**
 * Where the pip lock differs from the uv lock: a distribution or version only one of them has,
 * or a file of uv's whose hash pip's lacks. (`uv pip compile` also hashes the files no Python
 * the project allows can install, e.g. cp39 wheels, which uv.lock leaves out.)
 */
function mismatches(pip: Map<string, string>, uv: Map<string, string>): string[] {
  const out: string[] = [];
  for (const pin of new Set([...pip.keys(), ...uv.keys()])) {
    if (!pip.has(pin) || !uv.has(pin)) out.push(`${pin}: only in the ${pip.has(pin) ? 'pip' : 'uv'} lock`);
    else {
      const pipHashes = new Set(pip.get(pin)!.split(' '));
      const missing = uv.get(pin)!.split(' ').filter((h) => !pipHashes.has(h));
      if (missing.length > 0) out.push(`${pin}: the pip lock lacks ${missing.join(', ')}`);
    }
  }
  return out;
}

const LOCKS = allLockOptions().map((o) => [lockId(o), o] as const);

describe('every shipped uv.lock is current', () => {
  test.for(LOCKS)('%s: `uv lock --check --offline` with an empty cache accepts it', ([, o], { skip }) => {
    const { uv, python } = need(skip);
    const check = uvOffline(uv, ['lock', '--check', '--python', python], storedUvProject(o));
    expect(check.code, `${check.output}\nthe lock no longer matches its inputs: run \`npm run lock\``).toBe(0);
  });

  test('a pin changed without `npm run lock` is caught', ({ skip }) => {
    const { uv, python } = need(skip);
    const o = allLockOptions()[0]!;
    const dir = storedUvProject(o, '-bumped');
    const pyproject = path.join(dir, 'pyproject.toml');
    writeFileSync(pyproject, mutate(readFileSync(pyproject, 'utf8'), /"pytest==[^"]+"/, '"pytest==9.1.0"'));
    const check = uvOffline(uv, ['lock', '--check', '--python', python], dir);
    // uv finds the lock does not satisfy pyproject.toml and would have to resolve again, which
    // it cannot do offline.
    expect(check.code, check.output).not.toBe(0);
    expect(check.output).toMatch(/No solution found|needs to be updated/);
  });
});

describe('a project gets the stored uv.lock with its own name in it', () => {
  // Names that sort before every locked package, after all of them, and in between; `_` and
  // `-` are the same name to uv.
  const NAMES = ['a-first', 'zz-last', 'my-api', 'orders_service', 'httpx-client'];
  const o: LockOptions = { framework: 'fastapi', postgres: true, redis: true, migrations: true, lint: true, worker: 'none' };

  test.for(NAMES)('%s: `uv lock --check --offline` accepts the generated project', (name, { skip }) => {
    const { uv, python } = need(skip);
    const files = renderProject(optionsFor({ ...o, name, packageManager: 'uv' }), TEST_VERSION);
    const check = uvOffline(uv, ['lock', '--check', '--python', python], project(`named-${name}`, files));
    expect(check.code, check.output).toBe(0);
  });

  test('the project is moved to its place in name order, nothing else changes', () => {
    const stored = readLock(o, 'uv.lock');
    const tables = (text: string) => text.split(/\n(?=\[\[package\]\]\n)/).slice(1);
    const names = (text: string) => tables(text).map((t) => /^name = "([^"]+)"$/m.exec(t)![1]!);
    const placed = uvLockFor(stored, 'Orders_Service');
    expect(names(placed)).toEqual([...names(placed)].sort());
    expect(names(placed)).toContain('orders-service');
    expect(tables(placed).length).toBe(tables(stored).length);
    expect(placed.length).toBe(stored.length - 'create-python-docker-app-lock-placeholder'.length + 'orders-service'.length);
  });

  test('a name uv would take for a locked package is refused, naming both ways out', async () => {
    const run = await runMain(['click', '--yes', '--framework', 'flask', '--dry-run'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/a uv project cannot be named "click".*--name.*--package-manager pip/);
    expect((await runMain(['click', '--yes', '--framework', 'flask', '--package-manager', 'pip', '--dry-run'], { cwd: work })).code).toBe(0);
  });
});

describe('the pip locks pin what the uv lock of the same options pins, hash for hash', () => {
  test.for(LOCKS)('%s: requirements.txt = the runtime of uv.lock, requirements-dev.txt = its dev group', ([, o], { skip }) => {
    const { uv } = need(skip);
    const dir = storedUvProject(o, '-export');
    const exported = (args: string[]) => {
      const r = uvOffline(uv, ['export', '--frozen', '--no-emit-project', '--no-header', ...args], dir);
      expect(r.code, r.output).toBe(0);
      return pins(r.stdout);
    };
    const requirements = readLock(o, 'requirements.txt');
    const dev = readLock(o, 'requirements-dev.txt');
    expect(mismatches(pins(requirements), exported(['--no-dev']))).toEqual([]);
    expect(mismatches(pins(dev), exported(['--only-group', 'dev']))).toEqual([]);
    // Compiled by the command the project's README and the .in files show.
    expect(requirements).toContain(`\n#    ${PIP_COMPILE.requirements.join(' ')}\n`);
    expect(dev).toContain(`\n#    ${PIP_COMPILE.dev.join(' ')}\n`);
  });

  test('a changed hash in requirements.txt is caught', ({ skip }) => {
    const { uv } = need(skip);
    const o = allLockOptions()[0]!;
    const r = uvOffline(uv, ['export', '--frozen', '--no-emit-project', '--no-header', '--no-dev'], storedUvProject(o, '-tamper'));
    // A hash of a file uv would install, changed in requirements.txt.
    const hash = /--hash=sha256:[0-9a-f]{64}/.exec(r.stdout)![0];
    const tampered = mutate(readLock(o, 'requirements.txt'), hash, `--hash=sha256:${'0'.repeat(64)}`);
    expect(mismatches(pins(tampered), pins(r.stdout))).toEqual([expect.stringContaining(`the pip lock lacks ${hash.slice('--hash='.length)}`)]);
  });
});

describe('every locked distribution has a wheel for each platform and Python the images run on', () => {
  test.for(LOCKS)(`%s: Linux x86_64 and aarch64, Python ${PYTHON_VERSIONS.join(', ')}`, ([, o], { skip }) => {
    const { uv } = need(skip);
    expect(wheelCoverageProblems(uv, storedUvProject(o, '-wheels'))).toEqual([]);
  });

  test('a lock without the aarch64 wheels of one package is caught', ({ skip }) => {
    const { uv } = need(skip);
    const o: LockOptions = { framework: 'fastapi', postgres: true, redis: false, migrations: true, lint: true, worker: 'none' };
    const dir = storedUvProject(o, '-no-arm');
    const lock = path.join(dir, 'uv.lock');
    // Drop every aarch64 wheel of pydantic-core (a compiled package) from the lock.
    const text = readFileSync(lock, 'utf8').replace(/^ {4}\{ url = "[^"]*\/pydantic_core-[^"]*aarch64[^"]*\.whl".*\n/gm, '');
    writeFileSync(lock, text);
    const problems = wheelCoverageProblems(uv, dir);
    // One for each offered Python, on aarch64 only.
    expect(problems.map((p) => p.replace(/^pydantic-core==\S+: /, '')).sort()).toEqual(PYTHON_VERSIONS.map((v) => `Python ${v} on Linux aarch64`));
  });
});
