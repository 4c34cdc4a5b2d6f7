// The lock files a new project ships: uv.lock, or requirements.txt and requirements-dev.txt with
// hashes. They cannot be computed at scaffold time (that needs PyPI), so `npm run lock`
// (scripts/lock/main.ts) computes them ahead, for every combination of the options that change
// what is installed (framework x postgres x redis x migrations x lint; neither the Dockerfile
// variant nor the Python version does: each lock is one universal resolution for every offered
// Python), and stores them under templates/locks/ by what each feature adds, not per combination:
//  - uv-packages.lock: every `[[package]]` table of any uv.lock, once (name and version: each
//    package has one version in every lock, so a table is the same wherever it appears);
//  - uv-project.lock: the header and the project's own table with its lists emptied, which are
//    the same in every lock;
//  - features.json: for each feature (the framework, postgres, redis, migrations, lint, and
//    `base` for what every lock has), the packages and the project's list lines it adds. A
//    combination's uv.lock is the pool's tables of its features' packages, in the pool's (uv's
//    name) order, with the project's lists filled with its features' lines, sorted;
//  - pip-hashes.txt: for each pinned `name==version`, the hashes pip locks that uv.lock leaves
//    out (files for Pythons older than the oldest offered); the others come from the pool;
//  - pip/: requirements.txt and requirements-dev.txt without their hash lines, each distinct one
//    once, and pip/index.json naming the one of each combination. These stay per combination:
//    pip-compile annotates each pin with the packages that need it in that combination
//    (`# via ...`) and merges its markers per combination (typing-extensions is
//    `python_full_version < '3.13'` in some, `< '3.15'` in others), so a pin's text is not one
//    feature's. Six distinct requirements-dev.txt serve the 24 combinations.
// readLock assembles a combination's files. `npm run lock` proves, for every combination, that
// the assembly is byte for byte what uv wrote from scratch, before it stores anything; a
// resolution that does not split by feature (a shared package at two versions) stops it there.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../engine/package-version.js';
import { CliError } from '../errors.js';
import { combinationId } from '../options/combinations.js';
import { FRAMEWORKS, WORKER_KINDS, type ProjectOptions, type WorkerKind } from '../options/values.js';

/** The options a lock depends on: those whose features declare requirements. */
export type LockOptions = Pick<ProjectOptions, 'framework' | 'postgres' | 'redis' | 'migrations' | 'lint' | 'worker'>;

export const LOCKS_DIR = path.join(packageRoot(), 'templates', 'locks');

/**
 * The project name the stored uv.lock is computed for. uv records the project itself in its
 * lock, so each project's uv.lock is the stored one with this name replaced (uvLockFor).
 */
export const LOCK_PROJECT_NAME = 'create-python-docker-app-lock-placeholder';

/**
 * `fastapi-pg-redis-alembic-ruff`: the directory under templates/locks/ holding that
 * combination's locks (alembic/noalembic only with PostgreSQL, the only store migrations apply to).
 */
export function lockId(o: LockOptions): string {
  // A worker's locks are named by it; the ids of those without one stay what they were.
  return combinationId(o, ['framework', 'postgres', 'redis', { key: 'migrations', onlyWith: 'postgres' }, 'lint', { key: 'worker', leftOutAt: 'none' }]);
}

/** Every combination that has locks, in a fixed order (migrations only with PostgreSQL). */
export function allLockOptions(): LockOptions[] {
  const bools = [true, false];
  return FRAMEWORKS.flatMap((framework) =>
    bools.flatMap((postgres) =>
      bools.flatMap((redis) =>
        (postgres ? bools : [false]).flatMap((migrations) =>
          bools.flatMap((lint) => workersWith(postgres, redis).map((worker) => ({ framework, postgres, redis, migrations, lint, worker }))),
        ),
      ),
    ),
  );
}

/** A worker needs PostgreSQL and Redis (the option table refuses it otherwise). */
function workersWith(postgres: boolean, redis: boolean): WorkerKind[] {
  return postgres && redis ? [...WORKER_KINDS] : ['none'];
}

/** Only the options a lock depends on (a ProjectOptions holds many more). */
export function lockOptionsOf(o: LockOptions): LockOptions {
  return { framework: o.framework, postgres: o.postgres, redis: o.redis, migrations: o.postgres && o.migrations, lint: o.lint, worker: o.postgres && o.redis ? o.worker : 'none' };
}

export type StoredLockFile = 'uv.lock' | 'requirements.txt' | 'requirements-dev.txt';

/** The files of the lock store, under templates/locks/ (see the top of this file). */
export const STORE = {
  uvPool: 'uv-packages.lock',
  uvProject: 'uv-project.lock',
  features: 'features.json',
  pipHashes: 'pip-hashes.txt',
  pipDir: 'pip',
  pipIndex: 'pip/index.json',
} as const;

/** What one feature adds to a uv.lock: pool keys (`name version`) and lines of the project's lists. */
export interface UvFragment {
  packages: string[];
  /** By list: `0 dependencies = [` (the list's position in the project table, and its first line). */
  lists: Record<string, string[]>;
}

/** features.json: every lock feature's fragment, `base` included. */
export type FeatureFragments = Record<string, UvFragment>;

export type PipLockFile = Exclude<StoredLockFile, 'uv.lock'>;

/** pip/index.json: for each lock id, the stored file (under pip/) of each pip lock. */
export type PipIndex = Record<string, Record<PipLockFile, string>>;

/**
 * The features a lock is made of: `base` (what every lock has), the framework, and each option
 * that adds requirements (migrations only with PostgreSQL).
 */
export function lockFeatures(o: LockOptions): string[] {
  const on = { postgres: o.postgres, redis: o.redis, migrations: o.postgres && o.migrations, lint: o.lint, worker: o.postgres && o.redis && o.worker !== 'none' };
  return ['base', o.framework, ...Object.entries(on).flatMap(([feature, enabled]) => (enabled ? [feature] : []))];
}

/** The list lines of a project table, by list (see UvFragment), and the table with them taken out. */
export function projectLists(table: string): { skeleton: string; lists: Record<string, string[]> } {
  const lists: Record<string, string[]> = {};
  const kept: string[] = [];
  let current: string[] | undefined;
  for (const line of table.split('\n')) {
    if (current && line.startsWith('    ')) {
      current.push(line);
      continue;
    }
    current = undefined;
    kept.push(line);
    if (line.endsWith(' = [')) lists[`${Object.keys(lists).length} ${line}`] = current = [];
  }
  return { skeleton: kept.join('\n'), lists };
}

/** The inverse of projectLists: each list's lines put back after its first line. */
function fillProjectLists(skeleton: string, lists: Record<string, string[]>): string {
  let index = 0;
  return skeleton
    .split('\n')
    .flatMap((line) => (line.endsWith(' = [') ? [line, ...(lists[`${index++} ${line}`] ?? [])] : [line]))
    .join('\n');
}

/**
 * The store's files under `locksDir`, each read (and parsed) once per process, when first needed;
 * and what is assembled from them (a pool table, a pip lock), kept by what it was asked for: a
 * process that scaffolds many projects (the plop pack, the test suite) assembles each once.
 */
class Store {
  private readonly files = new Map<string, unknown>();
  private readonly assembled = new Map<string, unknown>();
  constructor(private readonly locksDir: string) {}

  private cached<T>(file: string, parse: (text: string) => T): T {
    if (!this.files.has(file)) this.files.set(file, parse(readFileSync(path.join(this.locksDir, file), 'utf8')));
    return this.files.get(file) as T;
  }

  /** `make()`'s value, made once per store and key; only for values no caller changes (strings, frozen). */
  once<T>(key: string, make: () => T): T {
    if (!this.assembled.has(key)) this.assembled.set(key, make());
    return this.assembled.get(key) as T;
  }

  /** The header and the project's table with its lists emptied. */
  get project(): { header: string; project: string } {
    return this.cached(STORE.uvProject, (text) => {
      const { header, tables } = splitUvLock(text);
      return { header, project: tables[0]! };
    });
  }

  get features(): FeatureFragments {
    return this.cached(STORE.features, (text) => JSON.parse(text) as FeatureFragments);
  }

  get pipExtra(): Map<string, string[]> {
    return this.cached(STORE.pipHashes, parsePipHashes);
  }

  get pipIndex(): PipIndex {
    return this.cached(STORE.pipIndex, (text) => JSON.parse(text) as PipIndex);
  }

  pipSkeleton(file: string): string {
    return this.cached(path.join(STORE.pipDir, file), (text) => text);
  }

  /**
   * The pool's table of `name version` and where it starts (the pool is in uv's order), found
   * by its first lines rather than by splitting the whole pool: a scaffold needs a few dozen.
   */
  table(key: string): Readonly<{ at: number; table: string }> | undefined {
    return this.once(`table ${key}`, () => {
      const pool = this.cached(STORE.uvPool, (text) => text);
      const [name, version] = key.split(' ');
      const start = pool.indexOf(`\n[[package]]\nname = "${name}"\nversion = "${version}"\n`);
      if (start < 0) return undefined;
      const next = pool.indexOf('\n[[package]]\n', start + 1);
      // A table ends with its last line's newline; the blank line before the next one is the join.
      return Object.freeze({ at: start, table: pool.slice(start + 1, next < 0 ? pool.length : next) });
    });
  }
}

const stores = new Map<string, Store>();

function store(locksDir: string): Store {
  let loaded = stores.get(locksDir);
  if (!loaded) stores.set(locksDir, (loaded = new Store(locksDir)));
  return loaded;
}

/** pip-hashes.txt: `name==version` lines, each followed by its indented `sha256:...` lines. */
export function parsePipHashes(text: string): Map<string, string[]> {
  const extra = new Map<string, string[]>();
  let pin: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith(' ')) pin.push(line.trim());
    else extra.set(line, (pin = []));
  }
  return extra;
}

/** Forget a store read before (npm run lock reads back the one it has just written). */
export function forgetStore(locksDir: string): void {
  stores.delete(locksDir);
}

/** A stored lock file, as `npm run lock` computed it (uv.lock: for LOCK_PROJECT_NAME). */
export function readLock(o: LockOptions, file: StoredLockFile, locksDir = LOCKS_DIR): string {
  if (file !== 'uv.lock') return pipLock(o, file, locksDir);
  const { header, project, packages } = storedUvLock(o, locksDir);
  return joinUvLock(header, insertInOrder(packages, project));
}

/** A combination's uv.lock parts: the header, the project's table, the packages' tables in uv's order. */
function storedUvLock(o: LockOptions, locksDir: string): { header: string; project: string; packages: string[] } {
  const stored = store(locksDir);
  const fragments = lockFeatures(o).map((feature) => {
    const fragment = stored.features[feature];
    if (!fragment) throw new Error(`${STORE.features} has no feature ${feature}: run npm run lock`);
    return fragment;
  });
  const tables = [...new Set(fragments.flatMap((f) => f.packages))].map((key) => {
    const found = stored.table(key);
    if (!found) throw new Error(`${STORE.uvPool} has no [[package]] ${key}, which ${STORE.features} names: run npm run lock`);
    return found;
  });
  const lists: Record<string, string[]> = {};
  for (const fragment of fragments) for (const [list, lines] of Object.entries(fragment.lists)) (lists[list] ??= []).push(...lines);
  // Two features may add the same line (watchfiles: FastAPI's dev server and the worker's
  // reloader); uv writes each once.
  for (const [list, lines] of Object.entries(lists)) lists[list] = [...new Set(lines)].sort();
  const { header, project } = stored.project;
  // In the pool's order, which is uv's (by name).
  const packages = tables.sort((a, b) => a.at - b.at).map((t) => t.table);
  return { header, project: fillProjectLists(project, lists), packages };
}

/** Every file hash (`sha256:...`) of a pool table: its sdist's and its wheels'. */
export function tableHashes(table: string | undefined): string[] {
  return [...(table ?? '').matchAll(/hash = "(sha256:[0-9a-f]{64})"/g)].map((m) => m[1]!);
}

/** A pin's line in a pip lock (`name==version[ ; marker] \`), where its hash lines follow. */
export const PIP_PIN = /^([a-z0-9][a-z0-9._-]*)==(\S+)(?: ;[^\n]*)? \\\n/gm;

/**
 * A pip lock: its stored text without hashes, each pin given the hashes of its pool table
 * (uv.lock's) and pip's extra ones, sorted, as pip-compile writes them.
 */
function pipLock(o: LockOptions, file: PipLockFile, locksDir: string): string {
  const stored = store(locksDir);
  const name = stored.pipIndex[lockId(o)]?.[file];
  if (name === undefined) throw new Error(`${STORE.pipIndex} has no ${file} for ${lockId(o)}: run npm run lock`);
  return stored.once(`pip ${name}`, () =>
    stored.pipSkeleton(name).replace(PIP_PIN, (pin: string, name: string, version: string) => {
      const hashes = [...tableHashes(stored.table(`${name} ${version}`)?.table), ...(stored.pipExtra.get(`${name}==${version}`) ?? [])].sort();
      return pin + hashes.map((h, i) => `    --hash=${h}${i < hashes.length - 1 ? ' \\' : ''}\n`).join('');
    }),
  );
}

/** A project's uv.lock: the stored one with the project's own name (see uvLockFor). */
export function projectUvLock(o: LockOptions, projectName: string, locksDir = LOCKS_DIR): string {
  const { header, project, packages } = storedUvLock(o, locksDir);
  return placeProject(header, project, packages, projectName);
}

/** A uv.lock's header (version, requires-python, ...) and its `[[package]]` tables, as text. */
export function splitUvLock(text: string): { header: string; tables: string[] } {
  // Split at the blank line before each table: every part ends with its last line's newline.
  const [header, ...tables] = text.split(/\n(?=\[\[package\]\]\n)/);
  return { header: header!, tables };
}

/** The inverse of splitUvLock: the blank line between parts is the join. */
export function joinUvLock(header: string, tables: string[]): string {
  return [header, ...tables].join('\n');
}

/** `name version` of a `[[package]]` table (the project has the placeholder name). */
export function tableKey(table: string): string {
  return `${nameOf(table)} ${/^version = "([^"]+)"$/m.exec(table)?.[1] ?? ''}`;
}

function nameOf(table: string): string | undefined {
  return /^name = "([^"]+)"$/m.exec(table)?.[1];
}

/** `tables` (in uv's name order) with `table` at its place in that order. */
function insertInOrder(tables: string[], table: string): string[] {
  const name = nameOf(table)!;
  const at = tables.findIndex((t) => nameOf(t)! > name);
  return at < 0 ? [...tables, table] : [...tables.slice(0, at), table, ...tables.slice(at)];
}

/** The lock files a new project ships (compiled by a tool, never edited by hand). */
export function isLockFile(projectPath: string): boolean {
  return projectPath === 'uv.lock' || projectPath === 'requirements.txt' || projectPath === 'requirements-dev.txt';
}

/** PEP 503: how uv writes a package name in its lock. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The stored uv.lock for a project named `projectName`. uv writes one `[[package]]` table per
 * package, in name order, the project among them; the stored lock has the project under
 * LOCK_PROJECT_NAME. Its table is renamed and moved to its place in name order, which is what
 * `uv lock` writes for that name (tests/tools/locks.test.ts holds `uv lock --check` to it for names
 * that sort first, last and in between). A project named like a package it installs cannot be
 * locked at all (uv refuses a project that shadows a dependency), so that name is refused.
 */
export function uvLockFor(storedLock: string, projectName: string): string {
  const { header, tables } = splitUvLock(storedLock);
  const projectIndex = tables.findIndex((t) => nameOf(t) === LOCK_PROJECT_NAME);
  if (projectIndex < 0) throw new Error(`the stored uv.lock has no [[package]] named ${LOCK_PROJECT_NAME}`);
  return placeProject(header, tables[projectIndex]!, tables.filter((_, i) => i !== projectIndex), projectName);
}

function placeProject(header: string, projectTable: string, others: string[], projectName: string): string {
  const name = normalizePackageName(projectName);
  if (others.some((t) => nameOf(t) === name))
    throw new CliError(
      'invalid-name',
      `a uv project cannot be named "${projectName}": it installs a package of that name, which uv would take the project for; pass --name with another name, or --package-manager pip`,
    );
  const project = projectTable.replace(`name = "${LOCK_PROJECT_NAME}"`, `name = "${name}"`);
  return joinUvLock(header, insertInOrder(others, project));
}
