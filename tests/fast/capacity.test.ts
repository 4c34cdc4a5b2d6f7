// The PostgreSQL connections a generated project can open at its most, added up from the
// RENDERED files, stay within what PostgreSQL allows: max_connections (100 by default) minus the
// connections it keeps for superusers (superuser_reserved_connections, 3). At its most means:
//   Kubernetes: (HPA maxReplicas + the rollout's maxSurge) pods x WEB_CONCURRENCY workers x
//               (DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW) + the migration Job's pods x 1,
//               for each overlay as `kubectl kustomize` builds it;
//   Compose:    WEB_CONCURRENCY's default x the same per-worker pool + the migrate service.
// And a request never waits long for a pooled connection: gunicorn's threads fit the pool, and
// DATABASE_POOL_TIMEOUT (which bounds FastAPI's 40 threads' wait) is at most 2 s. A changed
// template that breaks any of this fails here; the planted faults below show that it would.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pairsUnderTest } from '../support/combinations.js';
import { combinationId } from '../../src/options/table.js';
import { generateInto } from '../support/generate.js';
import { kubectlKustomize, kustomizeUnavailable, parseObjects, type K8sObject } from '../support/kubernetes-check.js';
import { mutate } from '../support/mutate.js';

const MAX_CONNECTIONS = 100;
const SUPERUSER_RESERVED = 3;
const ALLOWED = MAX_CONNECTIONS - SUPERUSER_RESERVED;
const POOL_WAIT_MAX_SECONDS = 2;
const OVERLAYS = ['overlays/dev', 'overlays/prod'] as const;
const K8S = 'deploy/kubernetes';

const noKustomize = kustomizeUnavailable();

// Every option that can change the count: the framework (workers, threads), migrations (a
// Job, a Compose service); Redis for good measure. PostgreSQL is on: without it, no pool.
// Every combination in a full run, a covering array of their pairs in test:fast.
const COMBOS = pairsUnderTest(
  (['fastapi', 'flask'] as const).flatMap((framework) => [true, false].flatMap((migrations) => [true, false].map((redis) => ({ framework, migrations, redis })))),
  ['framework', 'migrations', 'redis'],
);
const idOf = (c: (typeof COMBOS)[number]) => combinationId(c, ['framework', 'migrations', 'redis']);

function project(combo: (typeof COMBOS)[number]): string {
  return generateInto({ ...combo, postgres: true, deploy: ['kubernetes'], name: idOf(combo) });
}

/** One project per combination for the tests that only read it (a planted fault gets its own, from project()). */
const readOnly = new Map<string, string>();
function sharedProject(combo: (typeof COMBOS)[number]): string {
  if (!readOnly.has(idOf(combo))) readOnly.set(idOf(combo), project(combo));
  return readOnly.get(idOf(combo))!;
}

/** A default of settings.py: `name: int = 2` (Flask) or `name: int = Field(default=2, ...)` (FastAPI). */
function settingDefault(dir: string, field: string): number {
  const text = readFileSync(path.join(dir, 'app/settings.py'), 'utf8');
  const match = new RegExp(`^\\s+${field}: (?:int|float) = (?:Field\\(default=)?([0-9.]+)`, 'm').exec(text);
  if (!match) throw new Error(`no default for ${field} in app/settings.py`);
  return Number(match[1]);
}

/** Connections one server worker may hold: its pool and what it opens beyond it. */
function perWorker(dir: string): number {
  return settingDefault(dir, 'database_pool_size') + settingDefault(dir, 'database_max_overflow');
}

interface Count {
  where: string;
  connections: number;
  sum: string;
}

async function kubernetesCount(dir: string, overlay: string): Promise<Count> {
  const built = await kubectlKustomize(path.join(dir, K8S, overlay));
  if (built.code !== 0) throw new Error(`kubectl kustomize ${overlay}: ${built.stderr}`);
  const objects = parseObjects(built.stdout);
  const only = (kind: string, component?: string): K8sObject[] =>
    objects.filter((o) => o.kind === kind && (component === undefined || o.metadata.labels?.['app.kubernetes.io/component'] === component));
  const [hpa] = only('HorizontalPodAutoscaler');
  const [deployment] = only('Deployment', 'web');
  const config = only('ConfigMap').find((c) => (c as { data?: Record<string, string> }).data?.WEB_CONCURRENCY !== undefined);
  if (!hpa || !deployment || !config) throw new Error(`${overlay}: no HorizontalPodAutoscaler, web Deployment or ConfigMap with WEB_CONCURRENCY`);
  const maxReplicas = (hpa as unknown as { spec: { maxReplicas: number } }).spec.maxReplicas;
  const surge = Number((deployment as unknown as { spec: { strategy?: { rollingUpdate?: { maxSurge?: number | string } } } }).spec.strategy?.rollingUpdate?.maxSurge ?? 1);
  if (!Number.isInteger(surge)) throw new Error(`${overlay}: maxSurge ${surge} is not a count of pods`);
  const workers = Number((config as unknown as { data: Record<string, string> }).data.WEB_CONCURRENCY);
  const jobs = only('Job').reduce((n, job) => n + ((job as unknown as { spec: { parallelism?: number } }).spec.parallelism ?? 1), 0);
  const pool = perWorker(dir);
  return {
    where: `Kubernetes ${overlay}`,
    connections: (maxReplicas + surge) * workers * pool + jobs,
    sum: `(${maxReplicas} + ${surge}) pods x ${workers} workers x ${pool} + ${jobs} migration`,
  };
}

function composeCount(dir: string): Count {
  const compose = parseYaml(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
  const app = Object.values(compose.services).find((s) => s.environment?.WEB_CONCURRENCY !== undefined);
  const workers = Number(/:-(\d+)\}$/.exec(app?.environment?.WEB_CONCURRENCY ?? '')?.[1]);
  if (!Number.isInteger(workers)) throw new Error('compose.yaml: no service with WEB_CONCURRENCY and a default');
  const migrate = compose.services.migrate ? 1 : 0;
  const pool = perWorker(dir);
  return { where: 'Compose', connections: workers * pool + migrate, sum: `${workers} workers x ${pool} + ${migrate} migrate` };
}

async function counts(dir: string): Promise<Count[]> {
  return [composeCount(dir), ...(await Promise.all(OVERLAYS.map((o) => kubernetesCount(dir, o))))];
}

function overBudget(all: Count[]): string[] {
  return all.filter((c) => c.connections > ALLOWED).map((c) => `${c.where}: ${c.sum} = ${c.connections} > ${ALLOWED}`);
}

describe.skipIf(noKustomize !== null)('PostgreSQL connections add up', () => {
  for (const combo of COMBOS) {
    it(`${idOf(combo)}: the most connections the project opens fit within max_connections ${MAX_CONNECTIONS} - ${SUPERUSER_RESERVED}`, async () => {
      const all = await counts(sharedProject(combo));
      console.info(`${idOf(combo)}: ${all.map((c) => `${c.where} ${c.sum} = ${c.connections}`).join('; ')}`);
      expect(overBudget(all)).toEqual([]);
    });
  }

  it('a request waits at most 2 s for a pooled connection, and gunicorn threads never wait for one', () => {
    for (const combo of COMBOS) {
      const dir = sharedProject(combo);
      expect(settingDefault(dir, 'database_pool_timeout'), idOf(combo)).toBeLessThanOrEqual(POOL_WAIT_MAX_SECONDS);
      if (combo.framework === 'flask') {
        const threads = Number(/GUNICORN_THREADS", "(\d+)"/.exec(readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8'))?.[1]);
        expect(threads, idOf(combo)).toBeLessThanOrEqual(perWorker(dir));
      }
    }
  });

  // Planted faults: the same count, on a copy with one template change, must fail.
  const flask = COMBOS.find((c) => c.framework === 'flask' && c.migrations)!;
  it('fails when the autoscaler may start more pods (maxReplicas 10 -> 12)', async () => {
    const dir = project(flask);
    const hpa = path.join(dir, K8S, 'base/hpa.yaml');
    writeFileSync(hpa, mutate(readFileSync(hpa, 'utf8'), /maxReplicas: \d+/, 'maxReplicas: 12'));
    expect(overBudget(await counts(dir))).toEqual([expect.stringMatching(/^Kubernetes overlays\/prod: \(12 \+ 1\) pods/)]);
  });

  it('fails when each worker may hold more connections (DATABASE_POOL_SIZE default 2 -> 5)', async () => {
    const dir = project(flask);
    const settings = path.join(dir, 'app/settings.py');
    writeFileSync(settings, mutate(readFileSync(settings, 'utf8'), /database_pool_size: int = \d+/, 'database_pool_size: int = 5'));
    expect(overBudget(await counts(dir))).toEqual([expect.stringMatching(/^Kubernetes overlays\/prod: .* x 7 \+ 1 migration/)]);
  });
});
