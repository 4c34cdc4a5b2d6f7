// Combinations of a project's options, and the one way a combination is named: the combination
// tests and their snapshots (comboId) and the lock store's folders (src/features/locks.ts) name
// theirs with combinationId, each over the options it varies.

import { DOCKERFILE_VARIANTS, FRAMEWORKS, PACKAGE_MANAGERS, type Combination, type DeployTarget, type ProjectOptions, type PythonVersion } from './values.js';

/** How an on/off option is spelt in an id: its tag when on, no<tag> when off. */
const ID_TAGS: Partial<Record<keyof ProjectOptions, string>> = { postgres: 'pg', redis: 'redis', migrations: 'alembic', lint: 'ruff' };

/**
 * A combination's name: each of `axes` in order, a choice by its value, an on/off option by its
 * tag (`fastapi-pg-noredis-standard-uv`, `flask-nopg-redis-ruff`).
 */
export function combinationId<K extends keyof ProjectOptions>(options: Pick<ProjectOptions, K>, axes: readonly K[]): string {
  return axes
    .map((axis) => {
      const value = options[axis];
      if (typeof value !== 'boolean') return String(value);
      const tag = ID_TAGS[axis];
      if (tag === undefined) throw new Error(`no id tag for the option ${axis}`);
      return value ? tag : `no${tag}`;
    })
    .join('-');
}

/** The options the combination tests vary (allCombinations), in the order their ids name them. */
const COMBINATION_AXES = ['framework', 'postgres', 'redis', 'dockerfile', 'packageManager'] as const;

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
export function comboId(o: Pick<ProjectOptions, (typeof COMBINATION_AXES)[number]> & Partial<Pick<ProjectOptions, 'worker' | 'beat'>>): string {
  const id = combinationId(o, COMBINATION_AXES);
  if (o.worker === undefined || o.worker === 'none') return id;
  return o.beat ? `${id}-${o.worker}-beat` : `${id}-${o.worker}`;
}
