// The lock files a new project ships: uv.lock, or requirements.txt and requirements-dev.txt with
// hashes. They cannot be computed at scaffold time (that needs PyPI), so `npm run lock`
// (scripts/lock/main.ts) computes them ahead and stores them under templates/locks/<lock id>/.
// One set per combination of the options that change what is installed: framework x postgres x
// redis x migrations (Alembic, only with PostgreSQL) x lint (ruff, a dev requirement). The
// Dockerfile variant does not, and neither does the Python version: each lock is
// resolved once for every offered Python (uv's universal resolution, requires-python >= the
// oldest), and tests/tools/locks.test.ts checks it is current and covers every Python and both Linux
// architectures.
//
// The uv.lock files share most of their packages (the same fastapi, the same
// pydantic-core, with all their wheels), so they are stored once: uv-packages.lock holds every
// `[[package]]` table of any of them, and each <lock id>/ holds only what is its own, the header
// and the project's table (uv-project.lock), and the list of the pool's tables its lock has, in
// uv's order (uv-packages.txt). readLock puts them back together, byte for byte what `uv lock`
// wrote (npm run lock checks that before it writes them). That keeps the published package
// small.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../engine/package-version.js';
import { CliError } from '../errors.js';
import { FRAMEWORKS, type ProjectOptions } from '../options/table.js';

/** The options a lock depends on: those whose features declare requirements. */
export type LockOptions = Pick<ProjectOptions, 'framework' | 'postgres' | 'redis' | 'migrations' | 'lint'>;

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
  const migrations = o.postgres ? [o.migrations ? 'alembic' : 'noalembic'] : [];
  return [o.framework, o.postgres ? 'pg' : 'nopg', o.redis ? 'redis' : 'noredis', ...migrations, o.lint ? 'ruff' : 'noruff'].join('-');
}

/** Every combination that has locks, in a fixed order (migrations only with PostgreSQL). */
export function allLockOptions(): LockOptions[] {
  const bools = [true, false];
  return FRAMEWORKS.flatMap((framework) =>
    bools.flatMap((postgres) =>
      bools.flatMap((redis) => (postgres ? bools : [false]).flatMap((migrations) => bools.map((lint) => ({ framework, postgres, redis, migrations, lint })))),
    ),
  );
}

/** Only the options a lock depends on (a ProjectOptions holds many more). */
export function lockOptionsOf(o: LockOptions): LockOptions {
  return { framework: o.framework, postgres: o.postgres, redis: o.redis, migrations: o.postgres && o.migrations, lint: o.lint };
}

export type StoredLockFile = 'uv.lock' | 'requirements.txt' | 'requirements-dev.txt';

/** Where the uv package pool and each lock's own parts are stored. */
export const UV_POOL = 'uv-packages.lock';
export const UV_OWN = 'uv-project.lock';
export const UV_LIST = 'uv-packages.txt';

/**
 * Where a stored pip lock is. requirements.txt holds the runtime requirements only, which ruff
 * (a dev requirement) does not change, so a combination without ruff shares the one of the same
 * combination with it (`npm run lock` checks they are the same before it stores one).
 */
export function storedPipLock(o: LockOptions, file: Exclude<StoredLockFile, 'uv.lock'>, locksDir = LOCKS_DIR): string {
  const owner = file === 'requirements.txt' ? { ...lockOptionsOf(o), lint: true } : lockOptionsOf(o);
  return path.join(locksDir, lockId(owner), file);
}

/** A stored lock file, as `npm run lock` computed it (uv.lock: for LOCK_PROJECT_NAME). */
export function readLock(o: LockOptions, file: StoredLockFile, locksDir = LOCKS_DIR): string {
  if (file !== 'uv.lock') return readFileSync(storedPipLock(o, file, locksDir), 'utf8');
  const { header, project, packages } = storedUvLock(o, locksDir);
  return joinUvLock(header, insertInOrder(packages, project));
}

/** The stored uv.lock's parts: its header, the project's table, the packages' tables in uv's order. */
function storedUvLock(o: LockOptions, locksDir: string): { header: string; project: string; packages: string[] } {
  const dir = path.join(locksDir, lockId(o));
  const pool = new Map(splitUvLock(readFileSync(path.join(locksDir, UV_POOL), 'utf8')).tables.map((t) => [tableKey(t), t]));
  const own = splitUvLock(readFileSync(path.join(dir, UV_OWN), 'utf8'));
  const keys = readFileSync(path.join(dir, UV_LIST), 'utf8').split('\n').filter(Boolean);
  const packages = keys.map((key) => {
    const table = pool.get(key);
    if (table === undefined) throw new Error(`${UV_POOL} has no [[package]] ${key}, which ${lockId(o)}/${UV_LIST} lists: run npm run lock`);
    return table;
  });
  return { header: own.header, project: own.tables[0]!, packages };
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
