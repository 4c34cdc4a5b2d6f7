// Combinations of a project's options, and the one way a combination is named: the combination
// tests and their snapshot folders (comboId), the lock store's folders (lockId in
// src/features/locks.ts) and the tests' own tables name theirs with combinationId, each over the
// options it varies (a lock does not depend on the Dockerfile or the package manager, so its id
// does not name them), spelt the same way.

import { DOCKERFILE_VARIANTS, FRAMEWORKS, PACKAGE_MANAGERS, type Combination, type DeployTarget, type ProjectOptions, type PythonVersion } from './values.js';

/** How an on/off option is spelt in an id: its tag when on, no<tag> when off. */
const ID_TAGS: Partial<Record<keyof ProjectOptions, string>> = { postgres: 'pg', redis: 'redis', migrations: 'alembic', lint: 'ruff', beat: 'beat' };

/**
 * An option an id names: always (its key), or only where it is not at `leftOutAt` (an option
 * added after the ids existed, so the ids of combinations without it stay what they were), or
 * only where the yes/no `onlyWith` is on (migrations: only with PostgreSQL).
 */
export type IdAxis<K extends keyof ProjectOptions> = K | { key: K; leftOutAt?: ProjectOptions[K]; onlyWith?: K };

/**
 * A combination's name: each of `axes` in order, a choice by its value, an on/off option by its
 * tag (`fastapi-pg-noredis-standard-uv`, `flask-nopg-redis-ruff`, `fastapi-pg-redis-alembic-ruff-celery`).
 * An axis that may be left out may also be absent from `options`.
 */
export function combinationId<K extends keyof ProjectOptions>(options: Partial<Pick<ProjectOptions, K>>, axes: readonly IdAxis<K>[]): string {
  return axes
    .flatMap((axis) => {
      const key: K = typeof axis === 'object' ? axis.key : axis;
      const value = options[key];
      if (typeof axis === 'object' && (value === undefined || value === axis.leftOutAt || (axis.onlyWith !== undefined && options[axis.onlyWith] !== true))) return [];
      if (value === undefined) throw new Error(`the combination has no ${key}`);
      if (typeof value !== 'boolean') return [String(value)];
      const tag = ID_TAGS[key];
      if (tag === undefined) throw new Error(`no id tag for the option ${key}`);
      return [value ? tag : `no${tag}`];
    })
    .join('-');
}

/**
 * The options the combination tests vary (allCombinations), in the order their ids name them;
 * the worker and its beat, which came later, only where a combination has them.
 */
export const COMBINATION_AXES = [
  'framework',
  'postgres',
  'redis',
  'dockerfile',
  'packageManager',
  { key: 'worker', leftOutAt: 'none' },
  { key: 'beat', leftOutAt: false },
] as const satisfies readonly IdAxis<keyof Combination>[];
type ComboAxis = 'framework' | 'postgres' | 'redis' | 'dockerfile' | 'packageManager';

/**
 * Every combination of the structural options (framework x postgres x redis x dockerfile x
 * package manager), for one Python version and deployment target, with migrations wherever
 * there is PostgreSQL, as a new project has them, and no worker; then the four with a Celery
 * worker, two of them with its beat (see below).
 */
export function allCombinations(python: PythonVersion = '3.13', deploy: DeployTarget[] = []): Combination[] {
  const out: Combination[] = [];
  for (const framework of FRAMEWORKS)
    for (const postgres of [true, false])
      for (const redis of [true, false])
        for (const dockerfile of DOCKERFILE_VARIANTS)
          for (const packageManager of PACKAGE_MANAGERS)
            out.push({ framework, python, postgres, redis, dockerfile, migrations: postgres, packageManager, deploy, worker: 'none', beat: false });
  // The worker where it applies (PostgreSQL and Redis), for each framework and package manager.
  // One Dockerfile variant: the worker is the app's image with another command, so the variant
  // changes nothing of it. Celery beat with uv (the default, which the Kubernetes tests take for
  // both), none with pip: each framework's worker is walked with and without it; beat, another
  // command of the same image and packages, changes nothing the package manager does.
  for (const framework of FRAMEWORKS)
    for (const packageManager of PACKAGE_MANAGERS)
      out.push({ framework, python, postgres: true, redis: true, dockerfile: 'standard', migrations: true, packageManager, deploy, worker: 'celery', beat: packageManager === 'uv' });
  return out;
}

/** `fastapi-pg-redis-standard-uv` (`-celery` with a worker, `-celery-beat` with its beat): one of allCombinations(), by the options it varies. */
export function comboId(o: Pick<ProjectOptions, ComboAxis> & Partial<Pick<ProjectOptions, 'worker' | 'beat'>>): string {
  return combinationId(o, COMBINATION_AXES);
}
