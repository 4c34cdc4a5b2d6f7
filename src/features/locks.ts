// The lock files a new project ships: uv.lock, or requirements.txt and requirements-dev.txt with
// hashes. They cannot be computed at scaffold time (that needs PyPI), so `npm run lock`
// (scripts/lock.ts) computes them ahead and stores them under templates/locks/<lock id>/.
// One set per framework x postgres x redis: those are the only options that change what is
// installed. The Dockerfile variant does not, and neither does the Python version: each lock is
// resolved once for every offered Python (uv's universal resolution, requires-python >= the
// oldest), and tests/locks.test.ts checks it is current and covers every Python and both Linux
// architectures.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../engine/package-version.js';
import { CliError } from '../errors.js';
import { FRAMEWORKS, type ProjectOptions } from '../options/table.js';

/** The options a lock depends on. */
export type LockOptions = Pick<ProjectOptions, 'framework' | 'postgres' | 'redis'>;

export const LOCKS_DIR = path.join(packageRoot(), 'templates', 'locks');

/**
 * The project name the stored uv.lock is computed for. uv records the project itself in its
 * lock, so each project's uv.lock is the stored one with this name replaced (uvLockFor).
 */
export const LOCK_PROJECT_NAME = 'create-python-docker-app-lock-placeholder';

/** `fastapi-pg-redis`: the directory under templates/locks/ holding that combination's locks. */
export function lockId(o: LockOptions): string {
  return [o.framework, o.postgres ? 'pg' : 'nopg', o.redis ? 'redis' : 'noredis'].join('-');
}

/** Every combination that has locks, in a fixed order. */
export function allLockOptions(): LockOptions[] {
  return FRAMEWORKS.flatMap((framework) => [true, false].flatMap((postgres) => [true, false].map((redis) => ({ framework, postgres, redis }))));
}

/** A stored lock file, as `npm run lock` wrote it. */
export function readLock(o: LockOptions, file: string, locksDir = LOCKS_DIR): string {
  return readFileSync(path.join(locksDir, lockId(o), file), 'utf8');
}

/** PEP 503: how uv writes a package name in its lock. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The stored uv.lock for a project named `projectName`. uv writes one `[[package]]` table per
 * package, in name order, the project among them; the stored lock has the project under
 * LOCK_PROJECT_NAME. Its table is renamed and moved to its place in name order, which is what
 * `uv lock` writes for that name (tests/locks.test.ts holds `uv lock --check` to it for names
 * that sort first, last and in between). A project named like a package it installs cannot be
 * locked at all (uv refuses a project that shadows a dependency), so that name is refused.
 */
export function uvLockFor(storedLock: string, projectName: string): string {
  const name = normalizePackageName(projectName);
  // Split at the blank line before each table; the header (version, requires-python, ...) is first.
  const [header, ...tables] = storedLock.split(/\n(?=\[\[package\]\]\n)/);
  const nameOf = (table: string) => /^name = "([^"]+)"$/m.exec(table)?.[1];
  const projectIndex = tables.findIndex((t) => nameOf(t) === LOCK_PROJECT_NAME);
  if (header === undefined || projectIndex < 0) throw new Error(`the stored uv.lock has no [[package]] named ${LOCK_PROJECT_NAME}`);
  const others = tables.filter((_, i) => i !== projectIndex);
  if (others.some((t) => nameOf(t) === name))
    throw new CliError(
      'invalid-name',
      `a uv project cannot be named "${projectName}": it installs a package of that name, which uv would take the project for; pass --name with another name, or --package-manager pip`,
    );
  const project = tables[projectIndex]!.replace(`name = "${LOCK_PROJECT_NAME}"`, `name = "${name}"`);
  const at = others.findIndex((t) => nameOf(t)! > name);
  others.splice(at < 0 ? others.length : at, 0, project);
  // Every part ends with its last line's newline; the blank line between tables is the join.
  return [header, ...others].join('\n');
}
